import { createContext, useContext } from 'react';
import type { RecorderSettings } from '@shared/contract';
import type { AppError, Result } from '@shared/result';

/** The recorder's settings as last heard from the engine. */
export type RecorderStatus =
  | { type: 'loading' }
  | { type: 'ready'; settings: RecorderSettings }
  /** The engine has no recorder (or could not be asked): recording controls stay hidden. */
  | { type: 'unavailable'; error: AppError };

export interface RecordingSettingsValue {
  status: RecorderStatus;
  setRecordByDefault(recordByDefault: boolean): Promise<Result<RecorderSettings>>;
  /** Settings the host answered with (a new folder chosen in its dialog). */
  replace(settings: RecorderSettings): void;
}

const fallback: RecordingSettingsValue = {
  status: { type: 'loading' },
  setRecordByDefault: () => new Promise(() => undefined),
  replace: () => undefined,
};

export const RecordingSettingsContext = createContext<RecordingSettingsValue>(fallback);

export function useRecordingSettings(): RecordingSettingsValue {
  return useContext(RecordingSettingsContext);
}
