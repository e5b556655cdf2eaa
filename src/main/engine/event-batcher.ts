import type { EventBatch, InspectorEvent } from '../../shared/contract';
import { EVENT_FLUSH_INTERVAL_MS, EVENT_FLUSH_MAX_BYTES } from '../../shared/limits';
import type { Clock, TimerHandle } from './context';

type DataEvent = Extract<InspectorEvent, { type: 'data' }>;

export interface BatcherOptions {
  clock: Clock;
  sink: (batch: EventBatch) => void;
  /** Extra events to append to each flush, for the sessions that moved bytes since the last one. */
  summarize?: (sessionIds: ReadonlySet<string>) => InspectorEvent[];
  intervalMs?: number;
  maxBytes?: number;
}

/**
 * Copy only when needed: a view into a larger buffer would clone the whole buffer over IPC.
 * `new Uint8Array(view)` rather than `slice()`: a Node Buffer (dgram messages, pooled
 * Buffer.from) is a Uint8Array whose slice() is another view, not a copy.
 */
function compact(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Queues engine events and hands them on in batches: at most one flush per interval (~60 a
 * second), or sooner once `maxBytes` are waiting, so a flood of small packets costs one message
 * per frame instead of one per packet. Consecutive TCP data events of the same connection and
 * direction are merged; UDP datagrams never are, since each is a message of its own.
 */
export class EventBatcher {
  private queue: InspectorEvent[] = [];
  /** Chunks of the last queued data event, still to be merged when it is flushed. */
  private pending: { event: DataEvent; chunks: Uint8Array[]; bytes: number } | undefined;
  private queuedBytes = 0;
  private coalesced = 0;
  private touched = new Set<string>();
  private timer: TimerHandle | undefined;
  private lastFlush = -Infinity;
  private readonly intervalMs: number;
  private readonly maxBytes: number;

  constructor(private readonly options: BatcherOptions) {
    this.intervalMs = options.intervalMs ?? EVENT_FLUSH_INTERVAL_MS;
    this.maxBytes = options.maxBytes ?? EVENT_FLUSH_MAX_BYTES;
  }

  push(event: InspectorEvent): void {
    if (event.type === 'data') {
      this.touched.add(event.sessionId);
      this.queuedBytes += event.bytes.byteLength;
      const last = this.pending;
      if (
        last &&
        event.connId !== undefined &&
        last.event.connId === event.connId &&
        last.event.sessionId === event.sessionId &&
        last.event.dir === event.dir
      ) {
        last.chunks.push(event.bytes);
        last.bytes += event.bytes.byteLength;
        this.coalesced += 1;
      } else {
        this.settlePending();
        const queued = { ...event };
        this.queue.push(queued);
        this.pending = { event: queued, chunks: [event.bytes], bytes: event.bytes.byteLength };
      }
    } else {
      this.settlePending();
      this.queue.push(event);
    }
    if (this.queuedBytes >= this.maxBytes) {
      this.flush();
    } else {
      this.schedule();
    }
  }

  /** Hand on everything queued now. */
  flush(): void {
    if (this.timer !== undefined) {
      this.options.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.settlePending();
    if (this.queue.length === 0 && this.touched.size === 0) return;
    const events = this.queue;
    if (this.options.summarize && this.touched.size > 0) events.push(...this.options.summarize(this.touched));
    const batch: EventBatch = { events, coalesced: this.coalesced };
    this.queue = [];
    this.queuedBytes = 0;
    this.coalesced = 0;
    this.touched = new Set();
    this.lastFlush = this.options.clock.now();
    this.options.sink(batch);
  }

  dispose(): void {
    this.flush();
  }

  private settlePending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.event.bytes = pending.chunks.length === 1 ? compact(pending.chunks[0]!) : concat(pending.chunks, pending.bytes);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.options.clock.now());
    this.timer = this.options.clock.setTimer(() => {
      this.timer = undefined;
      // Node timers run against libuv's cached loop time and can fire a few ms early by the
      // clock; wait out the rest so flushes really are an interval apart.
      if (this.options.clock.now() < this.lastFlush + this.intervalMs) {
        this.schedule();
        return;
      }
      this.flush();
    }, wait);
  }
}
