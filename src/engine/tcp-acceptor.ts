import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { TlsServerOptions } from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { TCP_LISTEN_BACKLOG } from '@shared/limits';
import { phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { endpoint } from './endpoint';
import { describeResolved, resolveHost } from './resolve';
import { appError, followedBy, socketError } from './socket-errors';
import type { TlsLayer } from './tcp-connection';
import { serverOptions } from './tls-options';
import { tlsDetails } from './tls-details';
import { clientHandshakeError, untrustedClient } from './tls-errors';

/** The session an acceptor hands its clients to: a TCP listener or a TCP relay. */
export interface AcceptorOwner {
  readonly id: string;
  /** The session is open: a client arriving now is taken (else it is closed at once). */
  readonly accepting: boolean;
  /** The connections the session holds, against `maxConnections`. */
  readonly connectionCount: number;
  /**
   * A client accepted and, with TLS, through its handshake. `local`: the connection's own end
   * when the listening address alone says it, so it need not be asked of the OS.
   */
  accepted(socket: Socket, tls: TlsLayer | undefined, local?: Endpoint): void;
  /** A listening server failed to accept one client: it goes on listening. */
  acceptFailed(err: NodeJS.ErrnoException): void;
  emitError(error: AppError): void;
}

export interface AcceptorSettings {
  host: string;
  port: number;
  ipv6Only: boolean;
  noDelay: boolean;
  keepAlive: boolean;
  keepAliveInitialDelayMs: number;
  maxConnections: number;
  /** Run each client's TLS handshake before handing it on. */
  tls?: TlsServerOptions | undefined;
}

/**
 * The listening half of a TCP session: every address the host resolves to bound on one port
 * (or none), clients over the limit reset with one notice, TLS handshakes run before a client
 * is handed on. A listener and a relay take their clients from one of these.
 */
export class TcpAcceptor {
  private servers: Server[] = [];
  /**
   * Each server bound to one address (not a wildcard, nor an IPv6 scope): every connection it
   * accepts has that address and port as its own end, the same getsockname would give.
   */
  private readonly boundTo = new Map<Server, Endpoint>();
  private cancelled = false;
  private settleOpen: ((result: Result<Endpoint[]>) => void) | undefined;
  /** Connections reset since the limit was last reached; undefined while below the limit. */
  private refusedAtLimit: number | undefined;
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

  constructor(
    private readonly owner: AcceptorOwner,
    private readonly settings: AcceptorSettings,
    private readonly ctx: EngineContext,
  ) {}

  /**
   * Listen on every address the host resolves to, on one port (port 0: the port the first one
   * got), or on none: if one cannot be bound, the others are closed and the error names it.
   * A cancel() while this runs settles it with Cancelled at once.
   */
  open(): Promise<Result<Endpoint[]>> {
    if (this.settings.tls) {
      const options = serverOptions(this.settings.tls);
      if (!options.ok) return Promise.resolve(options);
      this.tlsServer = this.createTlsServer(options.value);
    }
    return new Promise((resolve) => {
      this.settleOpen = (result) => {
        this.settleOpen = undefined;
        if (!result.ok) this.closeServers();
        resolve(result);
      };
      void this.listenAll();
    });
  }

  private async listenAll(): Promise<void> {
    const { host, port, ipv6Only } = this.settings;
    const failed = (error: AppError) => this.settleOpen?.({ ok: false, error });
    let addresses;
    try {
      addresses = await resolveHost(host, this.ctx.lookup);
    } catch (err) {
      failed(socketError(err, 'listen', { address: host, port }));
      return;
    }
    const locals: Endpoint[] = [];
    for (const { address } of addresses) {
      if (this.cancelled) return;
      const bindPort = locals[0]?.port ?? port;
      const server = this.createServer();
      this.servers.push(server);
      const listened = await listen(server, address, bindPort, ipv6Only);
      if (this.cancelled) return;
      if (listened instanceof Error) {
        const error = socketError(listened, 'listen', { address, port: bindPort });
        failed(
          addresses.length > 1
            ? followedBy(error, phrase('resolved.allOrNone.listen', { host: describeResolved(host, addresses) }))
            : error,
        );
        return;
      }
      locals.push(listened);
      if (!WILDCARDS.has(listened.address) && !listened.address.includes('%')) this.boundTo.set(server, Object.freeze({ ...listened }));
    }
    // A listening server only errors on accept failures: the owner tells of them, it listens on.
    for (const server of this.servers) server.on('error', (err: NodeJS.ErrnoException) => this.owner.acceptFailed(err));
    this.settleOpen?.(ok(locals));
  }

  /** Stop an open() under way: it settles with Cancelled, and nothing stays bound. */
  cancel(): void {
    this.cancelled = true;
    const { host, port } = this.settings;
    this.settleOpen?.(
      fail(AppCode.Cancelled, phrase('listener.cancelled', { where: formatEndpoint(host, port) }), hintFor(AppCode.Cancelled)),
    );
  }

  /**
   * Stop listening and end the handshakes under way; settles when every server has closed. A
   * server's close callback comes before its connections' 'close' events: the owner waits for
   * those itself.
   */
  close(): Promise<void> {
    for (const raw of this.handshaking.values()) raw.destroy();
    this.handshaking.clear();
    return this.closeServers();
  }

  private closeServers(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.boundTo.clear();
    return Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
  }

  /** A connection of the owner's closed: below the limit again, say how many were turned away. */
  connectionGone(): void {
    if (this.refusedAtLimit === undefined || this.owner.connectionCount >= this.settings.maxConnections) return;
    const refused = this.refusedAtLimit;
    this.refusedAtLimit = undefined;
    this.owner.emitError(appError(AppCode.ConnectionLimit, phrase('listener.belowLimit', { refused })));
  }

  private createServer(): Server {
    const { noDelay, keepAlive, keepAliveInitialDelayMs } = this.settings;
    const server = createServer({ allowHalfOpen: true, noDelay, keepAlive, keepAliveInitialDelay: keepAliveInitialDelayMs });
    server.on('connection', (socket) => this.accept(socket, this.boundTo.get(server)));
    return server;
  }

  private accept(socket: Socket, local: Endpoint | undefined): void {
    if (!this.owner.accepting) {
      socket.destroy();
      return;
    }
    if (this.owner.connectionCount >= this.settings.maxConnections) {
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
    this.handOn(socket, undefined, local);
  }

  private handOn(socket: Socket, tls: TlsLayer | undefined, local?: Endpoint): void {
    if (!this.owner.accepting) {
      (tls?.raw ?? socket).destroy();
      return;
    }
    this.owner.accepted(socket, tls, local);
  }

  /** Reset the connection, so the client sees at once that it was refused. */
  private refuse(socket: Socket): void {
    const from = peerOf(socket);
    socket.resetAndDestroy();
    // One notice when the limit is reached, not one per refused client of a flood.
    if (this.refusedAtLimit === undefined) {
      this.refusedAtLimit = 0;
      this.owner.emitError(appError(AppCode.ConnectionLimit, phrase('listener.atLimit', { from, limit: this.settings.maxConnections })));
    }
    this.refusedAtLimit += 1;
  }

  private createTlsServer(options: Parameters<typeof createTlsServer>[0]): TlsServer {
    const settings = this.settings.tls!;
    const server = createTlsServer(options);
    if (settings.keyLog) server.on('keylog', (line: Buffer) => this.ctx.keyLog(this.owner.id, line));
    server.on('secureConnection', (socket: TLSSocket) => {
      const raw = this.takeRaw(socket);
      if (!raw) {
        socket.destroy();
        return;
      }
      if (settings.requestCert && settings.verify && !socket.authorized) {
        const sent = Object.keys(socket.getPeerCertificate()).length > 0;
        const reason = socket.authorizationError;
        this.owner.emitError(untrustedClient(sent ? String(reason ?? 'unknown') : undefined, peerOf(raw)));
        raw.destroy();
        return;
      }
      const servername = typeof socket.servername === 'string' ? socket.servername : undefined;
      this.handOn(socket, { raw, details: tlsDetails(socket, servername) });
    });
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      const raw = this.takeRaw(socket);
      this.owner.emitError(
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
}

/** Addresses a server listens on for every interface, as Node reports them. */
const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/** A connection's two ends, the same for a TCP socket and the TLS socket over it. */
function socketKey(socket: Socket): string {
  return `${socket.remoteAddress} ${socket.remotePort} ${socket.localAddress} ${socket.localPort}`;
}

/** Who a client is, for a message about it. */
function peerOf(socket: Socket): string {
  const remote = endpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
  return formatEndpoint(remote.address, remote.port);
}

/** Listen on one address: its bound endpoint, or the error the OS gave. */
function listen(server: Server, host: string, port: number, ipv6Only: boolean): Promise<Endpoint | Error> {
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
