import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { InspectorState, InspectorStore } from './inspector-store';

export const StoreContext = createContext<InspectorStore | null>(null);

export function useInspectorStore(): InspectorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useInspector needs an <InspectorStoreProvider> above it.');
  return store;
}

/** Select from the store; return stored references (not fresh arrays) so renders stay rare. */
export function useInspector<T>(selector: (state: InspectorState) => T): T {
  return useStore(useInspectorStore(), selector);
}
