/**
 * Whole-input wrappers over the streaming APIs of src/shared, for tests that want one answer per
 * input. The app only ever streams, so these live here rather than in src.
 */
import { indexOfBytes, type ByteQuery } from '@shared/byte-search';
import { scanEscapes } from '@shared/escapes';
import { createFramer, type Frame, type FramingConfig } from '@shared/framing';
import type { TextProblem } from '@shared/text-encoding';
import type { LineCodec } from '@shared/transcript/record-line';
import type { BodyRecord, HeaderRecord } from '@shared/transcript/records';
import { TranscriptReader, type ReadOutcome } from '@shared/transcript/transcript-reader';

export type Segment = { text: string } | { bytes: Uint8Array };

export type EscapeParse = { ok: true; segments: Segment[] } | ({ ok: false } & TextProblem);

/** Escaped text as segments of text and raw bytes; adjacent text, and adjacent bytes, merge. */
export function parseEscapes(text: string): EscapeParse {
  const segments: Segment[] = [];
  let pendingText = '';
  let pendingBytes: number[] = [];
  const flushText = (): void => {
    if (pendingText.length > 0) segments.push({ text: pendingText });
    pendingText = '';
  };
  const flushBytes = (): void => {
    if (pendingBytes.length > 0) segments.push({ bytes: new Uint8Array(pendingBytes) });
    pendingBytes = [];
  };
  const problem = scanEscapes(text, {
    text(part) {
      flushBytes();
      pendingText += part;
      return undefined;
    },
    byte(value) {
      flushText();
      pendingBytes.push(value);
    },
  });
  if (problem) return { ok: false, ...problem };
  flushText();
  flushBytes();
  return { ok: true, segments };
}

export interface Chunk {
  bytes: Uint8Array;
  at: number;
}

/** One pass over a whole stream: every complete frame, then the partial one if any. */
export function frameAll(config: FramingConfig, chunks: Iterable<Chunk>): Frame[] {
  const framer = createFramer(config);
  const frames: Frame[] = [];
  for (const chunk of chunks) for (const frame of framer.push(chunk.bytes, chunk.at).frames) frames.push(frame);
  const partial = framer.partial();
  if (partial) frames.push(partial);
  return frames;
}

/** A whole transcript held in memory. */
export function readTranscript(
  bytes: Uint8Array,
  codec?: Pick<LineCodec, 'crc32'>,
): { header?: HeaderRecord; records: BodyRecord[]; outcome: ReadOutcome } {
  const reader = new TranscriptReader(codec);
  const records: BodyRecord[] = [];
  for (const record of reader.push(bytes)) if (record.type !== 'header') records.push(record);
  const outcome = reader.finish();
  return outcome.header ? { header: outcome.header, records, outcome } : { records, outcome };
}

/** Every match as [start, end), not overlapping, left to right. */
export function findAllBytes(haystack: Uint8Array, query: ByteQuery): [number, number][] {
  const matches: [number, number][] = [];
  if (query.needle.length === 0) return matches;
  for (let at = indexOfBytes(haystack, query); at !== -1; at = indexOfBytes(haystack, query, at + query.needle.length)) {
    matches.push([at, at + query.needle.length]);
  }
  return matches;
}
