import { createReadStream } from 'node:fs';
import path from 'node:path';
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
      return new TranscriptFileError(code, `${name} is a folder: name a transcript file (.jsonl) inside it.`);
    default:
      return new TranscriptFileError(code, `Reading ${name} failed: ${error.message}. Check the file and the disk, then try again.`);
  }
}

/** Large reads: a busy recording is gigabytes, and each read costs a turn of the event loop. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Stream a transcript file through the reader in bounded memory, handing each whole record to
 * `onRecord` in order (awaited, so a slow consumer slows the reading). `onChunk`, if given,
 * sees every chunk read and the offset the whole records have reached after it.
 * Throws a TranscriptFileError when the file cannot be read; a damaged file is not an error:
 * the outcome says where its whole records end.
 */
export async function readTranscriptFile(
  file: string,
  onRecord: (record: TranscriptRecord) => void | Promise<void>,
  onChunk?: (chunk: Uint8Array, validBytes: number) => void | Promise<void>,
): Promise<ReadOutcome> {
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
