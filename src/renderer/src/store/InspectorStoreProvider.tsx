import { useEffect, useState, type ReactNode } from 'react';
import type { EventBatch } from '@shared/contract';
import { useApi, useLink } from '../api/host-context';
import { createInspectorStore, DEFAULT_LIMITS, type InspectorStore } from './inspector-store';
import { browserStorage } from './persisted';
import { StoreContext } from './store-context';

/**
 * Feeds a store from the bridge: every event batch, plus, each time the link opens, what the
 * engine kept of each session's log (`history`) and the list of sessions — first to show what
 * existed before us (a reload keeps the log), after a reconnect to fill in what was missed, and
 * after a server restart to start again from nothing.
 *
 * Batches are numbered: those that come while history is on its way wait, and only those after
 * the batch it ends with are applied, so no row is shown twice or lost between the two.
 */
export function InspectorStoreProvider({ store: given, children }: { store?: InspectorStore; children: ReactNode }) {
  const bridge = useApi();
  const link = useLink();
  const [store] = useState(() => given ?? createInspectorStore(DEFAULT_LIMITS, { storage: browserStorage() }));

  useEffect(() => {
    let live = true;
    let wasOpen = false;
    let knownInstance: string | undefined;
    /** The last numbered batch applied. */
    let lastSeq: number | undefined;
    /** Batches that came while history was asked for; undefined when none is. */
    let waiting: EventBatch[] | undefined;
    let syncs = 0;
    const apply = (batch: EventBatch) => {
      if (batch.seq !== undefined) {
        if (lastSeq !== undefined && batch.seq <= lastSeq) return;
        lastSeq = batch.seq;
      }
      store.getState().applyBatch(batch);
    };
    // A batch without a number cannot be placed against history: it goes as it comes.
    const unsubscribeEvents = bridge.onEvents((batch) => {
      if (waiting && batch.seq !== undefined) waiting.push(batch);
      else apply(batch);
    });
    const sync = () => {
      const open = link.state() === 'open';
      const opened = open && !wasOpen;
      wasOpen = open;
      if (!opened) return;
      const instance = link.instance();
      const first = knownInstance === undefined;
      const restarted = !first && instance !== knownInstance;
      knownInstance = instance;
      if (restarted) {
        store.getState().endWithServer();
        lastSeq = undefined;
      }
      const after = first || restarted ? undefined : lastSeq;
      const mine = (syncs += 1);
      waiting ??= [];
      void (async () => {
        const history = await bridge.history(after === undefined ? {} : { after });
        const list = await bridge.list({});
        if (!live || mine !== syncs) return;
        if (list.ok) {
          if (history.ok) {
            store.getState().restore(history.value, list.value, !(first || restarted));
            lastSeq = history.value.seq;
          } else if (first || restarted) store.getState().seed(list.value);
          else store.getState().resync(list.value);
        }
        const held = waiting ?? [];
        waiting = undefined;
        for (const batch of held) apply(batch);
      })();
    };
    const unsubscribeLink = link.subscribe(sync);
    sync();
    return () => {
      live = false;
      unsubscribeEvents();
      unsubscribeLink();
    };
  }, [bridge, link, store]);

  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}
