import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { ConnectionInfo, Counters, DisconnectMode, RelayDataMark, RelayFlow, RelayConfig, SessionInfo } from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { appError as makeError, fail, ok, type AppError, type Result } from '@shared/result';
import { zeroCounters } from '@shared/counters';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { endpoint } from './endpoint';
import { resolveHost, type ResolvedAddress } from './resolve';
import { appError, socketError } from './socket-errors';
import { RelayBase } from './relay';
import { flowPhrase, type RelayPair } from './relay-holds';
import type { HoldQueue } from './hold-queue';

/** A client as the relay's socket reports it: on a dual-stack socket an IPv4 client is `::ffff:a.b.c.d`. */
interface Sender {
  readonly address: string;
  readonly port: number;
}

const key = (sender: Sender) => `${sender.address}|${sender.port}`;

/**
 * One client address of a UDP relay: its own socket toward the upstream (so the server's
 * answers come back to this client alone), forgotten after the session's idle expiry.
 */
class UdpMapping implements RelayPair {
  readonly counters: Counters = zeroCounters();
  readonly since: number;
  readonly queues: Record<RelayFlow, HoldQueue>;
  readonly upstreamSocket: Socket;
  private upstreamLocal: Endpoint | undefined;
  private ready = false;
  /** What came before the upstream socket was ready: handled once it is, so the log and the recording name both legs. */
  private readonly early: (() => void)[] = [];
  private idleTimer: TimerHandle | undefined;
  closed = false;

  /** `remote` is `sender` as people read it (IPv4 unmapped); the map key and the replies use `sender` itself. */
  constructor(
    readonly connId: string,
    readonly sender: Sender,
    readonly remote: Endpoint,
    private readonly relay: UdpRelay,
    private readonly upstream: ResolvedAddress & { port: number },
    private readonly ctx: EngineContext,
  ) {
    this.since = ctx.clock.now();
    this.queues = relay.holds.queues(connId);
    this.upstreamSocket = createSocket(upstream.family === 'IPv6' ? 'udp6' : 'udp4');
    this.upstreamSocket.on('message', (msg: Buffer) => {
      this.touch();
      relay.holds.arrived(this, 'to-client', new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), true);
    });
    this.upstreamSocket.on('error', (err) => {
      relay.holds.emitError(socketError(err, 'send', { address: upstream.address, port: upstream.port }), connId);
    });
    this.upstreamSocket.connect(upstream.port, upstream.address, () => {
      const address = this.upstreamSocket.address();
      this.upstreamLocal = endpoint(address.address, address.port, address.family);
      this.ready = true;
      relay.mappingChanged();
      for (const handle of this.early.splice(0)) handle();
    });
    this.touch();
  }

  info(): ConnectionInfo {
    return {
      connId: this.connId,
      remote: { ...this.remote },
      local: this.relay.localEnd(this.remote.family),
      since: this.since,
      counters: { ...this.counters },
      peerEnded: false,
      localEnded: false,
      blocked: false,
      relay: {
        upstream: { address: this.upstream.address, port: this.upstream.port, family: this.upstream.family },
        ...(this.upstreamLocal ? { upstreamLocal: { ...this.upstreamLocal } } : {}),
        connected: this.ready,
        serverEnded: false,
        serverLegEnded: false,
        held: this.relay.holds.counts(this),
      },
    };
  }

  /** A datagram either way keeps the mapping; the idle expiry forgets it. */
  touch(): void {
    if (this.idleTimer !== undefined) this.ctx.clock.clearTimer(this.idleTimer);
    this.idleTimer = this.ctx.clock.setTimer(() => this.relay.expire(this), this.relay.config.udpIdleMs);
  }

  write(flow: RelayFlow, bytes: Uint8Array, mark: RelayDataMark | undefined): AppError | undefined {
    if (this.closed) {
      return makeError(
        AppCode.BadState,
        phrase('relay.legEnded', { connId: this.connId, flow: flowPhrase(flow) }),
        phrase('hint.legEnded'),
      );
    }
    this.touch();
    if (flow === 'to-client') {
      this.relay.sendToClient(this, bytes, mark);
      return undefined;
    }
    if (!this.ready) this.early.push(() => this.sendUpstream(bytes, mark));
    else this.sendUpstream(bytes, mark);
    return undefined;
  }

  /** Run `handle` once the upstream socket is ready (at once if it is). */
  whenReady(handle: () => void): void {
    if (this.ready) handle();
    else this.early.push(handle);
  }

  private sendUpstream(bytes: Uint8Array, mark: RelayDataMark | undefined): void {
    this.upstreamSocket.send(bytes, (err) => {
      if (err)
        this.relay.holds.emitError(socketError(err, 'send', { address: this.upstream.address, port: this.upstream.port }), this.connId);
      else this.relay.holds.written(this, bytes, mark);
    });
  }

  drained(_flow: RelayFlow): void {}

  /** Datagrams cannot be made to wait: past the limit they are dropped and counted instead. */
  holdFull(_flow: RelayFlow, _full: boolean): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== undefined) this.ctx.clock.clearTimer(this.idleTimer);
    this.upstreamSocket.close();
  }
}

/**
 * A UDP relay: one socket on host:port for the clients, and per client address a mapping with
 * its own socket connected to the upstream, kept while datagrams go either way.
 */
export class UdpRelay extends RelayBase {
  private socket: Socket | undefined;
  private upstreamAddress: ResolvedAddress | undefined;
  private readonly mappings = new Map<string, UdpMapping>();
  private atLimit = false;

