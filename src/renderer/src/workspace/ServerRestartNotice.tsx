import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import { ReopenSavedDialog } from './ReopenSavedDialog';
import { useWorkspace } from './workspace-context';
import type { SavedSession } from './workspace-store';

/**
 * After a browser-mode server restart the page's sessions are gone with the old process; this
 * says so, instead of an empty sidebar that looks as if nothing had been open, and offers to
 * open again what the workspace saved: all in one click, or those the user ticks.
 */
export function ServerRestartNotice() {
  const t = useT();
  const api = useApi();
  const ended = useInspector((state) => state.endedWithServer);
  const dismiss = useInspector((state) => state.dismissEndedWithServer);
  const select = useInspector((state) => state.select);
  const saved = useWorkspace((state) => state.savedSessions);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ name: string; error: AppError } | undefined>(undefined);
  const [choosing, setChoosing] = useState(false);
  if (ended === 0) return null;

  const reopen = async (chosen: readonly SavedSession[]) => {
    setBusy(true);
    setFailure(undefined);
    let firstFailure: { name: string; error: AppError } | undefined;
    let lastOpened: string | undefined;
    for (const session of chosen) {
      const result = await api.open({ config: session.config, keepIfFailed: false });
      if (result.ok) lastOpened = result.value.id;
      else firstFailure ??= { name: session.name, error: result.error };
    }
    setBusy(false);
    if (lastOpened !== undefined) select(lastOpened);
    if (firstFailure) setFailure(firstFailure);
    else dismiss();
  };

  return (
    <Alert
      severity="warning"
      role="alert"
      sx={{ borderRadius: 0 }}
      onClose={busy ? undefined : dismiss}
      closeText={t('workspace.restart.dismiss')}
    >
      <AlertTitle>{t('workspace.restart.title')}</AlertTitle>
      <Typography variant="body2">{t('workspace.restart.body', { count: ended })}</Typography>
      <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
        {saved.length > 0 ? (
          <>
            <Button variant="outlined" size="small" color="inherit" disabled={busy} onClick={() => void reopen(saved)}>
              {t('workspace.restart.reopen', { count: saved.length })}
            </Button>
            {saved.length > 1 ? (
              <Button size="small" color="inherit" disabled={busy} onClick={() => setChoosing(true)}>
                {t('workspace.restart.choose')}
              </Button>
            ) : null}
          </>
        ) : (
          <Typography variant="body2" color="text.secondary">
            {t('workspace.restart.noneSaved')}
          </Typography>
        )}
      </Stack>
      {failure ? (
        <ErrorAlert
          title={t('workspace.openFailed', { name: failure.name })}
          error={failure.error}
          onClose={() => setFailure(undefined)}
          sx={{ mt: 1 }}
        />
      ) : null}
      {choosing ? (
        <ReopenSavedDialog
          saved={saved}
          onClose={() => setChoosing(false)}
          onReopen={(chosen) => {
            setChoosing(false);
            void reopen(chosen);
          }}
        />
      ) : null}
    </Alert>
  );
}
