import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type {
  CloseReason,
  ConnectionInfo,
  Counters,
  DisconnectMode,
  RelayDataMark,
  RelayFlow,
  RelayLeg,
  TlsClientOptions,
  TlsDetails,
} from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { GRACEFUL_CLOSE_TIMEOUT_MS } from '@shared/limits';
import { phrase } from '@shared/phrase';
import { appError as makeError, type AppError } from '@shared/result';
import { zeroCounters } from '@shared/counters';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { endpoint } from './endpoint';
import { resolveHost, type ResolvedAddress } from './resolve';
import { socketError } from './socket-errors';
import { flowPhrase, type RelayHolds, type RelayPair } from './relay-holds';
import type { HoldQueue } from './hold-queue';
import type { TlsLayer } from './tcp-connection';
import { tlsDetails } from './tls-details';
import { handshakeError } from './tls-errors';

export interface RelayPairOwner {
  readonly id: string;
  readonly closing: boolean;
  readonly upstream: { host: string; port: number };
  readonly connectTimeoutMs: number;
  /** tls.connect's options for the upstream leg, made once when the relay opened; undefined: plain TCP. */
  readonly upstreamTls: UpstreamTls | undefined;
  readonly holds: RelayHolds;
  /** The recorder is behind: nothing reads. */
  readonly readingPaused: boolean;
  /** The pair's upstream leg connected: the session's connections changed. */
  pairChanged(pair: TcpRelayPair): void;
  pairClosed(pair: TcpRelayPair): void;
}

/** The upstream leg's TLS: the session's settings and the options made of them once, at open. */
export interface UpstreamTls {
  settings: TlsClientOptions;
  options: Omit<ConnectionOptions, 'socket'>;
  /** The name sent as SNI and checked against the certificate, if any. */
  servername: string | undefined;
}

/** The leg a flow's bytes come from, and the one they go to. */
const SENDER: Record<RelayFlow, RelayLeg> = { 'to-server': 'client', 'to-client': 'server' };
const other = (leg: RelayLeg): RelayLeg => (leg === 'client' ? 'server' : 'client');

interface Leg {
  socket: Socket | undefined;
  /** Under a TLS socket, the TCP socket it runs on: resets go there (a TLS socket cannot send one). */
  raw: Socket | undefined;
  /** Its peer sent FIN. */
  peerEnded: boolean;
  /** We sent FIN on it. */
  localEnded: boolean;
  /** A FIN of the other leg waits behind held messages before it is passed on here. */
  finPending: boolean;
  closed: boolean;
  stalled: boolean;
}

/**
 * One client of a TCP relay and its own upstream connection: bytes go on both ways (held when
 * the session holds that direction), a FIN on one leg becomes a FIN on the other once what was
 * held before it has gone, an RST on one becomes an RST on the other, and an upstream that
 * cannot be reached resets the client with the reason.
 */
export class TcpRelayPair implements RelayPair {
  readonly counters: Counters = zeroCounters();
  readonly since: number;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly queues: Record<RelayFlow, HoldQueue>;
  private upstreamAt: Endpoint;
  private upstreamLocal: Endpoint | undefined;
  private connected = false;
  private readonly legs: Record<RelayLeg, Leg>;
  private connectTimer: TimerHandle | undefined;
  /** Why and where the pair ended, as the first leg to end tells it. */
  private ending: { reason: CloseReason; leg: RelayLeg } | undefined;
  private announcedClose = false;
  private readonly clientTls: TlsDetails | undefined;
  private upstreamTlsDetails: TlsDetails | undefined;

