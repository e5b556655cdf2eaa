/**
 * Every parser of outside bytes and user input, fed what fast-check makes: none may throw. A
 * parser answers a typed result (ok, or a message and a position inside the input); the few
 * documented to throw throw only their own error. The modules' own test files hold the
 * round trips and exact positions; this file holds the "whatever comes in" properties they lack.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { english } from '@shared/phrase';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatEndpoint, hostProblem, ipFamily, isIPv4, isIPv6, isMulticast } from '@shared/address';
import { decodeBase64 } from '@shared/base64';
import {
  argSchemas,
  hostArgSchemas,
  hostSchema,
  LINE_ENDINGS,
  METHOD_NAMES,
  payloadSchema,
  TEXT_ENCODINGS,
  type EngineApi,
} from '@shared/contract';
import { dispatch, dispatchWith } from '@shared/dispatch';
import { scanEscapes } from '@shared/escapes';
import { createFramer, type FramingConfig, type LengthFieldSize } from '@shared/framing';
import { gbCodeOf, gbDecoder, gbSequenceAt, NO_GB_CODE } from '@shared/gb18030';
import { parseHex } from '@shared/hex';
import { encodePayload, payloadProblem } from '@shared/payload';
import { decodeText, encodeText } from '@shared/text-encoding';
import { describeIssues } from '@shared/validate';
import { toEscapedText } from '@shared/visible-text';
import { answerCall, isCallId, readCallText } from '@shared/envelope';
import { decodeWire, encodeWire } from '@shared/wire';
import { crc32 } from '@shared/transcript/crc32';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import { decodeRecordLine, encodeRecordLine } from '@shared/transcript/record-line';
import type { BodyRecord, HeaderRecord, TranscriptRecord } from '@shared/transcript/records';
import { formatTextHeader, formatTextRecord, printable } from '@shared/transcript/text-dump';
import { TranscriptReader } from '@shared/transcript/transcript-reader';
import { formatSummary, TranscriptSummarizer } from '@shared/transcript/transcript-summary';
import { parseServeOptions } from '@server/serve-options';
import { boundedLines, type InputLine } from '@cli/bounded-lines';
import { runCommandLine } from '@cli/json-lines';
import { RoomSignals } from '@cli/send-file';
import { stdioCalls } from '@cli/stdio';
import { runTranscriptCommand } from '@cli/transcript-command';
import { SessionManager } from '@engine/session-manager';
import { anyValue, DEPTH, POISON_KEYS } from '../support/hostile-input';
import { encodeAll, tcpRecords, udpRecords } from '../support/transcript-fixtures';
import { tempDir } from '../support/temp-dir';
import { frameAll, parseEscapes } from '../support/collect';

/** Any UTF-16 string: lone surrogates, controls, astral characters, and the characters parsers look for. */
const SPECIALS = [
  '\\',
  'x',
  'u',
  '{',
  '}',
  '0',
  'f',
  ' ',
  ',',
  ':',
  '-',
  '=',
  '"',
  '\u0000',
  '\u001b',
  '\u202e',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
];
const anyText = (maxLength = 200) =>
  fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: fc.constantFrom(...SPECIALS), maxLength }));
/** Text built from the characters a parser cares about, so it gets past the first character more often. */
const nearlyValid = (alphabet: string[], maxLength = 200) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength });
const HEX_ALPHABET = [...'0123456789abcdefABCDEFxX \t\n,:-;.g\u00a0\ud800', '0x'];
const ESCAPE_ALPHABET = [...'\\xXuU{}0123456789abcdefrnt0 é中\ud83d\ude00\ud800\udc00', '\\u{', '\\x', '\\u'];
const BASE64_ALPHABET = [...'ABCDEFabcdef0123456789+/-_= \n\t\r*.\u00e9'];

function expectProblem(result: { ok: boolean; message?: unknown; index?: unknown }, input: string): void {
  if (result.ok) return;
  expect(typeof result.message).toBe('string');
  expect((result.message as string).length).toBeGreaterThan(0);
  expect(Number.isInteger(result.index)).toBe(true);
  expect(result.index as number).toBeGreaterThanOrEqual(0);
  expect(result.index as number).toBeLessThanOrEqual(input.length);
}

