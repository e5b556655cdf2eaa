/**
 * Folds one event batch into the store's data. Pure: copy-on-write, so every Map or log that
 * changed is a new object and everything else keeps its identity (selectors stay cheap).
 */
import { formatEndpoint } from '@shared/address';
import {
  LIVENESS_ACTIONS,
  type Endpoint,
  type EventBatch,
  type HeldMessage,
  type InspectorEvent,
  type LogHistory,
  type SessionHistory,
  type SessionInfo,
} from '@shared/contract';
import { isOneOf } from '@shared/validate';
import { MAX_CLOSED_CONNECTIONS_PER_SESSION } from '../limits';
import { lifecycleEntry, sessionLifecycle, type Lifecycle } from './lifecycle';
import {
  connectionView,
  copyAutomation,
  copyOrigin,
  copyRelayMark,
  copyCounters,
  copyEndpoint,
  copyError,
  copyNotShown,
  copyRecording,
  DataEntry,
  sessionView,
  type ConnectionRecord,
  type ConnectionView,
  type LogEntry,
  type SessionErrorEntry,
  type SessionLog,
  type SessionView,
} from './views';
import { LogWindow } from './log-window';

export interface StoreLimits {
  maxLogEntries: number;
  maxLogBytes: number;
  maxErrors: number;
}

export interface InspectorData {
  sessions: ReadonlyMap<string, SessionView>;
  connections: ReadonlyMap<string, ReadonlyMap<string, ConnectionView>>;
  /** Connections that closed, newest last, kept (bounded) until the user clears them. */
  closedConnections: ReadonlyMap<string, readonly ConnectionRecord[]>;
  errors: ReadonlyMap<string, readonly SessionErrorEntry[]>;
  logs: ReadonlyMap<string, SessionLog>;
  /** Ids of removed sessions: late events for them are ignored rather than resurrecting a log. */
  removed: ReadonlySet<string>;
  /** Relay: the messages each session holds, in arrival order, as its latest `held` events tell them. */
  held: ReadonlyMap<string, readonly HeldMessage[]>;
  /** Next id for log entries and errors. */
  nextId: number;
}

export const emptyData = (): InspectorData => ({
  sessions: new Map(),
  connections: new Map(),
  closedConnections: new Map(),
  errors: new Map(),
  logs: new Map(),
  removed: new Set(),
  held: new Map(),
  nextId: 1,
});

export const EMPTY_LOG: SessionLog = { entries: LogWindow.empty(), bytes: 0, dropped: 0, droppedFor: 'entries', epoch: 0 };

/** Drop the oldest entries beyond the bounds; the newest entry always stays. */
export function trimLog(log: SessionLog, limits: Pick<StoreLimits, 'maxLogEntries' | 'maxLogBytes'>): SessionLog {
  const { entries } = log;
  let bytes = log.bytes;
  let drop = Math.max(0, entries.length - limits.maxLogEntries);
  for (let i = 0; i < drop; i++) bytes -= entries.at(i)!.bytes.byteLength;
  const forEntries = drop;
  while (drop < entries.length - 1 && bytes > limits.maxLogBytes) {
    bytes -= entries.at(drop)!.bytes.byteLength;
    drop += 1;
  }
  if (drop === 0) return log;
  const droppedFor = drop > forEntries ? 'bytes' : 'entries';
  return { entries: entries.dropFront(drop), bytes, dropped: log.dropped + drop, droppedFor, epoch: log.epoch };
}

/** Append, then drop the oldest entries beyond the bounds. */
export function appendLog(log: SessionLog, added: readonly LogEntry[], limits: StoreLimits): SessionLog {
  if (added.length === 0) return log;
  let bytes = log.bytes;
  for (const entry of added) bytes += entry.bytes.byteLength;
  return trimLog({ ...log, entries: log.entries.append(added), bytes }, limits);
}

/** Peers kept for sharing; past this many the table starts over, so a scan of many senders cannot grow it forever. */
const MAX_SHARED_PEERS = 4096;
const sharedPeers = new Map<string, Endpoint>();

/**
 * One frozen copy per peer for every entry from it, across batches and sessions: a UDP server's
 * log of many senders would otherwise keep an endpoint object (and its address string) per entry.
 */