  constructor(id: string, config: RelayConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  override info(): SessionInfo {
    const info = super.info();
    info.connections = [...this.mappings.values()].map((m) => m.info());
    return info;
  }

  protected override heldCounters(): Iterable<UdpMapping> {
    return this.mappings.values();
  }

  localEnd(family: Endpoint['family']): Endpoint {
    return this.local ? { ...this.local } : { address: this.config.host, port: this.config.port, family };
  }

  async open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.setState('opening');
    const { host, port, upstream } = this.config;
    let listenAt: ResolvedAddress;
    try {
      [listenAt] = (await resolveHost(host, this.ctx.lookup)) as [ResolvedAddress];
      [this.upstreamAddress] = (await resolveHost(upstream.host, this.ctx.lookup)) as [ResolvedAddress];
    } catch (err) {
      return this.failOpen(socketError(err, 'bind', { address: host, port }));
    }
    const socket = createSocket(listenAt.family === 'IPv6' ? 'udp6' : 'udp4');
    const bound = await new Promise<Error | undefined>((resolve) => {
      socket.once('error', resolve);
      socket.bind({ port, address: listenAt.address }, () => {
        socket.off('error', resolve);
        resolve(undefined);
      });
    });
    if (bound) {
      socket.close();
      return this.failOpen(socketError(bound, 'bind', { address: listenAt.address, port }));
    }
    if (this.currentState !== 'opening') {
      socket.close();
      return ok(this.info());
    }
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.fromClient(msg, rinfo));
    socket.on('error', (err) => this.emitError(socketError(err, 'receive', { address: listenAt.address, port })));
    const address = socket.address();
    this.local = endpoint(address.address, address.port, address.family);
    this.locals = [this.local];
    this.setState('open');
    return ok(this.info());
  }

  close(): Promise<Result<SessionInfo>> {
    if (this.currentState === 'closed' || this.currentState === 'error') return Promise.resolve(ok(this.info()));
    const socket = this.socket;
    this.socket = undefined;
    this.setState('closing');
    for (const mapping of [...this.mappings.values()]) this.forget(mapping, 'session-closed');
    return new Promise((resolve) => {
      const done = () => {
        this.setState('closed');
        resolve(ok(this.info()));
      };
      if (socket) socket.close(done);
      else done();
    });
  }

  mappingChanged(): void {
    this.announce();
  }

  sendToClient(mapping: UdpMapping, bytes: Uint8Array, mark: RelayDataMark | undefined): void {
    const socket = this.socket;
    if (!socket) return;
    socket.send(bytes, mapping.sender.port, mapping.sender.address, (err) => {
      if (err) this.emitError(socketError(err, 'send', { address: mapping.remote.address, port: mapping.remote.port }), mapping.connId);
      else this.holds.written(mapping, bytes, mark);
    });
  }

  expire(mapping: UdpMapping): void {
    this.forget(mapping, 'local-closed');
  }

  /**
   * Closing a mapping by hand forgets it as its expiry would: its upstream socket closes and the
   * client's next datagram opens a new mapping. Datagrams carry no FIN or RST, so graceful and
   * reset end a mapping alike, and a half-close has nothing to send.
   */
  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    if (connId === undefined) return fail(AppCode.InvalidArgument, phrase('listener.nameConnection'), phrase('hint.pickConnection'));
    const mapping = [...this.mappings.values()].find((one) => one.connId === connId);
    if (!mapping)
      return fail(AppCode.NotFound, phrase('session.noConnection', { sessionId: this.id, connId }), phrase('hint.connectionGone'));
    if (mode === 'half-close') return fail(AppCode.BadState, phrase('relay.udpNoHalfClose', { connId }), phrase('hint.udpMappingClose'));
    this.forget(mapping, 'local-closed');
    return ok(null);
  }

  private fromClient(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.currentState !== 'open' || !this.upstreamAddress) return;
    let mapping = this.mappings.get(key(rinfo));
    if (!mapping) {
      if (this.mappings.size >= this.config.maxConnections) {
        if (!this.atLimit) {
          this.atLimit = true;
          this.emitError(
            appError(
              AppCode.ConnectionLimit,
              phrase('relay.mappingsFull', {
                sessionId: this.id,
                limit: this.config.maxConnections,
                from: formatEndpoint(rinfo.address, rinfo.port),
              }),
            ),
          );
        }
        return;
      }
      const remote = endpoint(rinfo.address, rinfo.port, rinfo.family);
      mapping = new UdpMapping(
        this.ctx.ids.next('c'),
        { address: rinfo.address, port: rinfo.port },
        remote,
        this,
        { ...this.upstreamAddress, port: this.config.upstream.port },
        this.ctx,
      );
      this.mappings.set(key(rinfo), mapping);
      this.holds.pairs.set(mapping.connId, mapping);
      this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: mapping.info() });
    }
    mapping.touch();
    const found = mapping;
    found.whenReady(() => this.holds.arrived(found, 'to-server', new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), true));
  }

  private forget(mapping: UdpMapping, reason: 'local-closed' | 'session-closed'): void {
    if (mapping.closed) return;
    mapping.close();
    this.mappings.delete(key(mapping.sender));
    this.holds.forget(mapping);
    this.atLimit = false;
    this.ctx.emit({
      type: 'connection-closed',
      at: this.ctx.clock.now(),
      sessionId: this.id,
      connId: mapping.connId,
      reason,
      counters: { ...mapping.counters },
      leg: 'client',
    });
  }

  private failOpen(error: AppError): Result<SessionInfo> {
    this.setState('error', error);
    return { ok: false, error };
  }
}
