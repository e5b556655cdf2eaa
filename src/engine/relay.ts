import { createServer, type Server, type Socket } from 'node:net';
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
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { endpoint } from './endpoint';
import { describeResolved, resolveHost, type ResolvedAddress } from './resolve';
import { SessionBase } from './session';
import { appError, followedBy, socketError } from './socket-errors';
import { listen } from './tcp-listener';
import { RelayHolds, type HeldFilter } from './relay-holds';
import { TcpRelayPair, type RelayPairOwner } from './relay-pair';

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
export class TcpRelay extends RelayBase implements RelayPairOwner {
  private servers: Server[] | undefined;
  private readonly pairs = new Map<string, TcpRelayPair>();
  private pendingOpen: ((result: Result<SessionInfo>) => void) | undefined;
  private closeInProgress: Promise<Result<SessionInfo>> | undefined;
  private pairsGone: (() => void) | undefined;
  private atLimit = false;
  readingPaused = false;

  get closing(): boolean {
    return this.currentState === 'closing';
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

  open(): Promise<Result<SessionInfo>> {
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.setState('opening');
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
      const server = createServer({ allowHalfOpen: true, noDelay: true });
      server.on('connection', (socket) => this.accept(socket));
      servers.push(server);
      const listened = await listen(server, address, bindPort, false);
      if (cancelled()) {
        server.close();
        return;
      }
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
    }
    for (const server of servers) server.on('error', (err) => this.emitError(socketError(err, 'listen', { address: host, port })));
    this.local = locals[0];
    this.locals = locals;
    this.setState('open');
    this.pendingOpen?.(ok(this.info()));
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
    if (!servers || this.currentState !== 'open') return Promise.resolve(ok(this.info()));
    this.setState('closing');
    this.closeInProgress = new Promise((resolve) => {
      let serversOpen = servers.length;
      const finish = () => {
        if (serversOpen > 0 || this.pairs.size > 0) return;
        this.pairsGone = undefined;
        this.closeInProgress = undefined;
        this.servers = undefined;
        this.setState('closed');
        resolve(ok(this.info()));
      };
      this.pairsGone = finish;
      for (const server of servers) {
        server.close(() => {
          serversOpen -= 1;
          finish();
        });
      }
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
    if (this.atLimit && this.pairs.size < this.config.maxConnections) this.atLimit = false;
  }

  private accept(socket: Socket): void {
    if (this.currentState !== 'open') {
      socket.destroy();
      return;
    }
    if (this.pairs.size >= this.config.maxConnections) {
      const from = endpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
      socket.resetAndDestroy();
      if (!this.atLimit) {
        this.atLimit = true;
        this.emitError(
          appError(
            AppCode.ConnectionLimit,
            phrase('listener.atLimit', { from: formatEndpoint(from.address, from.port), limit: this.config.maxConnections }),
          ),
        );
      }
      return;
    }
    const pair = new TcpRelayPair(this.ctx.ids.next('c'), socket, this, this.ctx);
    this.pairs.set(pair.connId, pair);
    this.holds.pairs.set(pair.connId, pair);
    this.ctx.emit({ type: 'connection-opened', at: this.ctx.clock.now(), sessionId: this.id, conn: pair.info() });
    void pair.start();
  }
}
