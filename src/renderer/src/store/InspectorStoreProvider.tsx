import { useEffect, useState, type ReactNode } from 'react';
import { useApi, useLink } from '../api/host-context';
import { createInspectorStore, DEFAULT_LIMITS, type InspectorStore } from './inspector-store';
import { browserStorage } from './persisted';
import { StoreContext } from './store-context';

/**
 * Feeds a store from the bridge: every event batch, plus the list of sessions each time the
 * link opens — first to learn the sessions that existed before us, after a reconnect because
 * events were missed, and after a server restart to start again from nothing.
 */
export function InspectorStoreProvider({ store: given, children }: { store?: InspectorStore; children: ReactNode }) {
  const bridge = useApi();
  const link = useLink();
  const [store] = useState(() => given ?? createInspectorStore(DEFAULT_LIMITS, { storage: browserStorage() }));

  useEffect(() => {
    let live = true;
    let wasOpen = false;
    let knownInstance: string | undefined;
    const unsubscribeEvents = bridge.onEvents((batch) => store.getState().applyBatch(batch));
    const sync = () => {
      const open = link.state() === 'open';
      const opened = open && !wasOpen;
      wasOpen = open;
      if (!opened) return;
      const instance = link.instance();
      const first = knownInstance === undefined;
      const restarted = !first && instance !== knownInstance;
      knownInstance = instance;
      if (restarted) store.getState().reset();
      void bridge.list({}).then((result) => {
        if (!live || !result.ok) return;
        if (first || restarted) store.getState().seed(result.value);
        else store.getState().resync(result.value);
      });
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
