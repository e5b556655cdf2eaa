import type { Socket } from 'node:net';
import type { CloseReason, DisconnectMode, SendOrigin, SendReceipt, SendTarget, SessionInfo, TcpServerConfig } from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { DESCRIPTOR_CHECK_INTERVAL_MS } from '@shared/limits';
import { phrase, type Phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { descriptorShortage } from './descriptor-headroom';
import { SessionBase, type ConnectionCounters } from './session';
import { appError, socketError } from './socket-errors';
import { TcpAcceptor, type AcceptorOwner } from './tcp-acceptor';
import { TcpConnection, type ConnectionOwner, type TlsLayer } from './tcp-connection';
import { describeClosure, RecentlyClosed } from './recently-closed';
import { sendToConnections } from './tcp-send';

/** A TCP server: listens, accepts any number of connections, sends to one, some or all. */
export class TcpListener extends SessionBase<TcpServerConfig> implements ConnectionOwner, AcceptorOwner {
  /** Binds, admits and (with TLS) handshakes the clients; there while the session is opening or open. */
  private acceptor: TcpAcceptor | undefined;
  private readonly connections = new Map<string, TcpConnection>();
  private readonly recentlyClosed = new RecentlyClosed();
  /** The close() in progress, which a second close() waits for too. */
  private closeInProgress: Promise<Result<SessionInfo>> | undefined;
  /** Called as each connection closes while the session is closing. */
  private connectionsGone: (() => void) | undefined;
  /** The OS code while the process is out of file descriptors (new clients are lost), else undefined. */
  private outOfDescriptors: string | undefined;
  /** The recording is behind: connections, new ones too, do not read. */
  private readingPaused = false;
  /** The descriptor check due after the clients accepted lately. */
  private headroomCheck: TimerHandle | undefined;

  constructor(id: string, config: TcpServerConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  get closing(): boolean {
    return this.currentState === 'closing';
  }

  get accepting(): boolean {
    return this.currentState === 'open';
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  override connectionCounters(connIds: ReadonlySet<string>): ConnectionCounters[] {
    const out: ConnectionCounters[] = [];
    for (const connId of connIds) {
      const conn = this.connections.get(connId);
      if (conn) out.push({ connId, counters: { ...conn.counters } });
    }
    return out;
  }

  override info(): SessionInfo {
    const info = super.info();
    info.connections = [...this.connections.values()].map((c) => c.info());
    return info;
  }

  async open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.outOfDescriptors = undefined;
    this.setState('opening');
    const { host, port, ipv6Only, maxConnections, noDelay, keepAlive, keepAliveInitialDelayMs, tls } = this.config;
    // Without TLS each connection turns Nagle off at its first write (TcpConnection.queue); a
    // TLS handshake writes at once, so its socket has it from the accept.
    const acceptor = new TcpAcceptor(
      this,
      { host, port, ipv6Only, maxConnections, noDelay: noDelay && tls !== undefined, keepAlive, keepAliveInitialDelayMs, tls },
      this.ctx,
    );
    this.acceptor = acceptor;
    const bound = await acceptor.open();
    // A close() while it ran has already settled the session.
    if (this.acceptor !== acceptor) return bound.ok ? ok(this.info()) : bound;
    if (!bound.ok) {
      this.acceptor = undefined;
      this.setState('error', bound.error);
      return bound;
    }
    this.local = bound.value[0];
    this.locals = bound.value;
    this.setState('open');
    return ok(this.info());
  }

  acceptFailed(err: NodeJS.ErrnoException): void {
    // EMFILE comes once per client turned away, so it is told once, like the descriptor check.
    if (err.code === 'EMFILE' || err.code === 'ENFILE') this.descriptorsChanged(err.code);
    else this.emitError(socketError(err, 'listen', { address: this.config.host, port: this.config.port }));
  }

  close(): Promise<Result<SessionInfo>> {
    const acceptor = this.acceptor;
    if (this.currentState === 'opening' && acceptor) {
      this.acceptor = undefined;
      acceptor.cancel();
      this.setState('closed');
      return Promise.resolve(ok(this.info()));
    }
    if (this.closeInProgress) return this.closeInProgress;
    if (!acceptor || this.currentState !== 'open') {
      return Promise.resolve(ok(this.info()));
    }
    this.setState('closing');
    // The servers close before their connections' 'close' events: wait for both, since until
    // then the connections are still closing, and their reason is session-closed.
    this.closeInProgress = new Promise((resolve) => {
      let listening = true;
      const finish = () => {
        if (listening || this.connections.size > 0) return;
        this.connectionsGone = undefined;
        this.closeInProgress = undefined;
        this.acceptor = undefined;
        this.setState('closed');
        resolve(ok(this.info()));
      };
      this.connectionsGone = finish;
      void acceptor.close().then(() => {
        listening = false;
        finish();
      });
      for (const conn of this.connections.values()) conn.destroy();
    });
    return this.closeInProgress;
  }

  send(bytes: Uint8Array, to: SendTarget | undefined, origin?: SendOrigin): Promise<Result<SendReceipt>> {
    if (this.currentState !== 'open') return Promise.resolve(this.notOpen());
    const target = to ?? { type: 'all' };
    if (target.type === 'all') {
      return Promise.resolve(sendToConnections(this, [...this.connections.values()], bytes, this.ctx.sendBudget, origin));
    }
    if (target.type === 'connections') {
      const chosen: TcpConnection[] = [];
      // A connection named twice still gets the bytes once.
      for (const connId of new Set(target.connIds)) {
        const conn = this.connections.get(connId);
        if (!conn) return Promise.resolve(this.noConnection(connId));
        chosen.push(conn);
      }
      return Promise.resolve(sendToConnections(this, chosen, bytes, this.ctx.sendBudget, origin));
    }
    return Promise.resolve(
      fail(
        AppCode.NoTarget,
        phrase(target.type === 'address' ? 'listener.notToAddress' : 'listener.notToLastSender'),
        phrase('hint.sendToAllOrNamed'),
      ),
    );
  }

  protected override heldCounters(): Iterable<TcpConnection> {
    return this.connections.values();
  }

  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    if (connId === undefined) return fail(AppCode.InvalidArgument, phrase('listener.nameConnection'), phrase('hint.pickConnection'));
    const conn = this.connections.get(connId);
    if (!conn) return this.noConnection(connId);
    conn.disconnect(mode);
    return ok(null);
  }

  /** A connection not held: say when and why it closed, if it is one of the recent ones. */
  private noConnection(connId: string): Result<never> {
    const closure = this.recentlyClosed.get(connId);
    if (closure) return fail(AppCode.NotFound, describeClosure(closure), phrase('hint.sendToOpenConnection'));
    return fail(AppCode.NotFound, phrase('session.noConnection', { sessionId: this.id, connId }), phrase('hint.connectionGone'));
  }

  override silenced(connId: string | undefined, error: AppError, why: Phrase): void {
    const conn = connId === undefined ? undefined : this.connections.get(connId);
    conn?.closeQuiet(error, why, 'graceful');
  }

  override pauseReading(paused: boolean): void {
    this.readingPaused = paused;
    for (const conn of this.connections.values()) conn.pauseReading(paused);
  }

  connectionClosed(conn: TcpConnection, _reason: CloseReason): void {
    this.connections.delete(conn.connId);
    if (conn.closure) this.recentlyClosed.remember(conn.closure);
    this.connectionsGone?.();
    this.acceptor?.connectionGone();
    if (this.outOfDescriptors !== undefined && this.currentState === 'open') this.descriptorsChanged(descriptorShortage());
  }

  accepted(socket: Socket, tls: TlsLayer | undefined, local?: Endpoint): void {
    const conn = new TcpConnection(this.ctx.ids.next('c'), socket, this, this.ctx, tls, local);
    this.connections.set(conn.connId, conn);
    if (this.readingPaused) conn.pauseReading(true);
    this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: conn.info() });
    this.checkDescriptorsSoon();
  }

  /**
   * Asking the OS costs two system calls, as much as the rest of an accept: clients that arrive
   * together share one check. Out of descriptors, no client gets through until some close (libuv
   * closes them itself), so a later check finds the same shortage and the same connections held.
   */
  private checkDescriptorsSoon(): void {
    if (this.headroomCheck !== undefined) return;
    this.headroomCheck = this.ctx.clock.setTimer(() => {
      this.headroomCheck = undefined;
      if (this.currentState === 'open') this.descriptorsChanged(descriptorShortage());
    }, DESCRIPTOR_CHECK_INTERVAL_MS);
  }

  /**
   * Tell the user once when the process runs out of file descriptors (from then on the OS closes
   * each new client before the listener sees it, so nothing else would say so), and once when
   * there are some again.
   */
  private descriptorsChanged(shortage: string | undefined): void {
    if (shortage === this.outOfDescriptors) return;
    const was = this.outOfDescriptors;
    this.outOfDescriptors = shortage;
    const where = formatEndpoint(this.local?.address ?? this.config.host, this.local?.port ?? this.config.port);
    const held = this.connections.size;
    if (shortage !== undefined && was === undefined) {
      this.emitError(appError(shortage, phrase('listener.outOfDescriptors', { code: shortage, held, where })));
    } else if (shortage === undefined) {
      this.emitError(appError(was!, phrase('listener.descriptorsBack', { held, where })));
    }
  }
}
