import type { Counters, HeldCount, HeldMessage, RelayConfig, RelayDataMark, RelayFlow, SendReceipt } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { MAX_RELAY_HELD_BYTES, MAX_RELAY_HELD_MESSAGES } from '@shared/limits';
import { phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import { count } from '@shared/counters';
import type { FramingConfig } from '@shared/framing';
import type { EngineContext } from './context';
import { HoldQueue } from './hold-queue';
import { framingOf } from './message-framing';
import { appError } from './socket-errors';

/** What a relayed pair (a TCP client and its upstream connection, or a UDP mapping) gives the holds. */
export interface RelayPair {
  readonly connId: string;
  readonly counters: Counters;
  readonly queues: Record<RelayFlow, HoldQueue>;
  /**
   * Write bytes toward the flow's receiver; the pair emits their tx data event (with `mark`)
   * once written. An error when that side cannot take them (ended, not connected, closed).
   */
  write(flow: RelayFlow, bytes: Uint8Array, mark: RelayDataMark | undefined): AppError | undefined;
  /** The flow's queue shrank to nothing: a FIN that waited behind held messages may go now. */
  drained(flow: RelayFlow): void;
  /** TCP: stop or go on reading the flow's sender while the session holds its limit. */
  holdFull(flow: RelayFlow, full: boolean): void;
}

export interface HeldFilter {
  ids?: string[] | undefined;
  connId?: string | undefined;
  flow?: RelayFlow | undefined;
}

export const flowPhrase = (flow: RelayFlow) => phrase(`flow.${flow}`);

/**
 * Holding, for one relay session: which directions hold, what every pair holds (bounded over
 * the whole session by MAX_RELAY_HELD_BYTES and MAX_RELAY_HELD_MESSAGES), and the actions on
 * held messages: release (write on, in order), drop, edit, and inject.
 */
export class RelayHolds {
  readonly pairs = new Map<string, RelayPair>();
  readonly framing: FramingConfig;
  private heldBytes = 0;
  private heldMessages = 0;
  /** Pairs whose sender stopped reading because the session held its limit. */
  private readonly stalled = new Set<RelayPair>();

  constructor(
    private readonly sessionId: string,
    private readonly config: RelayConfig,
    private readonly sessionCounters: Counters,
    private readonly ctx: EngineContext,
  ) {
    this.framing = framingOf(config.framing);
  }

  holding(flow: RelayFlow): boolean {
    return flow === 'to-server' ? this.config.holdToServer : this.config.holdToClient;
  }

  queues(connId: string): Record<RelayFlow, HoldQueue> {
    const nextId = () => this.ctx.ids.next('h');
    return {
      'to-server': new HoldQueue(connId, 'to-server', this.framing, nextId),
      'to-client': new HoldQueue(connId, 'to-client', this.framing, nextId),
    };
  }

  counts(pair: RelayPair): Record<RelayFlow, HeldCount> {
    const of = (q: HoldQueue): HeldCount => ({ messages: q.count, bytes: q.bytes });
    return { 'to-server': of(pair.queues['to-server']), 'to-client': of(pair.queues['to-client']) };
  }

  /**
   * Bytes from the flow's sender: held when the direction holds (or still holds earlier bytes),
   * written on at once otherwise. A datagram is one message; a dropped one answers false.
   */
  arrived(pair: RelayPair, flow: RelayFlow, bytes: Uint8Array, datagram: boolean): void {
    const at = this.ctx.clock.now();
    count(pair.counters, 'rx', bytes.byteLength);
    count(this.sessionCounters, 'rx', bytes.byteLength);
    const queue = pair.queues[flow];
    if (!this.holding(flow) && queue.empty) {
      this.emitData(pair, 'rx', bytes, { flow });
      pair.write(flow, bytes, undefined);
      return;
    }
    if (datagram && (this.heldBytes + bytes.byteLength > MAX_RELAY_HELD_BYTES || this.heldMessages >= MAX_RELAY_HELD_MESSAGES)) {
      this.emitData(pair, 'rx', bytes, { flow, held: true });
      this.emitError(
        appError(
          AppCode.QueueFull,
          phrase('relay.heldFullDatagram', {
            sessionId: this.sessionId,
            bytes: String(this.heldBytes),
            connId: pair.connId,
            flow: flowPhrase(flow),
          }),
        ),
        pair.connId,
      );
      return;
    }
    this.emitData(pair, 'rx', bytes, { flow, held: true });
    this.change(pair, flow, () => (datagram ? queue.pushMessage(bytes, at) : queue.push(bytes, at)));
  }

  list(): HeldMessage[] {
    const all: HeldMessage[] = [];
    for (const pair of this.pairs.values()) all.push(...pair.queues['to-server'].messages(), ...pair.queues['to-client'].messages());
    return all.sort((a, b) => a.at - b.at);
  }

  /** Write the chosen held messages on, each pair's and direction's in order. */
  release(filter: HeldFilter): Result<HeldMessage[]> {
    const missing = this.missingId(filter.ids);
    if (missing) return missing;
    for (const [pair, flow, ids] of this.targets(filter)) {
      const taken = this.change(pair, flow, () => pair.queues[flow].take(ids));
      for (const message of taken) pair.write(flow, message.bytes, { flow, ...(message.edited ? { edited: true } : {}) });
      if (pair.queues[flow].empty) pair.drained(flow);
    }
    return ok(this.list());
  }

  drop(filter: HeldFilter): Result<HeldMessage[]> {
    const missing = this.missingId(filter.ids);
    if (missing) return missing;
    for (const [pair, flow, ids] of this.targets(filter)) {
      this.change(pair, flow, () => pair.queues[flow].take(ids));
      if (pair.queues[flow].empty) pair.drained(flow);
    }
    return ok(this.list());
  }

  edit(id: string, bytes: Uint8Array): Result<HeldMessage[]> {
    for (const pair of this.pairs.values()) {
      for (const flow of ['to-server', 'to-client'] as const) {
        const queue = pair.queues[flow];
        const size = queue.sizeOf(id);
        if (size === undefined) continue;
        const after = this.heldBytes - size + bytes.byteLength;
        if (after > MAX_RELAY_HELD_BYTES) {
          return fail(
            AppCode.QueueFull,
            phrase('relay.editTooLarge', { sessionId: this.sessionId, bytes: String(after), limit: String(MAX_RELAY_HELD_BYTES) }),
            phrase('hint.editSmaller'),
          );
        }
        this.change(pair, flow, () => queue.edit(id, bytes));
        return ok(this.list());
      }
    }
    return this.noHeld(id);
  }

  /** Stop holding a direction: what it holds goes on, in order. */
  unhold(flow: RelayFlow): void {
    this.release({ flow });
  }

  inject(connId: string | undefined, flow: RelayFlow, bytes: Uint8Array): Result<SendReceipt> {
    const chosen = connId === undefined ? [...this.pairs.values()] : [this.pairs.get(connId)];
    if (chosen.length === 0)
      return fail(AppCode.NoTarget, phrase('relay.noPairs', { sessionId: this.sessionId }), phrase('hint.waitForRelayClient'));
    for (const pair of chosen) {
      if (!pair) {
        return fail(
          AppCode.NotFound,
          phrase('session.noConnection', { sessionId: this.sessionId, connId: connId! }),
          phrase('hint.connectionGone'),
        );
      }
    }
    let targets = 0;
    let lastError: AppError | undefined;
    for (const pair of chosen as RelayPair[]) {
      const error = pair.write(flow, bytes, { flow, injected: true });
      if (error) lastError = error;
      else targets += 1;
    }
    if (targets === 0 && lastError) return { ok: false, error: lastError };
    return ok({ bytes: bytes.byteLength, targets });
  }

  /** A pair closed: what it held is let go of. */
  forget(pair: RelayPair): void {
    for (const flow of ['to-server', 'to-client'] as const) {
      const queue = pair.queues[flow];
      this.heldBytes -= queue.bytes;
      this.heldMessages -= queue.count;
      queue.take();
    }
    this.pairs.delete(pair.connId);
    this.stalled.delete(pair);
    this.resumeIfRoom();
  }

  emitData(pair: RelayPair, dir: 'rx' | 'tx', bytes: Uint8Array, relay: RelayDataMark): void {
    this.ctx.emit({ type: 'data', at: this.ctx.clock.now(), sessionId: this.sessionId, connId: pair.connId, dir, bytes, relay });
  }

  /** Count a write that completed and tell it: as a tx event when the relay did more than pass it on. */
  written(pair: RelayPair, bytes: Uint8Array, mark: RelayDataMark | undefined): void {
    count(pair.counters, 'tx', bytes.byteLength);
    count(this.sessionCounters, 'tx', bytes.byteLength);
    if (mark) this.emitData(pair, 'tx', bytes, mark);
  }

  emitError(error: AppError, connId?: string): void {
    this.ctx.emit({ type: 'error', at: this.ctx.clock.now(), sessionId: this.sessionId, ...(connId ? { connId } : {}), error });
  }

  /** Run a change of one queue, keep the session's totals, tell the page, and stall or resume senders. */
  private change<T>(pair: RelayPair, flow: RelayFlow, act: () => T): T {
    const queue = pair.queues[flow];
    const before = { bytes: queue.bytes, count: queue.count };
    const result = act();
    this.heldBytes += queue.bytes - before.bytes;
    this.heldMessages += queue.count - before.count;
    this.ctx.emit({
      type: 'held',
      at: this.ctx.clock.now(),
      sessionId: this.sessionId,
      connId: pair.connId,
      flow,
      messages: queue.messages(),
    });
    if (this.heldBytes >= MAX_RELAY_HELD_BYTES || this.heldMessages >= MAX_RELAY_HELD_MESSAGES) {
      if (!this.stalled.has(pair) && queue.bytes > before.bytes) {
        this.stalled.add(pair);
        pair.holdFull(flow, true);
        this.emitError(
          appError(
            AppCode.QueueFull,
            phrase('relay.heldFull', {
              sessionId: this.sessionId,
              bytes: String(this.heldBytes),
              connId: pair.connId,
              flow: flowPhrase(flow),
            }),
          ),
          pair.connId,
        );
      }
    } else {
      this.resumeIfRoom();
    }
    return result;
  }

  private resumeIfRoom(): void {
    if (this.heldBytes >= MAX_RELAY_HELD_BYTES || this.heldMessages >= MAX_RELAY_HELD_MESSAGES) return;
    for (const pair of this.stalled) {
      pair.holdFull('to-server', false);
      pair.holdFull('to-client', false);
    }
    this.stalled.clear();
  }

  /** Each pair and direction the filter names, with the ids to take there (undefined: all). */
  private targets(filter: HeldFilter): [RelayPair, RelayFlow, ReadonlySet<string> | undefined][] {
    const ids = filter.ids ? new Set(filter.ids) : undefined;
    const out: [RelayPair, RelayFlow, ReadonlySet<string> | undefined][] = [];
    for (const pair of this.pairs.values()) {
      if (filter.connId !== undefined && pair.connId !== filter.connId) continue;
      for (const flow of ['to-server', 'to-client'] as const) {
        if (filter.flow !== undefined && flow !== filter.flow) continue;
        const queue = pair.queues[flow];
        if (queue.empty) continue;
        if (ids && ![...ids].some((id) => queue.has(id))) continue;
        out.push([pair, flow, ids]);
      }
    }
    return out;
  }

  private missingId(ids: string[] | undefined): Result<never> | undefined {
    if (!ids) return undefined;
    for (const id of ids) {
      if (![...this.pairs.values()].some((p) => p.queues['to-server'].has(id) || p.queues['to-client'].has(id))) return this.noHeld(id);
    }
    return undefined;
  }

  private noHeld(id: string): Result<never> {
    return fail(AppCode.NotFound, phrase('relay.noHeld', { sessionId: this.sessionId, id }), phrase('hint.heldGone'));
  }
}
