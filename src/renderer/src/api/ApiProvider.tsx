import type { ReactNode } from 'react';
import type { InspectorBridge } from '@shared/contract';
import { ApiContext } from './api-context';

export function ApiProvider({ bridge, children }: { bridge: InspectorBridge; children: ReactNode }) {
  return <ApiContext.Provider value={bridge}>{children}</ApiContext.Provider>;
}
