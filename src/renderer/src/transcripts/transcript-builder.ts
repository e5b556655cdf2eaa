/**
 * Turns a transcript's records into what the workspace shows: log entries made exactly as the
 * store makes them from live data events (so framing, search and filters work unchanged), the
 * connections, totals and recorded errors. Entries beyond the log's bounds are let go as they
 * come, so a huge file costs the bounds in memory, not its size.
 */
import type { Phrase } from '@shared/phrase';
import { formatEndpoint } from '@shared/address';
import type { Endpoint, RelayLeg, SessionState } from '@shared/contract';
import { relayFlowOf, relayLegOf, type BodyRecord, type DataRecord, type HeaderRecord } from '@shared/transcript/records';
import { count, zeroCounters } from '@shared/counters';
import { appendLog, EMPTY_LOG, type StoreLimits } from '../store/apply-batch';
import { copyCounters, copyEndpoint, copyOrigin, DataEntry, type ConnectionRecord, type LogEntry, type SessionLog } from '../store/views';
import { lifecycleEntry, sessionLifecycle, type Lifecycle } from '../store/lifecycle';
import type { OpenTranscript, TranscriptEnding, TranscriptErrorEntry } from '../store/transcript-view';

/** Entries are appended to the bounded log in batches of this many: few copies, little held. */
const APPEND_BATCH = 4096;

/**
 * The address the session was known by: where a listener or UDP socket was bound, else where a
 * client connected to. A recording that began before the socket was bound has no local address
 * in its header; the first record that names our end has it.
 */
