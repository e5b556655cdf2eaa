import { afterEach, describe, expect, it } from 'vitest';
import type { InspectorEvent, SessionHistory } from '@shared/contract';
import { RETAINED_BYTES_PER_SESSION } from '@shared/limits';
import { dispatch } from '@shared/dispatch';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, startEngine, textPayload, type Engine } from '../support/engine';

afterEach(disposeAll);

const dataOf = (events: readonly InspectorEvent[], dir: 'rx' | 'tx'): Buffer =>
  Buffer.concat(events.flatMap((e) => (e.type === 'data' && e.dir === dir ? [Buffer.from(e.bytes)] : [])));

const logOf = async (engine: Engine, sessionId: string, after?: number): Promise<SessionHistory> => {
  const answer = await engine.manager.history(after === undefined ? {} : { after });
  if (!answer.ok) throw new Error(answer.error.message);
  const log = answer.value.logs.find((l) => l.sessionId === sessionId);
  if (!log) throw new Error(`no log for ${sessionId}`);
  return log;
};

describe('the engine keeps each session log for history', () => {
  it('numbers every batch and gives back the events a page would have seen, and after a batch only the newer ones', async () => {
    const engine = startEngine();
    const { id, local } = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(local!.port);
    peer.socket.write('hello ');
    await engine.waitFor(() => engine.ofType('data').length > 0);
    const middle = engine.batches.at(-1)!.seq!;
    peer.socket.write('world');
    expect((await engine.send(id, textPayload('reply'))).ok).toBe(true);
    await engine.waitFor(() => dataOf(engine.events, 'rx').toString() === 'hello world' && dataOf(engine.events, 'tx').length === 5);
    peer.socket.end();
    await engine.waitFor(() => engine.ofType('half-closed').length > 0);

    const seqs = engine.batches.map((b) => b.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const full = await logOf(engine, id);
    expect(full).toMatchObject({ follows: false, dropped: 0 });
    expect(full.base).toBeUndefined();
    expect(dataOf(full.events, 'rx').toString()).toBe('hello world');
    expect(dataOf(full.events, 'tx').toString()).toBe('reply');
    // Everything that makes a row, in the order it came; state-only events (counters) are not kept.
    const rowTypes = new Set(['session', 'connection-opened', 'half-closed', 'connection-closed', 'data', 'error', 'liveness']);
    const kept: InspectorEvent[] = engine.events.filter((e) => rowTypes.has(e.type));
    expect(full.events.map((e) => e.type)).toEqual(kept.map((e) => e.type));
    expect(full.events[0]).toMatchObject({ type: 'session', session: { state: 'opening' } });
    expect(full.events.some((e) => e.type === 'counters')).toBe(false);

    const answer = await engine.manager.history({});
    expect(answer.ok && answer.value.seq).toBe(engine.batches.at(-1)!.seq);

    const newer = await logOf(engine, id, middle);
    expect(newer.follows).toBe(true);
    const sinceMiddle = engine.batches.filter((b) => b.seq! > middle).flatMap((b) => b.events);
    expect(newer.events).toEqual(sinceMiddle.filter((e) => kept.includes(e)));
    expect(dataOf(newer.events, 'rx').toString()).toBe('world');
  });

  it('drops the oldest events past its byte bound, counts them, and keeps the session as it was before what it kept', async () => {
    const engine = startEngine();
    const { id, local } = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(local!.port);
    // Paced a flush's worth at a time, so the display takes every byte and the retention sees it all.
    const chunk = 512 * 1024;
    const total = RETAINED_BYTES_PER_SESSION + 4 * chunk;
    const sent = pseudoRandomBytes(total);
    for (let at = 0; at < total; at += chunk) {
      peer.socket.write(sent.subarray(at, at + chunk));
      await engine.waitFor(() => dataOf(engine.events, 'rx').length >= at + chunk, 10_000, `${at + chunk} bytes shown`);
    }
    expect(sha256(dataOf(engine.events, 'rx'))).toBe(sha256(sent));
    const firstSeq = engine.batches[0]!.seq!;

    const log = await logOf(engine, id);
    expect(log.follows).toBe(false);
    expect(log.dropped).toBeGreaterThan(0);
    expect(log.recorded).toBe(false);
    // The session as it was before: listening, with its connection, so the rows kept still have a session to go to.
    expect(log.base).toMatchObject({ id, state: 'open' });
    const kept = dataOf(log.events, 'rx');
    expect(kept.length).toBeLessThanOrEqual(RETAINED_BYTES_PER_SESSION);
    expect(kept.length).toBeGreaterThan(RETAINED_BYTES_PER_SESSION - 2 * chunk);
    // The newest bytes, exactly.
    expect(sha256(kept)).toBe(sha256(sent.subarray(total - kept.length)));

    // A page that saw only the first batch cannot extend its log: it gets all that is kept, to rebuild from.
    const stale = await logOf(engine, id, firstSeq);
    expect(stale).toMatchObject({ follows: false, dropped: log.dropped });
    // One that saw all but the last batch can.
    const last = engine.batches.at(-1)!.seq!;
    expect((await logOf(engine, id, last)).events).toEqual([]);
    expect((await logOf(engine, id, last)).follows).toBe(true);
  });

  it('forgets a removed session, and refuses an `after` that is not a batch number', async () => {
    const engine = startEngine();
    const { id } = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    await engine.waitFor(() => engine.ofType('session', (e) => e.session.state === 'open').length > 0);
    expect((await engine.manager.history({})).ok && (await logOf(engine, id)).events.length).toBeGreaterThan(0);
    expect((await engine.manager.remove({ sessionId: id })).ok).toBe(true);
    await engine.waitFor(() => engine.ofType('session-removed').length === 1);
    const answer = await engine.manager.history({});
    expect(answer.ok && answer.value.logs).toEqual([]);

    for (const after of [-1, 1.5, '3', null]) {
      const refused = await dispatch(engine.manager, 'history', { after });
      expect(refused.ok).toBe(false);
    }
    expect((await dispatch(engine.manager, 'history', { after: 0, more: true })).ok).toBe(false);
  });
});
