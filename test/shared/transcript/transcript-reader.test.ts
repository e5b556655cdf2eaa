import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRecordLine } from '@shared/transcript/record-line';
import type { TranscriptRecord } from '@shared/transcript/records';
import { TranscriptReader, type ReadOutcome } from '@shared/transcript/transcript-reader';
import { encodeAll, header, pseudoRandomBytes, tcpRecords, transcript, udpRecords, v4, v6 } from '../../support/transcript-fixtures';
import { readTranscript } from '../../support/collect';

/** Every record type and every optional member, both present and absent. */
const EVERY_TYPE = transcript(
  header('tcp-client', {
    local: v6('fe80::1%eth0', 51000),
    connections: [{ conn: 'c7', local: v4('10.0.0.2', 51000), remote: v4('10.0.0.1', 80), since: 1_700_000_000_000.25 }],
  }),
  [
    { type: 'state', state: 'opening' },
    { type: 'state', state: 'open', local: v4('10.0.0.2', 51000) },
    {
      type: 'state',
      state: 'error',
      error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:80', hint: 'Nothing is listening there.' },
    },
    { type: 'open', conn: 'c8', local: v4('10.0.0.2', 51001), remote: v4('10.0.0.1', 80) },
    {
      type: 'data',
      dir: 'rx',
      conn: 'c8',
      local: v4('10.0.0.2', 51001),
      remote: v4('10.0.0.1', 80),
      bytes: Uint8Array.from({ length: 256 }, (_, n) => n),
    },
    { type: 'data', dir: 'tx', conn: 'c8', local: v4('10.0.0.2', 51001), remote: v4('10.0.0.1', 80), bytes: new Uint8Array(0) },
    { type: 'data', dir: 'rx', local: v6('::', 5000), remote: v6('2001:db8::7', 53), bytes: pseudoRandomBytes(1000) },
    { type: 'half-close', conn: 'c8', by: 'local' },
    { type: 'half-close', conn: 'c8', by: 'peer' },
    { type: 'close', conn: 'c8', reason: 'local-closed', counters: { rxBytes: 256, rxMessages: 1, txBytes: 0, txMessages: 1 } },
    { type: 'error', error: { code: 'INTERNAL', message: 'ünïcödé 中文 \u0000', hint: 'none' } },
    { type: 'error', conn: 'c8', error: { code: 'EPIPE', message: 'write EPIPE', hint: 'The peer has closed.' } },
    { type: 'end', reason: 'removed' },
  ],
);

const lineEnds = (records: readonly TranscriptRecord[]): number[] => {
  let at = 0;
  return records.map((record) => (at += encodeRecordLine(record).length));
};

function readInChunks(bytes: Uint8Array, cuts: number[]): { records: TranscriptRecord[]; outcome: ReadOutcome } {
  const reader = new TranscriptReader();
  const records: TranscriptRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...reader.push(bytes.subarray(from, cut)));
    from = cut;
  }
  records.push(...reader.push(bytes.subarray(from)));
  return { records, outcome: reader.finish() };
}

function withLine(records: TranscriptRecord[], index: number, edit: (line: Uint8Array) => Uint8Array): Uint8Array {
  return Buffer.concat(records.map((record, i) => (i === index ? edit(encodeRecordLine(record)) : encodeRecordLine(record))));
}

