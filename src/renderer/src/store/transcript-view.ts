/**
 * A transcript file opened in the renderer, as the workspace shows it: read-only, never fed by
 * events. Its log has the same shape as a live session's so the log panel shows either.
 */
import type { Counters, SessionKind } from '@shared/contract';
import type { Phrase } from '@shared/phrase';
import type { RecordedError } from '@shared/transcript/records';
import type { ConnectionRecord, SessionLog } from './views';

export interface TranscriptErrorEntry {
  id: number;
  at: number;
  connId: string | undefined;
  error: RecordedError;
}

/** What the reader had to say about how the file ends. */
export type TranscriptEnding =
  /** The end record is there: the recording was stopped on purpose. */
  | { type: 'ended' }
  /** Every record is whole but there is no end record: the app stopped without closing the file (or still writes it). */
  | { type: 'unended' }
  /** The last record is cut short at `offset`; the records before it are whole. */
  | { type: 'torn'; offset: number; records: number }
  /** A record that is not whole or not valid at `offset`; only those before it are shown. */
  | { type: 'corrupt'; offset: number; records: number; message: Phrase };

export interface OpenTranscript {
  /** Made by the renderer; never an engine session id. */
  id: string;
  fileName: string;
  /** What the file was: a recording (version 3, data bytes raw), the app's JSON Lines, or pcapng it wrote. */
  source: 'recording' | 'jsonl' | 'pcapng';
  kind: SessionKind;
  /** The address the session is known by, as the live header shows it. */
  endpoint: string;
  /** The session's id in the app that recorded it. */
  sessionId: string;
  /** Epoch ms the recording started. */
  startedAt: number;
  /** "Socket Inspector 0.1.0": what wrote the file. */
  writtenBy: string;
  /** Body records read (every type). */
  records: number;
  /** Data records read; those beyond the log's limit are counted in `log.dropped`. */
  dataRecords: number;
  counters: Counters;
  /** The TCP connections it tells of, from their open records (or the header) to their close. */
  connections: readonly ConnectionRecord[];
  errors: readonly TranscriptErrorEntry[];
  ending: TranscriptEnding;
  log: SessionLog;
}