function sharedPeer(peer: Endpoint): Endpoint {
  const key = `${peer.family}|${peer.address}|${peer.port}`;
  const known = sharedPeers.get(key);
  if (known) return known;
  if (sharedPeers.size >= MAX_SHARED_PEERS) sharedPeers.clear();
  const copy = Object.freeze(copyEndpoint(peer));
  sharedPeers.set(key, copy);
  return copy;
}

class Draft {
  private sessions: Map<string, SessionView> | undefined;
  private connections: Map<string, ReadonlyMap<string, ConnectionView>> | undefined;
  private readonly ownConnections = new Set<string>();
  private closedConnections: Map<string, readonly ConnectionRecord[]> | undefined;
  private errors: Map<string, readonly SessionErrorEntry[]> | undefined;
  private logs: Map<string, SessionLog> | undefined;
  private removed: Set<string> | undefined;
  private held: Map<string, readonly HeldMessage[]> | undefined;
  private readonly appended = new Map<string, LogEntry[]>();
  private nextId: number;

  constructor(
    private readonly base: InspectorData,
    private readonly limits: StoreLimits,
  ) {
    this.nextId = base.nextId;
  }

  private get currentSessions(): ReadonlyMap<string, SessionView> {
    return this.sessions ?? this.base.sessions;
  }

  private writableSessions(): Map<string, SessionView> {
    return (this.sessions ??= new Map(this.base.sessions));
  }

  private writableConnectionsOf(sessionId: string): Map<string, ConnectionView> {
    const outer = (this.connections ??= new Map(this.base.connections));
    if (!this.ownConnections.has(sessionId)) {
      outer.set(sessionId, new Map(outer.get(sessionId) ?? []));
      this.ownConnections.add(sessionId);
    }
    return outer.get(sessionId) as Map<string, ConnectionView>;
  }

  private connectionOf(sessionId: string, connId: string): ConnectionView | undefined {
    return (this.connections ?? this.base.connections).get(sessionId)?.get(connId);
  }

  isRemoved(sessionId: string): boolean {
    return (this.removed ?? this.base.removed).has(sessionId);
  }

  putSession(info: SessionInfo, at?: number): void {
    if (this.isRemoved(info.id)) return;
    const before = this.currentSessions.get(info.id)?.state;
    this.writableSessions().set(info.id, sessionView(info));
    // Rows for live changes only: a list read at start or after a reconnect tells no moment, and
    // a session first heard of already open (the engine always says "opening" first) was not seen opening.
    if (at !== undefined && (before !== undefined || info.state === 'opening')) {
      const config = info.config as { host?: unknown; port?: unknown };
      const row = sessionLifecycle(info.kind, before, info.state, {
        endpoints: Array.from(info.locals ?? (info.local ? [info.local] : []), copyEndpoint),
        remote: typeof config.host === 'string' && typeof config.port === 'number' ? formatEndpoint(config.host, config.port) : '',
        error: info.error ? { code: String(info.error.code), message: String(info.error.message) } : undefined,
      });
      if (row) this.addLifecycle(info.id, at, row);
    }
    // A snapshot lists every live connection, so it replaces what we had.
    const conns = this.writableConnectionsOf(info.id);
    conns.clear();
    for (const conn of info.connections ?? []) conns.set(conn.connId, connectionView(conn));
  }

  /** Only adds sessions not yet known (or just rebuilt from history): events received meanwhile are newer than a list. */
  seed(list: readonly SessionInfo[], restored?: ReadonlySet<string>): void {
    for (const info of list) {
      if (!this.currentSessions.has(info.id) || restored?.has(info.id)) this.putSession(info);
    }
  }

  /** After a reconnect events were missed, so the list is the truth: take it whole. */
  resync(list: readonly SessionInfo[]): void {
    const listed = new Set<string>();
    for (const info of list) {
      listed.add(info.id);
      this.putSession(info);
    }
    for (const id of [...this.currentSessions.keys()]) if (!listed.has(id)) this.removeSession(id);
  }

  /**
   * A session's log from what the engine kept: events that follow the log extend it as a batch
   * would; otherwise the log, connections and errors are rebuilt from them, under a row saying
   * how many older events are no longer kept.
   */
  restore(history: SessionHistory): void {
    const id = String(history.sessionId);
    if (this.isRemoved(id)) return;
    if (!history.follows) {
      this.clearSession(id);
      if (history.base) this.putSession(history.base);
      const dropped = Number(history.dropped);
      if (dropped > 0) {
        const first = history.events[0];
        this.addLifecycle(id, first ? first.at : Date.now(), { kind: 'not-kept', events: dropped, recorded: history.recorded === true });
      }
    }
    for (const event of history.events) this.apply(event);
  }

