import type { EventBatch, InspectorEvent } from '@shared/contract';
import {
  EVENT_FLUSH_INTERVAL_MS,
  EVENT_FLUSH_MAX_BYTES,
  EVENT_FLUSH_MAX_DATA_EVENTS,
  EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS,
  EVENT_QUEUE_MAX_EVENTS,
  EVENT_QUEUE_TAIL_EVENTS,
} from '@shared/limits';
import type { Clock, TimerHandle } from '@ports/clock';
import { NotShownTally } from './not-shown';

type DataEvent = Extract<InspectorEvent, { type: 'data' }>;

export interface BatcherOptions {
  clock: Clock;
  sink: (batch: EventBatch) => void;
  /**
   * Whether the sink still has earlier batches to get out (a WebSocket's or stdout's buffer is
   * full): while it does, nothing is flushed to it and data is counted as not shown.
   */
  behind?: () => boolean;
  /**
   * Extra events to append to each flush, for the sessions that moved bytes since the last one:
   * each with the connections among them that did (none for UDP).
   */
  summarize?: (moved: ReadonlyMap<string, ReadonlySet<string>>) => InspectorEvent[];
  /** A fresh `session` event for each session whose events were left out of the flush. */
  describe?: (sessionIds: ReadonlySet<string>) => InspectorEvent[];
  intervalMs?: number;
  /** Data bytes and data events one flush carries at most. */
  maxBytes?: number;
  maxDataEvents?: number;
  /** Data events one flush carries before consecutive TCP reads start to be merged (at most maxDataEvents). */
  mergeAfter?: number;
  /** Other events one flush holds from the start, and from the end, of what came. */
  maxEvents?: number;
  tailEvents?: number;
  /**
   * Lossless mode, for a sink that must see every byte (stdio --lossless): stream data is never
   * let go. Once a flush's worth is queued, or the sink is behind, `lossless(true)` asks for TCP
   * reading to pause; `lossless(false)` follows the next flush. Datagrams, which cannot be
   * paused, keep the usual budget and are counted as not shown past it.
   */
  lossless?: (full: boolean) => void;
}

const sessionOf = (event: InspectorEvent): string => (event.type === 'session' ? event.session.id : event.sessionId);

