import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { CloseReason, DisconnectMode, SendOrigin, SendReceipt, SendTarget, SessionInfo, TcpClientConfig } from '@shared/contract';
import { formatEndpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { STABLE_CONNECTION_MS } from '@shared/limits';
import { phrase, type Phrase } from '@shared/phrase';
import { appError as makeError, fail, ok, type AppError, type Result } from '@shared/result';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { attemptsExhausted, delayPhrase, reconnectDelay } from './reconnect-policy';
import { annotate, appError, socketError, withoutStop } from './socket-errors';
import { SessionBase } from './session';
import { TcpConnection, type ConnectionOwner, type TlsLayer } from './tcp-connection';
import { clientOptions, clientServername } from './tls-options';
import { tlsDetails } from './tls-details';
import { handshakeError } from './tls-errors';
import { describeClosure, RecentlyClosed } from './recently-closed';
import { sendToConnections } from './tcp-send';
import { literalAddress, resolveHost, type ResolvedAddress } from './resolve';

/** Losing the connection this way is the peer's or the network's doing, so auto-reconnect may answer it. */
const LOST: ReadonlySet<CloseReason> = new Set<CloseReason>(['peer-closed', 'peer-reset', 'error']);

/** A connect under way: the lookup, then one socket per address tried, under one timeout. */
interface Pending {
  socket: Socket | undefined;
  /** The address being tried now. */
  current: string | undefined;
  timer: TimerHandle;
  settle: (result: Result<SessionInfo>) => void;
}

/** An address tried and how it failed, for the message that lists them. */
interface Tried {
  address: string;
  what: Phrase;
}

/**
 * Auto-reconnect in progress: `attempt` is the reconnect attempt (from 1) being waited for
 * (`timer` set) or being made (`timer` undefined, a connect pending).
 */
interface Retry {
  attempt: number;
  timer: TimerHandle | undefined;
  nextAt: number | undefined;
}

/**
 * A TCP client: one connection, with a connect timeout that can be cancelled by closing, and
 * reconnect (open again) with the same settings.
 *
 * Auto-reconnect (config.reconnect.enabled): after a failed connect or a connection the peer or
 * the network ended — never after close(), disconnect() or remove — wait and connect again,
 * the waits growing as reconnect-policy.ts says, up to maxAttempts reconnect attempts (0: no
 * limit). A successful connect starts the count afresh. While it waits and while it tries, the
 * session stays in state `opening`: it is still trying to open, no send can succeed, and the
 * manager treats it as busy (remove and dispose close it, which cancels the wait; reopen is
 * refused until the user closes). `info().reconnect` says which attempt and when, and
 * `info().error` keeps the last failure so the user sees why. Each failed attempt emits one
 * `error` event naming the OS code, the attempt and the next wait. When attempts run out the
 * session ends in `error` with the last failure, exactly like a client without reconnect.
 */
export class TcpClient extends SessionBase<TcpClientConfig> implements ConnectionOwner {
  private connection: TcpConnection | undefined;
  private readonly recentlyClosed = new RecentlyClosed();
  /** How the last connection ended, for a send refused after it. */
  private lastConnection: string | undefined;
  private pending: Pending | undefined;
  private closeWaiters: ((result: Result<SessionInfo>) => void)[] = [];
  private retry: Retry | undefined;
  /** The user ended the current connection (disconnect): its end is not a loss to repair. */
  private userEnded = false;
  /** Reconnect attempts made before the current connection, and when it was made. */
  private attemptsBefore = 0;
  private connectedAt = 0;
  /** The recording is behind: the connection, or the next one, does not read. */
  private readingPaused = false;
  /** Liveness dropped the current connection to connect again, whatever the reconnect setting. */
  private silentReconnect = false;
  /** TLS: the connect options, secure context included, made once at open. */
  private tlsOptions: Omit<ConnectionOptions, 'socket'> = {};

  constructor(id: string, config: TcpClientConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  get closing(): boolean {
    return this.currentState === 'closing';
  }

  override info(): SessionInfo {
    const info = super.info();
    if (this.connection) info.connections = [this.connection.info()];
    if (this.retry) info.reconnect = { attempt: this.retry.attempt, nextAt: this.retry.nextAt };
    return info;
  }

  /** Connect now; the promise answers this first attempt, any reconnects go on in the background. */
  open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.cancelRetry();
    if (this.config.tls) {
      // Bad key material is the settings' fault: refused before any connect, never retried.
      const options = clientOptions(this.config.host, this.config.tls);
      if (!options.ok) {
        this.setState('error', options.error);
        return Promise.resolve(options);
      }
      this.tlsOptions = options.value;
    }
    return this.attempt();
  }

  private attempt(): Promise<Result<SessionInfo>> {
    const { host, port, connectTimeoutMs } = this.config;
    this.local = undefined;
    if (this.retry) {
      // Still opening, and the last failure stays visible until this attempt answers.
      this.currentState = 'opening';
      this.announce();
    } else {
      this.setState('opening');
    }
    return new Promise((resolve) => {
      const tried: Tried[] = [];
      let addresses: ResolvedAddress[] | undefined;
      const pending: Pending = {
        socket: undefined,
        timer: this.ctx.clock.setTimer(() => {
          pending.socket?.destroy();
          const code = 'ETIMEDOUT';
          const error =
            addresses === undefined || (addresses.length === 1 && addresses[0]!.address === host)
              ? appError(code, sentence('client.timeout', { where: formatEndpoint(host, port), ms: String(connectTimeoutMs) }))
              : appError(
                  code,
                  sentence('client.timeoutTried', {
                    host,
                    port: String(port),
                    ms: String(connectTimeoutMs),
                    tried: triedList([...tried, { address: pending.current ?? host, what: phrase('client.noAnswerYet') }], port),
                  }),
                );
          this.connectFailed(error);
          pending.settle({ ok: false, error });
        }, connectTimeoutMs),
        current: undefined,
        settle: (result) => {
          this.ctx.clock.clearTimer(pending.timer);
          if (this.pending === pending) this.pending = undefined;
          pending.settle = () => undefined;
          resolve(result);
        },
      };
      this.pending = pending;
      const literal = literalAddress(host);
      if (literal) {
        addresses = [literal];
        this.connectInOrder(pending, addresses, 0, tried);
        return;
      }
      void resolveHost(host, this.ctx.lookup).then(
        (found) => {
          addresses = found;
          if (this.pending === pending) this.connectInOrder(pending, found, 0, tried);
        },
        (err: unknown) => {
          if (this.pending !== pending) return;
          const error = socketError(err, 'connect', { address: host, port });
          this.connectFailed(error);
          pending.settle({ ok: false, error });
        },
      );
    });
  }

  /**
   * Try the addresses in the resolver's order, each after the last was refused or failed, all
   * within the one connect timeout — as Python's create_connection and ncat do — and tell the
   * user of each failure that leaves another address to try.
   */
  private connectInOrder(pending: Pending, addresses: readonly ResolvedAddress[], index: number, tried: Tried[]): void {
    const { host, port, localAddress, localPort, noDelay, keepAlive, keepAliveInitialDelayMs } = this.config;
    const address = addresses[index]!.address;
    let socket: Socket;
    try {
      socket = connect({
        host: address,
        port,
        allowHalfOpen: true,
        noDelay,
        keepAlive,
        keepAliveInitialDelay: keepAliveInitialDelayMs,
        ...(localAddress !== undefined ? { localAddress } : {}),
        ...(localPort !== undefined ? { localPort } : {}),
      });
    } catch (err) {
      // Node checks some options synchronously (a local address must be an IP, not a name):
      // the settings are wrong, and trying them again cannot help.
      const error = socketError(err, 'connect', { address: host, port });
      const wasRetrying = this.retry !== undefined;
      this.retry = undefined;
      if (wasRetrying) this.emitError(error);
      this.setState('error', error);
      pending.settle({ ok: false, error });
      return;
    }
    pending.socket = socket;
    pending.current = address;
    socket.once('error', (err: Error) => {
      socket.destroy();
      if (this.pending !== pending) return;
      const error = socketError(err, 'connect', { address, port });
      tried.push({ address, what: plainFailure(error) });
      if (index + 1 < addresses.length) {
        this.emitError(annotate(error, phrase('client.tryingNext', { where: formatEndpoint(addresses[index + 1]!.address, port) })));
        this.connectInOrder(pending, addresses, index + 1, tried);
        return;
      }
      const last =
        tried.length === 1 && address === host
          ? error
          : makeError(
              error.code,
              sentence('client.failedTried', { host, port: String(port), tried: triedList(tried, port) }),
              error.i18n.hint,
            );
      this.connectFailed(last);
      pending.settle({ ok: false, error: last });
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      if (this.config.tls) this.handshake(pending, socket, address);
      else this.established(pending, socket, undefined);
    });
  }

  /**
   * TLS over the TCP connection just made, within the same connect timeout. A failed
   * handshake fails the connect with its reason; the next address is not tried, since the
   * server answered and its TLS is what is wrong.
   */
  private handshake(pending: Pending, raw: Socket, address: string): void {
    const { host, port } = this.config;
    const settings = this.config.tls!;
    const socket = tlsConnect({ ...this.tlsOptions, socket: raw });
    if (settings.keyLog) socket.on('keylog', (line: Buffer) => this.ctx.keyLog(this.id, line));
    pending.socket = socket;
    const name = clientServername(host, settings) ?? host;
    socket.once('error', (err: Error) => {
      socket.destroy();
      raw.destroy();
      if (this.pending !== pending) return;
      const error = handshakeError(err, {
        where: formatEndpoint(address, port),
        name,
        minVersion: settings.minVersion,
        maxVersion: settings.maxVersion,
      });
      this.connectFailed(error);
      pending.settle({ ok: false, error });
    });
    socket.once('secureConnect', () => {
      socket.removeAllListeners('error');
      this.established(pending, socket, { raw, details: tlsDetails(socket, clientServername(host, settings)) });
    });
  }

  private established(pending: Pending, socket: Socket, tls: TlsLayer | undefined): void {
    const conn = new TcpConnection(this.ctx.ids.next('c'), socket, this, this.ctx, tls);
    this.connection = conn;
    if (this.readingPaused) conn.pauseReading(true);
    this.userEnded = false;
    this.local = { ...conn.local };
    // Whether the next loss starts the count afresh depends on how long this connection holds.
    this.attemptsBefore = this.retry?.attempt ?? 0;
    this.connectedAt = this.ctx.clock.now();
    this.retry = undefined;
    this.lastError = undefined;
    this.setState('open');
    this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: conn.info() });
    pending.settle(ok(this.info()));
  }

  /** A connect (the first or a reconnect) failed: give up, or wait and try again. */
  private connectFailed(error: AppError): void {
    const policy = this.config.reconnect;
    if (!policy.enabled) {
      this.setState('error', error);
      return;
    }
    // 0: the connect that open() made, which is not a reconnect attempt.
    const failedAttempt = this.retry?.attempt ?? 0;
    if (attemptsExhausted(failedAttempt, policy)) {
      this.retry = undefined;
      this.emitError(annotate(error, phrase('client.givingUp', { attempt: String(failedAttempt), max: String(policy.maxAttempts) })));
      this.setState('error', error);
      return;
    }
    const delay = this.scheduleRetry(failedAttempt + 1, error);
    const next = delayPhrase(delay);
    const note =
      failedAttempt === 0
        ? phrase('client.reconnecting', { delay: next })
        : phrase('client.nextTry', { attempt: String(failedAttempt), delay: next });
    this.emitError(annotate(error, note));
    this.announce();
  }

  /** Wait, in state `opening`, then make reconnect attempt `attempt`; returns the wait in ms. */
  private scheduleRetry(attempt: number, error: AppError | undefined): number {
    const delay = reconnectDelay(attempt, this.config.reconnect);
    const retry: Retry = { attempt, timer: undefined, nextAt: this.ctx.clock.now() + delay };
    retry.timer = this.ctx.clock.setTimer(() => {
      // A close or a fresh open replaced this wait; its timer was cleared but may race.
      if (this.retry !== retry) return;
      retry.timer = undefined;
      retry.nextAt = undefined;
      void this.attempt();
    }, delay);
    this.retry = retry;
    this.currentState = 'opening';
    this.lastError = error;
    return delay;
  }

  private cancelRetry(): void {
    if (this.retry?.timer !== undefined) this.ctx.clock.clearTimer(this.retry.timer);
    this.retry = undefined;
  }

  close(): Promise<Result<SessionInfo>> {
    if (this.retry) {
      // The user's close ends auto-reconnect for good: no timer left, no error left over.
      this.cancelRetry();
      this.lastError = undefined;
      if (!this.pending) {
        this.setState('closed');
        return Promise.resolve(ok(this.info()));
      }
    }
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      pending.socket?.destroy();
      this.setState('closed');
      pending.settle(
        fail(
          AppCode.Cancelled,
          phrase('client.cancelled', { where: formatEndpoint(this.config.host, this.config.port) }),
          phrase('hint.reopenToRetry'),
        ),
      );
      return Promise.resolve(ok(this.info()));
    }
    const conn = this.connection;
    if (conn && this.currentState === 'closing') return new Promise((resolve) => this.closeWaiters.push(resolve));
    if (!conn || this.currentState !== 'open') return Promise.resolve(ok(this.info()));
    this.setState('closing');
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      conn.destroy();
    });
  }

  send(bytes: Uint8Array, to: SendTarget | undefined, origin?: SendOrigin): Promise<Result<SendReceipt>> {
    if (this.currentState !== 'open' || !this.connection) return Promise.resolve(this.notOpen());
    if (to && to.type !== 'all' && !(to.type === 'connections' && to.connIds.every((id) => id === this.connection?.connId))) {
      return Promise.resolve(
        fail(AppCode.NoTarget, phrase('client.ownConnectionOnly', { connId: this.connection.connId }), phrase('hint.sendWithoutTarget')),
      );
    }
    return Promise.resolve(sendToConnections(this, [this.connection], bytes, this.ctx.sendBudget, origin));
  }

  protected override heldCounters(): Iterable<TcpConnection> {
    return this.connection ? [this.connection] : [];
  }

  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    const conn = this.connection;
    if (!conn || this.currentState !== 'open') return this.notOpen();
    if (connId !== undefined && connId !== conn.connId) {
      const closure = this.recentlyClosed.get(connId);
      return fail(
        AppCode.NotFound,
        phrase('client.otherConnection', {
          what: closure ? describeClosure(closure) : phrase('session.noConnection', { sessionId: this.id, connId }),
          connId: conn.connId,
        }),
        phrase('hint.refreshSession'),
      );
    }
    this.userEnded = true;
    conn.disconnect(mode);
    return ok(null);
  }

  override pauseReading(paused: boolean): void {
    this.readingPaused = paused;
    this.connection?.pauseReading(paused);
  }

  /** A silent server: close at once (it is taken for dead, so no FIN handshake) and, for reconnect, connect again. */
  override silenced(connId: string | undefined, error: AppError, why: Phrase, action: 'close' | 'reconnect'): void {
    const conn = this.connection;
    if (!conn || conn.connId !== connId || this.currentState !== 'open') return;
    if (action === 'reconnect') this.silentReconnect = true;
    else this.userEnded = true;
    conn.closeQuiet(error, why, action === 'reconnect' ? 'at-once' : 'graceful');
  }

  /** Not open: and when a connection of this session closed since, how it ended. */
  protected override notOpen(): Result<never> {
    const refusal = super.notOpen();
    const closure = this.lastConnection === undefined ? undefined : this.recentlyClosed.get(this.lastConnection);
    if (refusal.ok || !closure || this.currentState === 'open') return refusal;
    const state = phrase(`state.${this.currentState}`);
    const message = phrase('session.notOpenSince', { sessionId: this.id, state, closure: describeClosure(closure) });
    return { ok: false, error: makeError(refusal.error.code, message, refusal.error.i18n.hint) };
  }

  connectionClosed(conn: TcpConnection, reason: CloseReason, error: AppError | undefined): void {
    if (conn !== this.connection) return;
    this.connection = undefined;
    if (conn.closure) this.recentlyClosed.remember(conn.closure);
    this.lastConnection = conn.connId;
    const policy = this.config.reconnect;
    // A server that accepts and drops at once must not be retried at the first delay forever:
    // only a connection that held for a while starts the backoff and the attempt count afresh.
    const held = this.ctx.clock.now() - this.connectedAt >= STABLE_CONNECTION_MS;
    const attemptsSoFar = held ? 0 : this.attemptsBefore;
    const silent = this.silentReconnect;
    this.silentReconnect = false;
    const lost = (silent || (policy.enabled && LOST.has(reason))) && !this.userEnded && !this.closing;
    if (lost && (silent || !attemptsExhausted(attemptsSoFar, policy))) {
      // The connection's own events already said how it ended; this one says what comes next.
      this.scheduleRetry(attemptsSoFar + 1, reason === 'peer-closed' ? undefined : error);
      this.announce();
    } else if (lost) {
      const last =
        error ?? appError(AppCode.Dropped, sentence('client.dropped', { where: formatEndpoint(this.config.host, this.config.port) }));
      this.emitError(annotate(last, phrase('client.givingUp', { attempt: String(attemptsSoFar), max: String(policy.maxAttempts) })));
      this.setState('error', last);
    } else if (error && reason !== 'session-closed') {
      this.setState('error', error);
    } else {
      this.setState('closed');
    }
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const resolve of waiters) resolve(ok(this.info()));
  }
}

/** A message that ends in a full stop a note may come before. */
function sentence(
  key: 'client.timeout' | 'client.timeoutTried' | 'client.failedTried' | 'client.dropped',
  params: Record<string, Phrase | string | number>,
): Phrase {
  return phrase('sentence', { text: phrase(key, params) });
}

/** "the connection was refused, ECONNREFUSED": the part of a socket error after "failed: ". */
function plainFailure(error: AppError): Phrase {
  const words = withoutStop(error.i18n.message);
  if (words.key !== 'socket.failed' || !words.params) return words;
  return phrase('socket.plainFailure', { what: words.params.what!, code: error.code });
}

/** "tried [::1]:4000 (the connection was refused, ECONNREFUSED), then 127.0.0.1:4000 (…)". */
function triedList(tried: readonly Tried[], port: number): Phrase {
  const items = tried.map((t) => phrase('client.triedOne', { where: formatEndpoint(t.address, port), what: t.what }));
  const chain = (rest: readonly Phrase[]): Phrase =>
    rest.length === 1 ? rest[0]! : phrase('client.triedThen', { first: rest[0]!, rest: chain(rest.slice(1)) });
  return phrase('client.tried', { list: chain(items) });
}
