/**
 * Version 3: a data record's bytes raw after its line, the CRC going on over them. Written and
 * read with the app's own encoder and reader, whatever the chunks, cut anywhere, altered anywhere.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '@shared/address';
import { crc32 } from '@shared/transcript/crc32';
import { decodeRecordHead, decodeRecordLine, encodeRecordLine, finishRawRecord } from '@shared/transcript/record-line';
import { JSONL_TRANSCRIPT_VERSION, type BodyRecord, type DataRecord, type TranscriptRecord } from '@shared/transcript/records';
import { TranscriptReader, type ReadOutcome } from '@shared/transcript/transcript-reader';
import { nodeLineCodec } from '@recorder/node-line-codec';
import { asRecording, encodeAll, encodeRecording, header, tcpRecords, transcript, udpRecords, v4 } from '../../support/transcript-fixtures';

const utf8 = new TextEncoder();

function readAll(bytes: Uint8Array, cuts: number[] = []): { records: TranscriptRecord[]; outcome: ReadOutcome } {
  const reader = new TranscriptReader(nodeLineCodec);
  const records: TranscriptRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...reader.push(bytes.subarray(from, cut)));
    from = cut;
  }
  records.push(...reader.push(bytes.subarray(from)));
  return { records, outcome: reader.finish() };
}

const endpointArb: fc.Arbitrary<Endpoint> = fc.record({
  address: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ unit: 'grapheme', maxLength: 12 })),
  port: fc.integer({ min: 0, max: 65535 }),
  family: fc.constantFrom('IPv4' as const, 'IPv6' as const),
});

/** Bytes rich in newlines and the characters a line is made of, which raw bytes must not be mistaken for. */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.array(fc.constantFrom(0x0a, 0x0d, 0x22, 0x7b, 0x7d, 0x2c), { maxLength: 64 }).map((values) => Uint8Array.from(values)),
);

const bodyArb: fc.Arbitrary<BodyRecord> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        dir: fc.constantFrom('rx' as const, 'tx' as const),
        conn: fc.constantFrom('c1', 'c2/server'),
        local: endpointArb,
        remote: endpointArb,
        bytes: bytesArb,
      })
      .map((r) => ({ type: 'data' as const, ...r }) as BodyRecord),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'half-close', conn: 'c1', by: 'peer' } as BodyRecord) },
  { weight: 1, arbitrary: fc.constant({ type: 'state', state: 'open', local: v4('127.0.0.1', 4000) } as BodyRecord) },
);

const recordingArb = fc
  .tuple(fc.array(bodyArb, { maxLength: 12 }), fc.boolean())
  .map(([body, end]) => asRecording(transcript(header('tcp-server'), end ? [...body, { type: 'end', reason: 'stopped' }] : body)));

/** Where each record ends in the file. */
function recordEnds(records: readonly TranscriptRecord[]): number[] {
  let at = 0;
  return records.map((record) => (at += encodeRecordLine(record, nodeLineCodec, { raw: true }).length));
}

describe('crc32 with an initial value', () => {
  it('is the CRC of the runs joined, as zlib.crc32 gives it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const joined = Buffer.concat([a, b]);
        expect(crc32(b, crc32(a))).toBe(crc32(joined));
        expect(crc32(joined)).toBe(zlibCrc32(joined));
        expect(nodeLineCodec.crc32(b, nodeLineCodec.crc32(a))).toBe(crc32(joined));
      }),
    );
    // Empty, and over no memory at all, as an empty datagram's bytes may be: zlib.crc32 says 0 for it.
    expect(nodeLineCodec.crc32(new Uint8Array(0), 0x1234)).toBe(0x1234);
    expect(crc32(new Uint8Array(0), 0x1234)).toBe(0x1234);
  });
});

