import type { Socket } from 'node:net';
import type {
  DisconnectMode,
  HeldMessage,
  RelayConfig,
  RelayFlow,
  SendOrigin,
  SendReceipt,
  SendTarget,
  SessionInfo,
} from '@shared/contract';
import { AppCode } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail, ok, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { SessionBase } from './session';
import { socketError } from './socket-errors';
import { TcpAcceptor, type AcceptorOwner } from './tcp-acceptor';
import { RelayHolds, type HeldFilter } from './relay-holds';
import { TcpRelayPair, type RelayPairOwner, type UpstreamTls } from './relay-pair';
import type { TlsLayer } from './tcp-connection';
import { clientOptions, clientServername } from './tls-options';

/**
 * What every relay (TCP or UDP) answers beside a session's own methods: holding a direction,
 * the held messages and their release, drop and edit, and injecting. docs/automation.md § Relay.
 */
export abstract class RelayBase extends SessionBase<RelayConfig> {
  readonly holds: RelayHolds;

  constructor(id: string, config: RelayConfig, ctx: EngineContext) {
    super(id, config, ctx);
    this.holds = new RelayHolds(id, config, this.counters, ctx);
  }

  hold(flow: RelayFlow, hold: boolean): SessionInfo {
    if (flow === 'to-server') this.config.holdToServer = hold;
    else this.config.holdToClient = hold;
    if (!hold) this.holds.unhold(flow);
    this.announce();
    return this.info();
  }

  heldMessages(): HeldMessage[] {
    return this.holds.list();
  }

  release(filter: HeldFilter): Result<HeldMessage[]> {
    return this.holds.release(filter);
  }

  drop(filter: HeldFilter): Result<HeldMessage[]> {
    return this.holds.drop(filter);
  }

  edit(id: string, bytes: Uint8Array): Result<HeldMessage[]> {
    return this.holds.edit(id, bytes);
  }

  inject(connId: string | undefined, flow: RelayFlow, bytes: Uint8Array): Result<SendReceipt> {
    if (this.currentState !== 'open') return this.notOpen();
    return this.holds.inject(connId, flow, bytes);
  }

  /** A relay's sends name their direction: the composer and scripts use inject. */
  send(_bytes: Uint8Array, _to: SendTarget | undefined, _origin?: SendOrigin): Promise<Result<SendReceipt>> {
    return Promise.resolve(fail(AppCode.NoTarget, phrase('relay.useInject'), phrase('hint.useInject')));
  }
}

/** A TCP relay: listens on host:port and gives each client its own connection to the upstream. */
export class TcpRelay extends RelayBase implements RelayPairOwner, AcceptorOwner {
  private acceptor: TcpAcceptor | undefined;
  private readonly pairs = new Map<string, TcpRelayPair>();
  private closeInProgress: Promise<Result<SessionInfo>> | undefined;
  private pairsGone: (() => void) | undefined;
  readingPaused = false;
  upstreamTls: UpstreamTls | undefined;

  get closing(): boolean {
    return this.currentState === 'closing';
  }

  get accepting(): boolean {
    return this.currentState === 'open';
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  get upstream(): { host: string; port: number } {
    return this.config.upstream;
  }

  get connectTimeoutMs(): number {
    return this.config.connectTimeoutMs;
  }

  override info(): SessionInfo {
    const info = super.info();
    info.connections = [...this.pairs.values()].map((p) => p.info());
    return info;
  }

  async open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.setState('opening');
    const { host, port, maxConnections, tls, upstreamTls, upstream } = this.config;
    this.upstreamTls = undefined;
    if (upstreamTls) {
      const options = clientOptions(upstream.host, upstreamTls);
      if (!options.ok) {
        this.setState('error', options.error);
        return options;
      }
      this.upstreamTls = { settings: upstreamTls, options: options.value, servername: clientServername(upstream.host, upstreamTls) };
    }
    const acceptor = new TcpAcceptor(
      this,
      { host, port, ipv6Only: false, maxConnections, noDelay: true, keepAlive: false, keepAliveInitialDelayMs: 0, tls },
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
    this.emitError(socketError(err, 'listen', { address: this.config.host, port: this.config.port }));
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
    if (!acceptor || this.currentState !== 'open') return Promise.resolve(ok(this.info()));
    this.setState('closing');
    this.closeInProgress = new Promise((resolve) => {
      let listening = true;
      const finish = () => {
        if (listening || this.pairs.size > 0) return;
        this.pairsGone = undefined;
        this.closeInProgress = undefined;
        this.acceptor = undefined;
        this.setState('closed');
        resolve(ok(this.info()));
      };
      this.pairsGone = finish;
      void acceptor.close().then(() => {
        listening = false;
        finish();
      });
      for (const pair of this.pairs.values()) pair.destroy();
    });
    return this.closeInProgress;
  }

  protected override heldCounters(): Iterable<TcpRelayPair> {
    return this.pairs.values();
  }

  override disconnect(connId: string | undefined, mode: DisconnectMode): Result<null> {
    if (connId === undefined) return fail(AppCode.InvalidArgument, phrase('listener.nameConnection'), phrase('hint.pickConnection'));
    const pair = this.pairs.get(connId);
    if (!pair) return fail(AppCode.NotFound, phrase('session.noConnection', { sessionId: this.id, connId }), phrase('hint.connectionGone'));
    pair.disconnect(mode);
    return ok(null);
  }

  override pauseReading(paused: boolean): void {
    this.readingPaused = paused;
    for (const pair of this.pairs.values()) pair.applyReading();
  }

  pairChanged(_pair: TcpRelayPair): void {
    this.announce();
  }

  pairClosed(pair: TcpRelayPair): void {
    this.pairs.delete(pair.connId);
    this.holds.forget(pair);
    this.pairsGone?.();
    this.acceptor?.connectionGone();
  }

  accepted(socket: Socket, tls: TlsLayer | undefined): void {
    const pair = new TcpRelayPair(this.ctx.ids.next('c'), socket, tls, this, this.ctx);
    this.pairs.set(pair.connId, pair);
    this.holds.pairs.set(pair.connId, pair);
    this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: pair.info() });
    void pair.start();
  }
}
