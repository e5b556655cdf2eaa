import { createContext, useContext } from 'react';
import type { SessionConfig, SessionKind } from '@shared/contract';

/** Opens the new-session dialog: new (of a kind), or filled in from a config (to duplicate a session). */
export type OpenNewSession = (from?: SessionConfig | { kind: SessionKind }) => void;

export const NewSessionContext = createContext<OpenNewSession>(() => undefined);

export function useNewSession(): OpenNewSession {
  return useContext(NewSessionContext);
}
