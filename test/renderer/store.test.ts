import { describe, expect, it } from 'vitest';
import { createInspectorStore } from '../../src/renderer/src/store/inspector-store';
import { MAX_LOG_ENTRIES_PER_SESSION } from '../../src/renderer/src/limits';
import type { InspectorEvent, SessionInfo } from '../../src/shared/contract';
import { connectionInfo, dataEvent, sessionEvent, sessionInfo } from './support/fake-bridge';

const limits = { maxLogEntries: 3, maxLogBytes: 1000, maxErrors: 2 };
const batch = (...events: InspectorEvent[]) => ({ events, coalesced: 0 });

describe('inspector store', () => {
  it('keeps a bounded log per session and counts what it dropped', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    store.getState().applyBatch(batch(...['a', 'b', 'c', 'd', 'e'].map((text) => dataEvent('s1', 'rx', text))));
    const log = store.getState().logs.get('s1')!;
    expect(log.entries.map((e) => new TextDecoder().decode(e.bytes))).toEqual(['c', 'd', 'e']);
    expect(log.dropped).toBe(2);
    expect(log.bytes).toBe(3);
    expect(new Set(log.entries.map((e) => e.id)).size).toBe(3);
  });

  it('drops the oldest entries past the byte bound but always keeps the newest', () => {
    const store = createInspectorStore({ ...limits, maxLogEntries: 100, maxLogBytes: 10 });
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), dataEvent('s1', 'rx', '123456'), dataEvent('s1', 'rx', '7890')));
    expect(store.getState().logs.get('s1')!.entries).toHaveLength(2);
    store.getState().applyBatch(batch(dataEvent('s1', 'rx', 'x'.repeat(50))));
    const log = store.getState().logs.get('s1')!;
    expect(log.entries).toHaveLength(1);
    expect(log.bytes).toBe(50);
    expect(log.dropped).toBe(2);
  });

  it('uses a 10,000-entry bound by default', () => {
    expect(MAX_LOG_ENTRIES_PER_SESSION).toBe(10_000);
    const store = createInspectorStore();
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    const events = Array.from({ length: 10_050 }, (_, i) => dataEvent('s1', 'rx', new Uint8Array([i & 0xff])));
    store.getState().applyBatch(batch(...events));
    expect(store.getState().logs.get('s1')!.entries).toHaveLength(10_000);
    expect(store.getState().logs.get('s1')!.dropped).toBe(50);
  });

  it('follows connections through snapshots, open, half-close, counters and close', () => {
    const store = createInspectorStore(limits);
    const counters = { rxBytes: 5, txBytes: 7, rxMessages: 1, txMessages: 2 };
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 1001)] }))));
    expect([...store.getState().connections.get('s1')!.keys()]).toEqual(['c1']);
    store.getState().applyBatch(
      batch(
        { type: 'connection-opened', at: 1, sessionId: 's1', conn: connectionInfo('c2', 1002) },
        { type: 'half-closed', at: 2, sessionId: 's1', connId: 'c2', by: 'peer' },
        { type: 'backpressure', at: 2, sessionId: 's1', connId: 'c2', blocked: true, queuedBytes: 10 },
        { type: 'counters', at: 3, sessionId: 's1', counters, connections: [{ connId: 'c2', counters }] },
        { type: 'connection-closed', at: 4, sessionId: 's1', connId: 'c1', reason: 'peer-closed', counters },
      ),
    );
    const conns = store.getState().connections.get('s1')!;
    expect([...conns.keys()]).toEqual(['c2']);
    expect(conns.get('c2')).toMatchObject({ peerEnded: true, localEnded: false, blocked: true, counters });
    expect(store.getState().sessions.get('s1')!.counters).toEqual(counters);
  });

  it('keeps the latest errors per session with their hints', () => {
    const store = createInspectorStore(limits);
    const error = (n: number): InspectorEvent => ({ type: 'error', at: n, sessionId: 's1', connId: 'c1', error: { code: 'E', message: `m${n}`, hint: `h${n}` } });
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), error(1), error(2), error(3)));
    expect(store.getState().errors.get('s1')!.map((e) => [e.error.message, e.error.hint])).toEqual([
      ['m2', 'h2'],
      ['m3', 'h3'],
    ]);
    store.getState().dismissErrors('s1');
    expect(store.getState().errors.has('s1')).toBe(false);
  });

  it('forgets everything about a removed session and ignores its late events', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), sessionEvent(sessionInfo({ id: 's2' })), dataEvent('s1', 'rx', 'x')));
    store.getState().select('s1');
    store.getState().applyBatch(batch({ type: 'session-removed', at: 1, sessionId: 's1' }, dataEvent('s1', 'rx', 'late')));
    const state = store.getState();
    expect(state.sessions.has('s1')).toBe(false);
    expect(state.logs.has('s1')).toBe(false);
    expect(state.connections.has('s1')).toBe(false);
    expect(state.selectedId).toBe('s2');
  });

  it('keeps a just-opened selection until its first event arrives', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    expect(store.getState().selectedId).toBe('s1');
    store.getState().select('s2');
    store.getState().applyBatch(batch(dataEvent('s1', 'rx', 'x')));
    expect(store.getState().selectedId).toBe('s2');
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's2' }))));
    expect(store.getState().selectedId).toBe('s2');
  });

  it('records the last UDP sender from received datagrams', () => {
    const store = createInspectorStore(limits);
    const peer = { address: '127.0.0.1', port: 5555, family: 'IPv4' as const };
    store.getState().applyBatch(
      batch(sessionEvent(sessionInfo({ id: 'u1', kind: 'udp' })), { type: 'data', at: 1, sessionId: 'u1', dir: 'rx', peer, bytes: new Uint8Array([1]) }),
    );
    expect(store.getState().sessions.get('u1')!.lastSender).toEqual(peer);
  });

  it('does not let a seeded list overwrite newer event state', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1', state: 'closed' }))));
    store.getState().seed([sessionInfo({ id: 's1', state: 'open' }), sessionInfo({ id: 's2' })]);
    expect(store.getState().sessions.get('s1')!.state).toBe('closed');
    expect(store.getState().sessions.get('s2')!.state).toBe('open');
  });

  it('copies fields by name, so __proto__ and unknown keys from the bridge go nowhere', () => {
    const store = createInspectorStore(limits);
    const hostile = JSON.parse(
      JSON.stringify(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 1)] })).replace('{', '{"__proto__":{"polluted":true},"extra":1,'),
    ) as SessionInfo;
    expect(Object.hasOwn(hostile, '__proto__')).toBe(true);
    store.getState().applyBatch(batch(sessionEvent(hostile)));
    const view = store.getState().sessions.get('s1')!;
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    expect(Object.hasOwn(view, 'extra')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((view as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps untouched maps identical so selectors do not re-render', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    const before = store.getState();
    store.getState().applyBatch(batch(dataEvent('s1', 'rx', 'x')));
    const after = store.getState();
    expect(after.sessions).toBe(before.sessions);
    expect(after.connections).toBe(before.connections);
    expect(after.logs).not.toBe(before.logs);
  });
});
