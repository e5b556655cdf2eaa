/**
 * Payload macros: the `{{name key=value …}}` references of a template that are filled in at send
 * time, beside the captures of an auto-reply match (see ./reply-template.ts for the grammar they
 * share and docs/payload-macros.md for the user's view):
 *
 *   {{counter}}  {{counter start=1 step=1 width=4 base=hex name=seq bytes=2 order=little}}
 *   {{timestamp}} (ISO 8601, UTC)  {{timestamp unix}}  {{timestamp unix-ms}}
 *   {{timestamp format="YYYY-MM-DD HH:mm:ss.SSS" local}}
 *   {{random bytes=4}}  {{random digits=6}}
 *   {{uuid}}
 *
 * A macro gives text (digits, a time, a UUID) or bytes (`bytes=N`, random bytes). In a text
 * payload text is encoded in the payload's encoding; in a hex payload it is read as hex digits
 * (so a decimal counter is BCD, and a UUID its 16 bytes), and a time that is not digits is refused.
 * Pure: the clock, the random source and the counters come from the caller (the engine).
 */
import type { TextProblem } from './text-encoding';
import { MAX_MACRO_COUNTER, MAX_MACRO_LENGTH } from './limits';

export type Macro =
  | {
      kind: 'counter';
      name: string;
      start: number;
      step: number;
      width: number;
      base: 10 | 16;
      bytes: number;
      little: boolean;
    }
  | { kind: 'timestamp'; mode: 'iso' | 'unix' | 'unix-ms' | 'format'; format: string; local: boolean; bytes: number; little: boolean }
  | { kind: 'random'; bytes: number; digits: number }
  | { kind: 'uuid' };

/** What a send supplies to its macros: now, randomness, and the session's counters. */
export interface MacroContext {
  now: number;
  random(length: number): Uint8Array;
  counters: MacroCounters;
}

/**
 * A session's counters, by name: each send that uses a counter advances it once, however many
 * times the payload names it. `peek` is the preview (nothing advances).
 */
export class MacroCounters {
  private readonly sends = new Map<string, number>();

  /** How many sends have used the counter so far. */
  index(name: string): number {
    return this.sends.get(name) ?? 0;
  }

  advance(names: Iterable<string>): void {
    for (const name of new Set(names)) this.sends.set(name, this.index(name) + 1);
  }
}

/** The macro's value for one send: text, or bytes. */
export type MacroValue = { text: string } | { bytes: Uint8Array };

type Args = { words: Set<string>; values: Map<string, string> };

/** `counter start=1 format="a b"` → words and key=value pairs, or the position of what is malformed. */
function splitArgs(body: string, at: number): { name: string; args: Args } | TextProblem {
  const args: Args = { words: new Set(), values: new Map() };
  const pattern = /\s*([A-Za-z][A-Za-z0-9-]*)(?:=(?:"([^"]*)"|([^\s"]*)))?/y;
  let name: string | undefined;
  let i = 0;
  while (i < body.length) {
    if (/^\s*$/.test(body.slice(i))) break;
    pattern.lastIndex = i;
    const found = pattern.exec(body);
    const end = found ? i + found[0].length : i;
    if (!found || (end < body.length && !/\s/.test(body[end]!))) {
      return {
        message: `{{${body}}} at position ${at}: cannot read it from "${body.slice(i).trim()}"; write key=value or key="a value"`,
        index: at,
      };
    }
    const [, key, quoted, plain] = found;
    if (name === undefined) {
      if (quoted !== undefined || plain !== undefined)
        return { message: `{{${body}}} at position ${at}: it must start with a macro name, such as counter`, index: at };
      name = key!;
    } else if (quoted !== undefined || plain !== undefined) {
      if (args.values.has(key!)) return { message: `{{${body}}} at position ${at}: ${key} is given twice`, index: at };
      args.values.set(key!, quoted ?? plain!);
    } else args.words.add(key!);
    i = end;
  }
  return { name: name ?? '', args };
}

type Read<T> = T | TextProblem;
const isProblem = (value: unknown): value is TextProblem => typeof value === 'object' && value !== null && 'message' in value;

