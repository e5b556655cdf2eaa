import type { EventBatch, InspectorEvent, SessionHistory, SessionInfo } from '@shared/contract';
import { RETAINED_BYTES_PER_SESSION, RETAINED_EVENTS_PER_SESSION } from '@shared/limits';

/**
 * The events that make a log's rows and tables: bytes, connections opening, half-closing and
 * closing, state changes, errors, liveness. Counters, recording growth, automation, sequence and
 * backpressure tell state that `list` gives as it is now, and come at every flush: keeping them
 * would push the log out of the bound.
 */
const KEPT_TYPES: ReadonlySet<InspectorEvent['type']> = new Set([
  'session',
  'connection-opened',
  'half-closed',
  'connection-closed',
  'data',
  'error',
  'liveness',
]);

/** What one kept event costs against the byte bound, besides its bytes. */
const EVENT_OVERHEAD_BYTES = 64;

const weight = (event: InspectorEvent): number => EVENT_OVERHEAD_BYTES + (event.type === 'data' ? event.bytes.byteLength : 0);

/**
 * One session's newest events, oldest dropped first. A ring of references to the events the
 * batcher already built (their bytes are views of the batch's buffer): keeping one costs a slot,
 * never a copy.
 */
class SessionRing {
  private events: InspectorEvent[] = [];
  private seqs: number[] = [];
  /** Index of the oldest kept event; the front is compacted once half the arrays is spent. */
  private start = 0;
  private bytes = 0;
  /** Events dropped so far, and the batch of the newest of them. */
  dropped = 0;
  droppedThrough = 0;
  /** The session as it was just before the oldest kept event: the newest `session` event dropped. */
  base: SessionInfo | undefined;

  push(event: InspectorEvent, seq: number): void {
    this.events.push(event);
    this.seqs.push(seq);
    this.bytes += weight(event);
    // The newest event always stays, however large.
    while (
      this.events.length - this.start > 1 &&
      (this.events.length - this.start > RETAINED_EVENTS_PER_SESSION || this.bytes > RETAINED_BYTES_PER_SESSION)
    )
      this.dropOldest();
    if (this.start > 1024 && this.start * 2 > this.events.length) {
      this.events = this.events.slice(this.start);
      this.seqs = this.seqs.slice(this.start);
      this.start = 0;
    }
  }

  private dropOldest(): void {
    const event = this.events[this.start]!;
    this.bytes -= weight(event);
    if (event.type === 'session') this.base = event.session;
    this.droppedThrough = this.seqs[this.start]!;
    this.dropped += 1;
    this.events[this.start] = undefined as unknown as InspectorEvent;
    this.start += 1;
  }

  /** The events of batches after `after` (all of them without it), or undefined if some of those were dropped. */
  since(after: number | undefined): InspectorEvent[] | undefined {
    if (after === undefined) return this.events.slice(this.start);
    if (this.dropped > 0 && this.droppedThrough > after) return undefined;
    let from = this.events.length;
    while (from > this.start && this.seqs[from - 1]! > after) from -= 1;
    return this.events.slice(from);
  }
}

/**
 * What the engine remembers of each open session's log, so a page that reloads or reconnects
 * can show it again (the `history` method). Every batch gets the next sequence number here, so
 * the page can tell which live batches its history already holds.
 */
export class LogRetention {
  private readonly rings = new Map<string, SessionRing>();
  private seq = 0;

  /** Numbers the batch and keeps its log's events; called once per flush, before it goes out. */
  keep(batch: EventBatch): void {
    const seq = (this.seq += 1);
    batch.seq = seq;
    let lastId: string | undefined;
    let lastRing: SessionRing | undefined;
    for (const event of batch.events) {
      if (event.type === 'session-removed') {
        this.rings.delete(event.sessionId);
        if (lastId === event.sessionId) lastId = lastRing = undefined;
        continue;
      }
      if (!KEPT_TYPES.has(event.type)) continue;
      const id = event.type === 'session' ? event.session.id : event.sessionId;
      if (id !== lastId) {
        lastId = id;
        lastRing = this.rings.get(id);
        if (!lastRing) {
          lastRing = new SessionRing();
          this.rings.set(id, lastRing);
        }
      }
      lastRing!.push(event, seq);
    }
  }

  /** The last batch numbered. */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Each session's kept events after batch `after`, which `follows` the page's log; without
   * `after`, or for a session that lost some of those to the bound, all it kept, with the count
   * of what it dropped, and the page rebuilds its log from them.
   */
  history(after: number | undefined, isRecorded: (sessionId: string) => boolean): SessionHistory[] {
    const logs: SessionHistory[] = [];
    for (const [sessionId, ring] of this.rings) {
      const newer = after === undefined ? undefined : ring.since(after);
      if (newer) {
        logs.push({ sessionId, follows: true, events: newer, dropped: 0 });
        continue;
      }
      logs.push({
        sessionId,
        follows: false,
        events: ring.since(undefined)!,
        dropped: ring.dropped,
        ...(ring.dropped > 0 ? { recorded: isRecorded(sessionId) } : {}),
        ...(ring.base ? { base: ring.base } : {}),
      });
    }
    return logs;
  }
}
