/**
 * What a batch of traffic redraws: the parts that show counters, not the session's header,
 * list item, connection rows or composer, which see the session through these hooks.
 */
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createInspectorStore } from '@renderer/store/inspector-store';
import { useConnectionShape, useSessionCounters, useSessionIds, useSessionShape } from '@renderer/store/stable-views';
import { StoreContext } from '@renderer/store/store-context';
import type { Endpoint, InspectorEvent } from '@shared/contract';
import { connectionInfo, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';

const batch = (...events: InspectorEvent[]) => ({ events, coalesced: 0 });
const counters = (rxBytes: number) => ({ rxBytes, txBytes: 0, rxMessages: rxBytes, txMessages: 0 });
const countersEvent = (sessionId: string, rxBytes: number, connIds: string[] = []): InspectorEvent => ({
  type: 'counters',
  at: 0,
  sessionId,
  counters: counters(rxBytes),
  connections: connIds.map((connId) => ({ connId, counters: counters(rxBytes) })),
});
const datagram = (sessionId: string, peer: Endpoint): InspectorEvent => ({
  type: 'data',
  at: 0,
  sessionId,
  dir: 'rx',
  peer,
  bytes: Uint8Array.of(1),
});

function setup(...events: InspectorEvent[]) {
  const store = createInspectorStore();
  store.getState().applyBatch(batch(...events));
  const renders = { shape: 0, connection: 0, ids: 0, counters: 0 };
  const seen: { shape?: unknown; counters?: number } = {};
  function Shape() {
    renders.shape += 1;
    seen.shape = useSessionShape('s1');
    return null;
  }
  function Connection() {
    renders.connection += 1;
    useConnectionShape('s1', 'c1');
    return null;
  }
  function Ids() {
    renders.ids += 1;
    useSessionIds();
    return null;
  }
  function Counters() {
    renders.counters += 1;
    seen.counters = useSessionCounters('s1').rxBytes;
    return null;
  }
  render(
    <StoreContext.Provider value={store}>
      <Shape />
      <Connection />
      <Ids />
      <Counters />
    </StoreContext.Provider>,
  );
  const apply = (...more: InspectorEvent[]) => act(() => store.getState().applyBatch(batch(...more)));
  return { renders, seen, apply };
}

describe('stable views', () => {
  it('redraw only the counters for batches that change only counters', () => {
    const { renders, seen, apply } = setup(sessionEvent(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 5000)] })));
    const first = { ...renders };
    for (let n = 1; n <= 5; n++) apply(countersEvent('s1', n * 100, ['c1']));
    expect(renders).toEqual({ ...first, counters: first.counters + 5 });
    expect(seen.counters).toBe(500);
  });

  it('redraw what shows the session or connection when something else about it changes', () => {
    const { renders, seen, apply } = setup(sessionEvent(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 5000)] })));
    const shape = seen.shape;
    const first = { ...renders };
    apply({ type: 'backpressure', at: 0, sessionId: 's1', connId: 'c1', blocked: true, queuedBytes: 10 });
    expect(renders.connection).toBe(first.connection + 1);
    expect(renders.shape).toBe(first.shape);
    apply(sessionEvent(sessionInfo({ id: 's1', state: 'closed', connections: [connectionInfo('c1', 5000)] })));
    expect(renders.shape).toBe(first.shape + 1);
    expect(seen.shape).not.toBe(shape);
    expect(seen.shape).toMatchObject({ state: 'closed' });
    apply(sessionEvent(sessionInfo({ id: 's2' })));
    expect(renders.ids).toBe(first.ids + 1);
  });

  it('keep a UDP session as it was through a flood from one sender, and move on for another', () => {
    const sender = { address: '127.0.0.1', port: 6000, family: 'IPv4' } as const;
    const { renders, seen, apply } = setup(sessionEvent(sessionInfo({ id: 's1', kind: 'udp' })));
    apply(datagram('s1', sender));
    const after = renders.shape;
    for (let n = 0; n < 5; n++) apply(...Array.from({ length: 50 }, () => datagram('s1', { ...sender })), countersEvent('s1', n));
    expect(renders.shape).toBe(after);
    apply(datagram('s1', { ...sender, port: 6001 }));
    expect(renders.shape).toBe(after + 1);
    expect(seen.shape).toMatchObject({ lastSender: { port: 6001 } });
  });
});
