import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ComposerDrafts } from './composer-drafts';
import type { PayloadLibraryState, PayloadLibraryStore } from './payload-library';
import type { SendHistoryState, SendHistoryStore } from './send-history';

/** The composer's saved payloads and send history, created by the app that shows them. */
export interface ComposerStores {
  payloads: PayloadLibraryStore;
  sendHistory: SendHistoryStore;
  drafts: ComposerDrafts;
}

export const ComposerStoresContext = createContext<ComposerStores | null>(null);

function useComposerStores(): ComposerStores {
  const stores = useContext(ComposerStoresContext);
  if (!stores) throw new Error('The composer needs a ComposerStoresContext provider above it.');
  return stores;
}

export const usePayloadLibraryStore = (): PayloadLibraryStore => useComposerStores().payloads;

export function usePayloadLibrary<T>(selector: (state: PayloadLibraryState) => T): T {
  return useStore(usePayloadLibraryStore(), selector);
}

export function useSendHistory<T>(selector: (state: SendHistoryState) => T): T {
  return useStore(useComposerStores().sendHistory, selector);
}

export const useComposerDrafts = (): ComposerDrafts => useComposerStores().drafts;
