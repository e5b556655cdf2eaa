import type { Endpoint } from '@shared/address';
import type { AppError } from '@shared/result';
import type { CloseReason, ConnectionInfo, InspectorEvent, RelayLeg, SessionInfo, SessionState } from '@shared/contract';
import {
  serverLegOf,
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

/** A connection's legs as records name them: its own, and a relay pair's upstream one once that is connected. */
function legsOf(conn: ConnectionInfo): { conn: string; local: Endpoint; remote: Endpoint }[] {
  const own = { conn: conn.connId, local: copy(conn.local), remote: copy(conn.remote) };
  const up = conn.relay;
  if (!up?.upstreamLocal) return [own];
  return [own, { conn: serverLegOf(conn.connId), local: copy(up.upstreamLocal), remote: copy(up.upstream) }];
}

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
  /** A relay keeps both legs of each pair as connections: the client's under its id, the upstream's under serverLegOf(id). */
  private readonly relay: boolean;

  constructor(session: SessionInfo) {
    this.sessionId = session.id;
    this.state = session.state;
    this.relay = session.kind === 'relay';
    this.local = session.local && copy(session.local);
    for (const leg of session.connections.flatMap(legsOf)) this.connections.set(leg.conn, { local: leg.local, remote: leg.remote });
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
        connections: session.connections.flatMap((c) => legsOf(c).map((leg) => ({ ...leg, since: c.since }))),
      }),
    ];
    if (session.state !== 'closed') records.push(this.stateRecord(session, at));
    return records;
  }

  /** The records for an engine event of this session: none, one, or (a relay's) one per leg. */
  fromEvent(event: InspectorEvent): TranscriptRecord[] {
    if (this.relay) return this.relayRecords(event);
    const record = this.plainRecord(event);
    return record ? [record] : [];
  }

  private plainRecord(event: InspectorEvent): TranscriptRecord | undefined {
    switch (event.type) {
      case 'session':
        return this.sessionRecord(event.session, event.at);
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
        return this.dataRecord(event, event.connId, event.dir);
      default:
        return undefined;
    }
  }

  private sessionRecord(session: SessionInfo, at: number): TranscriptRecord | undefined {
    if (session.state === this.state && sameEndpoint(session.local, this.local)) return undefined;
    this.state = session.state;
    this.local = session.local && copy(session.local);
    return this.stateRecord(session, at);
  }

  /**
   * A relay's events as records of the leg each happened on: bytes passed on at once are
   * received on one leg and sent on the other, held ones received only, released or injected
   * ones sent only; a FIN or RST passed on is the other leg's own.
   */
  private relayRecords(event: InspectorEvent): TranscriptRecord[] {
    switch (event.type) {
      case 'session': {
        const records: TranscriptRecord[] = [];
        for (const conn of event.session.connections) {
          const up = legsOf(conn)[1];
          if (!up || this.connections.has(up.conn)) continue;
          this.connections.set(up.conn, { local: up.local, remote: up.remote });
          const tls = conn.relay?.upstreamTls;
          records.push(
            this.next({
              type: 'open',
              at: event.at,
              conn: up.conn,
              local: copy(up.local),
              remote: copy(up.remote),
              ...(tls ? { tls } : {}),
            }),
          );
        }
        const state = this.sessionRecord(event.session, event.at);
        return state ? [...records, state] : records;
      }
      case 'half-closed':
        return [this.next({ type: 'half-close', at: event.at, conn: this.legConn(event.connId, event.leg), by: event.by })];
      case 'connection-closed': {
        const client = event.connId;
        const server = serverLegOf(client);
        const [clientReason, serverReason] = legReasons(event.reason, event.leg ?? 'client');
        const records = [this.next({ type: 'close', at: event.at, conn: client, reason: clientReason, counters: { ...event.counters } })];
        if (this.connections.has(server)) {
          records.push(this.next({ type: 'close', at: event.at, conn: server, reason: serverReason, counters: { ...event.counters } }));
        }
        this.connections.delete(client);
        this.connections.delete(server);
        return records;
      }
      case 'data': {
        const { connId, relay } = event;
        if (connId === undefined || !relay) return [];
        const from: RelayLeg = relay.flow === 'to-server' ? 'client' : 'server';
        const to: RelayLeg = from === 'client' ? 'server' : 'client';
        const records: TranscriptRecord[] = [];
        if (event.dir === 'rx') records.push(this.dataRecord(event, this.legConn(connId, from), 'rx'));
        if (event.dir === 'tx' || !relay.held) {
          const conn = this.legConn(connId, to);
          if (this.connections.has(conn)) records.push(this.dataRecord(event, conn, 'tx'));
        }
        return records;
      }
      default: {
        const record = this.plainRecord(event);
        return record ? [record] : [];
      }
    }
  }

  private legConn(connId: string, leg: RelayLeg | undefined): string {
    return leg === 'server' ? serverLegOf(connId) : connId;
  }

  end(reason: EndReason, at: number): TranscriptRecord {
    return this.next({ type: 'end', at, reason });
  }

  /**
   * Built directly, one per chunk or datagram: the recorder encodes it at once, so it shares
   * the endpoints it names rather than copying them.
   */
  private dataRecord(event: Extract<InspectorEvent, { type: 'data' }>, connId: string | undefined, dir: 'rx' | 'tx'): TranscriptRecord {
    const seq = this.seq++;
    if (connId !== undefined) {
      const conn = this.connections.get(connId);
      const local = conn?.local ?? this.local ?? UNKNOWN;
      return {
        type: 'data',
        seq,
        at: event.at,
        session: this.sessionId,
        dir,
        conn: connId,
        local,
        remote: conn?.remote ?? UNKNOWN,
        bytes: event.bytes,
        ...(event.origin ? { origin: event.origin } : {}),
      };
    }
    return {
      type: 'data',
      seq,
      at: event.at,
      session: this.sessionId,
      dir,
      local: this.local ?? UNKNOWN,
      remote: event.peer ?? UNKNOWN,
      bytes: event.bytes,
      ...(event.origin ? { origin: event.origin } : {}),
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

/**
 * A pair's end as each leg saw it: what began on one leg (the client's RST) the relay passed on
 * to the other as its own (our RST to the server).
 */
function legReasons(reason: CloseReason, leg: RelayLeg): [CloseReason, CloseReason] {
  const passedOn: CloseReason = reason === 'peer-reset' ? 'local-reset' : reason === 'peer-closed' ? 'local-closed' : reason;
  if (reason === 'error') return leg === 'server' ? ['local-reset', 'error'] : ['error', 'local-reset'];
  return leg === 'client' ? [reason, passedOn] : [passedOn, reason];
}
