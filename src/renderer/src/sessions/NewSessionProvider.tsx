import { useCallback, useState, type ReactNode } from 'react';
import type { SessionConfig, SessionKind } from '@shared/contract';
import { NewSessionContext } from './new-session-context';
import { lazyPart } from '../lazy-part';
import { formFromConfig, type SessionForm } from './session-form';

/** The new-session dialog: the first screen draws none. */
export const newSessionDialogPart = lazyPart(() => import('./NewSessionDialog'));

/** The one new-session dialog, which the sidebar, the start screen and a session's menu all open. */
export function NewSessionProvider({ children }: { children: ReactNode }) {
  const [dialog, setDialog] = useState<{ open: boolean; initial: SessionForm | SessionKind; key: number }>({
    open: false,
    initial: 'tcp-server',
    key: 0,
  });
  const openDialog = useCallback(
    (from?: SessionConfig | { kind: SessionKind }) =>
      setDialog((prev) => ({
        open: true,
        // A config has a host; a kind alone asks for a new session of that kind.
        initial: from === undefined ? 'tcp-server' : 'host' in from ? formFromConfig(from) : from.kind,
        key: prev.key + 1,
      })),
    [],
  );
  // Asked for once, it stays mounted, so that closing it runs its closing transition.
  const dialogPart = newSessionDialogPart.useLoaded(dialog.key > 0);
  const NewSessionDialog = dialog.key > 0 ? dialogPart?.NewSessionDialog : undefined;
  return (
    <NewSessionContext.Provider value={openDialog}>
      {children}
      {NewSessionDialog ? (
        <NewSessionDialog
          key={dialog.key}
          open={dialog.open}
          initial={dialog.initial}
          onClose={() => setDialog((prev) => ({ ...prev, open: false }))}
        />
      ) : null}
    </NewSessionContext.Provider>
  );
}
