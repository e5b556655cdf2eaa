import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { REMOVE_UNDO_MS } from '@shared/limits';
import type { AppError, Result } from '@shared/result';
import { useT } from '../i18n/i18n-context';
import { ErrorAlert } from './ErrorAlert';

/** Something just done that one click can take back, for REMOVE_UNDO_MS. */
export interface UndoOffer {
  /** What was done, in the user's words. */
  message: string;
  undo: () => Promise<Result<unknown>> | void;
}

const OfferUndo = createContext<(offer: UndoOffer) => void>(() => undefined);

/** Offers an undo in the one snackbar: a newer offer takes the place of the one shown. */
export function useOfferUndo(): (offer: UndoOffer) => void {
  return useContext(OfferUndo);
}

export function UndoProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [offer, setOffer] = useState<UndoOffer | undefined>(undefined);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The offer on screen, read after an undo's await: a newer one may have taken its place.
  const shown = useRef<UndoOffer | undefined>(undefined);

  const offerUndo = useCallback((next: UndoOffer) => {
    setFailure(undefined);
    setOffer(next);
  }, []);

  // A timer of our own rather than autoHideDuration, which stops while the pointer is over the
  // snackbar: the engine forgets a removed session on its own clock, and the Undo must not outlive it.
  useEffect(() => {
    shown.current = offer;
    if (!offer) return undefined;
    const timer = setTimeout(() => setOffer((current) => (current === offer ? undefined : current)), REMOVE_UNDO_MS);
    return () => clearTimeout(timer);
  }, [offer]);

  const undo = async () => {
    const taken = shown.current;
    if (!taken || busy) return;
    setBusy(true);
    const result = await taken.undo();
    setBusy(false);
    if (shown.current !== taken) return;
    setOffer(undefined);
    if (result && !result.ok) setFailure(result.error);
  };

  return (
    <OfferUndo.Provider value={offerUndo}>
      {children}
      <Snackbar
        open={offer !== undefined}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
        message={offer?.message}
        action={
          <Button color="inherit" size="small" disabled={busy} onClick={() => void undo()} sx={{ fontWeight: 700 }}>
            {t('undo.action')}
          </Button>
        }
      />
      <Snackbar open={failure !== undefined} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        <div>{failure ? <ErrorAlert title={t('undo.failed')} error={failure} onClose={() => setFailure(undefined)} /> : null}</div>
      </Snackbar>
    </OfferUndo.Provider>
  );
}
