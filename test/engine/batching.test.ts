import { describe, it, expect, afterEach } from 'vitest';
import type { EventBatch } from '@shared/contract';
import { EVENT_FLUSH_INTERVAL_MS } from '@shared/limits';
import { connectPeer, disposeAll, startEngine, textPayload, writeAll, type EventOf } from '../support/engine';

afterEach(disposeAll);

describe('event batching through the manager, over a real socket', () => {
  it('writes a few milliseconds apart, well inside one flush: one data event per read, each with its own time', async () => {
    const engine = startEngine();
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(listener.local!.port);
    peer.socket.setNoDelay(true);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
    const connId = opened.conn.connId;
    const firstBatch = engine.batches.length;

    const messages = Array.from({ length: 40 }, (_, i) => `read ${i};`);
    for (const message of messages) {
      peer.socket.write(message);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const expected = messages.join('');
    // No flush() here: the batcher's own timer must deliver everything.
    await engine.until(() => engine.dataBytes(listener.id, connId, 'rx').toString() === expected, 10_000, 'all 40 messages');
    await engine.until(() => engine.ofType('counters', (e) => e.sessionId === listener.id).at(-1)?.counters.rxBytes === expected.length);

    const batches = engine.batches.slice(firstBatch);
    const ofConn = (batch: EventBatch) => batch.events.filter((e): e is EventOf<'data'> => e.type === 'data' && e.connId === connId);
    const dataEvents = batches.flatMap(ofConn);
    const reads = (await engine.info(listener.id)).connections[0]!.counters.rxMessages;
    // The socket's reads, counted by the engine as the recorder sees them, one event each.
    expect(reads).toBeGreaterThan(10);
    expect(dataEvents).toHaveLength(reads);
    expect(batches.reduce((n, b) => n + b.coalesced, 0)).toBe(0);
    expect(dataEvents.every((event) => event.reads === undefined)).toBe(true);
    // Several reads shared a flush, so a batcher that merged them always would have shown fewer.
    expect(Math.max(...batches.map((batch) => ofConn(batch).length))).toBeGreaterThan(1);
    const times = dataEvents.map((event) => event.at);
    expect(new Set(times).size).toBeGreaterThan(1);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('a flood of small reads past the shared limit is merged, and each merged event says from how many reads', async () => {
    const mergeAfter = 20;
    const engine = startEngine({ flushMergeAfter: mergeAfter });
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
    await engine.until(() => engine.dataBytes(listener.id, connId, 'rx').toString() === expected, 10_000, 'all 1,000 messages');
    await engine.until(() => engine.ofType('counters', (e) => e.sessionId === listener.id).at(-1)?.counters.rxBytes === expected.length);

    const batches = engine.batches.slice(firstBatch);
    const times = engine.batchTimes.slice(firstBatch - 1);
    const dataEvents = batches.flatMap((b) => b.events).filter((e): e is EventOf<'data'> => e.type === 'data' && e.connId === connId);
    const coalesced = batches.reduce((n, b) => n + b.coalesced, 0);
    const reads = (await engine.info(listener.id)).connections[0]!.counters.rxMessages;

    expect(reads).toBeGreaterThan(50);
    expect(coalesced).toBeGreaterThan(0);
    // Every read is an event of its own or counted in the one it was merged into: nothing lost, nothing doubled.
    expect(dataEvents.length + coalesced).toBe(reads);
    expect(dataEvents.reduce((n, event) => n + (event.reads ?? 1), 0)).toBe(reads);
    // A flush holds the reads up to the limit alone and, past it, one merged event for this connection's run.
    for (const batch of batches) {
      const data = batch.events.filter((e): e is EventOf<'data'> => e.type === 'data');
      expect(data.length).toBeLessThanOrEqual(mergeAfter + 1);
      expect(data.filter((event) => event.reads !== undefined).length).toBeLessThanOrEqual(1);
    }
    // Never two flushes within the interval (no size flush: far below the byte bound).
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.length).toBeGreaterThan(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(EVENT_FLUSH_INTERVAL_MS - 0.1);
  });

  it('a flood beyond the per-flush budget: what is shown plus what is counted as not shown is exactly what arrived', async () => {
    const engine = startEngine({ flushMaxBytes: 64 * 1024 });
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(listener.local!.port);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
    const total = 8 * 1024 * 1024;
    await writeAll(peer.socket, Buffer.alloc(total, 7));
    // No flush() while it arrives: the batcher's own timer paces the display.
    await engine.until(
      () => engine.batches.at(-1)?.events.some((e) => e.type === 'counters' && e.counters.rxBytes === total),
      10_000,
      'the last counters',
    );
    const shown = engine.dataBytes(listener.id, opened.conn.connId, 'rx').length;
    const counters = engine.ofType('counters', (e) => e.sessionId === listener.id).at(-1)!;
    expect(counters.notShown!.bytes).toBeGreaterThan(0);
    expect(shown + counters.notShown!.bytes).toBe(total);
    expect(counters.connections).toEqual([
      { connId: opened.conn.connId, counters: expect.objectContaining({ rxBytes: total }), notShown: counters.notShown },
    ]);
    // Each flush carried at most the budget (and the first chunk, which always goes).
    for (const batch of engine.batches) {
      const bytes = batch.events.reduce((n, e) => n + (e.type === 'data' ? e.bytes.byteLength : 0), 0);
      expect(bytes).toBeLessThanOrEqual(64 * 1024 + 64 * 1024);
    }
    // The session says so too, for a page that loads later.
    expect((await engine.info(listener.id)).notShown).toEqual(counters.notShown);
  });

  it('counters list only the connections that moved since the last flush; the session snapshot still has them all', async () => {
    const engine = startEngine();
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peers = await Promise.all(Array.from({ length: 20 }, () => connectPeer(listener.local!.port)));
    const opened = await engine.waitFor(() => {
      const all = engine.ofType('connection-opened', (e) => e.sessionId === listener.id);
      return all.length === peers.length && all;
    });
    const [talker, listenerSide] = [opened[0]!.conn.connId, opened[1]!.conn.connId];
    const talkerPeer = peers.find((p) => p.socket.localPort === opened[0]!.conn.remote.port)!;
    const firstBatch = engine.batches.length;

    talkerPeer.socket.write('ping');
    const sent = await engine.send(listener.id, textPayload('pong'), { type: 'connections', connIds: [listenerSide] });
    expect(sent.ok).toBe(true);
    const moved = (e: EventOf<'counters'>) => e.sessionId === listener.id;
    await engine.waitFor(() => {
      const conns = new Map(engine.ofType('counters', moved).flatMap((e) => e.connections.map((c) => [c.connId, c.counters])));
      return conns.get(talker)?.rxBytes === 4 && conns.get(listenerSide)?.txBytes === 4;
    });

    const counters = engine.batches
      .slice(firstBatch)
      .flatMap((b) => b.events.filter((e): e is EventOf<'counters'> => e.type === 'counters'));
    for (const event of counters) {
      for (const conn of event.connections) expect([talker, listenerSide]).toContain(conn.connId);
    }
    expect(counters.at(-1)!.counters).toEqual(expect.objectContaining({ rxBytes: 4, txBytes: 4 }));
    // A page that attaches now gets every connection from the session's snapshot.
    const info = await engine.info(listener.id);
    expect(info.connections).toHaveLength(peers.length);
    expect(info.connections.find((c) => c.connId === talker)!.counters.rxBytes).toBe(4);
  });
});