describe('a raw data record', () => {
  it('is its line with "raw":true and no data, then its bytes as they are and a newline, the CRC over both', () => {
    const [record] = transcript(header('udp'), [
      { type: 'data', dir: 'rx', local: v4('127.0.0.1', 5000), remote: v4('127.0.0.1', 6000), bytes: utf8.encode('hi\n') },
    ]).slice(1) as [DataRecord];
    const out = encodeRecordLine(record, nodeLineCodec, { raw: true });
    const head = `{"type":"data","seq":1,"at":${record.at},"session":"s1","dir":"rx","local":{"address":"127.0.0.1","port":5000,"family":"IPv4"},"remote":{"address":"127.0.0.1","port":6000,"family":"IPv4"},"len":3,"raw":true`;
    const crc = crc32(utf8.encode('hi\n'), crc32(utf8.encode(head)))
      .toString(16)
      .padStart(8, '0');
    expect(Buffer.from(out).toString('latin1')).toBe(`${head},"crc":"${crc}"}\nhi\n\n`);
    // The portable codec writes the same bytes.
    expect(encodeRecordLine(record, undefined, { raw: true })).toEqual(new Uint8Array(out));
  });

  it('reads back through its head and its bytes; its line alone is not a record', () => {
    fc.assert(
      fc.property(recordingArb, (records) => {
        for (const record of records) {
          if (record.type !== 'data') continue;
          const out = new Uint8Array(encodeRecordLine(record, nodeLineCodec, { raw: true }));
          const lineEnd = out.indexOf(0x0a);
          const decoded = decodeRecordHead(out.subarray(0, lineEnd));
          if (decoded.ok !== 'raw') throw new Error('not a raw head');
          expect(decoded.head.len).toBe(record.bytes.length);
          expect(out.length).toBe(lineEnd + 1 + record.bytes.length + 1);
          expect(finishRawRecord(decoded.head, out.subarray(lineEnd + 1, -1))).toEqual({ ok: true, record });
          expect(decodeRecordLine(out.subarray(0, lineEnd)).ok).toBe(false);
        }
      }),
    );
  });
});