/** Reads the macros' arguments, each refusal naming the macro, its position and the fix. */
class ArgReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly label: string,
    private readonly at: number,
    private readonly args: Args,
  ) {}

  problem(what: string): TextProblem {
    return { message: `${this.label} at position ${this.at}: ${what}`, index: this.at };
  }

  int(key: string, fallback: number, min: number, max: number): Read<number> {
    this.used.add(key);
    const raw = this.args.values.get(key);
    if (raw === undefined) return fallback;
    if (!/^-?(\d+|0x[0-9a-fA-F]+)$/.test(raw)) return this.problem(`${key}=${raw} is not a whole number`);
    const value = raw.startsWith('-') ? -Number(raw.slice(1)) : Number(raw);
    if (value < min || value > max) return this.problem(`${key}=${raw} is outside ${min} to ${max}`);
    return value;
  }

  text(key: string): string | undefined {
    this.used.add(key);
    return this.args.values.get(key);
  }

  choice<T extends string>(key: string, options: readonly T[], fallback: T): Read<T> {
    const raw = this.text(key);
    if (raw === undefined) return fallback;
    return (options as readonly string[]).includes(raw) ? (raw as T) : this.problem(`${key}=${raw}: use ${options.join(' or ')}`);
  }

  word(word: string): boolean {
    this.used.add(word);
    return this.args.words.has(word);
  }

  /** Anything given that the macro does not take is a typo the user should hear about. */
  leftover(allowed: string): TextProblem | undefined {
    for (const key of [...this.args.words, ...this.args.values.keys()]) {
      if (!this.used.has(key)) return this.problem(`it does not take ${key}; it takes ${allowed}`);
    }
    return undefined;
  }
}

const MACRO_NAMES = 'counter, timestamp, random or uuid';

function readCounter(reader: ArgReader): Read<Macro> {
  const start = reader.int('start', 0, -MAX_MACRO_COUNTER, MAX_MACRO_COUNTER);
  const step = reader.int('step', 1, -MAX_MACRO_COUNTER, MAX_MACRO_COUNTER);
  const width = reader.int('width', 0, 0, 16);
  const base = reader.choice('base', ['dec', 'hex'] as const, 'dec');
  const bytes = reader.int('bytes', 0, 0, 6);
  const order = reader.choice('order', ['big', 'little'] as const, 'big');
  const name = reader.text('name') ?? '';
  for (const value of [start, step, width, base, bytes, order]) if (isProblem(value)) return value;
  const extra = reader.leftover('start, step, width, base (dec or hex), bytes, order (big or little) and name');
  if (extra) return extra;
  return {
    kind: 'counter',
    name,
    start: start as number,
    step: step as number,
    width: width as number,
    base: base === 'hex' ? 16 : 10,
    bytes: bytes as number,
    little: order === 'little',
  };
}

function readTimestamp(reader: ArgReader): Read<Macro> {
  const unix = reader.word('unix');
  const unixMs = reader.word('unix-ms');
  const iso = reader.word('iso');
  const local = reader.word('local');
  const format = reader.text('format');
  const bytes = reader.int('bytes', 0, 0, 8);
  const order = reader.choice('order', ['big', 'little'] as const, 'big');
  if (isProblem(bytes)) return bytes;
  if (isProblem(order)) return order;
  const extra = reader.leftover('one of iso, unix, unix-ms or format="…", and local, bytes, order');
  if (extra) return extra;
  const modes = [iso, unix, unixMs, format !== undefined].filter(Boolean).length;
  if (modes > 1) return reader.problem('choose one of iso, unix, unix-ms or format="…"');
  const mode = unix ? 'unix' : unixMs ? 'unix-ms' : format !== undefined ? 'format' : 'iso';
  if (bytes !== 0 && mode !== 'unix' && mode !== 'unix-ms') return reader.problem('bytes=N is for unix or unix-ms, which are numbers');
  if (format === '') return reader.problem('format="" is empty; write a format such as format="YYYY-MM-DD HH:mm:ss"');
  return { kind: 'timestamp', mode, format: format ?? '', local, bytes, little: order === 'little' };
}

function readRandom(reader: ArgReader): Read<Macro> {
  const bytes = reader.int('bytes', 0, 1, MAX_MACRO_LENGTH);
  const digits = reader.int('digits', 0, 1, MAX_MACRO_LENGTH);
  if (isProblem(bytes)) return bytes;
  if (isProblem(digits)) return digits;
  const extra = reader.leftover('bytes=N or digits=N');
  if (extra) return extra;
  if ((bytes === 0) === (digits === 0)) return reader.problem('give its length as bytes=N or as digits=N');
  return { kind: 'random', bytes, digits };
}

