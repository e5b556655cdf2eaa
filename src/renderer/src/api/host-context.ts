import { createContext, useContext, useSyncExternalStore } from 'react';
import type { InspectorBridge } from '@shared/contract';
import type { FileAccess } from './files';
import type { Link, LinkState } from './link';

/** What the page is hosted by: the engine's API, whether it is reachable, and the user's files (docs/architecture.md § The renderer). */
export interface Host {
  api: InspectorBridge;
  /** Electron's bridge is always open; the browser's WebSocket comes and goes. */
  link: Link;
  files: FileAccess;
}

export const HostContext = createContext<Host | null>(null);

/** From context, so tests and each transport supply their own. */
export function useHost(): Host {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost needs a HostContext provider above it.');
  return host;
}

export const useApi = (): InspectorBridge => useHost().api;

export const useLink = (): Link => useHost().link;

export const useFiles = (): FileAccess => useHost().files;

export function useLinkState(): LinkState {
  const link = useLink();
  return useSyncExternalStore(link.subscribe, link.state);
}
