import { useState } from 'react';
import type { SessionConfig } from '@shared/contract';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { useInspector } from '../store/store-context';
import { useWorkspace } from './workspace-context';

/** Opens a session from a known config in one step, remembering the endpoint and selecting it. */
export function useOpenConfig(): {
  openConfig: (config: SessionConfig) => Promise<void>;
  busy: boolean;
  failure: AppError | undefined;
  clearFailure: () => void;
} {
  const api = useApi();
  const select = useInspector((state) => state.select);
  const rememberEndpoint = useWorkspace((state) => state.rememberEndpoint);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);

  const openConfig = async (config: SessionConfig) => {
    setBusy(true);
    setFailure(undefined);
    // A failed open leaves nothing behind: the user tries again from the same place.
    const result = await api.open({ config, keepIfFailed: false });
    setBusy(false);
    if (!result.ok) {
      setFailure(result.error);
      return;
    }
    rememberEndpoint({ kind: config.kind, host: config.host, port: config.port });
    select(result.value.id);
  };
  return { openConfig, busy, failure, clearFailure: () => setFailure(undefined) };
}
