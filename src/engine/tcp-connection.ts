import type { Socket } from 'node:net';
import type { CloseReason, ConnectionInfo, Counters, DisconnectMode, SendOrigin, TlsDetails } from '@shared/contract';
import { formatEndpoint, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { MAX_SEND_QUEUE_BYTES, GRACEFUL_CLOSE_TIMEOUT_MS } from '@shared/limits';
import { english, phrase, type Phrase } from '@shared/phrase';
import { appError as makeError, type AppError } from '@shared/result';
import type { TimerHandle } from '@ports/clock';
import type { EngineContext } from './context';
import { count, zeroCounters } from '@shared/counters';
import { endpoint } from './endpoint';
import { appError, socketError, withoutStop } from './socket-errors';
import type { Closure } from './recently-closed';

const EMPTY = Buffer.alloc(0);

/** A linger as people say it: 200 ms, 5 s, 1.5 s. */
function duration(ms: number): Phrase {
  return ms < 1000 ? phrase('duration.ms', { ms: String(ms) }) : phrase('duration.s', { s: String(ms / 1000) });
}

export interface ConnectionOwner {
  readonly id: string;
  readonly counters: Counters;
  readonly config: { halfOpen: boolean; halfCloseLingerMs: number; noDelay: boolean; idleTimeoutMs?: number | undefined };
  /** Closing the session closes its connections; their close reason says so. */
  readonly closing: boolean;
  connectionClosed(conn: TcpConnection, reason: CloseReason, error: AppError | undefined): void;
}

/** A connection that speaks TLS: the TCP socket under it, and what its handshake settled. */
export interface TlsLayer {
  /** The TCP socket the TLS socket reads and writes: a reset is sent on it (a TLS socket cannot). */
  raw: Socket;
  details: TlsDetails;
}

/**
 * One established TCP connection, accepted by a listener or made by a client; over TLS the
 * socket is the TLSSocket (plaintext in, plaintext out) and everything else is the same. Sockets are
 * created with allowHalfOpen so a peer's FIN is reported on its own (half-closed) and we may
 * still send; an RST arrives as ECONNRESET (or EPIPE once the peer's FIN came) and is reported
 * as a reset. After the peer's FIN our side stays open for the owner's half-close linger, then
 * sends its FIN (halfOpen: until the user does).
 */
export class TcpConnection {
  readonly counters: Counters = zeroCounters();
  readonly since: number;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  private peerEnded = false;
  private localEnded = false;
  private blocked = false;
  private closed = false;
  private localReset = false;
  private firstFin: 'local' | 'peer' | undefined;
  private error: AppError | undefined;
  private graceTimer: TimerHandle | undefined;
  private lingerTimer: TimerHandle | undefined;
  /** When the half-close linger sends our FIN, while it runs. */
  private closesAt: number | undefined;
  /** Who sent our FIN: the linger's end, the linger of 0 at once, or the user. */
  private finBy: 'linger' | 'at-once' | 'user' | undefined;
  private closedAs: Closure | undefined;
  /** Why we closed a quiet connection (the idle timeout, or liveness): the close reason's words. */
  private quietClose: Phrase | undefined;
  /** The send budget's releases of the writes not yet taken by the kernel; made at the first write, as most connections of a crowded listener never get one. */
  private holds: Set<() => void> | undefined;

  constructor(
    readonly connId: string,
    private readonly socket: Socket,
    private readonly owner: ConnectionOwner,
    private readonly ctx: EngineContext,
    private readonly tls?: TlsLayer,
    local?: Endpoint,
  ) {
    this.since = ctx.clock.now();
    this.remote = Object.freeze(endpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily));
    this.local = Object.freeze(local ?? endpoint(socket.localAddress, socket.localPort, socket.localFamily ?? socket.remoteFamily));
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.peerFinished());
    socket.on('drain', () => this.drained());
    socket.on('error', (err) => this.failed(err));
    socket.on('close', () => this.socketClosed());
    const idle = owner.config.idleTimeoutMs;
    if (idle !== undefined) {
      socket.setTimeout(idle);
      socket.on('timeout', () => this.idled(idle));
    }
  }

  /**
   * A snapshot for an event or a list. The endpoints never change and are frozen, so every
   * snapshot shares them; optional members are set only when there, with no throwaway objects:
   * a burst of thousands of clients builds one of these per accept.
   */
  info(): ConnectionInfo {
    const info: ConnectionInfo = {
      connId: this.connId,
      remote: this.remote,
      local: this.local,
      since: this.since,
      counters: { ...this.counters },
      peerEnded: this.peerEnded,
      localEnded: this.localEnded,
      blocked: this.blocked,
    };
    if (this.closesAt !== undefined) info.closesAt = this.closesAt;
    if (this.tls) info.tls = this.tls.details;
    return info;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** How and when the connection ended, once it has. */
  get closure(): Closure | undefined {
    return this.closedAs;
  }

  /** Who the connection is in a budget refusal: `s1 c3`. */
  get label(): string {
    return `${this.owner.id} ${this.connId}`;
  }

  /**
   * Why `size` more bytes cannot be queued for the peer, or undefined when they can. Node's
   * socket buffer is the queue; we bound it so a peer that never reads cannot make us hold
   * unlimited memory.
   */
  refusal(size: number): AppError | undefined {
    if (this.closed || this.socket.destroyed) {
      return makeError(
        AppCode.BadState,
        phrase('tcp.connClosed', { connId: this.connId, remote: this.describeRemote() }),
        phrase('hint.reconnectToSend'),
      );
    }
    if (this.localEnded) {
      return makeError(
        'EPIPE',
        phrase('tcp.finSent', { connId: this.connId, remote: this.describeRemote() }),
        phrase('hint.reconnectToSend'),
      );
    }
    const queued = this.socket.writableLength;
    if (queued + size > MAX_SEND_QUEUE_BYTES) {
      return makeError(
        AppCode.QueueFull,
        phrase('tcp.queueFull', {
          connId: this.connId,
          queued: String(queued),
          remote: this.describeRemote(),
          size: String(size),
          limit: String(MAX_SEND_QUEUE_BYTES),
        }),
        hintFor(AppCode.QueueFull),
      );
    }
    return undefined;
  }

  /**
   * Queue bytes that `refusal` allowed, and report when writes start waiting. The socket
   * writes this very buffer (a view, not a copy); `release` gives its share of the send budget
   * back once the kernel has taken all of it, or the connection has closed.
   */
  queue(bytes: Uint8Array, release: () => void, origin?: SendOrigin): void {
    // Nagle's algorithm only holds bytes back while earlier ones wait for their ACK, so turning it
    // off before a write is the same on the wire as at accept, and a listener's clients that never
    // get a byte cost no system call for it. Node makes the call only when the setting changes.
    if (this.owner.config.noDelay) this.socket.setNoDelay(true);
    (this.holds ??= new Set()).add(release);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const accepted = this.socket.write(buffer, (err) => {
      this.holds?.delete(release);
      release();
      if (err) return;
      count(this.counters, 'tx', bytes.byteLength);
      count(this.owner.counters, 'tx', bytes.byteLength);
      this.ctx.emit({
        type: 'data',
        at: this.ctx.clock.now(),
        sessionId: this.owner.id,
        connId: this.connId,
        dir: 'tx',
        bytes,
        ...(origin ? { origin } : {}),
      });
    });
    if (!accepted && !this.blocked) {
      this.blocked = true;
      this.emitBackpressure();
    }
  }

  disconnect(mode: DisconnectMode): void {
    if (this.closed) return;
    if (mode === 'reset') {
      this.localReset = true;
      (this.tls?.raw ?? this.socket).resetAndDestroy();
      return;
    }
    this.endLocal('user');
    if (mode === 'graceful') {
      if (this.peerEnded) return;
      // The peer may never answer our FIN; do not hold the socket forever.
      this.graceTimer ??= this.ctx.clock.setTimer(() => this.socket.destroy(), GRACEFUL_CLOSE_TIMEOUT_MS);
    }
  }

  /** Close at once because the session is closing. */
  destroy(): void {
    if (!this.closed) this.socket.destroy();
  }

  /** Stop reading (the peer's sends then wait in the kernel's buffers, then in the peer), or read again. */
  pauseReading(paused: boolean): void {
    if (paused) this.socket.pause();
    else this.socket.resume();
  }

  private endLocal(by: 'linger' | 'at-once' | 'user'): void {
    if (this.localEnded) return;
    this.localEnded = true;
    this.finBy = by;
    this.firstFin ??= 'local';
    this.stopLinger();
    if (!this.peerEnded) {
      this.sendFin();
      return;
    }
    // After the peer's FIN, Node reads no more, so an RST that followed it (socat's linger=0)
    // is seen only by writing: an empty write fails with EPIPE after a reset and puts nothing
    // on the wire otherwise. Without it we would report, and record, a FIN never sent.
    this.socket.write(EMPTY, (err) => {
      if (!err) this.sendFin();
    });
  }

  private sendFin(): void {
    this.socket.end();
    this.ctx.emit({ type: 'half-closed', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, by: 'local' });
  }

  private stopLinger(): void {
    if (this.lingerTimer !== undefined) this.ctx.clock.clearTimer(this.lingerTimer);
    this.lingerTimer = undefined;
    this.closesAt = undefined;
  }

  private received(chunk: Buffer): void {
    count(this.counters, 'rx', chunk.byteLength);
    count(this.owner.counters, 'rx', chunk.byteLength);
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.ctx.emit({ type: 'data', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, dir: 'rx', bytes });
  }

  private peerFinished(): void {
    this.peerEnded = true;
    this.firstFin ??= 'peer';
    const { halfOpen, halfCloseLingerMs } = this.owner.config;
    const at = this.ctx.clock.now();
    if (!this.localEnded && !halfOpen && halfCloseLingerMs > 0) {
      this.closesAt = at + halfCloseLingerMs;
      this.lingerTimer = this.ctx.clock.setTimer(() => this.endLocal('linger'), halfCloseLingerMs);
    }
    this.ctx.emit({
      type: 'half-closed',
      at,
      sessionId: this.owner.id,
      connId: this.connId,
      by: 'peer',
      ...(this.closesAt !== undefined ? { closesAt: this.closesAt } : {}),
    });
    if (this.localEnded) return;
    // Once both sides have sent FIN, Node closes the socket itself after our last bytes go out.
    if (!halfOpen && halfCloseLingerMs === 0) this.endLocal('at-once');
    // A peer that closes with SO_LINGER 0 sends FIN and RST together: an empty write (nothing
    // on the wire) finds the reset now, with EPIPE, rather than when the linger ends.
    else this.socket.write(EMPTY);
  }

  /** Nothing went either way for the idle timeout: say so, then close as a graceful disconnect does. */
  private idled(idleMs: number): void {
    if (this.closed || this.localEnded) return;
    const error = appError(
      AppCode.IdleTimeout,
      phrase('tcp.idleTimeout', { connId: this.connId, remote: this.describeRemote(), duration: duration(idleMs) }),
    );
    this.closeQuiet(error, phrase('why.idle', { duration: duration(idleMs) }), 'graceful');
  }

  /**
   * Close a connection for its silence (the idle timeout, or liveness): the error event says why
   * as it happens, and the close reason says it again. `graceful` sends FIN and waits for the
   * peer's as a disconnect does; `at-once` closes without waiting, for a peer taken for dead.
   */
  closeQuiet(error: AppError, why: Phrase, how: 'graceful' | 'at-once'): void {
    if (this.closed) return;
    this.quietClose = why;
    this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, error });
    if (how === 'graceful' && !this.localEnded) this.disconnect('graceful');
    else this.socket.destroy();
  }

  /** The peer, as messages name it. */
  get peerName(): string {
    const remote = this.describeRemote();
    return typeof remote === 'string' ? remote : english(remote);
  }

  private drained(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.emitBackpressure();
  }

  private failed(err: Error): void {
    // The target is the peer, so "Receiving on <peer>" would read as our own address.
    const action = this.socket.writableLength > 0 ? 'send' : 'connection';
    const peer = this.remote.address === '' ? { address: this.describeRemote() } : { address: this.remote.address, port: this.remote.port };
    this.error = socketError(err, action, peer);
    this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.owner.id, connId: this.connId, error: this.error });
  }

  private socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    // What never reached the peer is let go of with the socket, whether or not Node calls back.
    if (this.holds) for (const release of this.holds) release();
    this.holds = undefined;
    if (this.graceTimer !== undefined) this.ctx.clock.clearTimer(this.graceTimer);
    this.stopLinger();
    const reason = this.closeReason();
    const at = this.ctx.clock.now();
    this.closedAs = { connId: this.connId, at, reason, why: this.closeWhy(reason) };
    this.ctx.emit({
      type: 'connection-closed',
      at,
      sessionId: this.owner.id,
      connId: this.connId,
      reason,
      counters: { ...this.counters },
    });
    this.owner.connectionClosed(this, reason, this.error);
  }

  private closeReason(): CloseReason {
    if (this.localReset) return 'local-reset';
    if (this.error?.code === 'ECONNRESET' || this.error?.code === 'EPIPE') return 'peer-reset';
    if (this.error) return 'error';
    if (this.owner.closing) return 'session-closed';
    // Whoever sent the first FIN closed the connection, whichever way we answered it.
    if (this.firstFin === 'peer') return 'peer-closed';
    return 'local-closed';
  }

  private closeWhy(reason: CloseReason): Phrase {
    switch (reason) {
      case 'local-reset':
        return phrase('why.localReset');
      case 'peer-reset':
        if (this.remote.address === '') return phrase('why.peerResetUnaccepted');
        return phrase(this.peerEnded ? 'why.peerFinThenReset' : 'why.peerReset');
      case 'error':
        return phrase('why.failed', { error: this.error ? withoutStop(this.error.i18n.message) : phrase('why.unknownError') });
      case 'session-closed':
        return phrase('why.sessionClosed');
      case 'peer-closed':
        if (this.finBy === 'linger') return phrase('why.lingerEnded', { duration: duration(this.owner.config.halfCloseLingerMs) });
        if (this.finBy === 'at-once') return phrase('why.finAtOnce');
        return phrase(this.finBy === 'user' ? 'why.finThenYours' : 'why.peerFin');
      case 'local-closed':
        if (this.quietClose !== undefined) return this.quietClose;
        return phrase(this.peerEnded ? 'why.finAnswered' : 'why.finUnanswered');
    }
  }

  private emitBackpressure(): void {
    this.ctx.emit({
      type: 'backpressure',
      at: this.ctx.clock.now(),
      sessionId: this.owner.id,
      connId: this.connId,
      blocked: this.blocked,
      queuedBytes: this.socket.writableLength,
    });
  }

  private describeRemote(): string | Phrase {
    if (this.remote.address === '') return phrase('tcp.unknownPeer');
    return formatEndpoint(this.remote.address, this.remote.port);
  }
}
