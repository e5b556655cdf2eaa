/**
 * The store's own copies of what the bridge sends. Objects from the bridge are never spread or
 * merged (a structured clone keeps keys like `__proto__`); each known field is copied by name.
 */
import type {
  CloseReason,
  AutomationStatus,
  ConnectionInfo,
  Counters,
  Direction,
  Endpoint,
  NotShown,
  RecordingInfo,
  RepeatStatus,
  RuleStatus,
  HeldCount,
  RelayDataMark,
  RelayPairInfo,
  SendOrigin,
  SessionConfig,
  SessionInfo,
  SessionKind,
  SessionState,
  CertificateSummary,
  TlsDetails,
} from '@shared/contract';
import type { AppError } from '@shared/result';
import type { Lifecycle } from './lifecycle';
import type { LogWindow } from './log-window';

export interface SessionView {
  id: string;
  kind: SessionKind;
  /** Kept as received and only read, never merged into anything. */
  config: SessionConfig;
  state: SessionState;
  counters: Counters;
  createdAt: number;
  local: Endpoint | undefined;
  /** Listener, UDP: every bound address (a host name binds each address it resolves to). */
  locals: Endpoint[] | undefined;
  lastSender: Endpoint | undefined;
  memberships: readonly string[];
  error: AppError | undefined;
  /** A TCP client waiting to reconnect: which attempt, and when it starts. */
  reconnect: { attempt: number; nextAt: number | undefined } | undefined;
  /** The session's file on disk, as the recorder last reported it; undefined when never recorded. */
  recording: RecordingView | undefined;
  /** Data that came faster than the display could follow; undefined while everything was shown. */
  notShown: NotShown | undefined;
  /** Rules' hits, heartbeats and the repeat run, as the engine last reported them. */
  automation: AutomationStatus | undefined;
  /** UDP liveness: stale since then (epoch ms); undefined while live. */
  staleSince: number | undefined;
  /** Removed, kept closed for an undo until then (epoch ms): out of the list and the selection, its log kept. */
  removingUntil: number | undefined;
}

export type RecordingView = Readonly<RecordingInfo>;

/** A connection as the contract describes it, in the store's own copy, with the last error it had. */
export type ConnectionView = Readonly<ConnectionInfo & { errorCode?: string }>;

/** How a connection ended. `code`: the error that ended it, if one did. */
export interface ConnectionEnd {
  at: number;
  reason: CloseReason;
  code: string | undefined;
}

/**
 * A connection that has closed, or one a transcript tells of: kept, greyed, with its counters
 * and how it ended, until the user clears it. Live sessions and transcripts list the same shape.
 */
export interface ConnectionRecord {
  connId: string;
  local: Endpoint;
  remote: Endpoint;
  since: number;
  counters: Counters;
  peerEnded: boolean;
  localEnded: boolean;
  /** Undefined while it is open (a transcript that ends before its close). */
  closed: ConnectionEnd | undefined;
}

export interface LogEntry {
  /** Unique within the store, for list keys. */
  id: number;
  at: number;
  dir: Direction;
  connId: string | undefined;
  peer: Endpoint | undefined;
  bytes: Uint8Array;
  /** A row for what happened to the session or connection, not bytes (`bytes` is empty). */
  lifecycle?: Lifecycle;
  /** Sent by a rule, a heartbeat or a repeat run; undefined for what the user sent and for received data. */
  origin?: SendOrigin;
  /** Relay: which way the bytes went, and whether they were held, edited or injected. */
  relay?: LogRelayMark;
  /** Reads of the socket the engine merged into this entry for display, when more than one. */
  reads?: number;
}

/** An entry of bytes as it is made: its bytes as a view, and the optional members it has. */
export interface DataEntryInit {
  id: number;
  at: number;
  dir: Direction;
  connId: string | undefined;
  peer: Endpoint | undefined;
  bytes: Uint8Array;
  origin?: SendOrigin | undefined;
  relay?: LogRelayMark | undefined;
  reads?: number | undefined;
}

/** What few entries have: kept apart, so that an entry without them pays one member, not three. */
interface EntryMarks {
  origin: SendOrigin | undefined;
  relay: LogRelayMark | undefined;
  reads: number | undefined;
}

/**
 * An entry of bytes, as the log keeps a million of them. Every entry has the same members, the
 * absent ones undefined, so all share one shape. The bytes are kept as their place in the
 * batch's buffer rather than as a view: a Uint8Array takes 60 bytes of heap, more than the
 * entry itself (docs/performance.md, "A million entries in the heap").
 */
