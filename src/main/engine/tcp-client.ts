import { connect, type Socket } from 'node:net';
import type { CloseReason, DisconnectMode, SendReceipt, SendTarget, SessionInfo, TcpClientConfig } from '../../shared/contract';
import { formatEndpoint } from '../../shared/address';
import { AppCode } from '../../shared/errors';
import { fail, ok, type AppError, type Result } from '../../shared/result';
import type { EngineContext, TimerHandle } from './context';
import { appError, socketError } from './socket-errors';
import { SessionBase } from './session';
import { TcpConnection, type ConnectionOwner } from './tcp-connection';
import { sendToConnections } from './tcp-send';

/**
 * A TCP client: one connection, with a connect timeout that can be cancelled by closing, and
 * reconnect (open again) with the same settings.
 */
export class TcpClient extends SessionBase<TcpClientConfig> implements ConnectionOwner {
  private connection: TcpConnection | undefined;
  private pending: { socket: Socket; timer: TimerHandle; settle: (result: Result<SessionInfo>) => void } | undefined;
  private closeWaiters: ((result: Result<SessionInfo>) => void)[] = [];

  constructor(id: string, config: TcpClientConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  get closing(): boolean {
    return this.currentState === 'closing';
  }

  override info(): SessionInfo {
    const info = super.info();
    if (this.connection) info.connections = [this.connection.info()];
    return info;
  }

  open(): Promise<Result<SessionInfo>> {
    if (this.currentState === 'opening' || this.currentState === 'open' || this.currentState === 'closing') {
      return Promise.resolve(fail(AppCode.BadState, `Session ${this.id} is already ${this.currentState}.`, 'Close it first.'));
    }
    const { host, port, localAddress, localPort, connectTimeoutMs, noDelay, keepAlive, keepAliveInitialDelayMs } = this.config;
    this.local = undefined;
    this.setState('opening');
    let socket: Socket;
    try {
      socket = connect({
        host,
        port,
        allowHalfOpen: true,
        noDelay,
        keepAlive,
        keepAliveInitialDelay: keepAliveInitialDelayMs,
        ...(localAddress !== undefined ? { localAddress } : {}),
        ...(localPort !== undefined ? { localPort } : {}),
      });
    } catch (err) {
      // Node checks some options synchronously (a local address must be an IP, not a name).
      const error = socketError(err, 'connect', { address: host, port });
      this.setState('error', error);
      return Promise.resolve({ ok: false, error });
    }
    return new Promise((resolve) => {
      const settle = (result: Result<SessionInfo>) => {
        this.ctx.clock.clearTimer(timer);
        socket.off('error', failed);
        this.pending = undefined;
        resolve(result);
      };
      const failed = (err: Error) => {
        socket.destroy();
        const error = socketError(err, 'connect', { address: host, port });
        this.setState('error', error);
        settle({ ok: false, error });
      };
      const timer = this.ctx.clock.setTimer(() => {
        socket.destroy();
        const error = appError('ETIMEDOUT', `Connecting to ${formatEndpoint(host, port)} failed: no answer within ${connectTimeoutMs} ms (ETIMEDOUT).`);
        this.setState('error', error);
        settle({ ok: false, error });
      }, connectTimeoutMs);
      this.pending = { socket, timer, settle };
      socket.once('error', failed);
      socket.once('connect', () => {
        const conn = new TcpConnection(this.ctx.ids.next('c'), socket, this, this.ctx);
        this.connection = conn;
        this.local = { ...conn.local };
        this.setState('open');
        this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: conn.info() });
        settle(ok(this.info()));
      });
    });
  }

  close(): Promise<Result<SessionInfo>> {
    const pending = this.pending;
    if (pending) {
      pending.socket.destroy();
      this.setState('closed');
      pending.settle(fail(AppCode.Cancelled, `Connecting to ${formatEndpoint(this.config.host, this.config.port)} was cancelled.`, 'Reopen the session to try again.'));
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

  send(bytes: Uint8Array, to: SendTarget | undefined): Promise<Result<SendReceipt>> {
    if (this.currentState !== 'open' || !this.connection) return Promise.resolve(this.notOpen());
    if (to && to.type !== 'all' && !(to.type === 'connections' && to.connIds.every((id) => id === this.connection?.connId))) {
      return Promise.resolve(fail(AppCode.NoTarget, `A TCP client sends only on its own connection ${this.connection.connId}.`, 'Send without a target.'));
    }
    return Promise.resolve(sendToConnections(this, [this.connection], bytes));
  }

  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    const conn = this.connection;
    if (!conn || this.currentState !== 'open') return this.notOpen();
    if (connId !== undefined && connId !== conn.connId) {
      return fail(AppCode.NotFound, `Session ${this.id} has no connection ${connId}; its connection is ${conn.connId}.`, 'Refresh the session.');
    }
    conn.disconnect(mode);
    return ok(null);
  }

  connectionClosed(conn: TcpConnection, reason: CloseReason, error: AppError | undefined): void {
    if (conn !== this.connection) return;
    this.connection = undefined;
    if (error && reason !== 'session-closed') {
      this.setState('error', error);
    } else {
      this.setState('closed');
    }
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const resolve of waiters) resolve(ok(this.info()));
  }
}
