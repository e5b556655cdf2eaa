/**
 * One view of a session, made alike from a live session and from an opened transcript, so the
 * workspace draws both with the same header, connection list, errors section, log and status
 * bar. What only a live session has (its state and error, reconnecting, recording, automation,
 * a relay's held messages, the composer, resetting counters) rides in `live` and is absent for
 * a transcript; what only a transcript has (the file, who wrote it, how it ends) rides in `file`.
 */
import type { Counters, SessionConfig, SessionKind } from '@shared/contract';
import { endpointText } from '../format';
import type { SessionShape } from '../store/stable-views';
import type { OpenTranscript, TranscriptEnding, TranscriptErrorEntry } from '../store/transcript-view';
import type { ConnectionRecord, SessionErrorEntry } from '../store/views';
import { sessionEndpoint } from './session-format';

/** A live session's counters are read where they are drawn, so nothing around them redraws as they move. */
export type CountersSource = { type: 'session'; sessionId: string } | { type: 'fixed'; counters: Counters };

/** The file an opened transcript was read from. */
export interface TranscriptFileModel {
  /** The transcript's id in the store, for closing it. */
  id: string;
  name: string;
  source: OpenTranscript['source'];
  startedAt: number;
  writtenBy: string;
  /** The session's id in the app that recorded it. */
  sessionId: string;
  records: number;
  ending: TranscriptEnding;
}

export interface SessionHeaderModel {
  kind: SessionKind;
  /** The address the session is known by. */
  endpoint: string;
  /** The addresses it was bound to, when known (a transcript names only its endpoint). */
  local: string | undefined;
  /** A TCP client's peer. */
  remote: string | undefined;
  /** What its TLS badge is read from; a transcript records no config. */
  config: SessionConfig | undefined;
  counters: CountersSource;
  live: SessionShape | undefined;
  file: TranscriptFileModel | undefined;
}

export interface SessionViewModel {
  /** The store's key: the live session's id, or the opened transcript's. */
  id: string;
  header: SessionHeaderModel;
  /**
   * Connections told of as records: a live session's closed ones (its open ones are drawn from
   * the store as they move), a transcript's every one.
   */
  connections: readonly ConnectionRecord[];
  errors: readonly (SessionErrorEntry | TranscriptErrorEntry)[];
  live: SessionShape | undefined;
}

export function liveSessionModel(
  session: SessionShape,
  closed: readonly ConnectionRecord[],
  errors: readonly SessionErrorEntry[],
): SessionViewModel {
  return {
    id: session.id,
    header: {
      kind: session.kind,
      endpoint: sessionEndpoint(session),
      local: session.local ? (session.locals ?? [session.local]).map(endpointText).join(', ') : undefined,
      remote: session.kind === 'tcp-client' ? sessionEndpoint(session) : undefined,
      config: session.config,
      counters: { type: 'session', sessionId: session.id },
      live: session,
      file: undefined,
    },
    connections: closed,
    errors,
    live: session,
  };
}

export function transcriptModel(transcript: OpenTranscript): SessionViewModel {
  return {
    id: transcript.id,
    header: {
      kind: transcript.kind,
      endpoint: transcript.endpoint,
      local: undefined,
      remote: undefined,
      config: undefined,
      counters: { type: 'fixed', counters: transcript.counters },
      live: undefined,
      file: {
        id: transcript.id,
        name: transcript.fileName,
        source: transcript.source,
        startedAt: transcript.startedAt,
        writtenBy: transcript.writtenBy,
        sessionId: transcript.sessionId,
        records: transcript.records,
        ending: transcript.ending,
      },
    },
    connections: transcript.connections,
    errors: transcript.errors,
    live: undefined,
  };
}