export class DataEntry implements LogEntry {
  readonly id: number;
  readonly at: number;
  readonly dir: Direction;
  readonly connId: string | undefined;
  readonly peer: Endpoint | undefined;
  private readonly marks: EntryMarks | undefined;
  private readonly buffer: ArrayBufferLike;
  private readonly offset: number;
  private readonly length: number;

  constructor(init: DataEntryInit) {
    this.id = init.id;
    this.at = init.at;
    this.dir = init.dir;
    this.connId = init.connId;
    this.peer = init.peer;
    const { origin, relay, reads } = init;
    this.marks = origin || relay || reads !== undefined ? { origin, relay, reads } : undefined;
    this.buffer = init.bytes.buffer;
    this.offset = init.bytes.byteOffset;
    this.length = init.bytes.byteLength;
  }

  /** A new view at each read: what keeps a view compares entries, not their bytes. */
  get bytes(): Uint8Array {
    return new Uint8Array(this.buffer, this.offset, this.length);
  }

  get origin(): SendOrigin | undefined {
    return this.marks?.origin;
  }

  get relay(): LogRelayMark | undefined {
    return this.marks?.relay;
  }

  get reads(): number | undefined {
    return this.marks?.reads;
  }

  /** The same entry under another relay mark (a spread would leave its bytes behind). */
  withRelay(relay: LogRelayMark): DataEntry {
    const { id, at, dir, connId, peer, origin, reads } = this;
    return new DataEntry({ id, at, dir, connId, peer, bytes: this.bytes, origin, relay, reads });
  }
}

/**
 * A relay row's mark. `byRelay`: a reopened recording's row for bytes the relay sent itself (a
 * held message released, edited or not, or an inject); a recording does not tell which.
 */
export type LogRelayMark = RelayDataMark & { byRelay?: true };

export interface SessionLog {
  entries: LogWindow<LogEntry>;
  /** Payload bytes held by `entries`. */
  bytes: number;
  /** Entries let go to stay within the bounds, since the log was last cleared. */
  dropped: number;
  /** The bound that let entries go most recently: the entry limit, or the bytes a log may hold. */
  droppedFor: 'entries' | 'bytes';
  /** Counts clears: views derived from the entries (frames, filters) start over when it changes. */
  epoch: number;
}

export interface SessionErrorEntry {
  id: number;
  at: number;
  connId: string | undefined;
  error: AppError;
}

/** Counters of a session or connection that has moved nothing, or is not there. */
export const ZERO_COUNTERS: Readonly<Counters> = Object.freeze({ rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 });

export const copyCounters = (c: Counters): Counters => ({
  rxBytes: c.rxBytes,
  txBytes: c.txBytes,
  rxMessages: c.rxMessages,
  txMessages: c.txMessages,
});

export const copyNotShown = (n: NotShown): NotShown => ({ bytes: Number(n.bytes), messages: Number(n.messages) });

export const copyEndpoint = (e: Endpoint): Endpoint => ({ address: e.address, port: e.port, family: e.family });

export const copyError = (e: AppError): AppError => ({
  code: e.code,
  message: e.message,
  hint: e.hint,
  i18n: { message: e.i18n.message, hint: e.i18n.hint },
});

export function copyRecording(r: RecordingInfo): RecordingView {
  return {
    active: r.active,
    path: r.path,
    fileName: r.fileName,
    startedAt: r.startedAt,
    records: r.records,
    bytes: r.bytes,
    error: r.error ? copyError(r.error) : undefined,
  };
}

const optionalNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function copyRelayMark(mark: RelayDataMark): RelayDataMark {
  return {
    flow: mark.flow === 'to-client' ? 'to-client' : 'to-server',
    ...(mark.held ? { held: true } : {}),
    ...(mark.edited ? { edited: true } : {}),
    ...(mark.injected ? { injected: true } : {}),
  };
}

export function copyOrigin(origin: SendOrigin): SendOrigin {
  switch (origin.kind) {
    case 'rule':
      return { kind: 'rule', ruleId: String(origin.ruleId), name: String(origin.name) };
    case 'sequence':
      return { kind: 'sequence', name: String(origin.name) };
    case 'heartbeat':
    case 'repeat':
      return { kind: origin.kind };
  }
}

function copyRuleStatus(r: RuleStatus): RuleStatus {
  return {
    id: String(r.id),
    hits: Number(r.hits),
    replies: Number(r.replies),
    limited: Number(r.limited),
    failures: Number(r.failures),
    ...(typeof r.lastHitAt === 'number' ? { lastHitAt: r.lastHitAt } : {}),
    ...(r.error ? { error: copyError(r.error) } : {}),
  };
}

