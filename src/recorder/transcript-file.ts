import { english, phrase } from '@shared/phrase';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isPcapng, readPcapng, type PcapngRead } from '@shared/transcript/pcapng-reader';
import type { TranscriptRecord } from '@shared/transcript/records';
import { TranscriptReader, type ReadOutcome } from '@shared/transcript/transcript-reader';
import { nodeLineCodec } from './node-line-codec';

/** A transcript file that could not be read at all (missing, a folder, no permission). */
export class TranscriptFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TranscriptFileError';
  }
}

function fileError(file: string, err: unknown): TranscriptFileError {
  const error = err as NodeJS.ErrnoException;
  const code = error.code ?? 'EIO';
  const name = path.resolve(file);
  switch (code) {
    case 'ENOENT':
      return new TranscriptFileError(code, `${name} does not exist: check the path (a relative path starts in ${process.cwd()}).`);
    case 'ENOTDIR':
      return new TranscriptFileError(code, `${name} does not exist: part of its path is a file, not a folder. Check the path.`);
    case 'EACCES':
    case 'EPERM':
      return new TranscriptFileError(
        code,
        `${name} may not be read (permission denied): read it as its owner, or copy it somewhere you may read.`,
      );
    case 'EISDIR':
      return new TranscriptFileError(code, `${name} is a folder: name a transcript file (.sirec or .jsonl) inside it.`);
    default:
      return new TranscriptFileError(code, `Reading ${name} failed: ${error.message}. Check the file and the disk, then try again.`);
  }
}

/**
 * pcapng is read whole into memory (its reader needs every block of a connection to rebuild the
 * stream); beyond this a file is refused rather than exhausting the memory.
 */
const MAX_PCAPNG_BYTES = 2 * 1024 * 1024 * 1024;

/** Whether the file is pcapng, by its first four bytes (a Section Header Block), whatever its name. */
export async function isPcapngFile(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
    const start = new Uint8Array(4);
    const { bytesRead } = await handle.read(start, 0, 4, 0);
    return isPcapng(start.subarray(0, bytesRead));
  } catch (err) {
    throw fileError(file, err);
  } finally {
    await handle?.close();
  }
}

/** What a pcapng read means as the JSON Lines reader would say it. */
function pcapngOutcome(read: PcapngRead, size: number): ReadOutcome {
  const { problem } = read;
  const records = read.records.length + 1;
  const outcome: ReadOutcome = { header: read.header, records, validBytes: size, ended: false, pcapng: {} };
  if (!problem) return outcome;
  if (problem.kind === 'skipped') {
    if (read.records.length > 0) return { ...outcome, pcapng: { skipped: problem.message } };
    // Nothing of the capture fits a transcript: refused, not reported as an empty recording.
    return {
      records: 0,
      validBytes: 0,
      ended: false,
      pcapng: {},
      problem: {
        offset: problem.offset,
        kind: 'not-a-transcript',
        message: english(phrase('pcapng.nothingUsable', { problem: problem.phrase })),
        phrase: phrase('pcapng.nothingUsable', { problem: problem.phrase }),
        bytesAfter: size - problem.offset,
      },
    };
  }
  const torn = {
    offset: problem.offset,
    kind: problem.kind,
    message: problem.message,
    phrase: problem.phrase,
    bytesAfter: size - problem.offset,
  };
  // Cut inside the Section Header Block: no header was read, so there is nothing to use.
  if (problem.offset === 0) return { records: 0, validBytes: 0, ended: false, pcapng: {}, problem: torn };
  return {
    ...outcome,
    validBytes: problem.offset,
    problem: torn,
  };
}

async function readPcapngFile(file: string, onRecord: (record: TranscriptRecord) => void | Promise<void>): Promise<ReadOutcome> {
  let bytes: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_PCAPNG_BYTES) {
        throw new TranscriptFileError(
          'EFBIG',
          `${path.resolve(file)} is a pcapng of ${size} bytes, more than the ${MAX_PCAPNG_BYTES} bytes read into memory: convert the JSON Lines transcript it came from, or split the capture (editcap -c).`,
        );
      }
      bytes = await readFile(handle);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw err instanceof TranscriptFileError ? err : fileError(file, err);
  }
  const read = readPcapng(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const outcome = pcapngOutcome(read, bytes.length);
  if (outcome.header) {
    for (const record of [read.header, ...read.records]) {
      const pending = onRecord(record);
      if (pending) await pending;
    }
  }
  return outcome;
}

/** Large reads: a busy recording is gigabytes, and each read costs a turn of the event loop. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Stream a transcript file through the reader in bounded memory, handing each whole record to
 * `onRecord` in order (awaited, so a slow consumer slows the reading). `onChunk`, if given,
 * sees every chunk read and the offset the whole records have reached after it.
 * A pcapng file (told by its first bytes) is read whole instead, its records rebuilt from the
 * packets, and `onChunk` is not called: its bytes are not JSON Lines.
 * Throws a TranscriptFileError when the file cannot be read; a damaged file is not an error:
 * the outcome says where its whole records end.
 */
export async function readTranscriptFile(
  file: string,
  onRecord: (record: TranscriptRecord) => void | Promise<void>,
  onChunk?: (chunk: Uint8Array, validBytes: number) => void | Promise<void>,
): Promise<ReadOutcome> {
  if (await isPcapngFile(file)) return readPcapngFile(file, onRecord);
  const reader = new TranscriptReader(nodeLineCodec);
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let readFailure: unknown;
  stream.once('error', (err) => {
    readFailure = err;
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const record of reader.push(chunk)) {
        const pending = onRecord(record);
        if (pending) await pending;
      }
      if (onChunk) await onChunk(chunk, reader.validBytes);
    }
  } catch (err) {
    stream.destroy();
    // The consumer's own failures (a closed output) pass through as they are.
    throw err === readFailure ? fileError(file, err) : err;
  }
  return reader.finish();
}
