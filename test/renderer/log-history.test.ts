/**
 * The store rebuilt from the engine's `history`, as a reloaded or reconnected page does it: a
 * real engine behind the local bridge, a Node client on loopback, and the live store to compare.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type { EventBatch } from '@shared/contract';
import { createInspectorStore, type InspectorStore } from '@renderer/store/inspector-store';
import { lifecycleText } from '@renderer/log/lifecycle-text';
import { translator } from '@renderer/i18n/languages';
import { createLocalBridge, type LocalBridge } from '../support/renderer/local-bridge';
import { sessionInfo } from '../support/renderer/fake-bridge';

const limits = { maxLogEntries: 1000, maxLogBytes: 1 << 20, maxErrors: 5 };
let local: LocalBridge | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  await local?.dispose();
});

/** What a log shows, without the page's own entry ids. */
const rows = (store: InspectorStore, sessionId: string) =>
  store
    .getState()
    .logs.get(sessionId)!
    .entries.toArray()
    .map((e) => ({ at: e.at, dir: e.dir, connId: e.connId, text: Buffer.from(e.bytes).toString(), kind: e.lifecycle?.kind }));

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) {
    local!.manager.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(check()).toBe(true);
}

const restored = async (store: InspectorStore, whole: boolean, after?: number) => {
  const history = await local!.bridge.history(after === undefined ? {} : { after });
  const list = await local!.bridge.list({});
  if (!history.ok || !list.ok) throw new Error('history or list failed');
  store.getState().restore(history.value, list.value, whole);
  return history.value;
};

describe('a log rebuilt from history', () => {
  it('gives a fresh page the live log, and a reconnected one the batches it missed, each row once', async () => {
    local = createLocalBridge();
    const live = createInspectorStore(limits);
    const seen: EventBatch[] = [];
    local.bridge.onEvents((batch) => {
      seen.push(batch);
      live.getState().applyBatch(batch);
    });
    const opened = await local.bridge.open({ config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    if (!opened.ok) throw new Error(opened.error.message);
    const id = opened.value.id;
    client = connect(opened.value.local!.port, '127.0.0.1');
    await once(client, 'connect');
    client.write('one');
    await waitFor(() => rows(live, id).some((r) => r.text === 'one'));
    const missedFrom = seen.at(-1)!.seq!;
    const reconnecting = createInspectorStore(limits);
    for (const batch of seen) reconnecting.getState().applyBatch(batch);

    client.write('two');
    await waitFor(() => rows(live, id).some((r) => r.text === 'two'));
    client.end();
    await waitFor(() => rows(live, id).some((r) => r.kind === 'fin'));

    const fresh = createInspectorStore(limits);
    const history = await restored(fresh, false);
    expect(history.seq).toBe(seen.at(-1)!.seq);
    expect(rows(fresh, id)).toEqual(rows(live, id));
    expect([...fresh.getState().connections.get(id)!.keys()]).toEqual([...live.getState().connections.get(id)!.keys()]);
    expect(fresh.getState().sessions.get(id)!.counters).toEqual({ rxBytes: 6, txBytes: 0, rxMessages: 2, txMessages: 0 });

    const partial = await restored(reconnecting, true, missedFrom);
    expect(partial.logs.find((l) => l.sessionId === id)!.follows).toBe(true);
    expect(rows(reconnecting, id)).toEqual(rows(live, id));
    expect(rows(reconnecting, id).filter((r) => r.text === 'one')).toHaveLength(1);
  });

  it('starts a log the engine could not keep whole with a row that counts what is not shown and says where it is', () => {
    const store = createInspectorStore(limits);
    const base = sessionInfo({ id: 's1', state: 'open' });
    const data = {
      type: 'data' as const,
      at: 1000,
      sessionId: 's1',
      dir: 'rx' as const,
      connId: 'c1',
      bytes: new TextEncoder().encode('newest'),
    };
    store
      .getState()
      .restore({ seq: 9, logs: [{ sessionId: 's1', follows: false, events: [data], dropped: 1234, recorded: true, base }] }, [base], false);
    const entries = store.getState().logs.get('s1')!.entries.toArray();
    expect(entries.map((e) => e.lifecycle?.kind ?? Buffer.from(e.bytes).toString())).toEqual(['not-kept', 'newest']);
    const t = translator('en');
    const format = (n: number) => n.toLocaleString('en');
    expect(lifecycleText(t, entries[0]!.lifecycle!, format)).toBe(
      '1,234 earlier events are not shown here: the engine keeps only the newest of each session; the recording has them',
    );
    expect(lifecycleText(translator('zh-CN'), { kind: 'not-kept', events: 1, recorded: false }, format)).toContain('未录制');
  });
});
