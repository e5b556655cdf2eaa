import { describe, it, expect } from 'vitest';
import type { EventBatch, InspectorEvent } from '@shared/contract';
import { EventBatcher } from '@engine/event-batcher';
import { EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS } from '@shared/limits';
import { manualClock } from '../support/manual-clock';

function harness(
  options: {
    maxBytes?: number;
    maxDataEvents?: number;
    mergeAfter?: number;
    intervalMs?: number;
    summarize?: (moved: ReadonlyMap<string, ReadonlySet<string>>) => InspectorEvent[];
  } = {},
) {
  const time = manualClock(1_000);
  const batches: { at: number; batch: EventBatch }[] = [];
  const batcher = new EventBatcher({
    clock: time,
    sink: (batch) => batches.push({ at: time.now(), batch }),
    ...options,
  });
  return { time, batches, batcher };
}

const tcpData = (bytes: Uint8Array | number[], connId = 'c1', dir: 'rx' | 'tx' = 'rx', sessionId = 's1'): InspectorEvent => ({
  type: 'data',
  at: 0,
  sessionId,
  connId,
  dir,
  bytes: bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes),
});

const udpData = (bytes: number[], port = 5000): InspectorEvent => ({
  type: 'data',
  at: 0,
  sessionId: 'u1',
  dir: 'rx',
  peer: { address: '127.0.0.1', port, family: 'IPv4' },
  bytes: Uint8Array.from(bytes),
});

const halfClosed = (connId = 'c1'): InspectorEvent => ({ type: 'half-closed', at: 0, sessionId: 's1', connId, by: 'peer' });

function dataOf(event: InspectorEvent | undefined): number[] {
  if (!event || event.type !== 'data') throw new Error(`expected a data event, got ${event?.type}`);
  return [...event.bytes];
}