  constructor(
    readonly connId: string,
    client: Socket,
    tls: TlsLayer | undefined,
    private readonly owner: RelayPairOwner,
    private readonly ctx: EngineContext,
  ) {
    this.clientTls = tls?.details;
    this.since = ctx.clock.now();
    this.remote = endpoint(client.remoteAddress, client.remotePort, client.remoteFamily);
    this.local = endpoint(client.localAddress, client.localPort, client.localFamily ?? client.remoteFamily);
    this.upstreamAt = { address: owner.upstream.host, port: owner.upstream.port, family: 'IPv4' };
    this.queues = owner.holds.queues(connId);
    const leg = (socket: Socket | undefined, raw: Socket | undefined): Leg => ({
      socket,
      raw,
      peerEnded: false,
      localEnded: false,
      finPending: false,
      closed: false,
      stalled: false,
    });
    this.legs = { client: leg(client, tls?.raw), server: leg(undefined, undefined) };
    // Nothing is read from the client before there is somewhere to pass it on to.
    client.pause();
    this.watch('client', client);
  }

  info(): ConnectionInfo {
    const client = this.legs.client;
    const server = this.legs.server;
    return {
      connId: this.connId,
      remote: { ...this.remote },
      local: { ...this.local },
      since: this.since,
      counters: { ...this.counters },
      peerEnded: client.peerEnded,
      localEnded: client.localEnded,
      blocked: false,
      ...(this.clientTls ? { tls: this.clientTls } : {}),
      relay: {
        upstream: { ...this.upstreamAt },
        ...(this.upstreamLocal ? { upstreamLocal: { ...this.upstreamLocal } } : {}),
        connected: this.connected,
        ...(this.upstreamTlsDetails ? { upstreamTls: this.upstreamTlsDetails } : {}),
        serverEnded: server.peerEnded,
        serverLegEnded: server.localEnded,
        held: this.owner.holds.counts(this),
      },
    };
  }

