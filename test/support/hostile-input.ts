/**
 * Hostile API input shared by the transport tests (Electron IPC, WebSocket, stdio): arguments of
 * every method of the contract with one value swapped for something it must refuse, keys like
 * `__proto__` added, whole arguments replaced, plus the cases only JSON text can express
 * (malformed number literals, duplicate keys). A case is kept only when the contract's schema
 * refuses it, so every case is a call that must be answered with a typed error and run nothing.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { argSchemas, hostArgSchemas, type HostMethodName, type MethodName } from '@shared/contract';

type Path = (string | number)[];

/** Valid-shaped arguments, every optional field present so that each one is attacked. */
export const BASE_ARGS: readonly { method: MethodName; args: Record<string, unknown> }[] = [
  {
    method: 'open',
    args: {
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        ipv6Only: false,
        maxConnections: 10,
        noDelay: true,
        halfOpen: false,
        keepAlive: false,
        keepAliveInitialDelayMs: 0,
        record: false,
      },
    },
  },
  {
    method: 'open',
    args: {
      config: {
        kind: 'tcp-client',
        host: 'localhost',
        port: 9,
        localAddress: '127.0.0.1',
        localPort: 0,
        connectTimeoutMs: 1000,
        reconnect: { enabled: false, initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 0 },
        tls: { servername: 'localhost', alpn: ['h2'], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', verify: true },
      },
    },
  },
  {
    method: 'open',
    args: {
      config: {
        kind: 'udp',
        host: '::1',
        port: 0,
        reuseAddress: false,
        broadcast: false,
        recvBufferSize: 65536,
        sendBufferSize: 65536,
        multicastTtl: 1,
        multicastLoopback: false,
        multicastInterface: 'lo',
        remote: { host: '127.0.0.1', port: 9 },
      },
    },
  },
  {
    method: 'open',
    args: {
      config: {
        kind: 'relay',
        transport: 'tcp',
        host: '127.0.0.1',
        port: 0,
        upstream: { host: '127.0.0.1', port: 9 },
        connectTimeoutMs: 1000,
        maxConnections: 10,
        udpIdleMs: 1000,
        framing: { mode: 'delimiter', delimiter: '0a', keepDelimiter: false },
        holdToServer: true,
        holdToClient: false,
        record: false,
      },
    },
  },
  { method: 'hold', args: { sessionId: 's1', flow: 'to-server', hold: true } },
  { method: 'held', args: { sessionId: 's1', action: 'release', ids: ['h1'], connId: 'c1', flow: 'to-client' } },
  {
    method: 'held',
    args: {
      sessionId: 's1',
      action: 'edit',
      id: 'h1',
      payload: { format: 'text', value: 'hi', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
    },
  },
  {
    method: 'inject',
    args: {
      sessionId: 's1',
      connId: 'c1',
      flow: 'to-server',
      payload: { format: 'hex', value: '01 02', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
    },
  },
  { method: 'close', args: { sessionId: 's1' } },
  { method: 'reopen', args: { sessionId: 's1' } },
  { method: 'remove', args: { sessionId: 's1', keepForUndoMs: 1000 } },
  { method: 'restore', args: { sessionId: 's1' } },
  {
    method: 'send',
    args: {
      sessionId: 's1',
      payload: { format: 'text', value: 'hi', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
      to: { type: 'connections', connIds: ['c1'] },
    },
  },
  {
    method: 'send',
    args: { sessionId: 's1', payload: { format: 'hex', value: '00' }, to: { type: 'address', host: '127.0.0.1', port: 9 } },
  },
  { method: 'disconnect', args: { sessionId: 's1', connId: 'c1', mode: 'reset' } },
  { method: 'resetCounters', args: { sessionId: 's1', connId: 'c1' } },
  { method: 'multicast', args: { sessionId: 's1', action: 'join', group: '239.1.2.3', interface: 'lo' } },
  { method: 'list', args: {} },
  { method: 'history', args: { after: 0 } },
  { method: 'record', args: { sessionId: 's1', action: 'start' } },
  { method: 'recordingSettings', args: { recordByDefault: true } },
  { method: 'addresses', args: {} },
  { method: 'certificate', args: { commonName: 'localhost', names: ['localhost', '127.0.0.1'], days: 30 } },
  { method: 'keys', args: { action: 'forget', keyRef: `key-${'0'.repeat(32)}` } },
  { method: 'keys', args: { action: 'import', key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' } },
  {
    method: 'automate',
    args: {
      sessionId: 's1',
      automation: {
        rules: [
          {
            id: 'r1',
            name: 'ping',
            enabled: true,
            match: { on: 'text', kind: 'regex', pattern: '^PING (\\d+)', encoding: 'utf-8', ignoreCase: false },
            reply: { format: 'text', value: 'PONG {{$1}}', encoding: 'utf-8', escapes: true, lineEnding: 'lf' },
            delayMs: 0,
            to: 'sender',
            rateLimit: { replies: 10, perMs: 1000 },
          },
          { id: 'r2', match: { on: 'hex', kind: 'starts', pattern: '01 03 ??' }, reply: { format: 'hex', value: '01 83' } },
        ],
        everyMatch: false,
        framing: { mode: 'delimiter', delimiter: '0a', keepDelimiter: false },
        heartbeat: { enabled: true, intervalMs: 1000, payload: { format: 'text', value: 'hb' } },
        liveness: { enabled: true, silenceMs: 5000, action: 'stale' },
      },
    },
  },
  {
    method: 'automate',
    args: {
      sessionId: 's1',
      automation: {
        framing: { mode: 'length', size: 2, littleEndian: false, offset: 0, includesHeader: false, adjustment: 0, maxFrame: 1000 },
      },
    },
  },
  { method: 'automate', args: { sessionId: 's1', automation: { framing: { mode: 'fixed', size: 4 } } } },
  { method: 'automate', args: { sessionId: 's1', automation: { framing: { mode: 'gap', gapMs: 20 } } } },
  {
    method: 'repeat',
    args: { sessionId: 's1', action: 'start', payload: { format: 'text', value: 'x' }, to: { type: 'all' }, intervalMs: 10, count: 5 },
  },
  { method: 'repeat', args: { sessionId: 's1', action: 'stop' } },
  {
    method: 'preview',
    args: {
      sessionId: 's1',
      payload: {
        format: 'hex',
        value: '01 03 {{counter width=4 base=hex}}',
        checksum: { algorithm: 'crc16-modbus', order: 'little', from: 0, to: 0 },
      },
    },
  },
  {
    method: 'sequence',
    args: {
      sessionId: 's1',
      action: 'run',
      to: { type: 'all' },
      sequence: {
        name: 'poll',
        framing: { mode: 'gap', gapMs: 20 },
        steps: [
          { kind: 'send', name: 'ask', payload: { format: 'hex', value: '01 03 00 00 00 01', checksum: { algorithm: 'crc16-modbus' } } },
          { kind: 'wait', name: 'settle', ms: 10 },
          {
            kind: 'repeat',
            name: 'loop',
            times: 3,
            steps: [
              {
                kind: 'expect',
                name: 'answer',
                match: { on: 'hex', kind: 'starts', pattern: '01 03' },
                timeoutMs: 500,
                checksum: { algorithm: 'crc16-modbus' },
              },
            ],
          },
        ],
      },
    },
  },
  { method: 'sequence', args: { sessionId: 's1', action: 'stop' } },
];

export const HOST_BASE_ARGS: readonly { method: HostMethodName; args: Record<string, unknown> }[] = [
  {
    method: 'saveFile',
    args: { suggestedName: 'a.json', filters: [{ name: 'JSON', extensions: ['json'] }], data: new Uint8Array([1, 2]) },
  },
  { method: 'openFile', args: { filters: [{ name: 'JSON', extensions: ['json'] }] } },
  { method: 'openKeyFile', args: { filters: [{ name: 'PEM', extensions: ['pem', 'key'] }] } },
  { method: 'exportKey', args: { keyRef: `key-${'0'.repeat(32)}` } },
  { method: 'saveRecording', args: { sessionId: 's1', format: 'jsonl' } },
  { method: 'chooseRecordingFolder', args: {} },
  { method: 'openRecordingFolder', args: {} },
];

export const DEPTH = 100_000;

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** `{"__proto__": {"polluted": true}}` as JSON.parse builds it: an own key, not the prototype. */
export const protoBomb = (): unknown => JSON.parse('{"__proto__":{"polluted":true}}');

/** Values structured clone can carry (Electron IPC) that no field accepts as they are. */
export function cloneableHostileValues(): [string, unknown][] {
  return [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-0', -0],
    ['1e308', 1e308],
    ['2**53+1', 2 ** 53 + 1],
    ['-(2**53+1)', -(2 ** 53 + 1)],
    ['0.5', 0.5],
    ['BigInt 1', 1n],
    ['BigInt 2**64', 2n ** 64n],
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['empty string', ''],
    ['NUL bytes', 'a\0b\0'],
    ['bidi override', '\u202e1.0.0.721'],
    ['lone surrogate', '\ud800'],
    ['script text', '<script>window.__pwned=1</script>'],
    ['empty array', []],
    ['array of the base', [1, 'two', { three: 3 }]],
    ['empty object', {}],
    ['__proto__ object', protoBomb()],
    ['Map', new Map([['host', '127.0.0.1']])],
    ['Set', new Set(['c1'])],
    ['Date', new Date(0)],
    ['RegExp', /127\.0\.0\.1/],
    ['Error', new Error('boom')],
    ['ArrayBuffer', new ArrayBuffer(4)],
    ['Uint8Array', new Uint8Array([0, 0xff])],
    ['nested arrays, 1,000 deep', deepArray(1000)],
  ];
}

/** Too deep for structured clone and JSON.stringify: sent only as they are, or as JSON text. */
export function deepHostileValues(): [string, unknown][] {
  return [
    [`arrays ${DEPTH} deep`, deepArray(DEPTH)],
    [`objects ${DEPTH} deep`, deepObject(DEPTH)],
  ];
}

/** JSON text of values only JSON can say, or says differently: big and malformed number literals, deep nesting. */
export function jsonHostileLiterals(): [string, string][] {
  return [
    ['1e400 (Infinity)', '1e400'],
    ['-1e400 (-Infinity)', '-1e400'],
    ['-0', '-0'],
    ['1e308', '1e308'],
    ['2**53+1', '9007199254740993'],
    ['a 400-digit integer', '9'.repeat(400)],
    ['0.5', '0.5'],
    ['5e-324', '5e-324'],
    ['null', 'null'],
    ['true', 'true'],
    ['escaped NUL', '"a\\u0000b"'],
    ['a lone surrogate escape', '"\\ud800"'],
    ['bidi override', '"\\u202e1.0.0.721"'],
    ['empty array', '[]'],
    ['empty object', '{}'],
    ['__proto__ object', '{"__proto__":{"polluted":true}}'],
    ['constructor.prototype object', '{"constructor":{"prototype":{"polluted":true}}}'],
  ];
}

/** Nesting too deep for a recursive parser or walker, as JSON text. */
export function jsonDeepLiterals(): [string, string][] {
  return [
    [`arrays ${DEPTH} deep`, `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`],
    [`objects ${DEPTH} deep`, `${'{"a":'.repeat(DEPTH)}0${'}'.repeat(DEPTH)}`],
  ];
}

/** Number and value spellings JSON does not allow: the line or frame is not JSON. */
export const MALFORMED_LITERALS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '01',
  '1.',
  '.5',
  '+1',
  '0x10',
  '1e',
  '-',
  '1_000',
  "'single'",
  'undefined',
  '10n',
  '"unterminated',
];

/** Keys that must never reach a prototype: added as own keys (JSON.parse makes `__proto__` one). */
export const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted'];

export interface Case {
  method: string;
  name: string;
  /** The argument, or undefined when `text` says it (JSON-only values). */
  args: unknown;
  /** Where the problem is, as the refusal should name it ('' for the argument as a whole). */
  where: string;
}

/** A fresh copy per case, as each IPC call gets one; values too deep to clone are shared. */
function clone(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

function pathsOf(value: unknown, path: Path = []): Path[] {
  const found: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, index) => found.push(...pathsOf(item, [...path, index])));
  else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const [key, item] of Object.entries(value)) found.push(...pathsOf(item, [...path, key]));
  }
  return found;
}

function objectPathsOf(value: unknown): Path[] {
  return pathsOf(value).filter((path) => {
    const at = getAt(value, path);
    return typeof at === 'object' && at !== null && !Array.isArray(at) && !(at instanceof Uint8Array);
  });
}

function getAt(value: unknown, path: Path): unknown {
  let at = value;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  return at;
}

/** A copy of `base` with the value at `path` replaced (own property, so `__proto__` stays data). */
export function replaceAt(base: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A copy of `base` with an own key added to the object at `path`. */
export function addKeyAt(base: unknown, path: Path, key: string, value: unknown): unknown {
  const copy = structuredClone(base);
  Object.defineProperty(getAt(copy, path), key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const describe = (path: Path): string => path.join('.');

function refuses(schema: z.ZodType, args: unknown): boolean {
  return !schema.safeParse(args).success;
}

/**
 * Every method's arguments with one field (or the whole argument) swapped for each value, and
 * with each poison key added to each object; only the cases the schema refuses.
 */
export function casesFor(
  bases: readonly { method: string; args: Record<string, unknown> }[],
  schemas: Readonly<Record<string, z.ZodType>>,
  values: [string, unknown][],
): Case[] {
  const cases: Case[] = [];
  for (const { method, args } of bases) {
    const schema = schemas[method]!;
    for (const path of pathsOf(args)) {
      for (const [valueName, value] of values) {
        const mutated = replaceAt(args, path, clone(value));
        if (refuses(schema, mutated))
          cases.push({ method, name: `${method} ${describe(path) || '(argument)'} = ${valueName}`, args: mutated, where: describe(path) });
      }
    }
    for (const path of objectPathsOf(args)) {
      for (const key of POISON_KEYS) {
        const mutated = addKeyAt(args, path, key, { polluted: true });
        if (refuses(schema, mutated))
          cases.push({ method, name: `${method} ${describe(path) || '(argument)'} + key ${key}`, args: mutated, where: describe(path) });
      }
    }
  }
  return cases;
}

export const engineCases = (values: [string, unknown][]): Case[] => casesFor(BASE_ARGS, argSchemas, values);
export const hostCases = (values: [string, unknown][]): Case[] => casesFor(HOST_BASE_ARGS, hostArgSchemas, values);

const MARK = '"@@HOSTILE@@"';

export interface TextCase {
  method: MethodName;
  name: string;
  /** The argument object as JSON text. */
  argsText: string;
  /** Where the problem is, when the text parses; undefined when it is not JSON at all. */
  where: string | undefined;
}

/**
 * Every method's arguments as JSON text: one value spelled as each literal (big and malformed
 * numbers, escapes, deep nesting), or a poison key added to an object. Texts that parse are kept
 * only when the schema refuses what they parse to; texts that do not parse are kept as they are.
 */
export function engineJsonCases(literals: [string, string][], options: { maxPathLength?: number; poisonKeys?: boolean } = {}): TextCase[] {
  const { maxPathLength = Number.POSITIVE_INFINITY, poisonKeys = true } = options;
  const cases: TextCase[] = [];
  const keep = (method: MethodName, name: string, argsText: string, where: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(argsText);
    } catch {
      cases.push({ method, name, argsText, where: undefined });
      return;
    }
    if (refuses(argSchemas[method], parsed)) cases.push({ method, name, argsText, where });
  };
  for (const { method, args } of BASE_ARGS) {
    for (const path of pathsOf(args).filter((p) => p.length <= maxPathLength)) {
      for (const [literalName, literal] of literals) {
        keep(
          method,
          `${method} ${describe(path) || '(argument)'} = ${literalName}`,
          JSON.stringify(replaceAt(args, path, '@@HOSTILE@@')).replace(MARK, literal),
          describe(path),
        );
      }
    }
    for (const path of poisonKeys ? objectPathsOf(args) : []) {
      for (const key of POISON_KEYS) {
        keep(
          method,
          `${method} ${describe(path) || '(argument)'} + key ${key}`,
          JSON.stringify(addKeyAt(args, path, key, { polluted: true })),
          describe(path),
        );
      }
    }
  }
  return cases;
}

/** Arbitrary values for a field: anything fast-check makes, including prototype-ish keys. */
export const anyValue = (): fc.Arbitrary<unknown> =>
  fc.anything({
    key: fc.oneof(fc.string(), fc.constantFrom(...POISON_KEYS)),
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 4,
  });

/** Arbitrary JSON values, some wrapped in an object under a prototype-ish key. */
export const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc
      .tuple(fc.constantFrom(...POISON_KEYS), fc.jsonValue({ maxDepth: 3 }))
      .map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}}`) as unknown),
  );

/**
 * A base argument with one of its fields (or the whole) replaced by a generated value, kept only
 * when the schema refuses it.
 */
export function mutatedArgs(
  bases: readonly { method: string; args: Record<string, unknown> }[],
  schemas: Readonly<Record<string, z.ZodType>>,
  values: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ method: string; args: unknown; where: string }> {
  return fc
    .constantFrom(...bases)
    .chain(({ method, args }) => fc.tuple(fc.constant(method), fc.constant(args), fc.constantFrom(...pathsOf(args)), values))
    .map(([method, args, path, value]) => ({ method, args: replaceAt(args, path, value), where: describe(path) }))
    .filter(({ method, args }) => refuses(schemas[method]!, args));
}

/** The own keys of Object.prototype, to compare before and after. */
export const prototypeKeys = (): string[] => Reflect.ownKeys(Object.prototype).map(String).sort();

/** Nothing leaked onto the prototype every object shares. */
export function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe['polluted'] !== undefined || (probe['constructor'] as { polluted?: unknown }).polluted !== undefined;
}
