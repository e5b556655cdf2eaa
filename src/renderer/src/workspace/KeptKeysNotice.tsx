import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { AppCode } from '@shared/errors';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLanguage, useT } from '../i18n/i18n-context';
import { useKeptKeys } from './use-kept-keys';

/**
 * Keeps the saved sessions' keys in main (`useKeptKeys`) and says, under the top bar, each key
 * main refused: which saved session it belongs to, main's reason and what to do. A key that was
 * not written can be offered again once the user has made room; the others only dismissed.
 */
export function KeptKeysNotice() {
  const t = useT();
  const [language] = useLanguage();
  const { refusals, retry, dismiss } = useKeptKeys();
  if (refusals.length === 0) return null;
  const list = new Intl.ListFormat(language, { type: 'conjunction' });
  return (
    <Stack>
      {refusals.map((refusal) => {
        const params = { count: refusal.names.length, names: list.format(refusal.names) };
        return (
          <ErrorAlert
            key={refusal.id}
            title={t(refusal.action === 'keep' ? 'workspace.keys.notKept' : 'workspace.keys.notMoved', params)}
            error={refusal.error}
            sx={{ borderRadius: 0 }}
            action={
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', '& .MuiButton-root': { whiteSpace: 'nowrap' } }}>
                {/* Refused for the folder or the bound, which the user can put right; an unknown key stays unknown. */}
                {refusal.action === 'keep' && refusal.error.code === AppCode.BadState ? (
                  <Button color="inherit" size="small" variant="outlined" onClick={() => retry(refusal.id)}>
                    {t('workspace.keys.retry')}
                  </Button>
                ) : null}
                <Button color="inherit" size="small" onClick={() => dismiss(refusal.id)}>
                  {t('workspace.dismiss')}
                </Button>
              </Stack>
            }
          />
        );
      })}
    </Stack>
  );
}
