import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '@shared/address';
import { encodeBase64 } from '@shared/base64';
import { crc32 } from '@shared/transcript/crc32';
import { decodeRecordLine, encodeRecordLine } from '@shared/transcript/record-line';
import type { TranscriptRecord } from '@shared/transcript/records';
import { nodeLineCodec } from '@recorder/node-line-codec';
import { sayer } from '@renderer/i18n/languages';

type DataRecord = Extract<TranscriptRecord, { type: 'data' }>;

/**
 * The format as docs/transcript-format.md states it, written the obvious way: the record as
 * JSON with its bytes as `len` + base64 `data`, members in the order type, seq, at, session, …,
 * then `,"crc":"…"}` over every byte before it. The recorder's line must equal it byte for byte.
 */
function referenceLine(record: DataRecord): Uint8Array {
  const { type, seq, at, session, bytes, ...rest } = record;
  const json = JSON.stringify({ type, seq, at, session, ...rest, len: bytes.byteLength, data: encodeBase64(bytes) });
  const body = new TextEncoder().encode(json.slice(0, -1));
  const crc = crc32(body).toString(16).padStart(8, '0');
  return new TextEncoder().encode(`${json.slice(0, -1)},"crc":"${crc}"}\n`);
}

const endpointArb: fc.Arbitrary<Endpoint> = fc.record({
  address: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ unit: 'grapheme', maxLength: 20 })),
  port: fc.integer({ min: 0, max: 65535 }),
  family: fc.constantFrom('IPv4' as const, 'IPv6' as const),
});

// Ids and addresses with quotes, backslashes, control characters and non-ASCII text: the parts
// that need JSON escaping sit in the head the fast path still stringifies.
const idArb = fc.string({
  unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u2028', '\u0000'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  minLength: 1,
  maxLength: 64,
});

const dataRecordArb: fc.Arbitrary<DataRecord> = fc.record(
  {
    type: fc.constant('data' as const),
    seq: fc.nat(),
    at: fc.double({ min: 0, max: 4e12, noNaN: true }),
    session: idArb,
    dir: fc.constantFrom('rx' as const, 'tx' as const),
    conn: idArb,
    local: endpointArb,
    remote: endpointArb,
    origin: fc.oneof(
      fc.record({ kind: fc.constant('rule' as const), ruleId: idArb, name: idArb }),
      fc.record({ kind: fc.constant('sequence' as const), name: idArb }),
      fc.constant({ kind: 'heartbeat' as const }),
      fc.constant({ kind: 'repeat' as const }),
    ),
    bytes: fc.uint8Array({ maxLength: 3000 }),
  },
  { requiredKeys: ['type', 'seq', 'at', 'session', 'dir', 'local', 'remote', 'bytes'] },
);

describe('data record lines', () => {
  it('are byte for byte the straightforward JSON line, with the portable and the Node codec alike', () => {
    fc.assert(
      fc.property(dataRecordArb, (record) => {
        const expected = referenceLine(record);
        expect(encodeRecordLine(record)).toEqual(expected);
        expect(new Uint8Array(encodeRecordLine(record, nodeLineCodec))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('read back as the record they were made from, for chunk sizes around base64 padding and a 64 KiB chunk', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 65536, 65537]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
      const record: DataRecord = {
        type: 'data',
        seq: 3,
        at: 1_700_000_000_000.125,
        session: 's1',
        dir: 'rx',
        conn: 'c1',
        local: { address: '127.0.0.1', port: 4000, family: 'IPv4' },
        remote: { address: '::1', port: 5000, family: 'IPv6' },
        bytes,
      };
      const line = encodeRecordLine(record, nodeLineCodec);
      expect(line[line.length - 1]).toBe(0x0a);
      const decoded = decodeRecordLine(line.subarray(0, -1));
      expect(decoded).toEqual({ ok: true, record });
    }
  });
});

describe('a damaged line', () => {
  it('whose CRC holds but whose JSON does not is said in the reader’s language, with no English parser words', () => {
    const body = '{"type":"data",,"seq":1';
    const crc = crc32(new TextEncoder().encode(body)).toString(16).padStart(8, '0');
    const decoded = decodeRecordLine(new TextEncoder().encode(`${body},"crc":"${crc}"}`));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(sayer('en')(decoded.problem)).toBe('not JSON text');
    expect(sayer('zh-CN')(decoded.problem)).toBe('不是 JSON 文本');
  });
});