  /** Resolve the upstream and connect to it; the client waits, unread, until then. */
  async start(): Promise<void> {
    const { host, port } = this.owner.upstream;
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolveHost(host, this.ctx.lookup);
    } catch (err) {
      this.upstreamFailed(socketError(err, 'connect', { address: host, port }));
      return;
    }
    if (this.legs.client.closed) return;
    this.connectTimer = this.ctx.clock.setTimer(() => {
      const error = makeError(
        'ETIMEDOUT',
        phrase('relay.upstreamTimeout', {
          upstream: formatEndpoint(this.upstreamAt.address, port),
          client: formatEndpoint(this.remote.address, this.remote.port),
          duration: phrase('duration.ms', { ms: String(this.owner.connectTimeoutMs) }),
        }),
        phrase('hint.upstreamFailed'),
      );
      this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, error });
      this.ending ??= { reason: 'error', leg: 'server' };
      this.legs.server.socket?.destroy();
      this.legs.server.raw?.destroy();
      resetLeg(this.legs.client);
    }, this.owner.connectTimeoutMs);
    this.connectTo(addresses, 0, port);
  }

  /**
   * Connect to the addresses in the resolver's order, each after the last refused or failed,
   * all within the one connect timeout, as a TCP client session (and Python's create_connection)
   * does: `localhost` reaches a server that listens on 127.0.0.1 alone even when ::1 comes first.
   */
  private connectTo(addresses: readonly ResolvedAddress[], index: number, port: number): void {
    const { address, family } = addresses[index]!;
    this.upstreamAt = { address, port, family };
    const socket = connect({ host: address, port, allowHalfOpen: true, noDelay: true });
    this.legs.server.socket = socket;
    let superseded = false;
    socket.once('connect', () => {
      this.upstreamLocal = endpoint(socket.localAddress, socket.localPort, socket.localFamily ?? family);
      this.upstreamAt = endpoint(socket.remoteAddress ?? address, socket.remotePort ?? port, socket.remoteFamily ?? family);
      if (this.owner.upstreamTls) this.handshake(socket, address, port);
      else this.established(socket);
    });
    socket.once('error', (err) => {
      if (this.connected || this.legs.server.socket !== socket) return;
      if (index + 1 < addresses.length && !this.legs.client.closed) {
        superseded = true;
        socket.destroy();
        this.connectTo(addresses, index + 1, port);
        return;
      }
      this.clearConnectTimer();
      this.upstreamFailed(socketError(err, 'connect', { address, port }));
    });
    socket.once('close', () => {
      if (!this.connected && !superseded) this.legClosed('server');
    });
  }

  /** TLS on the upstream leg, within the same connect timeout: a failed handshake resets the client with its reason. */
  private handshake(raw: Socket, address: string, port: number): void {
    const upstreamTls = this.owner.upstreamTls!;
    const socket: TLSSocket = tlsConnect({ ...upstreamTls.options, socket: raw });
    if (upstreamTls.settings.keyLog) socket.on('keylog', (line: Buffer) => this.ctx.keyLog(this.owner.id, line));
    this.legs.server.socket = socket;
    this.legs.server.raw = raw;
    socket.once('error', (err: Error) => {
      if (this.connected) return;
      this.clearConnectTimer();
      raw.destroy();
      this.upstreamFailed(
        handshakeError(err, {
          where: formatEndpoint(address, port),
          name: upstreamTls.servername ?? address,
          minVersion: upstreamTls.settings.minVersion,
          maxVersion: upstreamTls.settings.maxVersion,
        }),
      );
    });
    socket.once('secureConnect', () => {
      this.upstreamTlsDetails = tlsDetails(socket, upstreamTls.servername);
      this.established(socket);
    });
  }

  private established(socket: Socket): void {
    this.clearConnectTimer();
    this.connected = true;
    this.watch('server', socket);
    this.owner.pairChanged(this);
    this.applyReading();
  }

  write(flow: RelayFlow, bytes: Uint8Array, mark: RelayDataMark | undefined): AppError | undefined {
    const to = this.legs[other(SENDER[flow])];
    if (!to.socket || to.closed || to.localEnded || (to === this.legs.server && !this.connected)) {
      return makeError(
        AppCode.BadState,
        phrase('relay.legEnded', { connId: this.connId, flow: flowPhrase(flow) }),
        phrase('hint.legEnded'),
      );
    }
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    to.socket.write(buffer, (err) => {
      if (!err) this.owner.holds.written(this, bytes, mark);
    });
    return undefined;
  }

  drained(flow: RelayFlow): void {
    const to = this.legs[other(SENDER[flow])];
    if (to.finPending) this.passFin(other(SENDER[flow]));
  }

  holdFull(flow: RelayFlow, full: boolean): void {
    this.legs[SENDER[flow]].stalled = full;
    this.applyReading();
  }

  /** Read, or not: the recorder's backlog and the session's held limit both stop a leg. */
  applyReading(): void {
    for (const name of ['client', 'server'] as const) {
      const leg = this.legs[name];
      if (!leg.socket || leg.closed) continue;
      if (name === 'client' && !this.connected) continue;
      if (this.owner.readingPaused || leg.stalled) leg.socket.pause();
      else leg.socket.resume();
    }
  }

  disconnect(mode: DisconnectMode): void {
    if (mode === 'reset') {
      this.ending ??= { reason: 'local-reset', leg: 'client' };
      for (const leg of Object.values(this.legs)) resetLeg(leg);
      return;
    }
    for (const name of ['client', 'server'] as const) {
      const leg = this.legs[name];
      if (leg.socket && !leg.localEnded && !leg.closed) this.endLeg(name);
    }
    if (mode === 'graceful') {
      // The peers may never answer our FINs; do not hold the sockets forever.
      this.ctx.clock.setTimer(() => this.destroy(), GRACEFUL_CLOSE_TIMEOUT_MS);
    }
  }

  /** Close at once because the session is closing. */
  destroy(): void {
    for (const leg of Object.values(this.legs)) if (leg.socket && !leg.closed) leg.socket.destroy();
    if (!this.legs.server.socket) this.legClosed('server');
  }

  private watch(name: RelayLeg, socket: Socket): void {
    const flow: RelayFlow = name === 'client' ? 'to-server' : 'to-client';
    socket.on('data', (chunk: Buffer) =>
      this.owner.holds.arrived(this, flow, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), false),
    );
    socket.on('end', () => this.peerFinished(name));
    socket.on('error', (err: NodeJS.ErrnoException) => this.legFailed(name, err));
    socket.on('close', () => this.legClosed(name));
  }

  private peerFinished(name: RelayLeg): void {
    const leg = this.legs[name];
    leg.peerEnded = true;
    this.ending ??= { reason: 'peer-closed', leg: name };
    this.ctx.emit({ type: 'half-closed', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, by: 'peer', leg: name });
    const to = other(name);
    const flow: RelayFlow = name === 'client' ? 'to-server' : 'to-client';
    if (this.queues[flow].empty) this.passFin(to);
    else this.legs[to].finPending = true;
    // A peer that closes with SO_LINGER 0 sends FIN and RST together: Node reads no more after
    // the FIN, so an empty write (nothing on the wire) finds the reset now.
    if (!leg.localEnded) leg.socket?.write(Buffer.alloc(0));
  }

  private passFin(name: RelayLeg): void {
    const leg = this.legs[name];
    leg.finPending = false;
    if (!leg.socket || leg.closed || leg.localEnded) return;
    this.endLeg(name);
  }

  private endLeg(name: RelayLeg): void {
    const leg = this.legs[name];
    leg.localEnded = true;
    leg.socket!.end();
    this.ctx.emit({ type: 'half-closed', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, by: 'local', leg: name });
  }

  private legFailed(name: RelayLeg, err: NodeJS.ErrnoException): void {
    if (name === 'server' && !this.connected) return;
    const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
    this.ending ??= { reason: reset ? 'peer-reset' : 'error', leg: name };
    const peer = name === 'client' ? this.remote : this.upstreamAt;
    this.ctx.emit({
      type: 'error',
      at: this.ctx.clock.now(),
      sessionId: this.owner.id,
      connId: this.connId,
      error: socketError(err, 'connection', { address: peer.address, port: peer.port }),
    });
    // An RST on one leg is an RST on the other; any other failure ends the other leg as hard.
    const otherLeg = this.legs[other(name)];
    if (otherLeg.socket && !otherLeg.closed && !otherLeg.socket.destroyed) resetLeg(otherLeg);
  }

  private upstreamFailed(error: AppError): void {
    const relayed = makeError(
      error.code,
      phrase('relay.upstreamFailed', {
        client: formatEndpoint(this.remote.address, this.remote.port),
        upstream: formatEndpoint(this.upstreamAt.address, this.upstreamAt.port),
        error: error.i18n.message,
      }),
      phrase('hint.upstreamFailed'),
    );
    this.ending ??= { reason: 'error', leg: 'server' };
    this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, error: relayed });
    resetLeg(this.legs.client);
    this.legs.server.closed = true;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) this.ctx.clock.clearTimer(this.connectTimer);
    this.connectTimer = undefined;
  }

  private legClosed(name: RelayLeg): void {
    const leg = this.legs[name];
    leg.closed = true;
    if (name === 'client') {
      // The client left before the upstream answered: nothing will use that connection.
      if (!this.connected) {
        this.clearConnectTimer();
        this.legs.server.socket?.destroy();
        this.legs.server.closed = true;
      }
    } else if (!this.legs.client.closed && !this.legs.client.localEnded) {
      // The server's socket went without a FIN or a reset we saw (destroyed by us): end the client too.
      this.legs.client.socket?.destroy();
    }
    if (!this.legs.client.closed || !(this.legs.server.closed || !this.legs.server.socket) || this.announcedClose) return;
    this.announcedClose = true;
    this.clearConnectTimer();
    const ending = this.owner.closing
      ? { reason: 'session-closed' as const, leg: 'client' as const }
      : (this.ending ?? { reason: 'local-closed' as const, leg: 'client' as const });
    this.ctx.emit({
      type: 'connection-closed',
      at: this.ctx.clock.now(),
      sessionId: this.owner.id,
      connId: this.connId,
      reason: ending.reason,
      counters: { ...this.counters },
      leg: ending.leg,
    });
    this.owner.pairClosed(this);
  }
}

/** An RST on a leg: on its TCP socket, under the TLS one if there is one. */
function resetLeg(leg: Leg): void {
  (leg.raw ?? leg.socket)?.resetAndDestroy();
}
