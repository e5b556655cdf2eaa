import { createContext, useContext } from 'react';
import type { SessionConfig } from '@shared/contract';

/** Opens the new-session dialog, empty or filled in from a config (to duplicate a session). */
export type OpenNewSession = (from?: SessionConfig) => void;

export const NewSessionContext = createContext<OpenNewSession>(() => undefined);

export function useNewSession(): OpenNewSession {
  return useContext(NewSessionContext);
}
