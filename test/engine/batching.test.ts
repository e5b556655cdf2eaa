import { describe, it, expect, afterEach } from 'vitest';
import { EVENT_FLUSH_INTERVAL_MS } from '../../src/shared/limits';
import { connectPeer, disposeAll, startEngine } from './support';

afterEach(disposeAll);

describe('event batching through the manager, over a real socket', () => {
  it('1,000 small writes become far fewer batches, with merged data and ≥16 ms between flushes', async () => {
    const engine = startEngine();
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(listener.local!.port);
    peer.socket.setNoDelay(true);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
    const connId = opened.conn.connId;
    const firstBatch = engine.batches.length;

    // One write per turn of the event loop, so the listener reads most of them as separate chunks.
    const messages = Array.from({ length: 1000 }, (_, i) => `m${String(i).padStart(4, '0')};`);
    for (const message of messages) {
      peer.socket.write(message);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = messages.join('');
    // No flush() here: the batcher's own timer must deliver everything.
    await engine.until(() => engine.dataBytes(listener.id, connId, 'rx').toString() === expected, 10_000, 'all 1,000 messages');
    await engine.until(() => {
      const last = engine.ofType('counters', (e) => e.sessionId === listener.id).at(-1);
      return last?.counters.rxBytes === expected.length;
    });

    const batches = engine.batches.slice(firstBatch);
    const times = engine.batchTimes.slice(firstBatch - 1);
    const dataEvents = batches.flatMap((b) => b.events).filter((e) => e.type === 'data' && e.connId === connId);
    const coalesced = batches.reduce((n, b) => n + b.coalesced, 0);
    const info = await engine.info(listener.id);
    const chunks = info.connections[0]!.counters.rxMessages;

    // The socket read many chunks; the display got few batches and merged events.
    expect(chunks).toBeGreaterThan(50);
    expect(batches.filter((b) => b.events.some((e) => e.type === 'data')).length * 5).toBeLessThan(chunks);
    expect(coalesced).toBeGreaterThan(0);
    // Every chunk is either an event of its own or merged into one: nothing lost, nothing doubled.
    expect(dataEvents.length + coalesced).toBe(chunks);
    // Each batch holds at most one data event per run of this connection's rx.
    for (const batch of batches) {
      expect(batch.events.filter((e) => e.type === 'data').length).toBeLessThanOrEqual(1);
    }
    // Never two flushes within the interval (no size flush: far below the byte bound).
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.length).toBeGreaterThan(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(EVENT_FLUSH_INTERVAL_MS - 0.1);
  });

  it('a size-bound flush comes sooner than the interval', async () => {
    const engine = startEngine({ flushIntervalMs: 10_000, flushMaxBytes: 64 * 1024 });
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(listener.local!.port);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
    const before = engine.batches.length;
    const started = performance.now();
    peer.socket.write(Buffer.alloc(256 * 1024, 7));
    // With a 10 s interval, only the byte bound can deliver this within the wait.
    await engine.until(() => engine.dataBytes(listener.id, opened.conn.connId, 'rx').length >= 64 * 1024, 5000, 'a size flush');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(engine.batches.length).toBeGreaterThan(before);
  });
});