describe('payload text parsers never throw', () => {
  it('parseHex answers bytes or a problem inside the input', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearlyValid(HEX_ALPHABET)), (text) => {
        const result = parseHex(text);
        if (result.ok) expect(result.bytes).toBeInstanceOf(Uint8Array);
        else expectProblem(result, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseEscapes and scanEscapes answer segments or a problem inside the input', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearlyValid(ESCAPE_ALPHABET)), (text) => {
        const parsed = parseEscapes(text);
        if (parsed.ok)
          for (const segment of parsed.segments) expect('text' in segment ? typeof segment.text : segment.bytes).not.toBeUndefined();
        else expectProblem(parsed, text);
        const seen: number[] = [];
        const problem = scanEscapes(text, { text: (_part, at) => void seen.push(at), byte: () => undefined });
        expect(problem === undefined).toBe(parsed.ok);
        expect(seen.every((at) => at >= 0 && at < text.length)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeBase64 answers bytes or a problem inside the input', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearlyValid(BASE64_ALPHABET)), (text) => {
        const result = decodeBase64(text);
        if (result.ok) expect(result.bytes).toBeInstanceOf(Uint8Array);
        else expectProblem(result, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodeText writes or names a character inside the input, in every encoding', () => {
    fc.assert(
      fc.property(anyText(), fc.constantFrom(...TEXT_ENCODINGS), (text, encoding) => {
        const result = encodeText(text, encoding);
        if (result.ok) expect(result.bytes).toBeInstanceOf(Uint8Array);
        else expectProblem(result, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodePayload and payloadProblem agree, whatever the format, encoding, escapes, line ending and value', () => {
    const payloadArb = fc.record({
      format: fc.constantFrom('text', 'hex', 'base64'),
      value: fc.oneof(anyText(), nearlyValid(HEX_ALPHABET), nearlyValid(ESCAPE_ALPHABET), nearlyValid(BASE64_ALPHABET)),
      encoding: fc.constantFrom(...TEXT_ENCODINGS),
      escapes: fc.boolean(),
      lineEnding: fc.constantFrom(...LINE_ENDINGS),
    });
    fc.assert(
      fc.property(payloadArb, (input) => {
        const payload = payloadSchema.parse(input);
        const encoded = encodePayload(payload);
        const problem = payloadProblem(payload);
        expect(encoded.ok).toBe(problem === undefined);
        if (!encoded.ok) {
          expect(encoded.error.code).toBe('INVALID_ARGUMENT');
          expect(encoded.error.hint.length).toBeGreaterThan(10);
          expectProblem({ ok: false, ...problem }, payload.value);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('received bytes never make a decoder throw', () => {
  it('decodeText and toEscapedText take any bytes in every encoding, and the escaped text has no controls', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...TEXT_ENCODINGS), (bytes, encoding) => {
        expect(typeof decodeText(bytes, encoding)).toBe('string');
        // eslint-disable-next-line no-control-regex -- the point: none of these may be shown raw
        expect(toEscapedText(bytes, encoding)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('gbSequenceAt reads a sequence or nothing at any start, even past the end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.integer({ min: -4, max: 20 }), fc.boolean(), (bytes, start, gbk) => {
        const sequence = gbSequenceAt(bytes, start, gbk);
        if (sequence) {
          expect(sequence.length).toBeGreaterThanOrEqual(1);
          expect(start + sequence.length).toBeLessThanOrEqual(bytes.length);
          expect(sequence.codePoint).toBeGreaterThanOrEqual(0);
          expect(sequence.codePoint).toBeLessThanOrEqual(0x10ffff);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gbCodeOf answers a code or NO_GB_CODE for every code point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x10ffff }), fc.boolean(), (codePoint, gbk) => {
        const code = gbCodeOf(codePoint, gbk);
        expect(code === NO_GB_CODE || (Number.isInteger(code) && code >= 0)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('the shared GB18030 decoder takes any bytes, and no call leaves it mid-sequence for the next', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(typeof gbDecoder().decode(bytes)).toBe('string');
        expect(gbDecoder().decode(new Uint8Array([0x41]))).toBe('A');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('framing never throws or stalls', () => {
  it('frames any bytes split anywhere, also with a length field size the settings never offer', () => {
    const configArb: fc.Arbitrary<FramingConfig> = fc.oneof(
      fc.record({ mode: fc.constant('delimiter' as const), delimiter: fc.uint8Array({ maxLength: 4 }), keepDelimiter: fc.boolean() }),
      fc.record({
        mode: fc.constant('length' as const),
        size: fc.constantFrom(0, 1, 2, 3, 4, 8, -1, Number.NaN, 2.5) as fc.Arbitrary<LengthFieldSize>,
        littleEndian: fc.boolean(),
        offset: fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double()),
        includesHeader: fc.boolean(),
        adjustment: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.double()),
        maxFrame: fc.oneof(fc.integer({ min: -1, max: 300 }), fc.double()),
      }),
      fc.record({ mode: fc.constant('fixed' as const), size: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double()) }),
      fc.record({ mode: fc.constant('gap' as const), gapMs: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double()) }),
    );
    fc.assert(
      fc.property(configArb, fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 8 }), (config, stream, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const framer = createFramer(config);
        let from = 0;
        let frames = 0;
        for (const [index, point] of [...points, stream.length].entries()) {
          frames += framer.push(stream.subarray(from, point), index * 7).frames.length;
          from = point;
          // A frame of no bytes ends nowhere: a framer making them would never stop.
          expect(frames).toBeLessThanOrEqual(stream.length + points.length + 1);
        }
        const all = frameAll(config, [{ bytes: stream, at: 0 }]);
        expect(all.reduce((n, f) => n + (f.end - f.start), 0)).toBe(stream.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addresses, wire frames and API calls never throw', () => {
  const hostArb = fc.oneof(
    anyText(300),
    nearlyValid([...'0123456789abcdefABCDEF.:[]%-_ zZ', '::', '::ffff:', '127.0.0.1', 'localhost', '\u0000', '\u202e', 'é']),
    fc.ipV4(),
    fc.ipV6(),
    fc.domain(),
  );

  it('hostProblem names a problem exactly when the schema refuses the host, for any text', () => {
    fc.assert(
      fc.property(hostArb, (host) => {
        const problem = hostProblem(host);
        expect(problem === undefined).toBe(hostSchema.safeParse(host).success);
        if (problem !== undefined) expect(english(problem).length).toBeLessThan(400);
        expect(ipFamily(host) === undefined || isIPv4(host) || isIPv6(host)).toBe(true);
        expect(typeof isMulticast(host)).toBe('boolean');
        expect(typeof formatEndpoint(host, 1)).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('readCallText reads any text as a call or one refusal, and reads back what encodeWire writes', async () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), fc.json(), fc.constantFrom('{"id":1}', '{"id":1e400}', '{"id":1,"__proto__":1}')), (text) => {
        const read = readCallText(text);
        if (read.ok) expect(read.call.id === undefined || isCallId(read.call.id)).toBe(true);
        else {
          expect(read.answer.result.ok).toBe(false);
          const { message } = (read.answer.result as { error: { message: string } }).error;
          expect(message.length).toBeGreaterThan(0);
          expect(message.length).toBeLessThan(2000);
        }
      }),
      { numRuns: 1000 },
    );
    const deep = readCallText(`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
    expect(deep.ok === false && (await answerCall(deep, async () => ({ ok: true, value: null }))).result).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('must be an object') },
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string({ maxLength: 64 })),
        fc.constantFrom(...METHOD_NAMES),
        fc.jsonValue(),
        (id, method, args) => {
          const read = readCallText(encodeWire({ id, method, args }));
          expect(read).toEqual({ ok: true, call: { id, method, args: JSON.parse(JSON.stringify(args)) } });
        },
      ),
    );
  });

  it('decodeWire parses or throws a SyntaxError, deep nesting included', () => {
    const deep = [`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`, `${'{"a":'.repeat(DEPTH)}{"$b64":"AA=="}${'}'.repeat(DEPTH)}`];
    fc.assert(
      fc.property(
        fc.oneof(anyText(), fc.json(), fc.constantFrom('{"$b64":"***"}', '{"$b64":"AAEC"}', '{"$b64":1}', '{"__proto__":{"$b64":"AA=="}}')),
        (text) => {
          try {
            decodeWire(text);
          } catch (err) {
            expect(err).toBeInstanceOf(SyntaxError);
          }
        },
      ),
      { numRuns: 1000 },
    );
    for (const text of deep) expect(() => decodeWire(text)).toThrow(SyntaxError);
  });

  describe('dispatch', () => {
    const manager = new SessionManager({ onBatch: () => undefined });
    afterAll(() => manager.dispose());
    const methodArb = fc.oneof(fc.constantFrom(...METHOD_NAMES, ...POISON_KEYS, 'toString', 'hasOwnProperty', 'saveFile'), anyValue());

    it('answers a typed result for any method name and any argument, and describes every refusal briefly', async () => {
      await fc.assert(
        fc.asyncProperty(methodArb, anyValue(), async (method, args) => {
          const result = await dispatch(manager, method, args);
          expect(typeof result.ok).toBe('boolean');
          if (!result.ok) {
            expect(Object.keys(result.error).sort()).toEqual(['code', 'hint', 'i18n', 'message']);
            expect(result.error.message.length).toBeLessThan(2000);
          }
        }),
        { numRuns: 1000 },
      );
      expect(await manager.list({})).toEqual({ ok: true, value: [] });
    });

    it('turns whatever a handler throws into an INTERNAL result', async () => {
      const thrown = [new Error('boom'), 'text', 42, null, undefined, Object.create(null), { message: 1n }];
      for (const value of thrown) {
        const throwing = new Proxy({} as EngineApi, {
          get: () => () => {
            throw value;
          },
        });
        const result = await dispatch(throwing, 'list', {});
        expect(result).toMatchObject({
          ok: false,
          error: { code: 'INTERNAL', message: expect.stringContaining('list failed unexpectedly') },
        });
      }
    });

    it('describes any refusal of any schema in a few hundred characters', () => {
      const schemas = Object.values({ ...argSchemas, ...hostArgSchemas });
      fc.assert(
        fc.property(fc.constantFrom(...schemas), anyValue(), (schema, value) => {
          const parsed = schema.safeParse(value);
          if (!parsed.success) expect(english(describeIssues('method', parsed.error)).length).toBeLessThan(5 * 2 * 260 + 100);
        }),
        { numRuns: 1000 },
      );
    });

    it('refuses through dispatchWith when the table has no such own method', async () => {
      for (const method of POISON_KEYS) {
        expect(await dispatchWith({ list: argSchemas.list }, { list: async () => ({ ok: true, value: null }) }, method, {})).toMatchObject({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `Unknown method "${method}".` },
        });
      }
    });
  });
});

describe('transcript records with a valid checksum but anything inside', () => {
  const encoder = new TextEncoder();

  /** A line that passes the checksum: what a doctored file, not a torn one, looks like. */
  function signedLine(json: string): Uint8Array {
    const body = encoder.encode(json.slice(0, -1));
    const crc = crc32(body).toString(16).padStart(8, '0');
    return encoder.encode(`${json.slice(0, -1)},"crc":"${crc}"}\n`);
  }

  /** A record as its line says it, without the checksum. */
  const wireOf = (record: TranscriptRecord): Record<string, unknown> => {
    const text = new TextDecoder().decode(encodeRecordLine(record));
    const { crc: _crc, ...rest } = JSON.parse(text) as Record<string, unknown>;
    return rest;
  };

  // Records small enough that thousands of runs stay quick; the big data records add nothing here.
  const samples = [...tcpRecords(), ...udpRecords()].map(wireOf).filter((sample) => JSON.stringify(sample).length < 2000);
  const hostileJson = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(-1, 1e308, 2 ** 53 + 1, -0, '', 'x'.repeat(300), { __proto__: null }, []),
  );
  const oddText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.constantFrom('', '::ffff:1.2.3.4', 'fe80::1%eth0', '999.1.1.1', '1.2.3', 'not an address', '\u0000\u001b[2J\u202e', 'c1'),
  );
  const oddNumber = fc.oneof(
    fc.nat(),
    fc.integer({ min: 0, max: 65535 }),
    fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(1e308, 2 ** 53 + 1, 8.64e15 + 1),
  );
  /** Something of the same type as `value`, so the schema often lets it through to what comes after. */
  function plausible(value: unknown): fc.Arbitrary<unknown> {
    if (typeof value === 'string') return oddText;
    if (typeof value === 'number') return oddNumber;
    if (typeof value === 'object' && value !== null && 'address' in value) {
      return fc.record({ address: oddText, port: fc.integer({ min: 0, max: 65535 }), family: fc.constantFrom('IPv4', 'IPv6') });
    }
    return hostileJson;
  }

  type Wire = Record<string, unknown>;
  /** A record with one member (or a member of a member) replaced, removed, or one added. */
  const doctor = (sample: Wire): fc.Arbitrary<Wire> =>
    fc.constantFrom(...Object.keys(sample)).chain((key) => {
      const value = sample[key];
      const nested = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
      return fc.oneof(
        plausible(value).map((next) => ({ ...sample, [key]: next })),
        hostileJson.map((next) => ({ ...sample, [key]: next })),
        fc.constant(Object.fromEntries(Object.entries(sample).filter(([k]) => k !== key))),
        fc
          .tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...POISON_KEYS)), hostileJson)
          .map(([extra, next]) => Object.fromEntries([...Object.entries(sample), [extra, next]]) as Wire),
        ...(nested.length > 0
          ? [
              fc
                .constantFrom(...nested)
                .chain((inner) =>
                  plausible((value as Wire)[inner]).map((next) => ({ ...sample, [key]: { ...(value as Wire), [inner]: next } })),
                ),
            ]
          : []),
      );
    });
  // Written as text member by member, so that a "__proto__" member is written as one.
  const lineJson = (wire: Wire): string =>
    `{${Object.entries(wire)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
      .join(',')}}`;
  const doctored = fc
    .constantFrom(...samples)
    .chain(doctor)
    .map(lineJson);

  /** Everything a reader of records does with one: summary, text dump, pcapng. */
  function useAll(records: TranscriptRecord[]): void {
    const summarizer = new TranscriptSummarizer();
    for (const record of records) summarizer.add(record);
    const header = records.find((r): r is HeaderRecord => r.type === 'header');
    const text = [
      header ? formatTextHeader(header) : '',
      ...records.filter((r): r is BodyRecord => r.type !== 'header').map(formatTextRecord),
    ].join('');
    // eslint-disable-next-line no-control-regex -- nothing from the file may steer a terminal
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(typeof formatSummary(summarizer.summary(), { records: records.length, validBytes: 0, ended: false })).toBe('string');
    if (header) {
      const writer = new PcapngWriter(header);
      writer.start();
      for (const record of records) if (record.type !== 'header') writer.write(record);
    }
  }

  it('decodes a doctored line to a record or a problem, and what it accepts encodes back to the same line', () => {
    fc.assert(
      fc.property(doctored, (json) => {
        const line = signedLine(json);
        const decoded = decodeRecordLine(line.subarray(0, -1));
        if (!decoded.ok) {
          expect(english(decoded.problem).length).toBeGreaterThan(0);
          return;
        }
        const again = decodeRecordLine(encodeRecordLine(decoded.record).subarray(0, -1));
        expect(again.ok && encodeRecordLine(again.record)).toEqual(encodeRecordLine(decoded.record));
        useAll([decoded.record]);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a transcript of doctored lines, split anywhere, and everything built on the records copes', () => {
    const [head, ...rest] = samples;
    // An end record ends the reading: at most the last line is one.
    const body = rest.filter((sample) => sample.type !== 'end');
    // One line in five doctored: most get through, so the records after them are read too.
    const bodyLine = fc
      .tuple(fc.constantFrom(...body), fc.nat(4))
      .chain(([sample, dice]) => (dice === 0 ? doctor(sample) : fc.constant(sample)));
    fc.assert(
      fc.property(fc.array(bodyLine, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        // Numbered in order, so that the reader goes on past the first line.
        const numbered = lines.map((wire, index) => ({ ...wire, seq: index + 1 }));
        const bytes = Buffer.concat([signedLine(lineJson(head!)), ...numbered.map((wire) => signedLine(lineJson(wire)))]);
        const reader = new TranscriptReader();
        const records: TranscriptRecord[] = [];
        let from = 0;
        for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
          records.push(...reader.push(bytes.subarray(from, cut)));
          from = cut;
        }
        records.push(...reader.push(bytes.subarray(from)));
        const outcome = reader.finish();
        expect(outcome.records).toBe(records.length);
        useAll(records);
      }),
      { numRuns: 500 },
    );
  });

  it('makes the text of any record printable', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        // eslint-disable-next-line no-control-regex -- nothing from the file may steer a terminal
        expect(printable(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('command lines and automation lines never throw', () => {
  it('boundedLines splits any bytes, cut anywhere, into the lines of the whole, letting go of lines over the limit', async () => {
    const bytesArb = fc
      .array(fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x7b, 0xe4, 0xb8, 0xad, 0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 120 })
      .map((values) => Buffer.from(values));
    await fc.assert(
      fc.asyncProperty(
        bytesArb,
        fc.array(fc.nat(120), { maxLength: 6 }),
        fc.integer({ min: 1, max: 20 }),
        async (bytes, cuts, maxBytes) => {
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [...points, bytes.length].map((point, index, all) => bytes.subarray(index === 0 ? 0 : all[index - 1], point));
          const got: InputLine[] = [];
          for await (const line of boundedLines(chunks, maxBytes)) got.push(line);
          // What it must be: the whole split at LF, a trailing CR dropped, no empty last line.
          const raw = bytes.toString('latin1').split('\n');
          if (raw.at(-1) === '') raw.pop();
          const expected = raw.map((line): InputLine => {
            const lineBytes = Buffer.from(line, 'latin1');
            if (lineBytes.length > maxBytes) return { tooLong: lineBytes.length };
            const end = lineBytes.at(-1) === 0x0d ? lineBytes.length - 1 : lineBytes.length;
            return { text: lineBytes.toString('utf8', 0, end) };
          });
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  const flag = fc.constantFrom(
    '--host',
    '--port',
    '--open',
    '--token',
    '--record-dir',
    '--record',
    '--no-record',
    '--help',
    '-h',
    '--',
    '--port=',
    '--host=::1',
    '--unknown',
    '-',
  );
  const word = fc.oneof(
    flag,
    anyText(40),
    fc.constantFrom('0', '65535', '65536', '-1', '1e3', '0x10', '', '127.0.0.1', '::', 'a'.repeat(16), 'a'.repeat(129)),
  );

  it('parseServeOptions answers options or a message for any argv', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        const parsed = parseServeOptions(argv);
        if (parsed.ok) {
          expect(hostProblem(parsed.options.host)).toBeUndefined();
          expect(Number.isInteger(parsed.options.port) && parsed.options.port >= 0 && parsed.options.port <= 65535).toBe(true);
        } else {
          expect(parsed.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  describe('runCommandLine', () => {
    const manager = new SessionManager({ onBatch: () => undefined });
    afterAll(() => manager.dispose());

    it('answers any line with nothing (blank) or one JSON line, of kind result or error', async () => {
      const lineArb = fc.oneof(
        anyText(),
        fc.json(),
        fc
          .record(
            {
              id: fc.oneof(fc.integer(), fc.string(), fc.jsonValue()),
              method: fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string()),
              args: fc.jsonValue(),
            },
            { requiredKeys: [] },
          )
          .map((c) => JSON.stringify(c) ?? ''),
      );
      await fc.assert(
        fc.asyncProperty(lineArb, fc.nat(), async (line, number) => {
          fc.pre(!/[\n\r]/.test(line));
          const answer = await runCommandLine(stdioCalls(manager, new RoomSignals()), line, number);
          if (answer === undefined) {
            expect(line.trim()).toBe('');
            return;
          }
          const parsed = JSON.parse(answer) as { kind: string };
          expect(['result', 'error']).toContain(parsed.kind);
          expect(answer.length).toBeLessThan(5000);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('transcript command arguments', () => {
  it('answers any arguments with an exit code, writing only where --out says', async () => {
    const dir = await tempDir('si-fuzz-transcript-');
    const outDir = path.join(dir, 'out');
    await mkdir(outDir);
    const tcp = path.join(dir, 'tcp.jsonl');
    const udp = path.join(dir, 'udp.jsonl');
    const torn = path.join(dir, 'torn.jsonl');
    const junk = path.join(dir, 'junk.bin');
    const tcpBytes = encodeAll(tcpRecords());
    await writeFile(tcp, tcpBytes);
    await writeFile(udp, encodeAll(udpRecords()));
    await writeFile(torn, tcpBytes.subarray(0, tcpBytes.length - 7));
    await writeFile(
      junk,
      Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff),
    );
    const written: unknown[] = [];
    // Capture what the command prints (export without --out writes the bytes to stdout).
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => written.push(chunk) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => written.push(chunk) > 0);
    const word = (maxLength: number) =>
      fc.string({ unit: 'binary', maxLength }).filter((w) => !w.includes('/') && !w.includes('\\') && !w.startsWith('.'));
    const file = fc.oneof(
      { arbitrary: fc.constantFrom(tcp, udp, torn, junk, dir, path.join(dir, 'missing.jsonl')), weight: 9 },
      { arbitrary: word(12), weight: 1 },
    );
    const option = fc.oneof(
      fc.tuple(fc.constant('--conn'), fc.oneof(fc.constantFrom('c1', 'c2', ''), word(70))),
      fc.tuple(fc.constant('--dir'), fc.oneof(fc.constantFrom('rx', 'tx', 'RX'), word(10))),
      fc.tuple(
        fc.constant('--peer'),
        fc.oneof(
          fc.constantFrom('127.0.0.1:6000', '[::1]:1', '[::0001]:53', '[fe80::1%eth0]:5', '1.2.3.4:99999', ':', '[]:1', '[::1'),
          word(30),
        ),
      ),
      fc.tuple(
        fc.constant('--out'),
        fc.oneof(
          fc.constantFrom(outDir, path.join(dir, 'missing', 'x.bin')),
          word(12).map((name) => path.join(outDir, `f-${name}`)),
        ),
      ),
      fc.tuple(fc.constant('--to'), fc.oneof(fc.constantFrom('pcapng', 'text', 'jsonl', 'PCAPNG'), word(10))),
      fc.constantFrom(['--help'], ['--bogus'], ['-x'], ['--'], ['--out'], ['--to=text'], ['--dir=rx']),
    );
    const args = fc
      .tuple(
        fc.oneof({ arbitrary: fc.constantFrom('verify', 'export', 'convert'), weight: 9 }, { arbitrary: word(10), weight: 1 }),
        file,
        fc.array(option, { maxLength: 3 }),
        fc.oneof({ arbitrary: fc.constant([]), weight: 9 }, { arbitrary: fc.array(word(8), { minLength: 1, maxLength: 1 }), weight: 1 }),
      )
      .map(([command, target, options, extra]) => [command, target, ...options.flat(), ...extra]);
    try {
      await fc.assert(
        fc.asyncProperty(args, async (argv) => {
          const code = await runTranscriptCommand(argv);
          expect([0, 1, 2, 3]).toContain(code);
        }),
        { numRuns: 300 },
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    // Nothing but the inputs and what --out named, and no temporary file left behind.
    const entries = await readdir(dir, { recursive: true });
    expect(
      entries.filter(
        (entry) => !['out', 'tcp.jsonl', 'udp.jsonl', 'torn.jsonl', 'junk.bin'].includes(entry) && !entry.startsWith(`out${path.sep}f-`),
      ),
    ).toEqual([]);
  });
});