  /** Everything the page holds of a session, except that it exists: what comes next replaces it. */
  private clearSession(sessionId: string): void {
    if (this.currentSessions.has(sessionId)) this.writableSessions().delete(sessionId);
    (this.connections ??= new Map(this.base.connections)).delete(sessionId);
    this.ownConnections.delete(sessionId);
    this.clearClosed(sessionId);
    if ((this.errors ?? this.base.errors).has(sessionId)) (this.errors ??= new Map(this.base.errors)).delete(sessionId);
    const log = (this.logs ?? this.base.logs).get(sessionId);
    // A new epoch, as clearing does: the list does not take the new rows for the old ones.
    if (log) (this.logs ??= new Map(this.base.logs)).set(sessionId, { ...EMPTY_LOG, epoch: log.epoch + 1 });
    if ((this.held ?? this.base.held).has(sessionId)) (this.held ??= new Map(this.base.held)).delete(sessionId);
    this.appended.delete(sessionId);
  }

  private updateSession(sessionId: string, change: (view: SessionView) => SessionView): void {
    const view = this.currentSessions.get(sessionId);
    if (view) this.writableSessions().set(sessionId, change(view));
  }

  private updateConnection(sessionId: string, connId: string, change: (view: ConnectionView) => ConnectionView): void {
    const view = this.connectionOf(sessionId, connId);
    if (view) this.writableConnectionsOf(sessionId).set(connId, change(view));
  }

