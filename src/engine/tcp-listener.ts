import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { CloseReason, DisconnectMode, SendOrigin, SendReceipt, SendTarget, SessionInfo, TcpServerConfig } from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { TCP_LISTEN_BACKLOG } from '@shared/limits';
import { phrase, untranslated } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { descriptorShortage } from './descriptor-headroom';
import { endpoint } from './endpoint';
import { describeResolved, resolveHost, type ResolvedAddress } from './resolve';
import { SessionBase, type ConnectionCounters } from './session';
import { appError, followedBy, socketError } from './socket-errors';
import { TcpConnection, type ConnectionOwner, type TlsLayer } from './tcp-connection';
import { serverOptions } from './tls-options';
import { tlsDetails } from './tls-details';
import { clientHandshakeError, untrustedClient } from './tls-errors';
import { describeClosure, RecentlyClosed } from './recently-closed';
import { sendToConnections } from './tcp-send';

/** A TCP server: listens, accepts any number of connections, sends to one, some or all. */
export class TcpListener extends SessionBase<TcpServerConfig> implements ConnectionOwner {
  /** One server per bound address: a host name may resolve to several. */
  private servers: Server[] | undefined;
  private readonly connections = new Map<string, TcpConnection>();
  private readonly recentlyClosed = new RecentlyClosed();
  /** Settles the open() in progress, so close() can cancel it. */
  private pendingOpen: ((result: Result<SessionInfo>) => void) | undefined;
  /** The close() in progress, which a second close() waits for too. */
  private closeInProgress: Promise<Result<SessionInfo>> | undefined;
  /** Called as each connection closes while the session is closing. */
  private connectionsGone: (() => void) | undefined;
  /** Connections reset since the limit was last reached; undefined while below the limit. */
  private refusedAtLimit: number | undefined;
  /** The OS code while the process is out of file descriptors (new clients are lost), else undefined. */
  private outOfDescriptors: string | undefined;
  /** The recording is behind: connections, new ones too, do not read. */
  private readingPaused = false;
  /**
   * TLS: the server that runs each accepted socket's handshake. It never listens itself; the
   * TCP servers hand it their connections, so limits and resets work the same with or without TLS.
   */
  private tlsServer: TlsServer | undefined;
  /**
   * Accepted TCP sockets whose TLS handshake is under way, by their two ends: the TLS socket
   * the server makes of one has the same ends, which is how it finds its TCP socket again.
   */
  private readonly handshaking = new Map<string, Socket>();

