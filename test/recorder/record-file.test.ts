import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordFile, type FileLayer } from '@recorder/record-file';
import { nodeLineCodec } from '@recorder/node-line-codec';
import { encodeRecordLine } from '@shared/transcript/record-line';
import type { TranscriptRecord } from '@shared/transcript/records';
import { asRecording, header, transcript, v4 } from '../support/transcript-fixtures';
import { readTranscript } from '../support/collect';

const WRITE_MAX = 256 * 1024;

/**
 * A file in memory whose writes take a while and may write only part of what they are given,
 * and which copies the bytes only when the write ends, the way the kernel reads the memory of
 * a write that is still under way: reusing memory before its write is done shows up as wrong
 * bytes in the file.
 */
function slowFile(plan: { partial: boolean[]; delays: number[] }) {
  const chunks: Buffer[] = [];
  const writes: { bytes: number; buffer: ArrayBufferLike }[] = [];
  let call = 0;
  const files: FileLayer = {
    mkdir: async () => undefined,
    openNew: async () => 3,
    openExisting: async () => 3,
    write: async (_fd, bytes) => {
      const n = call++;
      writes.push({ bytes: bytes.byteLength, buffer: bytes.buffer });
      const size = plan.partial[n % plan.partial.length] ? Math.max(1, bytes.byteLength >> 1) : bytes.byteLength;
      for (let i = plan.delays[n % plan.delays.length]!; i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
      chunks.push(Buffer.from(bytes.subarray(0, size)));
      return size;
    },
    fstat: async () => ({ nlink: 1 }),
    fsync: async () => undefined,
    close: async () => undefined,
  };
  return { files, writes, content: () => Buffer.concat(chunks) };
}

function recordFile(files: FileLayer, written: { records: number; bytes: number }): RecordFile {
  return new RecordFile({
    files,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle),
    intervalMs: 1,
    maxBytes: 64 * 1024,
    writeMaxBytes: WRITE_MAX,
    highWater: 1024 * 1024,
    lowWater: 256 * 1024,
    onBacklog: () => undefined,
    onWritten: (records, bytes) => {
      written.records += records;
      written.bytes += bytes;
    },
    onFailure: (failure) => {
      throw new Error(`unexpected failure: ${failure.kind}`);
    },
  });
}

/** A line of `size` bytes that says which line it is in every byte, ending in a newline. */
function fillLine(into: Uint8Array, index: number): Uint8Array {
  into.fill(0x41 + (index % 26));
  into[into.byteLength - 1] = 0x0a;
  return into;
}

describe('RecordFile', () => {
  it('writes every line whole and in order while reusing its memory under writes still in flight', async () => {
    const line = fc.record({
      size: fc.oneof(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 90_000 }),
        fc.integer({ min: WRITE_MAX, max: WRITE_MAX + 70_000 }),
      ),
      inPlace: fc.boolean(),
      pauseAfter: fc.nat({ max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 120 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 5 }),
        async (lines, partial, delays) => {
          const file = slowFile({ partial, delays });
          const written = { records: 0, bytes: 0 };
          const records = recordFile(file.files, written);
          await records.create('/nowhere', 'test.jsonl');
          const expected: Uint8Array[] = [];
          for (const [index, { size, inPlace, pauseAfter }] of lines.entries()) {
            const bytes = fillLine(inPlace ? records.reserve(size) : new Uint8Array(size), index);
            expected.push(Buffer.from(bytes));
            records.append(bytes);
            for (let i = 0; i < pauseAfter; i++) await new Promise((resolve) => setImmediate(resolve));
          }
          await records.close();
          expect(file.content().equals(Buffer.concat(expected))).toBe(true);
          expect(written).toEqual({ records: lines.length, bytes: file.content().byteLength });
          // A write holds whole lines up to the limit; only a longer line goes alone, over it.
          for (const write of file.writes) if (write.bytes > WRITE_MAX) expect(lines.some((l) => l.size >= write.bytes)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('writes raw data records built in reserved room whole through slow and partial writes, read back exactly', async () => {
    const local = v4('127.0.0.1', 4000);
    const remote = v4('127.0.0.1', 50000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.integer({ min: 1, max: WRITE_MAX + 10_000 }).map((n) => new Uint8Array(n).fill(0x0a)),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 5 }),
        async (chunks, partial, delays) => {
          const file = slowFile({ partial, delays });
          const records = recordFile(file.files, { records: 0, bytes: 0 });
          await records.create('/nowhere', 'test.sirec');
          const codec = { ...nodeLineCodec, alloc: (size: number) => records.reserve(size) };
          const expected: TranscriptRecord[] = asRecording(
            transcript(
              header('tcp-server'),
              chunks.map((bytes, i) => ({ type: 'data', dir: i % 2 ? 'tx' : 'rx', conn: 'c1', local, remote, bytes })),
            ),
          );
          for (const [i, record] of expected.entries()) {
            records.append(encodeRecordLine(record, codec, { raw: true }));
            if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
          }
          await records.close();
          const { header: head, records: read, outcome } = readTranscript(file.content(), nodeLineCodec);
          expect(outcome.problem).toBeUndefined();
          expect(head).toEqual(expected[0]);
          expect(read).toHaveLength(chunks.length);
          // Compared as Buffers: an element-by-element comparison of megabytes takes seconds.
          for (const [i, record] of read.entries()) {
            const { bytes, ...rest } = record as Extract<TranscriptRecord, { type: 'data' }>;
            const { bytes: want, ...wantRest } = expected[i + 1] as Extract<TranscriptRecord, { type: 'data' }>;
            expect(rest).toEqual(wantRest);
            expect(Buffer.from(bytes).equals(Buffer.from(want))).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes a line built in reserved room from that memory, without copying it', async () => {
    const file = slowFile({ partial: [false], delays: [0] });
    const records = recordFile(file.files, { records: 0, bytes: 0 });
    await records.create('/nowhere', 'test.jsonl');
    const rooms: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const room = fillLine(records.reserve(1000), i);
      rooms.push(room);
      records.append(room);
    }
    await records.close();
    expect(file.content().byteLength).toBe(200_000);
    // Whole runs of lines went out straight from the rooms they were written in.
    const roomBuffers = new Set(rooms.map((room) => room.buffer));
    for (const write of file.writes) expect(roomBuffers.has(write.buffer)).toBe(true);
  });

  it('holds a bounded amount of memory however much goes through it', async () => {
    const file = slowFile({ partial: [false, true], delays: [1, 3] });
    const records = recordFile(file.files, { records: 0, bytes: 0 });
    await records.create('/nowhere', 'test.jsonl');
    for (let i = 0; i < 2000; i++) {
      records.append(fillLine(records.reserve(40_000), i));
      // The caller stops at the high-water mark, as the recorder's TCP sessions do.
      while (records.backlog > 1024 * 1024) await new Promise((resolve) => setImmediate(resolve));
    }
    await records.close();
    expect(file.content().byteLength).toBe(80_000_000);
    // 80 MB went through a handful of segments of at most the write limit each.
    const distinct = new Set(file.writes.map((w) => w.buffer));
    expect(distinct.size).toBeLessThanOrEqual(8);
  });
});
