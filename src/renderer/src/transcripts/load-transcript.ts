/**
 * An opened file, read as a transcript: pcapng when it starts like one, else the app's own
 * format (a recording, or JSON Lines). Read in slices so the records of a large file become bounded log entries as they go.
 */
import { isPcapng, readPcapng } from '@shared/transcript/pcapng-reader';
import { RAW_DATA_VERSION } from '@shared/transcript/records';
import { TranscriptReader } from '@shared/transcript/transcript-reader';
import { untranslated, type Phrase } from '@shared/phrase';
import type { StoreLimits } from '../store/apply-batch';
import { TranscriptBuilder } from './transcript-builder';
import type { OpenTranscript } from '../store/transcript-view';

/** Why a file could not be shown: not a transcript at all, or one the reader refused outright. */
export type TranscriptRefusal = { type: 'neither' } | { type: 'unreadable'; message: Phrase };

export type TranscriptLoad = { ok: true; transcript: OpenTranscript } | { ok: false; refusal: TranscriptRefusal };

const SLICE_BYTES = 4 * 1024 * 1024;

function loadJsonLines(id: string, fileName: string, bytes: Uint8Array, limits: StoreLimits): TranscriptLoad {
  const reader = new TranscriptReader();
  let builder: TranscriptBuilder | undefined;
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    for (const record of reader.push(bytes.subarray(at, Math.min(bytes.length, at + SLICE_BYTES)))) {
      if (record.type === 'header') builder = new TranscriptBuilder(record, limits);
      else builder?.add(record);
    }
  }
  const outcome = reader.finish();
  const { problem } = outcome;
  if (!builder) {
    return problem?.kind === 'not-a-transcript' || !problem
      ? { ok: false, refusal: { type: 'neither' } }
      : { ok: false, refusal: { type: 'unreadable', message: problem.phrase } };
  }
  return {
    ok: true,
    transcript: builder.finish(
      id,
      fileName,
      outcome.header && outcome.header.version >= RAW_DATA_VERSION ? 'recording' : 'jsonl',
      problem ? { offset: problem.offset, torn: problem.kind === 'torn', records: outcome.records, message: problem.phrase } : undefined,
    ),
  };
}

function loadPcapng(id: string, fileName: string, bytes: Uint8Array, limits: StoreLimits): TranscriptLoad {
  let read: ReturnType<typeof readPcapng>;
  try {
    read = readPcapng(bytes);
  } catch (err) {
    return { ok: false, refusal: { type: 'unreadable', message: untranslated(err instanceof Error ? err.message : String(err)) } };
  }
  const builder = new TranscriptBuilder(read.header, limits);
  for (const record of read.records) builder.add(record);
  const { problem } = read;
  // The header is a record too, as the JSON Lines reader counts them.
  const whole = read.records.length + 1;
  return {
    ok: true,
    transcript: builder.finish(
      id,
      fileName,
      'pcapng',
      problem ? { offset: problem.offset, torn: false, records: whole, message: problem.phrase } : undefined,
    ),
  };
}

export function loadTranscript(id: string, fileName: string, bytes: Uint8Array, limits: StoreLimits): TranscriptLoad {
  return isPcapng(bytes) ? loadPcapng(id, fileName, bytes, limits) : loadJsonLines(id, fileName, bytes, limits);
}
