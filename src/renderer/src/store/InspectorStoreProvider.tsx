import { useEffect, useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import { createInspectorStore, type InspectorStore } from './inspector-store';
import { StoreContext } from './store-context';

/** Feeds a store from the bridge: every event batch, plus the sessions that existed before us. */
export function InspectorStoreProvider({ store: given, children }: { store?: InspectorStore; children: ReactNode }) {
  const bridge = useApi();
  const [store] = useState(() => given ?? createInspectorStore());

  useEffect(() => {
    let live = true;
    const unsubscribe = bridge.onEvents((batch) => store.getState().applyBatch(batch));
    void bridge.list({}).then((result) => {
      if (live && result.ok) store.getState().seed(result.value);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [bridge, store]);

  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}
