/**
 * A transcript file converted while it streams: its whole records as JSON Lines, as a text
 * dump, or as pcapng. A damaged file converts up to its last whole record.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { TranscriptFormat } from '@shared/contract';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import { encodeRecordLine } from '@shared/transcript/record-line';
import { JSONL_TRANSCRIPT_VERSION, RAW_DATA_VERSION, type TranscriptRecord } from '@shared/transcript/records';
import { formatTextHeader, formatTextRecord } from '@shared/transcript/text-dump';
import type { ReadOutcome } from '@shared/transcript/transcript-reader';
import { nodeLineCodec } from './node-line-codec';
import { isPcapngFile, readTranscriptFile } from './transcript-file';

/** Small pieces (text blocks, packets) are gathered into writes of about this size. */
const WRITE_BATCH_BYTES = 256 * 1024;

/**
 * Writes to a stream in batches and waits whenever the stream asks to (backpressure). An error
 * of the stream (a closed pipe, a full disk) fails the next write instead of going unheard.
 */
export class OutputSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (bytes.length >= WRITE_BATCH_BYTES) {
      await this.flush();
      await this.send(bytes);
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const batch = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.send(batch);
  }

  private async send(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.out.write(bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', onError);
        this.out.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (err: Error) => done(err);
      const onClose = () => done(this.failure ?? new Error('The output was closed before everything was written.'));
      this.out.on('drain', onDrain);
      this.out.on('error', onError);
      this.out.on('close', onClose);
    });
  }
}

export interface ConvertOptions {
  /** The app named in a pcapng file as its writer; the recording app by default. */
  app?: { name: string; version: string };
}

const utf8 = new TextEncoder();

/** A record as a JSON Lines export writes it: one line of text, the header saying version 2. */
function jsonlLine(record: TranscriptRecord): Uint8Array {
  return encodeRecordLine(record.type === 'header' ? { ...record, version: JSONL_TRANSCRIPT_VERSION } : record, nodeLineCodec);
}

/** The text dump's last line when the file does not end with an end record. */
function textEnding(outcome: ReadOutcome): string {
  if (outcome.problem) return `The transcript stops here: ${outcome.problem.message}.\n`;
  if (outcome.pcapng) {
    const skipped = outcome.pcapng.skipped ? ` Not everything was read: ${outcome.pcapng.skipped}.` : '';
    return `The transcript was read from pcapng, which carries no end record.${skipped}\n`;
  }
  if (!outcome.ended)
    return 'The transcript stops here without an end record: the recording was interrupted (the app crashed or was killed) or is still running.\n';
  return '';
}

/**
 * Convert a transcript file into `out`, streaming (bounded memory for any size), waiting on
 * `out` when it is full. JSON Lines (version 2) copies a JSON Lines file's bytes up to the end
 * of its last whole record, and writes a version-3 recording's or a pcapng's records as lines. Nothing is written when
 * the file is not a transcript; `out` is not ended.
 */
export async function convertTranscript(
  source: string,
  format: TranscriptFormat,
  out: NodeJS.WritableStream,
  options: ConvertOptions = {},
): Promise<ReadOutcome> {
  const sink = new OutputSink(out);
  let outcome: ReadOutcome;
  if (format === 'jsonl' && (await isPcapngFile(source))) {
    // The records rebuilt from the packets, numbered and checksummed as the recorder writes them.
    outcome = await readTranscriptFile(source, (record) => sink.write(jsonlLine(record)));
  } else if (format === 'jsonl') {
    // A JSON Lines file (versions 1 and 2) is copied as it is; a recording of version 3, its
    // data bytes raw, is written again record by record as version 2 text.
    let copy: boolean | undefined;
    // Chunks wait here until the reader has vouched for their records (and the header said which way).
    let held: Uint8Array[] = [];
    let heldFrom = 0;
    outcome = await readTranscriptFile(
      source,
      (record) => {
        if (record.type === 'header') copy = record.version < RAW_DATA_VERSION;
        return copy ? undefined : sink.write(jsonlLine(record));
      },
      async (chunk, validBytes) => {
        if (copy === false) {
          held = [];
          return;
        }
        held.push(chunk);
        while (held.length > 0 && heldFrom < validBytes) {
          const first = held[0]!;
          const take = Math.min(first.length, validBytes - heldFrom);
          await sink.write(first.subarray(0, take));
          if (take === first.length) held.shift();
          else held[0] = first.subarray(take);
          heldFrom += take;
        }
      },
    );
  } else if (format === 'text') {
    outcome = await readTranscriptFile(source, (record: TranscriptRecord) =>
      sink.write(utf8.encode(record.type === 'header' ? formatTextHeader(record) : formatTextRecord(record))),
    );
    if (outcome.header) await sink.write(utf8.encode(textEnding(outcome)));
  } else {
    let writer: PcapngWriter | undefined;
    outcome = await readTranscriptFile(source, (record: TranscriptRecord) => {
      if (record.type === 'header') {
        writer = new PcapngWriter(record, options.app);
        return sink.write(writer.start());
      }
      return writer ? sink.write(writer.write(record)) : undefined;
    });
  }
  await sink.flush();
  return outcome;
}

/**
 * Write a file through a temporary one in the same folder, synced and then renamed into place,
 * so a crash or a full disk leaves the old file or the new one, never part of one. The
 * temporary file is removed instead when `produce` throws or `keep` says no.
 */
export async function writeFileAtomically<T>(
  target: string,
  produce: (out: NodeJS.WritableStream) => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // flush: the data reaches the disk before the rename can make it the file.
  const stream = createWriteStream(temporary, { flags: 'wx', flush: true });
  let renamed = false;
  try {
    await once(stream, 'open');
    const result = await produce(stream);
    stream.end();
    await finished(stream);
    if (keep(result)) {
      await rename(temporary, target);
      renamed = true;
    }
    return result;
  } finally {
    if (!renamed) {
      // Writes still queued fail as the stream goes; the file is abandoned anyway.
      stream.on('error', () => undefined);
      stream.destroy();
      await rm(temporary, { force: true });
    }
  }
}

/** convertTranscript into a file, written atomically; the target is left alone when the source is not a transcript. */
export function convertTranscriptFile(
  source: string,
  format: TranscriptFormat,
  target: string,
  options: ConvertOptions = {},
): Promise<ReadOutcome> {
  return writeFileAtomically(
    target,
    (out) => convertTranscript(source, format, out, options),
    (outcome) => outcome.header !== undefined,
  );
}