/** The newest `capacity` events of those offered; counts the ones pushed out. */
class TailRing {
  private readonly slots: InspectorEvent[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** Keep the event; returns the one it pushed out, if any. */
  push(event: InspectorEvent): InspectorEvent | undefined {
    if (this.slots.length < this.capacity) {
      this.slots.push(event);
      return undefined;
    }
    const out = this.slots[this.next];
    this.slots[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    return out;
  }

  take(): InspectorEvent[] {
    const events = [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
    this.slots.length = 0;
    this.next = 0;
    return events;
  }
}

/**
 * The display path's queue. Events are handed on in batches, at most one flush per interval
 * (~60 a second) however many arrive, so a flood costs one message per frame instead of one per
 * packet. Each TCP read stays an event of its own until a flush holds `mergeAfter` data events;
 * past that, under load, consecutive reads of the same connection and direction are merged and
 * the event says from how many (`reads`). UDP datagrams never are, each being a message of its own.
 *
 * Memory stays bounded whatever the peers and the UI do: one flush carries at most `maxBytes`
 * and `maxDataEvents` of data (plus each session's first data event, so a flood on one session
 * does not blank the others), and while the sink says it is behind no more data is queued.
 * Data let go is counted per session and connection (`notShown`), never held; the recorder,
 * which sees every event before this queue, keeps it. Other events are never let go for their
 * size; past `maxEvents` in one flush the first ones and the last `tailEvents` are kept, the
 * ones between counted (`omitted`) and their sessions described afresh at the end, and the
 * flush takes no more data.
 */
export class EventBatcher {
  readonly notShown = new NotShownTally();
  private queue: InspectorEvent[] = [];
  private tail: TailRing;
  /** The last queued TCP data event, which the next chunk of its connection merges into under load. */
  private pending: DataEvent | undefined;
  /** The chunks of each merged event, joined only as the flush packs them. */
  private readonly merged = new Map<DataEvent, Uint8Array[]>();
  private dataBytes = 0;
  private dataEvents = 0;
  private otherEvents = 0;
  private omitted = 0;
  private coalesced = 0;
  /** Sessions with data in the queue, which the first-event allowance no longer covers. */
  private withData = new Set<string>();
  /**
   * Sessions that moved bytes, shown or not, and their connections that did: their counters go
   * with the flush. Only these: a listener's thousands of idle connections cost a flush nothing.
   */
  private touched = new Map<string, Set<string>>();
  /** Sessions with events left out: a fresh snapshot of each ends the flush. */
  private described = new Set<string>();
  /** The sink was behind at the last flush: hold what is queued, take no more data. */
  private holding = false;
  /** Lossless mode: reading was asked to pause and not yet to resume. */
  private full = false;
  private timer: TimerHandle | undefined;
  private lastFlush = -Infinity;
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private readonly maxDataEvents: number;
  private readonly mergeAfter: number;
  private readonly maxEvents: number;

  constructor(private readonly options: BatcherOptions) {
    this.intervalMs = options.intervalMs ?? EVENT_FLUSH_INTERVAL_MS;
    this.maxBytes = options.maxBytes ?? EVENT_FLUSH_MAX_BYTES;
    this.maxDataEvents = options.maxDataEvents ?? EVENT_FLUSH_MAX_DATA_EVENTS;
    this.mergeAfter = Math.min(options.mergeAfter ?? EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS, this.maxDataEvents);
    this.maxEvents = options.maxEvents ?? EVENT_QUEUE_MAX_EVENTS;
    this.tail = new TailRing(options.tailEvents ?? EVENT_QUEUE_TAIL_EVENTS);
  }

  push(event: InspectorEvent): void {
    if (event.type === 'data') {
      this.pushData(event);
    } else {
      this.pending = undefined;
      if (event.type === 'connection-closed') this.notShown.forgetConnection(event.sessionId, event.connId);
      this.pushOther(event);
    }
    this.schedule();
  }

  /** Hand on everything queued now, even to a sink that is behind. */
  flush(): void {
    if (this.timer !== undefined) {
      this.options.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.holding = false;
    this.pending = undefined;
    if (this.queue.length === 0 && this.touched.size === 0 && this.described.size === 0) return;
    const events = this.queue;
    this.pack(events);
    if (this.omitted > 0) events.push(...this.tail.take());
    if (this.options.describe && this.described.size > 0) events.push(...this.options.describe(this.described));
    if (this.options.summarize && this.touched.size > 0) events.push(...this.options.summarize(this.touched));
    const batch: EventBatch = { events, coalesced: this.coalesced, ...(this.omitted > 0 ? { omitted: this.omitted } : {}) };
    this.queue = [];
    this.dataBytes = 0;
    this.dataEvents = 0;
    this.otherEvents = 0;
    this.omitted = 0;
    this.coalesced = 0;
    this.withData = new Set();
    this.touched = new Map();
    this.described = new Set();
    this.lastFlush = this.options.clock.now();
    this.options.sink(batch);
    this.setFull(false);
  }

  /** A removed session's tally goes with it. */
  forget(sessionId: string): void {
    this.notShown.forgetSession(sessionId);
  }

  dispose(): void {
    this.flush();
  }

  private pushData(event: DataEvent): void {
    this.touch(event);
    const size = event.bytes.byteLength;
    const last = this.pending;
    const merges =
      last !== undefined &&
      this.dataEvents >= this.mergeAfter &&
      event.connId !== undefined &&
      last.connId === event.connId &&
      last.sessionId === event.sessionId &&
      last.dir === event.dir &&
      sameRelayMark(last, event);
    if (!this.admits(event, size, merges)) {
      this.notShown.add(event.sessionId, event.connId, size);
      return;
    }
    this.dataBytes += size;
    this.withData.add(event.sessionId);
    if (this.options.lossless && (this.dataBytes > this.maxBytes || this.dataEvents >= this.maxDataEvents)) this.setFull(true);
    if (merges) {
      const chunks = this.merged.get(last);
      if (chunks) chunks.push(event.bytes);
      else this.merged.set(last, [last.bytes, event.bytes]);
      this.coalesced += 1;
      return;
    }
    // A copy of our own: the flush points its bytes into the batch's buffer.
    const queued = { ...event };
    this.queue.push(queued);
    this.dataEvents += 1;
    // A datagram is never merged, each being a message of its own.
    this.pending = event.connId === undefined ? undefined : queued;
  }

  /**
   * Copies every data event's bytes into one buffer that holds exactly them, and points each
   * event at its part. Over IPC the buffer is cloned once (never a larger buffer a chunk was a
   * view of: a pooled Buffer, a datagram's), and the page keeps one buffer per batch instead of
   * one per entry, which its garbage collector would otherwise copy entry by entry.
   */
  private pack(events: InspectorEvent[]): void {
    if (this.withData.size === 0) return;
    const buffer = new Uint8Array(this.dataBytes);
    let at = 0;
    for (const event of events) {
      if (event.type !== 'data') continue;
      const start = at;
      const chunks = this.merged.get(event);
      if (chunks) {
        for (const chunk of chunks) {
          buffer.set(chunk, at);
          at += chunk.byteLength;
        }
        event.reads = chunks.length;
      } else {
        buffer.set(event.bytes, at);
        at += event.bytes.byteLength;
      }
      event.bytes = buffer.subarray(start, at);
    }
    this.merged.clear();
  }

  private touch(event: DataEvent): void {
    let conns = this.touched.get(event.sessionId);
    if (!conns) {
      conns = new Set();
      this.touched.set(event.sessionId, conns);
    }
    if (event.connId !== undefined) conns.add(event.connId);
  }

  private admits(event: DataEvent, size: number, merges: boolean): boolean {
    // Reading pauses instead; what arrives before the pause takes hold is kept.
    if (this.options.lossless && event.connId !== undefined) return true;
    // A full flush takes no data either, so data never overtakes the events kept at its end.
    if (this.holding || this.otherEvents >= this.maxEvents) return false;
    if (!this.withData.has(event.sessionId)) return true;
    return this.dataBytes + size <= this.maxBytes && (merges || this.dataEvents < this.maxDataEvents);
  }

  private setFull(full: boolean): void {
    if (!this.options.lossless || this.full === full) return;
    this.full = full;
    this.options.lossless(full);
  }

  private pushOther(event: InspectorEvent): void {
    if (this.otherEvents < this.maxEvents) {
      this.otherEvents += 1;
      this.queue.push(event);
      return;
    }
    const out = this.tail.push(event);
    if (!out) return;
    this.omitted += 1;
    this.described.add(sessionOf(out));
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.options.clock.now());
    this.timer = this.options.clock.setTimer(() => this.timerFired(), wait);
  }

  private timerFired(): void {
    this.timer = undefined;
    // Node timers run against libuv's cached loop time and can fire a few ms early by the
    // clock; wait out the rest so flushes really are an interval apart.
    if (this.options.clock.now() < this.lastFlush + this.intervalMs) {
      this.schedule();
      return;
    }
    if (this.options.behind?.()) {
      // Try again an interval on; until then the queue takes no more data.
      this.holding = true;
      this.setFull(true);
      this.lastFlush = this.options.clock.now();
      this.schedule();
      return;
    }
    this.flush();
  }
}

/** A relay's chunks merge only with chunks that went the same way and were handled alike (held, edited, injected). */
function sameRelayMark(a: DataEvent, b: DataEvent): boolean {
  const x = a.relay;
  const y = b.relay;
  if (x === undefined || y === undefined) return x === y;
  return x.flow === y.flow && x.held === y.held && x.edited === y.edited && x.injected === y.injected;
}
