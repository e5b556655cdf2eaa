import { createContext, useContext, useSyncExternalStore } from 'react';
import { alwaysOpen, type Link, type LinkState } from './link';

export const LinkContext = createContext<Link>(alwaysOpen);

export function useLink(): Link {
  return useContext(LinkContext);
}

export function useLinkState(): LinkState {
  const link = useLink();
  return useSyncExternalStore(link.subscribe, link.state);
}