function copyRepeat(r: RepeatStatus): RepeatStatus {
  const states: readonly RepeatStatus['state'][] = ['running', 'finished', 'stopped', 'failed'];
  return {
    state: states.includes(r.state) ? r.state : 'stopped',
    sent: Number(r.sent),
    intervalMs: Number(r.intervalMs),
    startedAt: Number(r.startedAt),
    skipped: Number(r.skipped),
    ...(typeof r.count === 'number' ? { count: r.count } : {}),
    ...(r.error ? { error: copyError(r.error) } : {}),
  };
}

export function copyAutomation(a: AutomationStatus): AutomationStatus {
  return {
    rules: Array.from(a.rules ?? [], copyRuleStatus),
    heartbeats: Number(a.heartbeats),
    ...(a.heartbeatError ? { heartbeatError: copyError(a.heartbeatError) } : {}),
    ...(a.repeat ? { repeat: copyRepeat(a.repeat) } : {}),
  };
}

export function sessionView(info: SessionInfo): SessionView {
  return {
    id: info.id,
    kind: info.kind,
    config: info.config,
    state: info.state,
    counters: copyCounters(info.counters),
    createdAt: info.createdAt,
    local: info.local ? copyEndpoint(info.local) : undefined,
    locals: info.locals ? Array.from(info.locals, copyEndpoint) : undefined,
    lastSender: info.lastSender ? copyEndpoint(info.lastSender) : undefined,
    memberships: Array.from(info.memberships ?? [], String),
    error: info.error ? copyError(info.error) : undefined,
    reconnect: info.reconnect
      ? { attempt: Number(info.reconnect.attempt), nextAt: typeof info.reconnect.nextAt === 'number' ? info.reconnect.nextAt : undefined }
      : undefined,
    recording: info.recording ? copyRecording(info.recording) : undefined,
    notShown: info.notShown ? copyNotShown(info.notShown) : undefined,
    automation: info.automation ? copyAutomation(info.automation) : undefined,
    staleSince: optionalNumber(info.staleSince),
    removingUntil: info.removing ? optionalNumber(info.removing.until) : undefined,
  };
}

export function connectionView(info: ConnectionInfo): ConnectionView {
  return {
    connId: info.connId,
    remote: copyEndpoint(info.remote),
    local: copyEndpoint(info.local),
    since: info.since,
    counters: copyCounters(info.counters),
    peerEnded: info.peerEnded,
    localEnded: info.localEnded,
    blocked: info.blocked,
    ...(info.closesAt === undefined ? {} : { closesAt: info.closesAt }),
    ...(typeof info.staleSince === 'number' ? { staleSince: info.staleSince } : {}),
    ...(info.tls ? { tls: copyTls(info.tls) } : {}),
    ...(info.relay ? { relay: copyRelayPair(info.relay) } : {}),
  };
}

function copyRelayPair(pair: RelayPairInfo): RelayPairInfo {
  const held = (count: HeldCount | undefined): HeldCount => ({ messages: Number(count?.messages ?? 0), bytes: Number(count?.bytes ?? 0) });
  return {
    upstream: copyEndpoint(pair.upstream),
    ...(pair.upstreamLocal ? { upstreamLocal: copyEndpoint(pair.upstreamLocal) } : {}),
    connected: Boolean(pair.connected),
    ...(pair.upstreamTls ? { upstreamTls: copyTls(pair.upstreamTls) } : {}),
    serverEnded: Boolean(pair.serverEnded),
    serverLegEnded: Boolean(pair.serverLegEnded),
    held: { 'to-server': held(pair.held['to-server']), 'to-client': held(pair.held['to-client']) },
  };
}

const copyCertificate = (c: CertificateSummary): CertificateSummary => ({
  subject: c.subject,
  issuer: c.issuer,
  validFrom: c.validFrom,
  validTo: c.validTo,
  fingerprint256: c.fingerprint256,
  serialNumber: c.serialNumber,
  ...(c.subjectAltName === undefined ? {} : { subjectAltName: c.subjectAltName }),
  selfSigned: c.selfSigned,
});

/** A connection's TLS details, member by member, as everything received is copied. */
function copyTls(tls: TlsDetails): TlsDetails {
  return {
    protocol: tls.protocol,
    cipher: tls.cipher,
    ...(tls.alpn === undefined ? {} : { alpn: tls.alpn }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    authorized: tls.authorized,
    ...(tls.authorizationError === undefined ? {} : { authorizationError: tls.authorizationError }),
    peerCertificates: tls.peerCertificates.map(copyCertificate),
  };
}