describe('EventBatcher with a fake clock', () => {
  it('flushes the first event on a 0 ms timer, not synchronously', () => {
    const { time, batches, batcher } = harness();
    batcher.push(halfClosed());
    expect(batches).toHaveLength(0);
    expect(time.requested).toEqual([0]);
    time.advance(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.batch.events).toEqual([halfClosed()]);
  });

  it('flushes at most once per interval, however many events arrive', () => {
    const { time, batches, batcher } = harness({ intervalMs: 16 });
    batcher.push(halfClosed('c1'));
    time.advance(0);
    expect(batches).toHaveLength(1);
    const firstAt = batches[0]!.at;

    // A burst 1 ms after the flush waits for the rest of the interval.
    time.advance(1);
    for (let i = 0; i < 50; i++) batcher.push(halfClosed(`c${i}`));
    expect(time.requested.at(-1)).toBe(15);
    time.advance(14);
    expect(batches).toHaveLength(1);
    time.advance(1);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.batch.events).toHaveLength(50);
    expect(batches[1]!.at - firstAt).toBeGreaterThanOrEqual(16);

    // Events spread over 100 ms: never two flushes less than 16 ms apart.
    for (let t = 0; t < 100; t++) {
      batcher.push(halfClosed());
      time.advance(1);
    }
    time.advance(100);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(16);
    expect(batches.length).toBeLessThanOrEqual(2 + Math.ceil(100 / 16) + 1);
    // Every event was delivered exactly once.
    expect(batches.reduce((n, b) => n + b.batch.events.length, 0)).toBe(1 + 50 + 100);
    expect(time.pending()).toBe(0);
  });

  it('a timer that fires early (as Node timers may, by the clock) waits out the interval', () => {
    const { time, batches, batcher } = harness({ intervalMs: 16 });
    batcher.push(halfClosed());
    time.advance(0);
    batcher.push(halfClosed());
    expect(time.requested.at(-1)).toBe(16);
    // Fire the pending timer 3 ms before it is due.
    time.advance(13);
    time.fireEarly();
    expect(batches).toHaveLength(1);
    expect(time.requested.at(-1)).toBe(3);
    time.advance(3);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.at - batches[0]!.at).toBe(16);
  });

  it('never flushes early for size: a flood still gets one flush per interval', () => {
    const { time, batches, batcher } = harness({ intervalMs: 16, maxBytes: 1000 });
    // 10 MB in 64 KiB chunks over 100 ms of the clock.
    for (let ms = 0; ms < 100; ms++) {
      for (let i = 0; i < 2; i++) batcher.push(tcpData(new Uint8Array(50_000), 'c1'));
      time.advance(1);
    }
    time.advance(16);
    expect(batches.length).toBeLessThanOrEqual(1 + Math.ceil(100 / 16) + 1);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(16);
  });

  it('carries at most the byte budget of data per flush; the rest is counted as not shown, never queued', () => {
    const { time, batches, batcher } = harness({ maxBytes: 1000 });
    batcher.push(tcpData(new Uint8Array(600), 'c1'));
    batcher.push(tcpData(new Uint8Array(400), 'c2'));
    batcher.push(tcpData(new Uint8Array(1), 'c2'));
    batcher.push(tcpData(new Uint8Array(7), 'c3', 'tx'));
    // Other events are not data: they always go.
    batcher.push(halfClosed('c3'));
    expect(batches).toHaveLength(0);
    time.advance(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.batch.events.map((e) => (e.type === 'data' ? e.bytes.byteLength : e.type))).toEqual([600, 400, 'half-closed']);
    expect(batcher.notShown.session('s1')).toEqual({ bytes: 8, messages: 2 });
    expect(batcher.notShown.connection('s1', 'c2')).toEqual({ bytes: 1, messages: 1 });
    expect(batcher.notShown.connection('s1', 'c3')).toEqual({ bytes: 7, messages: 1 });
    expect(batcher.notShown.connection('s1', 'c1')).toBeUndefined();
    // The budget starts afresh with the next flush.
    batcher.push(tcpData(new Uint8Array(999), 'c1'));
    time.advance(16);
    expect(batches[1]!.batch.events.map(dataOf).map((bytes) => bytes.length)).toEqual([999]);
    // A closed connection's tally lives on in its session's only.
    batcher.push({
      type: 'connection-closed',
      at: 0,
      sessionId: 's1',
      connId: 'c2',
      reason: 'peer-closed',
      counters: { rxBytes: 401, txBytes: 0, rxMessages: 2, txMessages: 0 },
    });
    expect(batcher.notShown.connection('s1', 'c2')).toBeUndefined();
    expect(batcher.notShown.session('s1')).toEqual({ bytes: 8, messages: 2 });
    batcher.forget('s1');
    expect(batcher.notShown.session('s1')).toBeUndefined();
  });

  it("lets each session's first data event of a flush through whatever its size, so one flood does not blank the others", () => {
    const { time, batches, batcher } = harness({ maxBytes: 100 });
    batcher.push(tcpData(new Uint8Array(5000), 'c1', 'rx', 's1'));
    batcher.push(tcpData(new Uint8Array(5000), 'c1', 'rx', 's1'));
    batcher.push(tcpData(new Uint8Array(20), 'c9', 'rx', 's2'));
    batcher.push(tcpData(new Uint8Array(10), 'c1', 'tx', 's1'));
    time.advance(0);
    expect(batches[0]!.batch.events.map((e) => e.type === 'data' && `${e.sessionId}:${e.bytes.byteLength}`)).toEqual(['s1:5000', 's2:20']);
    expect(batcher.notShown.session('s1')).toEqual({ bytes: 5010, messages: 2 });
    expect(batcher.notShown.session('s2')).toBeUndefined();
  });

  it('carries at most maxDataEvents data events per flush; chunks merged into one count once', () => {
    const { time, batches, batcher } = harness({ maxDataEvents: 3 });
    for (let i = 0; i < 10; i++) batcher.push(udpData([i]));
    for (let i = 0; i < 10; i++) batcher.push(tcpData([i], 'c1'));
    time.advance(0);
    const data = batches[0]!.batch.events.filter((e) => e.type === 'data');
    // The TCP session's first event goes as its first, and merges into it ride along.
    expect(data.map((e) => e.sessionId)).toEqual(['u1', 'u1', 'u1', 's1']);
    expect(dataOf(data[3])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[0]!.batch.coalesced).toBe(9);
    expect(batcher.notShown.session('u1')).toEqual({ bytes: 7, messages: 7 });
    expect(batcher.notShown.session('s1')).toBeUndefined();
  });

  it('holds flushes while the sink is behind, counting data as not shown, and delivers the rest once it catches up', () => {
    const time = manualClock(1_000);
    const batches: EventBatch[] = [];
    let behind = false;
    const batcher = new EventBatcher({
      clock: time,
      sink: (batch) => batches.push(batch),
      behind: () => behind,
      summarize: (moved) =>
        [...moved.keys()].map((sessionId) => ({
          type: 'counters',
          at: 0,
          sessionId,
          counters: { rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 },
          connections: [],
        })),
    });
    batcher.push(tcpData([1], 'c1'));
    time.advance(0);
    expect(batches).toHaveLength(1);

    behind = true;
    batcher.push(tcpData([2], 'c1'));
    for (let i = 0; i < 100; i++) {
      time.advance(16);
      batcher.push(tcpData([3, 3], 'c1'));
      batcher.push(halfClosed(`c${i}`));
    }
    // Nothing went out; data queued before the sink fell behind waits, the rest was counted.
    expect(batches).toHaveLength(1);
    expect(batcher.notShown.session('s1')).toEqual({ bytes: 200, messages: 100 });
    behind = false;
    time.advance(16);
    expect(batches).toHaveLength(2);
    const events = batches[1]!.events;
    expect(events.filter((e) => e.type === 'data').map(dataOf)).toEqual([[2]]);
    expect(events.filter((e) => e.type === 'half-closed')).toHaveLength(100);
    expect(events.at(-1)!.type).toBe('counters');
    // Caught up: data is shown again.
    batcher.push(tcpData([4], 'c1'));
    time.advance(16);
    expect(batches[2]!.events.map((e) => e.type)).toEqual(['data', 'counters']);
  });

  it('past maxEvents other events in one flush keeps the first and the last, counts the rest and describes their sessions', () => {
    const time = manualClock(1_000);
    const batches: EventBatch[] = [];
    const described: string[][] = [];
    const batcher = new EventBatcher({
      clock: time,
      sink: (batch) => batches.push(batch),
      maxEvents: 10,
      tailEvents: 3,
      describe: (ids) => {
        described.push([...ids].sort());
        return [...ids].map((sessionId) => ({ type: 'session-removed', at: 0, sessionId }));
      },
    });
    for (let i = 0; i < 20; i++) batcher.push({ type: 'half-closed', at: i, sessionId: i < 15 ? 's1' : 's2', connId: `c${i}`, by: 'peer' });
    // A full flush takes no data: it would overtake the events kept at its end.
    batcher.push(tcpData([1], 'c1', 'rx', 's3'));
    time.advance(0);
    const { events, omitted } = batches[0]!;
    expect(events.slice(0, 10).map((e) => e.at)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.slice(10, 13).map((e) => e.at)).toEqual([17, 18, 19]);
    expect(omitted).toBe(7);
    // Events 10–16 were left out: sessions s1 (10–14) and s2 (15, 16).
    expect(described).toEqual([['s1', 's2']]);
    expect(events.slice(13).map((e) => e.type === 'session-removed' && e.sessionId)).toEqual(['s1', 's2']);
    expect(batcher.notShown.session('s3')).toEqual({ bytes: 1, messages: 1 });
    // The next flush starts with room again.
    batcher.push(halfClosed());
    time.advance(16);
    expect(batches[1]!.events).toHaveLength(1);
    expect(batches[1]!.omitted).toBeUndefined();
  });

  it('keeps each TCP read an event of its own, with its own time, while the flush is not under load', () => {
    const { time, batches, batcher } = harness();
    for (let i = 0; i < 200; i++) batcher.push({ ...tcpData([i], 'c1', 'rx'), at: 1_000 + i });
    time.advance(0);
    const [batch] = batches.map((b) => b.batch);
    expect(batch!.coalesced).toBe(0);
    expect(batch!.events.map(dataOf)).toEqual(Array.from({ length: 200 }, (_, i) => [i]));
    expect(batch!.events.map((event) => event.at)).toEqual(Array.from({ length: 200 }, (_, i) => 1_000 + i));
    expect(batch!.events.every((event) => event.type === 'data' && event.reads === undefined)).toBe(true);
  });

  it('past the shared limit of data events in one flush, merges the reads of a flood and says from how many', () => {
    const { time, batches, batcher } = harness();
    for (let i = 0; i < EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS + 500; i++) batcher.push(tcpData([i & 0xff], 'c1', 'rx'));
    batcher.push(tcpData([1], 'c2', 'rx'));
    time.advance(0);
    const events = batches[0]!.batch.events.filter((e) => e.type === 'data');
    // The first reads up to the limit stand alone; the one at the limit takes in the 500 after it.
    expect(events).toHaveLength(EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS + 1);
    expect(events.slice(0, -2).every((event) => event.reads === undefined)).toBe(true);
    expect(events.at(-2)).toMatchObject({ connId: 'c1', reads: 501 });
    expect(events.at(-1)).toMatchObject({ connId: 'c2' });
    expect(events.at(-1)!.reads).toBeUndefined();
    expect(batches[0]!.batch.coalesced).toBe(500);
    expect(batcher.notShown.session('s1')).toBeUndefined();
    // The next flush starts below the limit again.
    batcher.push(tcpData([1], 'c1', 'rx'));
    batcher.push(tcpData([2], 'c1', 'rx'));
    time.advance(16);
    expect(batches[1]!.batch.events.map(dataOf)).toEqual([[1], [2]]);
  });

  it('under load merges consecutive TCP data of one connection and direction, counting the merges', () => {
    const { time, batches, batcher } = harness({ mergeAfter: 0 });
    batcher.push(tcpData([1, 2], 'c1', 'rx'));
    batcher.push(tcpData([3], 'c1', 'rx'));
    batcher.push(tcpData([4, 5, 6], 'c1', 'rx'));
    batcher.push(tcpData([7], 'c1', 'tx'));
    batcher.push(tcpData([8], 'c2', 'tx'));
    batcher.push(tcpData([9], 'c2', 'tx', 's2'));
    time.advance(0);
    const [batch] = batches.map((b) => b.batch);
    expect(batch!.coalesced).toBe(2);
    expect(batch!.events.map(dataOf)).toEqual([[1, 2, 3, 4, 5, 6], [7], [8], [9]]);
    const first = batch!.events[0];
    expect(first?.type === 'data' && first.bytes.byteLength).toBe(6);
    // Each event says how many reads it joins, so the row can say it was merged; one read says nothing.
    expect(batch!.events.map((event) => (event.type === 'data' ? event.reads : null))).toEqual([3, undefined, undefined, undefined]);
  });

  it('never merges UDP datagrams, even from the same peer', () => {
    const { time, batches, batcher } = harness();
    batcher.push(udpData([1]));
    batcher.push(udpData([2]));
    batcher.push(udpData([3], 6000));
    time.advance(0);
    expect(batches[0]!.batch.coalesced).toBe(0);
    expect(batches[0]!.batch.events.map(dataOf)).toEqual([[1], [2], [3]]);
  });

  it('keeps non-data events in order relative to data: data after them is not merged across', () => {
    const { time, batches, batcher } = harness({ mergeAfter: 0 });
    batcher.push(tcpData([1], 'c1'));
    batcher.push(tcpData([2], 'c1'));
    batcher.push(halfClosed('c1'));
    batcher.push(tcpData([3], 'c1'));
    batcher.push({
      type: 'connection-closed',
      at: 0,
      sessionId: 's1',
      connId: 'c1',
      reason: 'peer-closed',
      counters: { rxBytes: 3, txBytes: 0, rxMessages: 3, txMessages: 0 },
    });
    time.advance(0);
    const events = batches[0]!.batch.events;
    expect(events.map((e) => e.type)).toEqual(['data', 'half-closed', 'data', 'connection-closed']);
    expect(dataOf(events[0])).toEqual([1, 2]);
    expect(dataOf(events[2])).toEqual([3]);
    expect(batches[0]!.batch.coalesced).toBe(1);
  });

  it('calls summarize with the sessions and connections that moved bytes and appends its events to the flush', () => {
    const seen: [string, string[]][][] = [];
    const { time, batches, batcher } = harness({
      summarize: (moved) => {
        seen.push([...moved].map(([id, conns]): [string, string[]] => [id, [...conns].sort()]).sort());
        return [...moved.keys()].map((sessionId) => ({
          type: 'counters',
          at: 0,
          sessionId,
          counters: { rxBytes: 1, txBytes: 0, rxMessages: 1, txMessages: 0 },
          connections: [],
        }));
      },
    });
    batcher.push(tcpData([1], 'c1', 'rx', 's1'));
    batcher.push(tcpData([2], 'c9', 'tx', 's2'));
    batcher.push(tcpData([3], 'c1', 'rx', 's1'));
    batcher.push(tcpData([4], 'c2', 'rx', 's1'));
    batcher.push(halfClosed());
    time.advance(0);
    expect(seen).toEqual([
      [
        ['s1', ['c1', 'c2']],
        ['s2', ['c9']],
      ],
    ]);
    expect(batches[0]!.batch.events.map((e) => e.type)).toEqual(['data', 'data', 'data', 'data', 'half-closed', 'counters', 'counters']);

    // A flush without data touches no session and asks for no summary.
    time.advance(20);
    batcher.push(halfClosed());
    time.advance(20);
    expect(seen).toHaveLength(1);
    expect(batches[1]!.batch.events.map((e) => e.type)).toEqual(['half-closed']);
  });

  it("packs a flush's data into one buffer of exactly its bytes, so IPC never clones a larger buffer", () => {
    const { time, batches, batcher } = harness({ mergeAfter: 0 });
    const big = new Uint8Array(65_536).map((_, i) => i & 0xff);
    batcher.push(tcpData(big.subarray(100, 110), 'c1'));
    batcher.push(halfClosed());
    // Node's pooled Buffers are views too, and Buffer#slice does not copy.
    const pooled = Buffer.from('hello');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    batcher.push(tcpData(pooled, 'c2'));
    batcher.push(tcpData(Buffer.from(' world'), 'c2'));
    batcher.push(halfClosed());
    batcher.push(udpData([1, 2, 3]));
    const datagram = udpData([]);
    if (datagram.type === 'data') datagram.bytes = big.subarray(200, 204);
    batcher.push(datagram);
    const empty = udpData([]);
    if (empty.type === 'data') empty.bytes = big.subarray(300, 300);
    batcher.push(empty);
    time.advance(0);
    const data = batches[0]!.batch.events.filter((e) => e.type === 'data');
    expect(data).toHaveLength(5);
    const buffer = data[0]!.bytes.buffer;
    expect(data.every((event) => event.bytes.buffer === buffer)).toBe(true);
    expect(buffer.byteLength).toBe(10 + 11 + 3 + 4);
    // End to end in the order they came.
    let at = 0;
    for (const event of data) {
      expect(event.bytes.byteOffset).toBe(at);
      at += event.bytes.byteLength;
    }
    expect(dataOf(data[0])).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(Buffer.from(data[1]!.bytes).toString()).toBe('hello world');
    expect(dataOf(data[3])).toEqual([200, 201, 202, 203]);
    expect(data[4]!.bytes.byteLength).toBe(0);
    // The sources are left alone.
    expect(big[100]).toBe(100);
    expect(pooled.toString()).toBe('hello');
  });

  it('gives each flush a buffer of its own', () => {
    const { time, batches, batcher } = harness();
    batcher.push(udpData([1]));
    time.advance(0);
    batcher.push(udpData([2]));
    time.advance(100);
    const [first, second] = batches.map((b) => b.batch.events.find((e) => e.type === 'data')!);
    expect(dataOf(first)).toEqual([1]);
    expect(dataOf(second)).toEqual([2]);
    expect(first!.type === 'data' && second!.type === 'data' && first.bytes.buffer !== second.bytes.buffer).toBe(true);
  });

  it('flush() hands on everything now and an empty flush sends nothing', () => {
    const { time, batches, batcher } = harness();
    batcher.flush();
    expect(batches).toHaveLength(0);
    batcher.push(tcpData([1]));
    batcher.flush();
    expect(batches).toHaveLength(1);
    expect(time.pending()).toBe(0);
    batcher.dispose();
    expect(batches).toHaveLength(1);
  });
});
