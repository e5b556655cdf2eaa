import type { Endpoint } from '@shared/address';
import type { AppError } from '@shared/result';
import type { InspectorEvent, SessionInfo, SessionState } from '@shared/contract';
import {
  TRANSCRIPT_FORMAT_NAME,
  TRANSCRIPT_VERSION,
  type EndReason,
  type RecordedError,
  type TranscriptRecord,
} from '@shared/transcript/records';

/** A peer or bound address that was never reported: the record still names its connection. */
const UNKNOWN: Endpoint = { address: '', port: 0, family: 'IPv4' };

/** Exactly the members a record holds, whatever else the object carries. */
const plainError = (error: AppError): RecordedError => ({ code: error.code, message: error.message, hint: error.hint });

const copy = (endpoint: Endpoint): Endpoint => ({ address: endpoint.address, port: endpoint.port, family: endpoint.family });

type Body<R> = R extends TranscriptRecord ? Omit<R, 'seq' | 'session'> : never;

/**
 * One recording's view of its session: turns engine events into records numbered 0, 1, 2, …
 * and remembers what the events leave out (each connection's addresses, the bound address) so
 * every data record names both ends.
 */
export class SessionRecords {
  private seq = 0;
  private state: SessionState;
  private local: Endpoint | undefined;
  private readonly connections = new Map<string, { local: Endpoint; remote: Endpoint }>();
  private readonly sessionId: string;

  constructor(session: SessionInfo) {
    this.sessionId = session.id;
    this.state = session.state;
    this.local = session.local && copy(session.local);
    for (const conn of session.connections) this.connections.set(conn.connId, { local: copy(conn.local), remote: copy(conn.remote) });
  }

  /**
   * The header, describing the session as it is now so the file stands alone, then its state
   * when the session is past the `closed` it is created in.
   */
  begin(session: SessionInfo, at: number, app: { name: string; version: string }): TranscriptRecord[] {
    const records = [
      this.next({
        type: 'header',
        at,
        format: TRANSCRIPT_FORMAT_NAME,
        version: TRANSCRIPT_VERSION,
        app: { name: app.name, version: app.version },
        started: new Date(at).toISOString(),
        kind: session.kind,
        config: { ...session.config },
        ...(this.local ? { local: copy(this.local) } : {}),
        connections: session.connections.map((c) => ({ conn: c.connId, local: copy(c.local), remote: copy(c.remote), since: c.since })),
      }),
    ];
    if (session.state !== 'closed') records.push(this.stateRecord(session, at));
    return records;
  }

  /** The record for an engine event of this session, if it is one the transcript keeps. */
  fromEvent(event: InspectorEvent): TranscriptRecord | undefined {
    switch (event.type) {
      case 'session': {
        const { session } = event;
        if (session.state === this.state && sameEndpoint(session.local, this.local)) return undefined;
        this.state = session.state;
        this.local = session.local && copy(session.local);
        return this.stateRecord(session, event.at);
      }
      case 'connection-opened': {
        const { conn } = event;
        this.connections.set(conn.connId, { local: copy(conn.local), remote: copy(conn.remote) });
        return this.next({
          type: 'open',
          at: event.at,
          conn: conn.connId,
          local: copy(conn.local),
          remote: copy(conn.remote),
          ...(conn.tls ? { tls: conn.tls } : {}),
        });
      }
      case 'half-closed':
        return this.next({ type: 'half-close', at: event.at, conn: event.connId, by: event.by });
      case 'connection-closed':
        this.connections.delete(event.connId);
        return this.next({ type: 'close', at: event.at, conn: event.connId, reason: event.reason, counters: { ...event.counters } });
      case 'error':
        return this.next({ type: 'error', at: event.at, ...(event.connId ? { conn: event.connId } : {}), error: plainError(event.error) });
      case 'data':
        return this.dataRecord(event);
      default:
        return undefined;
    }
  }

  end(reason: EndReason, at: number): TranscriptRecord {
    return this.next({ type: 'end', at, reason });
  }

  /**
   * Built directly, one per chunk or datagram: the recorder encodes it at once, so it shares
   * the endpoints it names rather than copying them.
   */
  private dataRecord(event: Extract<InspectorEvent, { type: 'data' }>): TranscriptRecord {
    const { connId } = event;
    const seq = this.seq++;
    if (connId !== undefined) {
      const conn = this.connections.get(connId);
      const local = conn?.local ?? this.local ?? UNKNOWN;
      return {
        type: 'data',
        seq,
        at: event.at,
        session: this.sessionId,
        dir: event.dir,
        conn: connId,
        local,
        remote: conn?.remote ?? UNKNOWN,
        bytes: event.bytes,
      };
    }
    return {
      type: 'data',
      seq,
      at: event.at,
      session: this.sessionId,
      dir: event.dir,
      local: this.local ?? UNKNOWN,
      remote: event.peer ?? UNKNOWN,
      bytes: event.bytes,
    };
  }

  private stateRecord(session: SessionInfo, at: number): TranscriptRecord {
    return this.next({
      type: 'state',
      at,
      state: session.state,
      ...(session.local ? { local: copy(session.local) } : {}),
      ...(session.state === 'error' && session.error ? { error: plainError(session.error) } : {}),
    });
  }

  private next(body: Body<TranscriptRecord>): TranscriptRecord {
    return { ...body, seq: this.seq++, session: this.sessionId } as TranscriptRecord;
  }
}

function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.address === b.address && a.port === b.port && a.family === b.family);
}