  constructor(id: string, config: TcpServerConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  get closing(): boolean {
    return this.currentState === 'closing';
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

  open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.refusedAtLimit = undefined;
    this.outOfDescriptors = undefined;
    this.setState('opening');
    if (this.config.tls) {
      const options = serverOptions(this.config.tls);
      if (!options.ok) {
        this.setState('error', options.error);
        return Promise.resolve(options);
      }
      this.tlsServer = this.createTlsServer(options.value);
    }
    const servers: Server[] = [];
    this.servers = servers;
    return new Promise((resolve) => {
      this.pendingOpen = (result) => {
        this.pendingOpen = undefined;
        resolve(result);
      };
      void this.listenAll(servers);
    });
  }

  /**
   * Listen on every address the host resolves to, on one port (port 0: the port the first one
   * got), or on none: if one cannot be bound, the others are closed and the error names it.
   */
  private async listenAll(servers: Server[]): Promise<void> {
    const { host, port } = this.config;
    const cancelled = () => this.servers !== servers;
    const failed = (error: AppError) => {
      this.servers = undefined;
      for (const server of servers) server.close();
      this.setState('error', error);
      this.pendingOpen?.({ ok: false, error });
    };
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolveHost(host, this.ctx.lookup);
    } catch (err) {
      if (!cancelled()) failed(socketError(err, 'listen', { address: host, port }));
      return;
    }
    const locals: Endpoint[] = [];
    for (const { address } of addresses) {
      if (cancelled()) return;
      const bindPort = locals[0]?.port ?? port;
      const server = this.createServer();
      servers.push(server);
      const listened = await listen(server, address, bindPort, this.config.ipv6Only);
      if (cancelled()) {
        server.close();
        return;
      }
      if (listened instanceof Error) {
        const error = socketError(listened, 'listen', { address, port: bindPort });
        if (addresses.length > 1) {
          failed(followedBy(error, phrase('resolved.allOrNone.listen', { host: describeResolved(host, addresses) })));
          return;
        }
        failed(error);
        return;
      }
      locals.push(listened);
    }
    for (const server of servers) {
      // A listening server only errors on accept failures: report, keep listening. EMFILE
      // comes once per client turned away, so it is told once, like the descriptor check.
      server.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EMFILE' || err.code === 'ENFILE') this.descriptorsChanged(err.code);
        else this.emitError(socketError(err, 'listen', { address: host, port }));
      });
    }
    this.local = locals[0];
    this.locals = locals;
    this.setState('open');
    this.pendingOpen?.(ok(this.info()));
  }

  private createServer(): Server {
    const { noDelay, keepAlive, keepAliveInitialDelayMs } = this.config;
    const server = createServer({ allowHalfOpen: true, noDelay, keepAlive, keepAliveInitialDelay: keepAliveInitialDelayMs });
    server.on('connection', (socket) => this.accept(socket));
    return server;
  }

  private createTlsServer(options: Parameters<typeof createTlsServer>[0]): TlsServer {
    const server = createTlsServer(options);
    server.on('secureConnection', (socket: TLSSocket) => {
      const raw = this.takeRaw(socket);
      if (!raw) {
        socket.destroy();
        return;
      }
      const settings = this.config.tls!;
      if (settings.requestCert && settings.verify && !socket.authorized) {
        const sent = Object.keys(socket.getPeerCertificate()).length > 0;
        const reason = socket.authorizationError;
        this.emitError(untrustedClient(sent ? String(reason ?? 'unknown') : undefined, peerOf(raw)));
        raw.destroy();
        return;
      }
      const servername = typeof socket.servername === 'string' ? socket.servername : undefined;
      this.accepted(socket, { raw, details: tlsDetails(socket, servername) });
    });
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      const raw = this.takeRaw(socket);
      const settings = this.config.tls!;
      this.emitError(
        clientHandshakeError(err, {
          where: raw ? peerOf(raw) : '?',
          minVersion: settings.minVersion,
          maxVersion: settings.maxVersion,
        }),
      );
      raw?.destroy();
    });
    return server;
  }

  private takeRaw(socket: TLSSocket): Socket | undefined {
    const key = socketKey(socket);
    const raw = this.handshaking.get(key);
    this.handshaking.delete(key);
    return raw;
  }

  close(): Promise<Result<SessionInfo>> {
    const servers = this.servers;
    if (this.currentState === 'opening' && servers) {
      this.servers = undefined;
      for (const server of servers) server.close();
      this.setState('closed');
      this.pendingOpen?.(
        fail(
          AppCode.Cancelled,
          phrase('listener.cancelled', { where: formatEndpoint(this.config.host, this.config.port) }),
          hintFor(AppCode.Cancelled),
        ),
      );
      return Promise.resolve(ok(this.info()));
    }
    if (this.closeInProgress) return this.closeInProgress;
    if (!servers || this.currentState !== 'open') {
      return Promise.resolve(ok(this.info()));
    }
    this.setState('closing');
    // A server's close callback comes before its connections' 'close' events, so wait for
    // both: until then the connections are still closing, and their reason is session-closed.
    this.closeInProgress = new Promise((resolve) => {
      let serversOpen = servers.length;
      const finish = () => {
        if (serversOpen > 0 || this.connections.size > 0) return;
        this.connectionsGone = undefined;
        this.closeInProgress = undefined;
        this.servers = undefined;
        this.setState('closed');
        resolve(ok(this.info()));
      };
      this.connectionsGone = finish;
      for (const server of servers) {
        server.close(() => {
          serversOpen -= 1;
          finish();
        });
      }
      for (const conn of this.connections.values()) conn.destroy();
      for (const raw of this.handshaking.values()) raw.destroy();
      this.handshaking.clear();
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

  override silenced(connId: string | undefined, error: AppError, why: string): void {
    const conn = connId === undefined ? undefined : this.connections.get(connId);
    conn?.closeQuiet(error, untranslated(why), 'graceful');
  }

  override pauseReading(paused: boolean): void {
    this.readingPaused = paused;
    for (const conn of this.connections.values()) conn.pauseReading(paused);
  }

  connectionClosed(conn: TcpConnection, _reason: CloseReason): void {
    this.connections.delete(conn.connId);
    if (conn.closure) this.recentlyClosed.remember(conn.closure);
    this.connectionsGone?.();
    if (this.refusedAtLimit !== undefined && this.connections.size < this.config.maxConnections) this.belowLimit();
    if (this.outOfDescriptors !== undefined && this.currentState === 'open') this.descriptorsChanged(descriptorShortage());
  }

  private accept(socket: Socket): void {
    if (this.currentState !== 'open') {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.config.maxConnections) {
      this.refuse(socket);
      return;
    }
    if (this.tlsServer) {
      // The TLS server wraps the socket and answers with secureConnection or tlsClientError.
      const key = socketKey(socket);
      this.handshaking.set(key, socket);
      socket.once('close', () => {
        if (this.handshaking.get(key) === socket) this.handshaking.delete(key);
      });
      this.tlsServer.emit('connection', socket);
      return;
    }
    this.accepted(socket, undefined);
  }

  private accepted(socket: Socket, tls: TlsLayer | undefined): void {
    if (this.currentState !== 'open') {
      (tls?.raw ?? socket).destroy();
      return;
    }
    const conn = new TcpConnection(this.ctx.ids.next('c'), socket, this, this.ctx, tls);
    this.connections.set(conn.connId, conn);
    if (this.readingPaused) conn.pauseReading(true);
    this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: conn.info() });
    this.descriptorsChanged(descriptorShortage());
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

  /** Reset the connection, so the client sees at once that it was refused. */
  private refuse(socket: Socket): void {
    const from = formatEndpoint(endpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily).address, socket.remotePort ?? 0);
    socket.resetAndDestroy();
    // One notice when the limit is reached, not one per refused client of a flood.
    if (this.refusedAtLimit === undefined) {
      this.refusedAtLimit = 0;
      this.emitError(appError(AppCode.ConnectionLimit, phrase('listener.atLimit', { from, limit: this.config.maxConnections })));
    }
    this.refusedAtLimit += 1;
  }

  private belowLimit(): void {
    const refused = this.refusedAtLimit ?? 0;
    this.refusedAtLimit = undefined;
    this.emitError(appError(AppCode.ConnectionLimit, phrase('listener.belowLimit', { refused })));
  }
}

/** A connection's two ends, the same for a TCP socket and the TLS socket over it. */
function socketKey(socket: Socket): string {
  return `${socket.remoteAddress} ${socket.remotePort} ${socket.localAddress} ${socket.localPort}`;
}

/** Who a client is, for a message about its handshake. */
function peerOf(socket: Socket): string {
  const remote = endpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
  return formatEndpoint(remote.address, remote.port);
}

/** Listen on one address: its bound endpoint, or the error the OS gave. */
export function listen(server: Server, host: string, port: number, ipv6Only: boolean): Promise<Endpoint | Error> {
  return new Promise((resolve) => {
    const failed = (err: Error) => resolve(err);
    server.once('error', failed);
    server.listen({ host, port, backlog: TCP_LISTEN_BACKLOG, ipv6Only }, () => {
      server.off('error', failed);
      const address = server.address();
      resolve(address && typeof address === 'object' ? endpoint(address.address, address.port, address.family) : endpoint(host, port));
    });
  });
}
