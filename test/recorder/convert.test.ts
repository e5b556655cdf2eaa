import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { convertTranscript, convertTranscriptFile, writeFileAtomically } from '@recorder/convert';
import { TranscriptFileError, readTranscriptFile } from '@recorder/transcript-file';
import type { TranscriptRecord } from '@shared/transcript/records';
import { formatTextRecord } from '@shared/transcript/text-dump';
import {
  asRecording,
  encodeAll,
  encodeRecording,
  pseudoRandomBytes,
  tcpRecords,
  udpRecords,
  writeTranscript,
} from '../support/transcript-fixtures';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

/** A writable that takes its time over each write and notes how much was ever waiting in it. */
function slowSink(highWaterMark = 64 * 1024) {
  const chunks: Buffer[] = [];
  let mostBuffered = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: Buffer) => {
    const result = write(chunk);
    mostBuffered = Math.max(mostBuffered, stream.writableLength);
    return result;
  }) as typeof stream.write;
  return { stream, bytes: () => Buffer.concat(chunks), mostBuffered: () => mostBuffered };
}

describe('readTranscriptFile', () => {
  it('hands over every record in order and the outcome', async () => {
    const dir = await tempDir();
    const file = await writeTranscript(dir, 'tcp.jsonl', tcpRecords());
    const seen: TranscriptRecord[] = [];
    const outcome = await readTranscriptFile(file, (record) => {
      seen.push(record);
    });
    expect(seen).toEqual(tcpRecords());
    expect(outcome).toMatchObject({ records: 16, ended: true, validBytes: encodeAll(tcpRecords()).length });
  });

  it('turns a missing file, a folder and a path through a file into errors that say what to do', async () => {
    const dir = await tempDir();
    const read = (file: string) => readTranscriptFile(file, () => undefined);
    await expect(read(path.join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl does not exist: check the path/);
    await expect(read(dir)).rejects.toThrow(/is a folder: name a transcript file/);
    const file = await writeTranscript(dir, 'a.jsonl', tcpRecords());
    await expect(read(path.join(file, 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(read(dir)).rejects.toBeInstanceOf(TranscriptFileError);
  });

  it('lets a failure of the consumer through as it is', async () => {
    const dir = await tempDir();
    const file = await writeTranscript(dir, 'tcp.jsonl', tcpRecords());
    const failure = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
    await expect(
      readTranscriptFile(file, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});

describe('convertTranscript', () => {
  it('copies the whole records of a torn file byte for byte as JSON Lines, which then read clean', async () => {
    const dir = await tempDir();
    const whole = encodeAll(udpRecords({ end: false }));
    const torn = Buffer.concat([whole, encodeAll(udpRecords()).subarray(whole.length, whole.length + 25)]);
    const file = await writeTranscript(dir, 'torn.jsonl', torn);
    const sink = slowSink();
    const outcome = await convertTranscript(file, 'jsonl', sink.stream);
    expect(outcome.problem).toMatchObject({ kind: 'torn', offset: whole.length });
    expect(sink.bytes().equals(Buffer.from(whole))).toBe(true);
    expect(readTranscript(sink.bytes()).outcome.problem).toBeUndefined();
  });

  it('writes a version-3 recording, torn or whole, as the version-2 JSON Lines of its whole records', async () => {
    const dir = await tempDir();
    const records = asRecording(tcpRecords());
    const recording = encodeRecording(records);
    const torn = await writeTranscript(dir, 'torn.sirec', recording.subarray(0, recording.length - 20));
    const sink = slowSink();
    const outcome = await convertTranscript(torn, 'jsonl', sink.stream);
    expect(outcome.problem).toMatchObject({ kind: 'torn' });
    // The JSON Lines of the same records, the header saying version 2: text, one record a line.
    const text = sink.bytes();
    expect(text.toString('utf8').split('\n')).toHaveLength(records.length);
    const fromText = readTranscript(text);
    expect(fromText.outcome.problem).toBeUndefined();
    expect([fromText.header, ...fromText.records]).toEqual(tcpRecords().slice(0, -1));
    const whole = await writeTranscript(dir, 'whole.sirec', recording);
    const out = path.join(dir, 'whole.jsonl');
    await convertTranscriptFile(whole, 'jsonl', out);
    const read = readTranscript(await readFile(out));
    expect(read.outcome.problem).toBeUndefined();
    expect(read.header?.version).toBe(2);
    expect([read.header, ...read.records]).toEqual(tcpRecords());
  });

  it('waits for a slow output instead of piling everything up in it', async () => {
    const dir = await tempDir();
    const records = tcpRecords();
    for (const record of records) if (record.type === 'data') Object.assign(record, { bytes: pseudoRandomBytes(600_000, record.seq) });
    const file = await writeTranscript(dir, 'big.jsonl', records);
    const original = await readFile(file);
    expect(original.length).toBeGreaterThan(4_000_000);
    const largestText = Math.max(...records.map((r) => (r.type === 'header' ? 0 : Buffer.byteLength(formatTextRecord(r)))));
    for (const format of ['jsonl', 'text', 'pcapng'] as const) {
      const sink = slowSink();
      await convertTranscript(file, format, sink.stream);
      if (format === 'jsonl') expect(sink.bytes().equals(original)).toBe(true);
      // One read (1 MiB), one record's output or one batch, however big the file.
      const bound = Math.max(2 * 1024 * 1024, format === 'text' ? largestText + 256 * 1024 : 0);
      expect(sink.mostBuffered(), format).toBeLessThanOrEqual(bound);
    }
  });

  it('writes a text dump that ends by saying the file was torn or unfinished', async () => {
    const dir = await tempDir();
    const unfinished = await writeTranscript(dir, 'unfinished.jsonl', tcpRecords({ end: false }));
    const sink = slowSink();
    await convertTranscript(unfinished, 'text', sink.stream);
    const text = sink.bytes().toString('utf8');
    expect(text.startsWith('Socket Inspector transcript, format version 2')).toBe(true);
    expect(text).toContain('← rx  conn c2, local [::1]:4000, remote [::1]:50002, 100,000 bytes');
    expect(text.trimEnd().split('\n').pop()).toBe(
      'The transcript stops here without an end record: the recording was interrupted (the app crashed or was killed) or is still running.',
    );

    const bytes = encodeAll(tcpRecords());
    const torn = await writeTranscript(dir, 'torn.jsonl', bytes.subarray(0, bytes.length - 3));
    const tornSink = slowSink();
    await convertTranscript(torn, 'text', tornSink.stream);
    expect(tornSink.bytes().toString('utf8').trimEnd().split('\n').pop()).toMatch(
      /^The transcript stops here: the file ends mid-record at byte [\d,]+ \(line 16\)/,
    );

    const ended = slowSink();
    await convertTranscript(await writeTranscript(dir, 'ended.jsonl', tcpRecords()), 'text', ended.stream);
    expect(ended.bytes().toString('utf8').trimEnd().split('\n').pop()).toMatch(/end of the recording \(stopped\)$/);
  });

  it('writes pcapng through the pcapng writer, starting with a section header block', async () => {
    const dir = await tempDir();
    for (const records of [tcpRecords(), udpRecords()]) {
      const sink = slowSink();
      await convertTranscript(await writeTranscript(dir, 'x.jsonl', records), 'pcapng', sink.stream, {
        app: { name: 'Test', version: '1' },
      });
      expect([...sink.bytes().subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
      expect(sink.bytes().includes(Buffer.from('Test 1'))).toBe(true);
    }
  });

  it('writes nothing for a file that is not a transcript', async () => {
    const dir = await tempDir();
    const file = await writeTranscript(dir, 'notes.txt', new TextEncoder().encode('just some notes\n'));
    for (const format of ['jsonl', 'text', 'pcapng'] as const) {
      const sink = slowSink();
      const outcome = await convertTranscript(file, format, sink.stream);
      expect(outcome.problem?.kind).toBe('not-a-transcript');
      expect(sink.bytes().length).toBe(0);
    }
  });
});

describe('writing a file atomically', () => {
  it('replaces the target only once the new content is complete, and leaves no temporary file', async () => {
    const dir = await tempDir();
    const source = await writeTranscript(dir, 'tcp.jsonl', tcpRecords());
    const target = path.join(dir, 'out.txt');
    await writeFile(target, 'old content');
    const outcome = await convertTranscriptFile(source, 'text', target);
    expect(outcome.ended).toBe(true);
    expect((await readFile(target, 'utf8')).startsWith('Socket Inspector transcript')).toBe(true);
    expect(await readdir(dir)).toEqual(['out.txt', 'tcp.jsonl']);
  });

  it('keeps the old file when producing fails midway or the source is not a transcript', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'out.bin');
    await writeFile(target, 'old content');
    await expect(
      writeFileAtomically(target, async (out) => {
        out.write('half of the new content');
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('disk gone');
      }),
    ).rejects.toThrow('disk gone');
    const notOne = await writeTranscript(dir, 'notes.txt', new TextEncoder().encode('notes\n'));
    expect((await convertTranscriptFile(notOne, 'pcapng', target)).problem?.kind).toBe('not-a-transcript');
    expect(await readFile(target, 'utf8')).toBe('old content');
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'out.bin']);
  });

  it('fails with the OS code when the folder does not exist', async () => {
    const dir = await tempDir();
    const source = await writeTranscript(dir, 'tcp.jsonl', tcpRecords());
    await expect(convertTranscriptFile(source, 'jsonl', path.join(dir, 'missing', 'out.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
