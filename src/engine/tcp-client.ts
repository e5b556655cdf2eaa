import { connect, type Socket } from 'node:net';
import type { CloseReason, DisconnectMode, SendOrigin, SendReceipt, SendTarget, SessionInfo, TcpClientConfig } from '@shared/contract';
import { formatEndpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { STABLE_CONNECTION_MS } from '@shared/limits';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { attemptsExhausted, describeDelay, reconnectDelay } from './reconnect-policy';
import { appError, socketError } from './socket-errors';
import { SessionBase } from './session';
import { TcpConnection, type ConnectionOwner } from './tcp-connection';
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
  what: string;
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
              ? appError(code, `Connecting to ${formatEndpoint(host, port)} failed: no answer within ${connectTimeoutMs} ms (ETIMEDOUT).`)
              : appError(
                  code,
                  `Connecting to ${host} port ${port} failed: no answer within ${connectTimeoutMs} ms (ETIMEDOUT); ${triedList([...tried, { address: pending.current ?? host, what: 'no answer yet' }], port)}.`,
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
        this.emitError(annotate(error, `trying ${formatEndpoint(addresses[index + 1]!.address, port)} next`));
        this.connectInOrder(pending, addresses, index + 1, tried);
        return;
      }
      const last =
        tried.length === 1 && address === host
          ? error
          : { ...error, message: `Connecting to ${host} port ${port} failed: ${triedList(tried, port)}.` };
      this.connectFailed(last);
      pending.settle({ ok: false, error: last });
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      const conn = new TcpConnection(this.ctx.ids.next('c'), socket, this, this.ctx);
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
    });
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
      this.emitError(annotate(error, `attempt ${failedAttempt} of ${policy.maxAttempts}, giving up`));
      this.setState('error', error);
      return;
    }
    const delay = this.scheduleRetry(failedAttempt + 1, error);
    const label = failedAttempt === 0 ? 'reconnecting' : `attempt ${failedAttempt}`;
    this.emitError(annotate(error, `${label}, next try in ${describeDelay(delay)}`));
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
          `Connecting to ${formatEndpoint(this.config.host, this.config.port)} was cancelled.`,
          'Reopen the session to try again.',
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
        fail(AppCode.NoTarget, `A TCP client sends only on its own connection ${this.connection.connId}.`, 'Send without a target.'),
      );
    }
    return Promise.resolve(sendToConnections(this, [this.connection], bytes, this.ctx.sendBudget, origin));
  }

  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    const conn = this.connection;
    if (!conn || this.currentState !== 'open') return this.notOpen();
    if (connId !== undefined && connId !== conn.connId) {
      const closure = this.recentlyClosed.get(connId);
      return fail(
        AppCode.NotFound,
        `${closure ? describeClosure(closure) : `Session ${this.id} has no connection ${connId}.`} Its connection is ${conn.connId}.`,
        'Refresh the session.',
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
  override silenced(connId: string | undefined, error: AppError, why: string, action: 'close' | 'reconnect'): void {
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
    const message = `${refusal.error.message.replace(/\.$/, '')}: ${describeClosure(closure)}`;
    return { ok: false, error: { ...refusal.error, message } };
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
        error ??
        appError(
          AppCode.Dropped,
          `Connecting to ${formatEndpoint(this.config.host, this.config.port)} works, but the server closes each connection at once.`,
        );
      this.emitError(annotate(last, `attempt ${attemptsSoFar} of ${policy.maxAttempts}, giving up`));
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

/** The same error with a note on what auto-reconnect does next: "… (ECONNREFUSED) (attempt 3, next try in 2.0 s)." */
function annotate(error: AppError, note: string): AppError {
  const message = error.message.endsWith('.') ? error.message.slice(0, -1) : error.message;
  return { code: error.code, message: `${message} (${note}).`, hint: error.hint };
}

/** "the connection was refused, ECONNREFUSED": the part of a socket error after "failed: ". */
function plainFailure(error: AppError): string {
  const at = error.message.indexOf(' failed: ');
  const what = (at === -1 ? error.message : error.message.slice(at + ' failed: '.length)).replace(/\.$/, '');
  return what.replace(/ \(([A-Z0-9_]+)\)$/, ', $1');
}

/** "tried [::1]:4000 (the connection was refused, ECONNREFUSED), then 127.0.0.1:4000 (…)". */
function triedList(tried: readonly Tried[], port: number): string {
  return `tried ${tried.map((t) => `${formatEndpoint(t.address, port)} (${t.what})`).join(', then ')}`;
}