function endpointOf(header: HeaderRecord, firstLocal: Endpoint | undefined): string {
  const host = typeof header.config.host === 'string' ? header.config.host : '';
  const port = typeof header.config.port === 'number' ? header.config.port : 0;
  const local = header.local ?? firstLocal;
  if (header.kind !== 'tcp-client' && local) return formatEndpoint(local.address, local.port);
  return formatEndpoint(host, port);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

type MutableConnection = { -readonly [K in keyof ConnectionRecord]: ConnectionRecord[K] } & { errorCode: string | undefined };

export class TranscriptBuilder {
  private log: SessionLog = EMPTY_LOG;
  private pending: LogEntry[] = [];
  private nextId = 1;
  private records = 0;
  private dataRecords = 0;
  private readonly counters = zeroCounters();
  private readonly connections = new Map<string, MutableConnection>();
  private errors: TranscriptErrorEntry[] = [];
  private ended = false;
  private firstLocal: Endpoint | undefined;
  /** The session's state as the records last told it: rows are made for its changes. */
  private state: SessionState | undefined;
  /** Relay: the row of the last record, when it was bytes received; whether the next passes them on decides its mark. */
  private receivedLast: { pair: string; leg: RelayLeg; entry: DataEntry } | undefined;

  constructor(
    private readonly header: HeaderRecord,
    private readonly limits: StoreLimits,
  ) {
    for (const snapshot of header.connections) {
      this.connections.set(snapshot.conn, {
        connId: snapshot.conn,
        local: copyEndpoint(snapshot.local),
        remote: copyEndpoint(snapshot.remote),
        since: snapshot.since,
        counters: zeroCounters(),
        peerEnded: false,
        localEnded: false,
        closed: undefined,
        errorCode: undefined,
      });
    }
  }

  /** The rows the live log makes from the same happenings (store/lifecycle.ts). */
  private lifecycle(at: number, lifecycle: Lifecycle, connId?: string): void {
    this.push(lifecycleEntry(this.nextId++, at, lifecycle, connId));
  }

  /** A relay's received bytes that no passed-on copy followed: they were held. */
  private settleReceived(): void {
    const received = this.receivedLast;
    if (!received) return;
    this.receivedLast = undefined;
    this.push(received.entry.withRelay({ flow: received.entry.relay!.flow, held: true }));
  }

  private push(entry: LogEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= APPEND_BATCH) this.flush();
  }

  /**
   * A relay's data record as the live log's row: under the pair's id, with its direction. The
   * recorder writes bytes passed on at once as `rx` on one leg and, as the very next record, the
   * same bytes `tx` on the other at the same time (one event); the live log has one row for them,
   * so the second makes none. An `rx` that no such `tx` follows was held (its release, however
   * soon, is a later event); a `tx` alone the relay sent itself.
   */
  private relayData(record: DataRecord): void {
    const { pair, leg } = relayLegOf(record.conn!);
    const flow = relayFlowOf(leg, record.dir);
    const received = this.receivedLast;
    this.receivedLast = undefined;
    if (received && record.dir === 'tx') {
      const passedOn =
        received.entry.at === record.at && received.pair === pair && received.leg !== leg && equalBytes(received.entry.bytes, record.bytes);
      this.push(passedOn ? received.entry : received.entry.withRelay({ flow: received.entry.relay!.flow, held: true }));
      if (passedOn) return;
    } else if (received) {
      this.push(received.entry.withRelay({ flow: received.entry.relay!.flow, held: true }));
    }
    const entry = new DataEntry({
      id: this.nextId++,
      at: record.at,
      dir: record.dir,
      connId: pair,
      peer: undefined,
      bytes: record.bytes,
      origin: record.origin ? copyOrigin(record.origin) : undefined,
      relay: record.dir === 'rx' ? { flow } : { flow, byRelay: true },
    });
    if (record.dir === 'rx') this.receivedLast = { pair, leg, entry };
    else this.push(entry);
  }

  add(record: BodyRecord): void {
    this.records += 1;
    if (!this.firstLocal && 'local' in record && record.local) this.firstLocal = copyEndpoint(record.local);
    const relayed = this.header.kind === 'relay' && record.type === 'data' && record.conn !== undefined;
    if (this.receivedLast && !relayed) this.settleReceived();
    switch (record.type) {
      case 'data': {
        this.dataRecords += 1;
        if (relayed) this.relayData(record);
        // As apply-batch builds an entry from a data event: TCP names its connection, UDP its peer.
        else
          this.push(
            new DataEntry({
              id: this.nextId++,
              at: record.at,
              dir: record.dir,
              connId: record.conn,
              peer: record.conn === undefined ? copyEndpoint(record.remote) : undefined,
              bytes: record.bytes,
              origin: record.origin ? copyOrigin(record.origin) : undefined,
            }),
          );
        count(this.counters, record.dir, record.bytes.byteLength);
        const conn = record.conn === undefined ? undefined : this.connections.get(record.conn);
        if (conn) count(conn.counters, record.dir, record.bytes.byteLength);
        return;
      }
      case 'open': {
        const conn: MutableConnection = {
          connId: record.conn,
          local: copyEndpoint(record.local),
          remote: copyEndpoint(record.remote),
          since: record.at,
          counters: zeroCounters(),
          peerEnded: false,
          localEnded: false,
          closed: undefined,
          errorCode: undefined,
        };
        this.connections.set(record.conn, conn);
        this.lifecycle(
          record.at,
          { kind: 'opened', accepted: this.header.kind === 'tcp-server', remote: conn.remote, local: conn.local },
          record.conn,
        );
        return;
      }
      case 'half-close': {
        const conn = this.connections.get(record.conn);
        if (conn && record.by === 'peer') conn.peerEnded = true;
        else if (conn) conn.localEnded = true;
        this.lifecycle(record.at, { kind: 'fin', by: record.by === 'peer' ? 'peer' : 'local' }, record.conn);
        return;
      }
      case 'close': {
        const conn = this.connections.get(record.conn);
        const code = conn?.errorCode;
        if (conn) conn.closed = { at: record.at, reason: record.reason, code };
        this.lifecycle(record.at, { kind: 'closed', reason: record.reason, code, counters: copyCounters(record.counters) }, record.conn);
        return;
      }
      case 'error': {
        this.addError(record.at, record.conn, record.error);
        const conn = record.conn === undefined ? undefined : this.connections.get(record.conn);
        if (conn) conn.errorCode = record.error.code;
        return;
      }
      case 'state': {
        if (record.error) this.addError(record.at, undefined, record.error);
        const local = record.local ?? this.firstLocal;
        const row = sessionLifecycle(this.header.kind, this.state, record.state, {
          endpoints: local ? [copyEndpoint(local)] : [],
          remote: endpointOf(this.header, undefined),
          error: record.error ? { code: record.error.code, message: record.error.message } : undefined,
        });
        this.state = record.state;
        if (row) this.lifecycle(record.at, row);
        return;
      }
      case 'end':
        this.ended = true;
        return;
    }
  }

  private addError(at: number, connId: string | undefined, error: TranscriptErrorEntry['error']): void {
    this.errors.push({ id: this.nextId++, at, connId, error: { code: error.code, message: error.message, hint: error.hint } });
    if (this.errors.length > 2 * this.limits.maxErrors) this.errors = this.errors.slice(-this.limits.maxErrors);
  }

  private flush(): void {
    this.log = appendLog(this.log, this.pending, this.limits);
    this.pending = [];
  }

  /** `problem`: where the reader stopped, when it did not read to a clean end. */
  finish(
    id: string,
    fileName: string,
    source: OpenTranscript['source'],
    problem: { offset: number; torn: boolean; records: number; message: Phrase } | undefined,
  ): OpenTranscript {
    this.settleReceived();
    this.flush();
    const { header } = this;
    let ending: TranscriptEnding;
    if (problem) {
      ending = problem.torn
        ? { type: 'torn', offset: problem.offset, records: problem.records }
        : { type: 'corrupt', offset: problem.offset, records: problem.records, message: problem.message };
    } else {
      // pcapng carries no end record: an export read to its last block is whole.
      ending = this.ended || source === 'pcapng' ? { type: 'ended' } : { type: 'unended' };
    }
    return {
      id,
      fileName,
      source,
      kind: header.kind,
      endpoint: endpointOf(header, this.firstLocal),
      sessionId: header.session,
      startedAt: header.at,
      writtenBy: `${header.app.name} ${header.app.version}`,
      records: this.records,
      dataRecords: this.dataRecords,
      counters: copyCounters(this.counters),
      connections: [...this.connections.values()].map(({ errorCode: _unused, ...conn }) => ({
        ...conn,
        counters: copyCounters(conn.counters),
      })),
      errors: this.errors.slice(-this.limits.maxErrors),
      ending,
      log: this.log,
    };
  }
}