describe('TranscriptReader', () => {
  it('reads back every record type exactly as it was encoded', () => {
    const bytes = encodeAll(EVERY_TYPE);
    const { header: head, records, outcome } = readTranscript(bytes);
    expect(head).toEqual(EVERY_TYPE[0]);
    expect(records).toEqual(EVERY_TYPE.slice(1));
    expect(outcome).toEqual({ header: EVERY_TYPE[0], records: EVERY_TYPE.length, validBytes: bytes.length, ended: true });
  });

  it('gives the same records whatever the chunks: one byte at a time', () => {
    const bytes = encodeAll(EVERY_TYPE);
    const reader = new TranscriptReader();
    const records: TranscriptRecord[] = [];
    const seenAt: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const completed = reader.push(bytes.subarray(i, i + 1));
      records.push(...completed);
      if (completed.length > 0) seenAt.push(i + 1);
    }
    expect(records).toEqual(EVERY_TYPE);
    // Each record is handed over by the chunk that holds its newline, not later.
    expect(seenAt).toEqual(lineEnds(EVERY_TYPE));
    expect(reader.finish()).toMatchObject({ records: EVERY_TYPE.length, validBytes: bytes.length, ended: true });
  });

  it('gives the same records whatever the chunks: random splits', () => {
    const bytes = encodeAll(EVERY_TYPE);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
        const { records, outcome } = readInChunks(bytes, cuts);
        expect(records).toEqual(EVERY_TYPE);
        expect(outcome.problem).toBeUndefined();
        expect(outcome.validBytes).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a line of many megabytes that arrives in 64 KiB chunks', () => {
    const big = pseudoRandomBytes(6 * 1024 * 1024, 3);
    const records = tcpRecords();
    const data = records.find((r) => r.type === 'data')!;
    Object.assign(data, { bytes: big });
    const bytes = encodeAll(records);
    const cuts = Array.from({ length: Math.floor(bytes.length / 65_536) }, (_, n) => (n + 1) * 65_536);
    const { records: read, outcome } = readInChunks(bytes, cuts);
    expect(outcome.problem).toBeUndefined();
    expect(Buffer.from((read.find((r) => r.type === 'data') as { bytes: Uint8Array }).bytes).equals(Buffer.from(big))).toBe(true);
  });

  it('reads a file cut at any byte of its last three records up to the last whole record, and says where', () => {
    const records = udpRecords();
    const bytes = encodeAll(records);
    const ends = lineEnds(records);
    const from = ends[ends.length - 4]!;
    for (let cut = from; cut < bytes.length; cut++) {
      const { records: read, outcome } = readTranscript(bytes.subarray(0, cut));
      const whole = ends.filter((end) => end <= cut);
      const validBytes = whole[whole.length - 1]!;
      expect(outcome.validBytes).toBe(validBytes);
      expect(outcome.records).toBe(whole.length);
      expect(read).toHaveLength(whole.length - 1);
      expect(outcome.ended).toBe(false);
      if (cut === validBytes) {
        expect(outcome.problem).toBeUndefined();
      } else {
        expect(outcome.problem).toMatchObject({ kind: 'torn', offset: validBytes, line: whole.length + 1, bytesAfter: cut - validBytes });
        expect(outcome.problem!.message).toContain(`mid-record at byte ${validBytes.toLocaleString('en-US')} (line ${whole.length + 1})`);
        expect(outcome.problem!.message).toContain(`the ${whole.length} records before it are whole`);
      }
    }
  });

  it('calls a whole but damaged last line torn, and the same line followed by more bytes corrupt', () => {
    const records = tcpRecords();
    const ends = lineEnds(records);
    const flipLast = withLine(records, records.length - 1, (line) => {
      line[10] ^= 0x01;
      return line;
    });
    expect(readTranscript(flipLast).outcome.problem).toMatchObject({ kind: 'torn', offset: ends[ends.length - 2], line: records.length });
    const flipMiddle = withLine(records, 4, (line) => {
      line[Math.floor(line.length / 2)] ^= 0x20;
      return line;
    });
    const { records: read, outcome } = readTranscript(flipMiddle);
    expect(read).toHaveLength(3);
    expect(outcome.problem).toMatchObject({ kind: 'corrupt', line: 5, offset: ends[3], bytesAfter: flipMiddle.length - ends[3]! });
    expect(outcome.problem!.message).toContain('line 5 at byte');
    expect(outcome.problem!.message).toContain('checksum mismatch');
    expect(outcome.validBytes).toBe(ends[3]);
  });

  it('decides torn or corrupt the same way when the damaged line ends a chunk', () => {
    const records = tcpRecords();
    const ends = lineEnds(records);
    const bytes = withLine(records, 2, (line) => {
      line[5] ^= 0x04;
      return line;
    });
    expect(readInChunks(bytes, [ends[2]!]).outcome.problem).toMatchObject({ kind: 'corrupt', line: 3, offset: ends[1] });
    expect(readInChunks(bytes.subarray(0, ends[2]), [ends[1]!, ends[2]!]).outcome.problem).toMatchObject({
      kind: 'torn',
      line: 3,
      offset: ends[1],
    });
  });

  it('reports a missing record as a gap, and one out of order', () => {
    const records = tcpRecords();
    const skipped = records.filter((_, i) => i !== 3);
    const { outcome } = readTranscript(encodeAll(skipped));
    expect(outcome.problem).toMatchObject({ kind: 'gap', line: 4, offset: lineEnds(skipped)[2] });
    expect(outcome.problem!.message).toContain('is record 4 where record 3 comes next: 1 record is missing');
    const repeated = [...records.slice(0, 4), records[3]!, ...records.slice(4)];
    expect(readTranscript(encodeAll(repeated)).outcome.problem).toMatchObject({ kind: 'gap', line: 5 });
  });

  it('refuses a record of another session, a second header and anything after the end record', () => {
    const records = tcpRecords();
    const foreign = records.map((r, i) => (i === 2 ? { ...r, session: 's2' } : r));
    expect(readTranscript(encodeAll(foreign)).outcome.problem).toMatchObject({ kind: 'corrupt', line: 3 });
    const joined = encodeAll([...records, ...records]);
    const afterEnd = readTranscript(joined).outcome;
    expect(afterEnd).toMatchObject({ ended: true, records: records.length, validBytes: encodeAll(records).length });
    expect(afterEnd.problem).toMatchObject({ kind: 'corrupt', line: records.length + 1 });
    expect(afterEnd.problem!.message).toContain('follows the end record');
    const twoHeaders = encodeAll([...records.slice(0, 3), records[0]!]);
    expect(readTranscript(twoHeaders).outcome.problem!.message).toContain('second header');
  });

  it('says a file of something else is not a transcript', () => {
    for (const text of [
      'hello world\n',
      '{"type":"data"}\n',
      '\n',
      'PK\u0003\u0004 binary without newline',
      '\n\r\r\n\x4d\x3c\x2b\x1a pcapng',
    ]) {
      const { outcome } = readTranscript(new TextEncoder().encode(text));
      expect(outcome.problem, text).toMatchObject({ kind: 'not-a-transcript', offset: 0, line: 1 });
      expect(outcome.problem!.message).toContain('not a Socket Inspector transcript');
    }
    const otherFormat = encodeAll([{ ...header('udp'), format: 'other-format' } as unknown as TranscriptRecord]);
    expect(readTranscript(otherFormat).outcome.problem).toMatchObject({ kind: 'not-a-transcript' });
  });

  it('names the version of a transcript from a newer app, and the versions it reads', () => {
    const newer = encodeAll([header('udp', { version: 4 }), ...udpRecords().slice(1)]);
    const { outcome, records } = readTranscript(newer);
    expect(records).toEqual([]);
    expect(outcome.problem).toMatchObject({ kind: 'unsupported-version', offset: 0, line: 1 });
    expect(outcome.problem!.message).toContain('format version 4, and this app reads versions 1, 2 and 3');
    // A newer header may hold members this version does not know.
    const extended = encodeAll([{ ...header('udp', { version: 5 }), compression: 'zstd' } as unknown as TranscriptRecord]);
    expect(readTranscript(extended).outcome.problem).toMatchObject({ kind: 'unsupported-version' });
  });

  it('explains a file whose line ends were converted to CRLF', () => {
    const crlf = Buffer.from(Buffer.from(encodeAll(tcpRecords())).toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
    const { outcome } = readTranscript(crlf);
    expect(outcome.problem).toMatchObject({ kind: 'corrupt', offset: 0, line: 1, bytesAfter: crlf.length });
    expect(outcome.problem!.message).toContain('carriage return');
    expect(outcome.problem!.message).toContain('dos2unix');
  });

  it('calls an empty file torn, with nothing whole', () => {
    expect(readTranscript(new Uint8Array(0)).outcome).toEqual({
      records: 0,
      validBytes: 0,
      ended: false,
      problem: {
        kind: 'torn',
        offset: 0,
        line: 1,
        bytesAfter: 0,
        message: expect.stringContaining('empty'),
        phrase: { key: 'transcript.empty' },
      },
    });
    expect(new TranscriptReader().finish().problem?.kind).toBe('torn');
  });

  it('never throws on random bytes, alone or after whole records', () => {
    const prefix = encodeAll(tcpRecords().slice(0, 5));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (noise, afterRecords) => {
        const bytes = afterRecords ? Buffer.concat([prefix, noise]) : noise;
        const { outcome } = readTranscript(bytes);
        expect(outcome.validBytes).toBeLessThanOrEqual(bytes.length);
        if (afterRecords) {
          expect(outcome.records).toBeGreaterThanOrEqual(5);
          expect(outcome.validBytes).toBeGreaterThanOrEqual(prefix.length);
        }
        if (outcome.problem) expect(outcome.problem.offset + outcome.problem.bytesAfter).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('stops at the first problem and reads nothing after it', () => {
    const records = tcpRecords();
    const bytes = withLine(records, 3, (line) => line.subarray(1));
    const reader = new TranscriptReader();
    const before = reader.push(bytes.subarray(0, lineEnds(records)[4]));
    expect(before).toHaveLength(3);
    expect(reader.push(encodeAll(records.slice(4)))).toEqual([]);
    expect(reader.finish().problem).toMatchObject({ kind: 'corrupt', line: 4 });
  });
});
