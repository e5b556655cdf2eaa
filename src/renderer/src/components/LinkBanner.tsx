import Alert from '@mui/material/Alert';
import { useLinkState } from '../api/host-context';
import { useT } from '../i18n/i18n-context';

/** Says plainly when the page cannot reach the engine, so nobody mistakes silence for no traffic. */
export function LinkBanner() {
  const t = useT();
  const state = useLinkState();
  if (state === 'open') return null;
  return (
    <Alert severity={state === 'closed' ? 'error' : 'warning'} role="alert" sx={{ borderRadius: 0 }}>
      {state === 'closed' ? t('link.closed') : t('link.connecting')}
    </Alert>
  );
}
