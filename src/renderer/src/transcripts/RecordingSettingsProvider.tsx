import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { RecorderSettings } from '@shared/contract';
import { useApi, useLink } from '../api/host-context';
import { RecordingSettingsContext, type RecorderStatus, type RecordingSettingsValue } from './recording-settings-context';

const copySettings = (settings: RecorderSettings): RecorderSettings => ({
  folder: settings.folder,
  recordByDefault: settings.recordByDefault,
});

/**
 * Asks the engine for the recorder's settings each time the link opens: a restarted server may
 * have another folder, or none.
 */
export function RecordingSettingsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const link = useLink();
  const [status, setStatus] = useState<RecorderStatus>({ type: 'loading' });

  useEffect(() => {
    let live = true;
    let wasOpen = false;
    const load = () => {
      const open = link.state() === 'open';
      const opened = open && !wasOpen;
      wasOpen = open;
      if (!opened) return;
      void api.recordingSettings({}).then((result) => {
        if (!live) return;
        setStatus(result.ok ? { type: 'ready', settings: copySettings(result.value) } : { type: 'unavailable', error: result.error });
      });
    };
    const unsubscribe = link.subscribe(load);
    load();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [api, link]);

  const value = useMemo<RecordingSettingsValue>(
    () => ({
      status,
      setRecordByDefault: async (recordByDefault) => {
        const result = await api.recordingSettings({ recordByDefault });
        if (result.ok) setStatus({ type: 'ready', settings: copySettings(result.value) });
        return result;
      },
      replace: (settings) => setStatus({ type: 'ready', settings: copySettings(settings) }),
    }),
    [api, status],
  );

  return <RecordingSettingsContext.Provider value={value}>{children}</RecordingSettingsContext.Provider>;
}
