import { createContext, useContext } from 'react';
import type { InspectorBridge } from '@shared/contract';

export const ApiContext = createContext<InspectorBridge | null>(null);

/** The API, from context, so tests and other transports can supply their own. */
export function useApi(): InspectorBridge {
  const bridge = useContext(ApiContext);
  if (!bridge) throw new Error('useApi needs an <ApiProvider> above it.');
  return bridge;
}
