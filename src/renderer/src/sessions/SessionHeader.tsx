import { useMemo } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateChip } from '../components/StateChip';
import { formatClock, endpointText } from '../format';
import { useErrorWords, useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { SessionShape } from '../store/stable-views';
import type { SessionErrorEntry } from '../store/views';
import { MONO_FONT } from '../theme';
import { SessionRecording } from '../transcripts/SessionRecording';
import { SessionCounters } from './SessionCounters';
import { ReconnectNote } from './ReconnectNote';
import { sessionEndpoint } from './session-format';

const NO_ERRORS: readonly SessionErrorEntry[] = [];

export function SessionHeader({ session }: { session: SessionShape }) {
  const t = useT();
  const words = useErrorWords();
  const allErrors = useInspector((state) => state.errors.get(session.id) ?? NO_ERRORS);
  // A failed recording reports its error as an event too; the recording's own alert shows it, once.
  const recordingError = session.recording?.error;
  const errors = useMemo(
    () =>
      recordingError
        ? allErrors.filter((entry) => entry.error.code !== recordingError.code || entry.error.message !== recordingError.message)
        : allErrors,
    [allErrors, recordingError],
  );
  const dismissErrors = useInspector((state) => state.dismissErrors);
  const remote = session.kind === 'tcp-client' ? sessionEndpoint(session) : undefined;

  return (
    <Box
      component="header"
      sx={{ px: 1.5, py: 1, borderBottom: 1, borderColor: 'divider', flex: 'none', maxHeight: '35vh', overflow: 'auto' }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2">
          {t(`kind.${session.kind}`)}{' '}
          <Box component="span" sx={{ fontFamily: MONO_FONT }}>
            {sessionEndpoint(session)}
          </Box>
        </Typography>
        <StateChip state={session.state} />
        {session.local ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('header.local', { endpoint: (session.locals ?? [session.local]).map(endpointText).join(', ') })}
          </Typography>
        ) : null}
        {remote ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('header.remote', { endpoint: remote })}
          </Typography>
        ) : null}
        <SessionCounters sessionId={session.id} />
        <ReconnectNote session={session} />
      </Stack>
      <SessionRecording key={session.id} session={session} />
      {session.state === 'error' && session.error ? (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert title={t('header.sessionError')} error={session.error} />
        </Box>
      ) : null}
      {errors.length > 0 ? (
        <Alert severity="warning" sx={{ mt: 1 }} onClose={() => dismissErrors(session.id)} closeText={t('header.dismissErrors')}>
          <AlertTitle>{t('header.recentErrors')}</AlertTitle>
          <Box component="ul" sx={{ m: 0, pl: 2 }}>
            {errors.map((entry) => (
              <li key={entry.id}>
                <Typography variant="body2">
                  {formatClock(entry.at)} {entry.connId ? `${t('header.onConnection', { connId: entry.connId })} ` : ''}
                  {words(entry.error).message}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {t('error.hint', { hint: words(entry.error).hint })}
                </Typography>
              </li>
            ))}
          </Box>
        </Alert>
      ) : null}
    </Box>
  );
}