describe('a version-3 transcript', () => {
  it('reads back every record exactly, whatever the chunks', () => {
    fc.assert(
      fc.property(
        recordingArb.chain((records) => {
          const bytes = encodeRecording(records);
          return fc.tuple(fc.constant(records), fc.constant(bytes), fc.array(fc.nat({ max: bytes.length }), { maxLength: 8 }));
        }),
        ([records, bytes, cuts]) => {
          const { records: read, outcome } = readAll(bytes, cuts);
          expect(read).toEqual(records);
          expect(outcome.problem).toBeUndefined();
          expect(outcome.validBytes).toBe(bytes.length);
          expect(outcome.ended).toBe(records.at(-1)!.type === 'end');
        },
      ),
    );
  });

  it('reads the fixtures a byte at a time and in one piece alike, a 100,000-byte chunk and a 65,507-byte datagram among them', () => {
    for (const records of [asRecording(tcpRecords()), asRecording(udpRecords())]) {
      const bytes = encodeRecording(records);
      expect(readAll(bytes).records).toEqual(records);
      const reader = new TranscriptReader();
      const read: TranscriptRecord[] = [];
      for (let i = 0; i < bytes.length; i += 997) read.push(...reader.push(bytes.subarray(i, i + 997)));
      expect(read).toEqual(records);
      expect(reader.finish().problem).toBeUndefined();
    }
  });

  it('converts to version-2 JSON Lines and back to the same records and the same bytes', () => {
    fc.assert(
      fc.property(recordingArb, (records) => {
        const v3 = encodeRecording(records);
        const asV2 = readAll(v3).records.map((r) => (r.type === 'header' ? { ...r, version: JSONL_TRANSCRIPT_VERSION } : r));
        const v2 = encodeAll(asV2);
        // Every record one line of text, no raw bytes.
        expect(Buffer.from(v2).toString('utf8').split('\n').slice(0, -1).length).toBe(records.length);
        const { records: fromV2, outcome } = readAll(v2);
        expect(outcome.problem).toBeUndefined();
        expect(fromV2).toEqual(asV2);
        expect(encodeRecording(fromV2)).toEqual(v3);
      }),
      { numRuns: 50 },
    );
  });

  it('cut at every byte reads as its whole records, then torn at the cut record', () => {
    const records = asRecording(
      transcript(header('udp'), [
        { type: 'state', state: 'open', local: v4('0.0.0.0', 5000) },
        { type: 'data', dir: 'rx', local: v4('0.0.0.0', 5000), remote: v4('127.0.0.1', 6000), bytes: utf8.encode('a\nb\n') },
        { type: 'data', dir: 'tx', local: v4('0.0.0.0', 5000), remote: v4('127.0.0.1', 6000), bytes: new Uint8Array(0) },
        { type: 'data', dir: 'rx', local: v4('0.0.0.0', 5000), remote: v4('127.0.0.1', 6000), bytes: Uint8Array.of(0x0a, 0x7d, 0x22) },
        { type: 'end', reason: 'stopped' },
      ]),
    );
    const bytes = encodeRecording(records);
    const ends = recordEnds(records);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { records: read, outcome } = readAll(bytes.subarray(0, cut));
      const whole = ends.filter((end) => end <= cut).length;
      expect(read).toEqual(records.slice(0, whole));
      expect(outcome.validBytes).toBe(whole === 0 ? 0 : ends[whole - 1]);
      if (cut === bytes.length) expect(outcome.problem).toBeUndefined();
      else if (whole > 0 && ends[whole - 1] === cut) expect(outcome.problem).toBeUndefined();
      else expect(outcome.problem).toMatchObject({ kind: 'torn', offset: outcome.validBytes, line: whole + 1 });
    }
  });

  it('with any byte altered reads no further than the record it is in, and says so', () => {
    const records = asRecording(
      transcript(header('tcp-server'), [
        { type: 'open', conn: 'c1', local: v4('127.0.0.1', 4000), remote: v4('127.0.0.1', 50000) },
        {
          type: 'data',
          dir: 'rx',
          conn: 'c1',
          local: v4('127.0.0.1', 4000),
          remote: v4('127.0.0.1', 50000),
          bytes: utf8.encode('GET /\r\n\r\n'),
        },
        {
          type: 'data',
          dir: 'tx',
          conn: 'c1',
          local: v4('127.0.0.1', 4000),
          remote: v4('127.0.0.1', 50000),
          bytes: Uint8Array.of(0, 0x0a, 255),
        },
        { type: 'end', reason: 'stopped' },
      ]),
    );
    const bytes = encodeRecording(records);
    const ends = recordEnds(records);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const altered = bytes.slice();
        altered[at] ^= mask;
        const { records: read, outcome } = readAll(altered);
        const holding = ends.findIndex((end) => end > at);
        expect(outcome.problem).toBeDefined();
        expect(read.length).toBeLessThanOrEqual(holding);
        expect(read).toEqual(records.slice(0, read.length));
      }),
      { numRuns: 3000 },
    );
  });

  it('calls bytes that do not end in a newline corrupt, and a raw record in a version-2 file corrupt', () => {
    const records = asRecording(udpRecords());
    const bytes = encodeRecording(records);
    const ends = recordEnds(records);
    // Record 2 is the empty datagram: its line, no bytes, then its newline.
    const altered = bytes.slice();
    altered[ends[2]! - 1] = 0x20;
    expect(readAll(altered).outcome.problem).toMatchObject({ kind: 'corrupt', offset: ends[1], line: 3 });
    expect(readAll(altered).outcome.problem!.message).toContain('are not followed by a line end');

    const v2Header = encodeRecordLine({ ...records[0]!, version: JSONL_TRANSCRIPT_VERSION } as TranscriptRecord);
    const joined = Buffer.concat([v2Header, bytes.subarray(ends[0])]);
    const { records: read, outcome } = readAll(joined);
    expect(read).toHaveLength(2);
    expect(outcome.problem).toMatchObject({ kind: 'corrupt', line: 3 });
    expect(outcome.problem!.message).toContain('which version 2 does not have');
  });

  it('refuses a raw record claiming more than 256 MiB before it waits for them', () => {
    const records = asRecording(udpRecords());
    const huge = utf8.encode(
      `{"type":"data","seq":1,"at":1,"session":"s1","dir":"rx","local":{"address":"0.0.0.0","port":1,"family":"IPv4"},"remote":{"address":"0.0.0.0","port":1,"family":"IPv4"},"len":${256 * 1024 * 1024 + 1},"raw":true`,
    );
    const line = Buffer.concat([huge, utf8.encode(`,"crc":"${crc32(huge).toString(16).padStart(8, '0')}"}\n`)]);
    const { outcome } = readAll(Buffer.concat([encodeRecordLine(records[0]!, undefined, { raw: true }), line, Buffer.alloc(10)]));
    expect(outcome.problem).toMatchObject({ kind: 'corrupt', line: 2 });
    expect(outcome.problem!.message).toContain('runs past');
  });
});
