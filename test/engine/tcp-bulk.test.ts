import { describe, it, expect, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { AppCode } from '@shared/errors';
import { MAX_SEND_QUEUE_BYTES } from '@shared/limits';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, startEngine, writeAll, type Engine } from '../support/engine';

afterEach(disposeAll);

const MiB = 1024 * 1024;
const TOTAL = 50 * MiB;
/**
 * These tests check every byte the display path carries, so its per-flush budget is lifted;
 * with the budget, what a flood leaves out is counted instead (flow-control.test.ts).
 */
const UNBUDGETED = { flushMaxBytes: Number.POSITIVE_INFINITY, flushMaxDataEvents: Number.POSITIVE_INFINITY };

async function listenerWithPeer(engine: Engine, options: { allowHalfOpen?: boolean } = {}) {
  // Half-open, so the connection and its counters are still there to inspect after the peer's FIN.
  const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
  const peer = await connectPeer(info.local!.port, '127.0.0.1', options);
  const port = peer.socket.localPort;
  const opened = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.conn.remote.port === port)[0]);
  return { id: info.id, connId: opened.conn.connId, peer };
}

const base64Chunk = (bytes: Uint8Array) => ({
  format: 'base64' as const,
  value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
});

function unblockedCount(engine: Engine, connId: string): number {
  return engine.ofType('backpressure', (e) => e.connId === connId && !e.blocked).length;
}

/** Send `chunk` on the connection, waiting out SEND_QUEUE_FULL until the queue drains. */
async function sendWithRetry(engine: Engine, id: string, connId: string, chunk: Uint8Array): Promise<number> {
  const payload = base64Chunk(chunk);
  let refusals = 0;
  for (;;) {
    const seen = unblockedCount(engine, connId);
    const result = await engine.send(id, payload, { type: 'connections', connIds: [connId] });
    if (result.ok) {
      expect(result.value).toEqual({ bytes: chunk.byteLength, targets: 1 });
      return refusals;
    }
    expect(result.error.code).toBe(AppCode.QueueFull);
    refusals += 1;
    await engine.waitFor(() => unblockedCount(engine, connId) > seen, 10_000, 'unblocked');
  }
}

describe('TCP bulk transfer, byte-exact', () => {
  it('receives 50 MB from a Node client intact, with exact counters', async () => {
    const engine = startEngine(UNBUDGETED);
    const { id, connId, peer } = await listenerWithPeer(engine);
    const source = pseudoRandomBytes(TOTAL, 1234);
    await writeAll(peer.socket, source, 256 * 1024);
    peer.socket.end();
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === connId && e.by === 'peer')[0], 15_000, 'all 50 MB');
    const received = engine.dataBytes(id, connId, 'rx');
    expect(received.length).toBe(52_428_800);
    expect(sha256(received)).toBe(sha256(source));
    const info = await engine.info(id);
    expect(info.counters.rxBytes).toBe(52_428_800);
    expect(info.connections[0]!.counters.rxBytes).toBe(52_428_800);
    // The counters summary of the last batch agrees.
    const summary = engine.ofType('counters', (e) => e.sessionId === id).at(-1)!;
    expect(summary.counters.rxBytes).toBe(52_428_800);
    expect(summary.connections).toEqual([{ connId, counters: info.connections[0]!.counters }]);
    // Each read the socket made is an event of its own, or counted in the one it was merged into under load.
    const dataEvents = engine.ofType('data', (e) => e.connId === connId);
    expect(dataEvents.reduce((n, event) => n + (event.reads ?? 1), 0)).toBe(info.counters.rxMessages);
  });

  it('sends 50 MB to a reading Node client in 1 MiB base64 sends, intact', async () => {
    const engine = startEngine(UNBUDGETED);
    const { id, connId, peer } = await listenerWithPeer(engine);
    const hash = createHash('sha256');
    let refusals = 0;
    for (let i = 0; i < TOTAL / MiB; i++) {
      const chunk = pseudoRandomBytes(MiB, i + 1);
      hash.update(chunk);
      refusals += await sendWithRetry(engine, id, connId, chunk);
    }
    const expected = hash.digest('hex');
    await engine.waitFor(() => peer.received().length >= TOTAL, 15_000, 'the client to read 50 MB');
    expect(peer.received().length).toBe(TOTAL);
    expect(sha256(peer.received())).toBe(expected);
    const info = await engine.waitFor(async () => {
      const now = await engine.info(id);
      return now.counters.txBytes === TOTAL && now;
    });
    expect(info.connections[0]!.counters).toMatchObject({ txBytes: TOTAL, txMessages: TOTAL / MiB });
    expect(sha256(engine.dataBytes(id, connId, 'tx'))).toBe(expected);
    expect(refusals).toBeGreaterThanOrEqual(0);
  });
});

describe('TCP backpressure', () => {
  it('a peer that never reads: blocked, then SEND_QUEUE_FULL, then unblocked and every accepted byte arrives', async () => {
    const engine = startEngine();
    const { id, connId, peer } = await listenerWithPeer(engine);
    peer.socket.pause();

    const hash = createHash('sha256');
    let accepted = 0;
    let refusal: { code: string; message: string; hint: string } | undefined;
    for (let i = 0; i < 200 && !refusal; i++) {
      const chunk = pseudoRandomBytes(MiB, 1000 + i);
      const result = await engine.send(id, base64Chunk(chunk), { type: 'connections', connIds: [connId] });
      if (result.ok) {
        hash.update(chunk);
        accepted += MiB;
      } else {
        refusal = result.error;
      }
    }
    expect(refusal?.code).toBe(AppCode.QueueFull);
    expect(refusal?.message).toContain(String(MAX_SEND_QUEUE_BYTES));
    expect(refusal?.hint).toMatch(/not reading/);
    // The queue is bounded: what was accepted fits in the limit plus what the kernel buffers hold.
    expect(accepted).toBeGreaterThanOrEqual(MAX_SEND_QUEUE_BYTES);
    expect(accepted).toBeLessThan(MAX_SEND_QUEUE_BYTES + 48 * MiB);

    const blocked = await engine.waitFor(() => engine.ofType('backpressure', (e) => e.connId === connId && e.blocked)[0]);
    expect(blocked.queuedBytes).toBeGreaterThan(0);
    const info = await engine.info(id);
    expect(info.connections[0]!.blocked).toBe(true);
    // Still blocked: the last backpressure event says so.
    engine.manager.flush();
    expect(engine.ofType('backpressure', (e) => e.connId === connId).at(-1)!.blocked).toBe(true);

    // Reading again drains the queue.
    const seen = unblockedCount(engine, connId);
    peer.socket.resume();
    await engine.waitFor(() => unblockedCount(engine, connId) > seen, 15_000, 'unblocked');
    await engine.waitFor(() => peer.received().length >= accepted, 15_000, 'every accepted byte');
    expect(peer.received().length).toBe(accepted);
    expect(sha256(peer.received())).toBe(hash.digest('hex'));
    expect((await engine.info(id)).connections[0]!.blocked).toBe(false);
    // And sends are accepted again.
    expect((await engine.send(id, { format: 'text', value: 'more' })).ok).toBe(true);
    await engine.waitFor(() => peer.received().length === accepted + 4);
  });
});
