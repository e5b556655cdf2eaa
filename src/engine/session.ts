import type {
  Counters,
  DisconnectMode,
  SendOrigin,
  SendReceipt,
  SendTarget,
  SessionConfig,
  SessionInfo,
  SessionState,
} from '@shared/contract';
import type { Endpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { phrase, type Phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { clearCounters, zeroCounters } from '@shared/counters';
import { appError } from './socket-errors';
import { withoutKey } from './tls-options';

/** What the manager needs of every kind of socket. */
export interface Session {
  readonly id: string;
  readonly state: SessionState;
  /** The settings it was opened with; `automation` changes as the automate method sets it. */
  readonly config: SessionConfig;
  /** Live totals: read them, never keep them. */
  readonly counters: Counters;
  info(): SessionInfo;
  /** The counters of those of `connIds` still open: what a flush reports of the few that moved. */
  connectionCounters(connIds: ReadonlySet<string>): ConnectionCounters[];
  /** Resolves once the socket is open or has failed; a closed session may be opened again. */
  open(): Promise<Result<SessionInfo>>;
  /** Resolves once every socket of the session is closed. */
  close(): Promise<Result<SessionInfo>>;
  /** `origin`: a rule, a heartbeat or a repeat run sent it, which its tx event says. */
  send(bytes: Uint8Array, to: SendTarget | undefined, origin?: SendOrigin): Promise<Result<SendReceipt>>;
  /**
   * Liveness found nothing received for too long: close the connection (connId; the session when
   * it has none), or for a TCP client drop it and connect again. `error` tells the user now, and
   * `why` becomes the close reason.
   */
  silenced(connId: string | undefined, error: AppError, why: Phrase, action: 'close' | 'reconnect'): void;
  disconnect(connId: string | undefined, mode: DisconnectMode): Result<null>;
  /** Zero the session's counters and its connections', or one connection's alone. */
  resetCounters(connId: string | undefined): Result<null>;
  multicast(action: 'join' | 'leave', group: string, iface: string | undefined): Result<SessionInfo>;
  /**
   * Stop reading from the session's sockets (the peers' sends wait in the kernel), or read
   * again: the recorder's flow control while the disk is slower than the network.
   */
  pauseReading(paused: boolean): void;
}

export interface ConnectionCounters {
  connId: string;
  counters: Counters;
}

/** The state machine, counters and events that every session kind shares. */
export abstract class SessionBase<C extends SessionConfig> implements Session {
  readonly counters: Counters = zeroCounters();
  readonly createdAt: number;
  protected currentState: SessionState = 'closed';
  protected lastError: AppError | undefined;
  protected local: Endpoint | undefined;
  /** Listener, UDP: every bound address (a host name binds each address it resolves to). */
  protected locals: Endpoint[] | undefined;

  constructor(
    readonly id: string,
    readonly config: C,
    protected readonly ctx: EngineContext,
  ) {
    this.createdAt = ctx.clock.now();
  }

  get state(): SessionState {
    return this.currentState;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      kind: this.config.kind,
      config: withoutKey(this.config),
      state: this.currentState,
      counters: { ...this.counters },
      createdAt: this.createdAt,
      connections: [],
      memberships: [],
      ...(this.local ? { local: { ...this.local } } : {}),
      ...(this.locals ? { locals: this.locals.map((e) => ({ ...e })) } : {}),
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** From the snapshot, for kinds with few connections; a listener, which may hold thousands, looks them up. */
  connectionCounters(connIds: ReadonlySet<string>): ConnectionCounters[] {
    if (connIds.size === 0) return [];
    return this.info()
      .connections.filter((c) => connIds.has(c.connId))
      .map((c) => ({ connId: c.connId, counters: c.counters }));
  }

  abstract open(): Promise<Result<SessionInfo>>;
  abstract close(): Promise<Result<SessionInfo>>;
  abstract send(bytes: Uint8Array, to: SendTarget | undefined, origin?: SendOrigin): Promise<Result<SendReceipt>>;

  /** Sessions without connections (UDP) close whole. */
  silenced(_connId: string | undefined, error: AppError, _why: Phrase, _action: 'close' | 'reconnect'): void {
    if (this.currentState !== 'open') return;
    this.emitError(error);
    void this.close();
  }

  disconnect(_connId: string | undefined, _mode: DisconnectMode): Result<null> {
    return fail(
      AppCode.BadState,
      phrase('session.noTcpConnections', { kind: phrase(`kind.${this.config.kind}`) }),
      phrase('hint.useClose'),
    );
  }

  resetCounters(connId: string | undefined): Result<null> {
    const held = [...this.heldCounters()];
    if (connId === undefined) {
      clearCounters(this.counters);
      for (const conn of held) clearCounters(conn.counters);
      return ok(null);
    }
    const conn = held.find((candidate) => candidate.connId === connId);
    if (!conn) return fail(AppCode.NotFound, phrase('session.noConnection', { sessionId: this.id, connId }), phrase('hint.connectionGone'));
    clearCounters(conn.counters);
    return ok(null);
  }

  /** The counters of each connection held now (the live objects, not copies). */
  protected heldCounters(): Iterable<{ connId: string; counters: Counters }> {
    return [];
  }

  multicast(_action: 'join' | 'leave', _group: string, _iface: string | undefined): Result<SessionInfo> {
    return fail(
      AppCode.BadState,
      phrase('session.multicastNeedsUdp', { kind: phrase(`kind.${this.config.kind}`) }),
      phrase('hint.openUdpForGroups'),
    );
  }

  /** UDP cannot make a sender wait: there the recorder caps what it holds and counts the rest. */
  pauseReading(_paused: boolean): void {}

  /** Move to a new state and tell everyone; an error state keeps the error that caused it. */
  protected setState(state: SessionState, error?: AppError): void {
    this.currentState = state;
    if (state === 'opening') this.lastError = undefined;
    if (error) this.lastError = error;
    this.announce();
  }

  protected announce(): void {
    this.ctx.emit({ type: 'session', at: this.ctx.clock.now(), session: this.info() });
  }

  emitError(error: AppError, connId?: string): void {
    this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.id, ...(connId ? { connId } : {}), error });
  }

  /** The refusal of an open() while the session is opening, open or closing; undefined when it may open. */
  protected alreadyActive(): Promise<Result<never>> | undefined {
    if (this.currentState !== 'opening' && this.currentState !== 'open' && this.currentState !== 'closing') return undefined;
    const state = phrase(`state.${this.currentState}`);
    return Promise.resolve(
      fail(AppCode.BadState, phrase('session.alreadyActive', { sessionId: this.id, state }), phrase('hint.closeFirst')),
    );
  }

  protected notOpen(): Result<never> {
    const error = appError(
      AppCode.BadState,
      phrase('session.notOpen', { sessionId: this.id, state: phrase(`state.${this.currentState}`) }),
    );
    return { ok: false, error };
  }
}