/** The macro a `{{…}}` names (its text without the braces), or why it is none. */
export function parseMacro(body: string, at: number): Read<Macro> {
  const split = splitArgs(body, at);
  if (isProblem(split)) return split;
  const label = `{{${body}}}`;
  const reader = new ArgReader(label, at, split.args);
  switch (split.name) {
    case 'counter':
      return readCounter(reader);
    case 'timestamp':
      return readTimestamp(reader);
    case 'random':
      return readRandom(reader);
    case 'uuid':
      return reader.leftover('nothing') ?? { kind: 'uuid' };
    default:
      return {
        message: `${label} at position ${at} is not a macro: use ${MACRO_NAMES}, {{$1}} for a capture of an auto-reply match, or \\{{ for the characters {{`,
        index: at,
      };
  }
}

/** Whether the macro's value can stand in a hex payload (its text must be hex digits there). */
export function macroFitsHex(macro: Macro): boolean {
  return !(macro.kind === 'timestamp' && (macro.mode === 'iso' || macro.mode === 'format'));
}

/** value mod m, always 0 ≤ result < m. */
const modulo = (value: number, m: number): number => ((value % m) + m) % m;

function numberBytes(value: number, length: number, little: boolean): Uint8Array {
  const out = new Uint8Array(length);
  let rest = modulo(value, 2 ** (8 * length));
  for (let i = 0; i < length; i++) {
    out[little ? i : length - 1 - i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function formatTime(format: string, time: number, local: boolean): string {
  const d = new Date(time);
  const parts: Record<string, string> = local
    ? {
        YYYY: pad(d.getFullYear(), 4),
        MM: pad(d.getMonth() + 1, 2),
        DD: pad(d.getDate(), 2),
        HH: pad(d.getHours(), 2),
        mm: pad(d.getMinutes(), 2),
        ss: pad(d.getSeconds(), 2),
        SSS: pad(d.getMilliseconds(), 3),
      }
    : {
        YYYY: pad(d.getUTCFullYear(), 4),
        MM: pad(d.getUTCMonth() + 1, 2),
        DD: pad(d.getUTCDate(), 2),
        HH: pad(d.getUTCHours(), 2),
        mm: pad(d.getUTCMinutes(), 2),
        ss: pad(d.getUTCSeconds(), 2),
        SSS: pad(d.getUTCMilliseconds(), 3),
      };
  return format.replace(/YYYY|SSS|MM|DD|HH|mm|ss/g, (token) => parts[token]!);
}

function uuid(random: Uint8Array): string {
  const b = Uint8Array.from(random);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The macro's value for a send at `context.now` (the counter as it stands; advancing is the caller's). */
export function macroValue(macro: Macro, context: MacroContext): MacroValue {
  switch (macro.kind) {
    case 'counter': {
      const value = macro.start + macro.step * context.counters.index(macro.name);
      if (macro.bytes > 0) return { bytes: numberBytes(value, macro.bytes, macro.little) };
      if (macro.width === 0) return { text: value.toString(macro.base).toUpperCase() };
      return {
        text: modulo(value, macro.base ** macro.width)
          .toString(macro.base)
          .toUpperCase()
          .padStart(macro.width, '0'),
      };
    }
    case 'timestamp': {
      if (macro.mode === 'iso') return { text: new Date(context.now).toISOString() };
      if (macro.mode === 'format') return { text: formatTime(macro.format, context.now, macro.local) };
      const value = macro.mode === 'unix' ? Math.floor(context.now / 1000) : context.now;
      return macro.bytes > 0 ? { bytes: numberBytes(value, macro.bytes, macro.little) } : { text: String(value) };
    }
    case 'random': {
      if (macro.bytes > 0) return { bytes: context.random(macro.bytes) };
      // 250 of the 256 byte values split evenly into digits; the others are drawn again, so every digit is as likely.
      let text = '';
      while (text.length < macro.digits) {
        for (const byte of context.random(macro.digits - text.length)) if (byte < 250) text += String(byte % 10);
      }
      return { text };
    }
    case 'uuid':
      return { text: uuid(context.random(16)) };
  }
}