  apply(event: InspectorEvent): void {
    if (event.type !== 'session' && this.isRemoved(event.sessionId)) return;
    switch (event.type) {
      case 'session':
        this.putSession(event.session, event.at);
        return;
      case 'session-removed':
        this.removeSession(event.sessionId);
        return;
      case 'connection-opened': {
        const session = this.currentSessions.get(event.sessionId);
        if (!session) return;
        const view = connectionView(event.conn);
        this.writableConnectionsOf(event.sessionId).set(view.connId, view);
        this.addLifecycle(
          event.sessionId,
          event.at,
          { kind: 'opened', accepted: session.kind === 'tcp-server', remote: view.remote, local: view.local },
          view.connId,
        );
        return;
      }
      case 'connection-closed': {
        const view = this.connectionOf(event.sessionId, event.connId);
        if (!this.currentSessions.has(event.sessionId)) return;
        const counters = copyCounters(event.counters);
        const code = view?.errorCode;
        if (view) {
          this.writableConnectionsOf(event.sessionId).delete(event.connId);
          this.keepClosed(event.sessionId, {
            connId: view.connId,
            local: view.local,
            remote: view.remote,
            since: view.since,
            counters,
            peerEnded: view.peerEnded,
            localEnded: view.localEnded,
            closed: { at: event.at, reason: event.reason, code },
          });
        }
        const leg = event.leg === undefined ? {} : { leg: event.leg === 'server' ? ('server' as const) : ('client' as const) };
        this.addLifecycle(
          event.sessionId,
          event.at,
          { kind: 'closed', reason: event.reason, code, counters, ...leg },
          String(event.connId),
        );
        this.replaceHeld(event.sessionId, (m) => m.connId === event.connId, []);
        return;
      }
      case 'half-closed':
        if (this.connectionOf(event.sessionId, event.connId))
          this.addLifecycle(
            event.sessionId,
            event.at,
            {
              kind: 'fin',
              by: event.by === 'peer' ? 'peer' : 'local',
              ...(event.leg ? { leg: event.leg === 'server' ? 'server' : 'client' } : {}),
            },
            String(event.connId),
          );
        this.updateConnection(event.sessionId, event.connId, (view) =>
          event.by === 'peer'
            ? { ...view, peerEnded: true, ...(event.closesAt === undefined ? {} : { closesAt: event.closesAt }) }
            : { ...view, localEnded: true },
        );
        return;
      case 'backpressure':
        this.updateConnection(event.sessionId, event.connId, (view) => ({ ...view, blocked: event.blocked }));
        return;
      case 'recording': {
        const recording = copyRecording(event.recording);
        this.updateSession(event.sessionId, (view) => ({ ...view, recording }));
        return;
      }
      case 'counters': {
        const counters = copyCounters(event.counters);
        const notShown = event.notShown ? copyNotShown(event.notShown) : undefined;
        this.updateSession(event.sessionId, (view) => ({ ...view, counters, notShown: notShown ?? view.notShown }));
        for (const conn of event.connections) {
          const connCounters = copyCounters(conn.counters);
          this.updateConnection(event.sessionId, conn.connId, (view) => ({ ...view, counters: connCounters }));
        }
        return;
      }
      case 'data': {
        const entry = new DataEntry({
          id: this.nextId++,
          at: event.at,
          dir: event.dir,
          connId: typeof event.connId === 'string' ? event.connId : undefined,
          peer: event.peer ? this.peerOf(event.sessionId, event.peer) : undefined,
          bytes: event.bytes,
          origin: event.origin ? copyOrigin(event.origin) : undefined,
          relay: event.relay ? copyRelayMark(event.relay) : undefined,
          reads: typeof event.reads === 'number' && event.reads > 1 ? event.reads : undefined,
        });
        this.append(event.sessionId, entry);
        const sender = entry.peer;
        // Unchanged unless the sender is another: a new view per datagram would redraw every
        // part of the page that shows the session, for each batch of a flood.
        if (event.dir === 'rx' && sender)
          this.updateSession(event.sessionId, (view) => (view.lastSender === sender ? view : { ...view, lastSender: sender }));
        return;
      }
      case 'error': {
        if (typeof event.connId === 'string') {
          const code = String(event.error.code);
          this.updateConnection(event.sessionId, event.connId, (view) => ({ ...view, errorCode: code }));
        }
        const errors = (this.errors ??= new Map(this.base.errors));
        const entry: SessionErrorEntry = {
          id: this.nextId++,
          at: event.at,
          connId: typeof event.connId === 'string' ? event.connId : undefined,
          error: copyError(event.error),
        };
        const kept = (errors.get(event.sessionId) ?? []).concat(entry);
        errors.set(event.sessionId, kept.slice(Math.max(0, kept.length - this.limits.maxErrors)));
        return;
      }
      case 'automation': {
        const automation = copyAutomation(event.status);
        this.updateSession(event.sessionId, (view) => ({ ...view, automation }));
        return;
      }
      case 'liveness': {
        const staleSince = event.stale ? event.at : undefined;
        const action = isOneOf(LIVENESS_ACTIONS, event.action) ? event.action : 'stale';
        this.addLifecycle(
          event.sessionId,
          event.at,
          { kind: 'stale', stale: event.stale === true, silentMs: Number(event.silentMs), action },
          typeof event.connId === 'string' ? event.connId : undefined,
        );
        if (typeof event.connId === 'string') {
          this.updateConnection(event.sessionId, event.connId, (view) => {
            const { staleSince: _was, ...rest } = view;
            return staleSince === undefined ? rest : { ...rest, staleSince };
          });
        } else {
          this.updateSession(event.sessionId, (view) => ({ ...view, staleSince }));
        }
        return;
      }
      case 'held':
        this.replaceHeld(event.sessionId, (m) => m.connId === event.connId && m.flow === event.flow, event.messages);
        return;
      default:
        // An event type from a newer engine: nothing to show for it yet.
        return;
    }
  }

  /** Replace the held messages `mine` picks with `messages`, keeping the session's in arrival order. */
  private replaceHeld(sessionId: string, mine: (m: HeldMessage) => boolean, messages: readonly HeldMessage[]): void {
    const current = (this.held ?? this.base.held).get(sessionId) ?? [];
    if (messages.length === 0 && !current.some(mine)) return;
    const copies = messages.map((m) => ({
      id: String(m.id),
      connId: String(m.connId),
      flow: m.flow === 'to-client' ? ('to-client' as const) : ('to-server' as const),
      at: Number(m.at),
      bytes: m.bytes,
      edited: Boolean(m.edited),
      partial: Boolean(m.partial),
    }));
    const next = current.filter((m) => !mine(m)).concat(copies);
    next.sort((a, b) => a.at - b.at);
    (this.held ??= new Map(this.base.held)).set(sessionId, next);
  }

  private append(sessionId: string, entry: LogEntry): void {
    const list = this.appended.get(sessionId);
    if (list) list.push(entry);
    else this.appended.set(sessionId, [entry]);
  }

