import { describe, expect, it } from 'vitest';
import { errorOf } from '../support/errors';
import { createInspectorStore } from '@renderer/store/inspector-store';
import { LogWindow } from '@renderer/store/log-window';
import { DEFAULT_FRAMING, DEFAULT_LOG_LIMIT, LOG_PREFS_STORAGE_KEY, MAX_LOG_LIMIT, MIN_LOG_LIMIT } from '@renderer/store/log-prefs';
import type { InspectorEvent, SessionInfo } from '@shared/contract';
import { connectionInfo, dataEvent, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';

const limits = { maxLogEntries: 3, maxLogBytes: 1000, maxErrors: 2 };
const batch = (...events: InspectorEvent[]) => ({ events, coalesced: 0 });

describe('inspector store', () => {
  it('keeps a bounded log per session and counts what it dropped', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    store.getState().applyBatch(batch(...['a', 'b', 'c', 'd', 'e'].map((text) => dataEvent('s1', 'rx', text))));
    const log = store.getState().logs.get('s1')!;
    expect(log.entries.toArray().map((e) => new TextDecoder().decode(e.bytes))).toEqual(['c', 'd', 'e']);
    expect(log.dropped).toBe(2);
    expect(log.bytes).toBe(3);
    expect(new Set(log.entries.toArray().map((e) => e.id)).size).toBe(3);
  });

  it('drops the oldest entries past the byte bound but always keeps the newest', () => {
    const store = createInspectorStore({ ...limits, maxLogEntries: 100, maxLogBytes: 10 });
    store
      .getState()
      .applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), dataEvent('s1', 'rx', '123456'), dataEvent('s1', 'rx', '7890')));
    expect(store.getState().logs.get('s1')!.entries.length).toBe(2);
    store.getState().applyBatch(batch(dataEvent('s1', 'rx', 'x'.repeat(50))));
    const log = store.getState().logs.get('s1')!;
    expect(log.entries.length).toBe(1);
    expect(log.bytes).toBe(50);
    expect(log.dropped).toBe(2);
  });

  it('keeps 100,000 entries per session by default', () => {
    expect(DEFAULT_LOG_LIMIT).toBe(100_000);
    const store = createInspectorStore();
    expect(store.getState().logLimit).toBe(100_000);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    const bytes = new Uint8Array([1]);
    const events = Array.from({ length: 100_050 }, (_, i) => ({ ...dataEvent('s1', 'rx', bytes), at: i }) as InspectorEvent);
    store.getState().applyBatch(batch(...events));
    const log = store.getState().logs.get('s1')!;
    expect(log.entries.length).toBe(100_000);
    expect(log.dropped).toBe(50);
    expect(log.entries.at(0)!.at).toBe(50);
  });

  it('takes the retained-entries limit as a setting: clamped, applied at once, and remembered', () => {
    const storage = new Map<string, string>();
    const fakeStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const store = createInspectorStore({ ...limits, maxLogEntries: 5000 }, { storage: fakeStorage });
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    store.getState().applyBatch(batch(...Array.from({ length: 1500 }, () => dataEvent('s1', 'rx', ''))));
    store.getState().setLogLimit(10);
    expect(store.getState().logLimit).toBe(MIN_LOG_LIMIT);
    expect(store.getState().logs.get('s1')!.entries.length).toBe(1000);
    expect(store.getState().logs.get('s1')!.dropped).toBe(500);
    store.getState().setLogLimit(5e9);
    expect(store.getState().logLimit).toBe(MAX_LOG_LIMIT);
    store.getState().setLogView('both');
    expect(JSON.parse(storage.get(LOG_PREFS_STORAGE_KEY)!)).toMatchObject({ logLimit: MAX_LOG_LIMIT, logView: 'both' });
    const again = createInspectorStore(limits, { storage: fakeStorage });
    expect(again.getState().logLimit).toBe(MAX_LOG_LIMIT);
    expect(again.getState().logView).toBe('both');
  });

  it('reads saved log preferences field by field, ignoring garbage and hostile keys', () => {
    const saved =
      '{"__proto__":{"polluted":true},"logLimit":"lots","logView":"<b>","logEncoding":"gbk","framing":{"mode":"length","lengthSize":3,"gapMs":-1,"delimiter":7}}';
    const store = createInspectorStore(limits, { storage: { getItem: () => saved, setItem: () => undefined } });
    const state = store.getState();
    expect(state.logLimit).toBe(limits.maxLogEntries);
    expect(state.logView).toBe('text');
    expect(state.logEncoding).toBe('gbk');
    expect(state.framing).toEqual({ ...DEFAULT_FRAMING, mode: 'length' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const broken = createInspectorStore(limits, {
      storage: {
        getItem: () => '{not json',
        setItem: () => {
          throw new Error('full');
        },
      },
    });
    expect(broken.getState().logView).toBe('text');
    expect(() => broken.getState().setLogView('hex')).not.toThrow();
    expect(broken.getState().logView).toBe('hex');
  });

  it('remembers the log checksum, and still reads what the code before it saved', () => {
    const storage = new Map<string, string>();
    const fakeStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    // Written by the code before the checksum was kept: no such key at all.
    storage.set(LOG_PREFS_STORAGE_KEY, JSON.stringify({ logLimit: 2000, logView: 'hex', logEncoding: 'utf-8', framing: DEFAULT_FRAMING }));
    const old = createInspectorStore(limits, { storage: fakeStorage });
    expect(old.getState().logView).toBe('hex');
    expect(old.getState().logLimit).toBe(2000);
    expect(old.getState().logChecksum).toBeUndefined();
    old.getState().setLogChecksum({ algorithm: 'crc16-modbus', from: 0 });
    expect(createInspectorStore(limits, { storage: fakeStorage }).getState().logChecksum).toEqual({ algorithm: 'crc16-modbus', from: 0 });
    expect(createInspectorStore(limits, { storage: fakeStorage }).getState().logView).toBe('hex');
    old.getState().setLogChecksum(undefined);
    expect(createInspectorStore(limits, { storage: fakeStorage }).getState().logChecksum).toBeUndefined();
    // A damaged checksum costs only itself.
    storage.set(LOG_PREFS_STORAGE_KEY, JSON.stringify({ logView: 'both', logChecksum: { algorithm: 'md5', from: 'x' } }));
    const damaged = createInspectorStore(limits, { storage: fakeStorage }).getState();
    expect(damaged.logChecksum).toBeUndefined();
    expect(damaged.logView).toBe('both');
  });

  it('applies a batch of many events as one store update', () => {
    const store = createInspectorStore(limits);
    let updates = 0;
    store.subscribe(() => (updates += 1));
    store
      .getState()
      .applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), ...['a', 'b', 'c', 'd'].map((t) => dataEvent('s1', 'rx', t))));
    expect(updates).toBe(1);
  });

  it('starts a new epoch when a log is cleared, so derived views start over', () => {
    const store = createInspectorStore(limits);
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), dataEvent('s1', 'rx', 'x')));
    const before = store.getState().logs.get('s1')!;
    store.getState().clearLog('s1');
    const after = store.getState().logs.get('s1')!;
    expect(after.entries.length).toBe(0);
    expect(after.epoch).toBe(before.epoch + 1);
  });

  it('follows connections through snapshots, open, half-close, counters and close', () => {
    const store = createInspectorStore(limits);
    const counters = { rxBytes: 5, txBytes: 7, rxMessages: 1, txMessages: 2 };
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 1001)] }))));
    expect([...store.getState().connections.get('s1')!.keys()]).toEqual(['c1']);
    store
      .getState()
      .applyBatch(
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

  it('keeps the counters of connections a counters event leaves out (only those that moved are listed)', () => {
    const store = createInspectorStore(limits);
    const first = { rxBytes: 5, txBytes: 0, rxMessages: 1, txMessages: 0 };
    const later = { rxBytes: 9, txBytes: 0, rxMessages: 2, txMessages: 0 };
    const conns = ['c1', 'c2', 'c3'].map((id, i) => connectionInfo(id, 1001 + i));
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1', connections: conns }))));
    const counters = (c: typeof first, listed: string[]): InspectorEvent => ({
      type: 'counters',
      at: 1,
      sessionId: 's1',
      counters: c,
      connections: listed.map((connId) => ({ connId, counters: c })),
    });
    store.getState().applyBatch(batch(counters(first, ['c1', 'c2'])));
    const idle = store.getState().connections.get('s1')!.get('c3');
    store.getState().applyBatch(batch(counters(later, ['c2'])));
    const after = store.getState().connections.get('s1')!;
    expect(after.get('c1')!.counters).toEqual(first);
    expect(after.get('c2')!.counters).toEqual(later);
    // Left out twice: the very object it was, so nothing that shows it draws again.
    expect(after.get('c3')).toBe(idle);
  });

  it('keeps the latest errors per session with their hints', () => {
    const store = createInspectorStore(limits);
    const error = (n: number): InspectorEvent => ({
      type: 'error',
      at: n,
      sessionId: 's1',
      connId: 'c1',
      error: errorOf('E', `m${n}`, `h${n}`),
    });
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), error(1), error(2), error(3)));
    expect(
      store
        .getState()
        .errors.get('s1')!
        .map((e) => [e.error.message, e.error.hint]),
    ).toEqual([
      ['m2', 'h2'],
      ['m3', 'h3'],
    ]);
    store.getState().dismissErrors('s1');
    expect(store.getState().errors.has('s1')).toBe(false);
  });

  it('forgets everything about a removed session and ignores its late events', () => {
    const store = createInspectorStore(limits);
    store
      .getState()
      .applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' })), sessionEvent(sessionInfo({ id: 's2' })), dataEvent('s1', 'rx', 'x')));
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

  it('keeps each entry as the same members and its bytes as a place in the batch buffer, not a view', () => {
    const store = createInspectorStore({ ...limits, maxLogEntries: 10 });
    // One buffer per batch, as the engine packs it: each event's bytes are a view of it.
    const packed = new TextEncoder().encode('onetwothree');
    const view = (from: number, to: number) => new Uint8Array(packed.buffer, from, to - from);
    const data = (dir: 'rx' | 'tx', bytes: Uint8Array) => dataEvent('s1', dir, bytes) as Extract<InspectorEvent, { type: 'data' }>;
    store
      .getState()
      .applyBatch(
        batch(
          sessionEvent(sessionInfo({ id: 's1' })),
          dataEvent('s1', 'rx', view(0, 3)),
          { ...data('tx', view(3, 6)), origin: { kind: 'repeat' } },
          { ...data('rx', view(6, 11)), reads: 3 },
        ),
      );
    const entries = store.getState().logs.get('s1')!.entries.toArray();
    expect(entries.map((e) => new TextDecoder().decode(e.bytes))).toEqual(['one', 'two', 'three']);
    expect(entries.map((e) => [e.origin?.kind, e.reads])).toEqual([
      [undefined, undefined],
      ['repeat', undefined],
      [undefined, 3],
    ]);
    const shapes = new Set(entries.map((e) => Object.keys(e).join()));
    expect(shapes.size).toBe(1);
    for (const entry of entries) {
      expect(Object.values(entry).some((member) => ArrayBuffer.isView(member))).toBe(false);
      expect(entry.bytes.buffer).toBe(packed.buffer);
    }
  });

  it('records the last UDP sender from received datagrams', () => {
    const store = createInspectorStore(limits);
    const peer = { address: '127.0.0.1', port: 5555, family: 'IPv4' as const };
    store.getState().applyBatch(
      batch(sessionEvent(sessionInfo({ id: 'u1', kind: 'udp' })), {
        type: 'data',
        at: 1,
        sessionId: 'u1',
        dir: 'rx',
        peer,
        bytes: new Uint8Array([1]),
      }),
    );
    expect(store.getState().sessions.get('u1')!.lastSender).toEqual(peer);
  });

  it('shares one frozen copy of each UDP peer among its entries, across batches and senders that alternate', () => {
    const store = createInspectorStore({ ...limits, maxLogEntries: 10 });
    const from = (port: number): InspectorEvent => ({
      type: 'data',
      at: 1,
      sessionId: 'u1',
      dir: 'rx',
      peer: { address: '127.0.0.1', port, family: 'IPv4' },
      bytes: new Uint8Array([port % 256]),
    });
    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 'u1', kind: 'udp' })), from(5001), from(5002), from(5001)));
    store.getState().applyBatch(batch(from(5002), from(5001), from(5002)));
    const peers = store
      .getState()
      .logs.get('u1')!
      .entries.toArray()
      .map((e) => e.peer!);
    expect(peers.map((p) => p.port)).toEqual([5001, 5002, 5001, 5002, 5001, 5002]);
    expect(new Set(peers).size).toBe(2);
    expect(peers.every((p) => Object.isFrozen(p))).toBe(true);
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
      JSON.stringify(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 1)] })).replace(
        '{',
        '{"__proto__":{"polluted":true},"extra":1,',
      ),
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

describe('LogWindow', () => {
  it('appends in place for the newest snapshot while older snapshots keep what they had', () => {
    const a = LogWindow.empty<number>().append([1, 2]);
    const b = a.append([3]);
    const c = a.append([9]);
    expect(a.toArray()).toEqual([1, 2]);
    expect(b.toArray()).toEqual([1, 2, 3]);
    expect(c.toArray()).toEqual([1, 2, 9]);
    expect([...b.append([4]).dropFront(2)]).toEqual([3, 4]);
  });

  it('lets dropped items go by compacting once they outweigh the live ones', () => {
    let window = LogWindow.empty<number>();
    for (let i = 0; i < 5000; i++) window = window.append([i]).dropFront(i >= 10 ? 1 : 0);
    expect(window.length).toBe(10);
    expect(window.at(0)).toBe(4990);
    expect(window.at(10)).toBeUndefined();
    expect(window.firstIndexWhere((n) => n >= 4995)).toBe(5);
  });
});
