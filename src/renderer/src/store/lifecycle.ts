/**
 * The log's rows for what happened to a session and its connections, apart from the bytes:
 * made the same way from live events (apply-batch) and from a transcript's records
 * (transcript-builder), so the live log and a reopened transcript tell the same history.
 */
import type { CloseReason, Counters, Endpoint, LivenessAction, SessionKind, SessionState } from '@shared/contract';
import type { LogEntry } from './views';

export type Lifecycle =
  /** A listener started listening, a UDP socket was bound: every address it has. */
  | { kind: 'listening' | 'bound'; endpoints: readonly Endpoint[] }
  /** A client started connecting (or connecting again). */
  | { kind: 'connecting'; remote: string }
  /** The session stopped: a listener no longer listens, a socket is closed. */
  | { kind: 'stopped'; session: SessionKind }
  /** The session failed: listen, bind or connect. */
  | { kind: 'failed'; code: string; message: string }
  /** A connection opened: accepted by a listener, or a client's to its server. */
  | { kind: 'opened'; accepted: boolean; remote: Endpoint; local: Endpoint }
  /** leg: a relay's, the client's or the server's side of the pair. */
  | { kind: 'fin'; by: 'peer' | 'local'; leg?: 'client' | 'server' }
  /** `code`: the error that ended it, when one did (a reset, a timeout, a failure). */
  | { kind: 'closed'; reason: CloseReason; code: string | undefined; counters: Counters; leg?: 'client' | 'server' }
  /** Liveness: nothing came for `silentMs` and the action was taken (stale), or data came again. */
  | { kind: 'stale'; stale: boolean; silentMs: number; action: LivenessAction }
  /** The log was rebuilt from what the engine kept (a reload, a reconnect), which no longer holds these older events. */
  | { kind: 'not-kept'; events: number; recorded: boolean };

export type LifecycleKind = Lifecycle['kind'];

/** Lifecycle rows carry no bytes: one shared empty array, never written to. */
export const NO_BYTES = new Uint8Array(0);

export function lifecycleEntry(id: number, at: number, lifecycle: Lifecycle, connId?: string): LogEntry {
  return { id, at, dir: 'rx', connId, peer: undefined, bytes: NO_BYTES, lifecycle };
}

/** The row a session's change of state makes, if any: opening a client, listening, binding, stopping, failing. */
export function sessionLifecycle(
  kind: SessionKind,
  before: SessionState | undefined,
  now: SessionState,
  details: { endpoints: readonly Endpoint[]; remote: string; error: { code: string; message: string } | undefined },
): Lifecycle | undefined {
  if (before === now) return undefined;
  switch (now) {
    case 'opening':
      return kind === 'tcp-client' ? { kind: 'connecting', remote: details.remote } : undefined;
    case 'open':
      // A client's open is its connection's: the connection-opened row says it, with both ends.
      if (kind === 'tcp-client') return undefined;
      return { kind: kind === 'udp' ? 'bound' : 'listening', endpoints: details.endpoints };
    case 'closed':
      return before === undefined ? undefined : { kind: 'stopped', session: kind };
    case 'error':
      return details.error ? { kind: 'failed', code: details.error.code, message: details.error.message } : undefined;
    case 'closing':
      return undefined;
  }
}