  private addLifecycle(sessionId: string, at: number, lifecycle: Lifecycle, connId?: string): void {
    this.append(sessionId, lifecycleEntry(this.nextId++, at, lifecycle, connId));
  }

  private keepClosed(sessionId: string, record: ConnectionRecord): void {
    const closed = (this.closedConnections ??= new Map(this.base.closedConnections));
    const kept = (closed.get(sessionId) ?? []).concat(record);
    closed.set(sessionId, kept.length > MAX_CLOSED_CONNECTIONS_PER_SESSION ? kept.slice(-MAX_CLOSED_CONNECTIONS_PER_SESSION) : kept);
  }

  clearClosed(sessionId: string): void {
    if (!(this.closedConnections ?? this.base.closedConnections).has(sessionId)) return;
    (this.closedConnections ??= new Map(this.base.closedConnections)).delete(sessionId);
  }

  /** The peer's copy: the session's last sender when it is the same, else the one shared copy of it. */
  private peerOf(sessionId: string, peer: Endpoint): Endpoint {
    const lastSender = this.currentSessions.get(sessionId)?.lastSender;
    if (lastSender && lastSender.address === peer.address && lastSender.port === peer.port && lastSender.family === peer.family)
      return lastSender;
    return sharedPeer(peer);
  }

  private removeSession(sessionId: string): void {
    (this.removed ??= new Set(this.base.removed)).add(sessionId);
    if (this.currentSessions.has(sessionId)) this.writableSessions().delete(sessionId);
    const connections = (this.connections ??= new Map(this.base.connections));
    connections.delete(sessionId);
    this.ownConnections.delete(sessionId);
    this.clearClosed(sessionId);
    if ((this.errors ?? this.base.errors).has(sessionId)) (this.errors ??= new Map(this.base.errors)).delete(sessionId);
    if ((this.logs ?? this.base.logs).has(sessionId)) (this.logs ??= new Map(this.base.logs)).delete(sessionId);
    if ((this.held ?? this.base.held).has(sessionId)) (this.held ??= new Map(this.base.held)).delete(sessionId);
    this.appended.delete(sessionId);
  }

  finish(): InspectorData {
    if (this.appended.size > 0) {
      const logs = (this.logs ??= new Map(this.base.logs));
      for (const [sessionId, added] of this.appended) {
        logs.set(sessionId, appendLog(logs.get(sessionId) ?? EMPTY_LOG, added, this.limits));
      }
    }
    return {
      sessions: this.sessions ?? this.base.sessions,
      connections: this.connections ?? this.base.connections,
      closedConnections: this.closedConnections ?? this.base.closedConnections,
      errors: this.errors ?? this.base.errors,
      logs: this.logs ?? this.base.logs,
      removed: this.removed ?? this.base.removed,
      held: this.held ?? this.base.held,
      nextId: this.nextId,
    };
  }
}

export function applyBatch(data: InspectorData, batch: EventBatch, limits: StoreLimits): InspectorData {
  const draft = new Draft(data, limits);
  for (const event of batch.events) draft.apply(event);
  return draft.finish();
}

/**
 * What the engine kept of each session's log, then its list as the truth about those sessions
 * now; `whole` (a reconnect) takes the list whole, as `resyncSessions` does, otherwise (the
 * first look) sessions heard of meanwhile stay as their events told them, as `seedSessions` does.
 */
export function restoreHistory(
  data: InspectorData,
  history: LogHistory,
  list: readonly SessionInfo[],
  limits: StoreLimits,
  whole: boolean,
): InspectorData {
  const draft = new Draft(data, limits);
  for (const log of history.logs) draft.restore(log);
  if (whole) draft.resync(list);
  else draft.seed(list, new Set(history.logs.map((log) => String(log.sessionId))));
  return draft.finish();
}

export function seedSessions(data: InspectorData, list: readonly SessionInfo[], limits: StoreLimits): InspectorData {
  const draft = new Draft(data, limits);
  draft.seed(list);
  return draft.finish();
}

export function resyncSessions(data: InspectorData, list: readonly SessionInfo[], limits: StoreLimits): InspectorData {
  const draft = new Draft(data, limits);
  draft.resync(list);
  return draft.finish();
}

/** Forgets the closed connections a session lists. */
export function clearClosedConnections(data: InspectorData, sessionId: string, limits: StoreLimits): InspectorData {
  const draft = new Draft(data, limits);
  draft.clearClosed(sessionId);
  return draft.finish();
}
