import { useMemo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateChip } from '../components/StateChip';
import { formatClock, endpointText } from '../format';
import { useErrorWords, useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { SessionShape } from '../store/stable-views';
import type { SessionErrorEntry } from '../store/views';
import type { TranscriptErrorEntry } from '../store/transcript-view';
import { MONO_FONT } from '../theme';
import { SessionRecording } from '../transcripts/SessionRecording';
import { SessionCounters } from './SessionCounters';
import { KindEndpoint } from '../workspace/KindEndpoint';
import { ReconnectNote } from './ReconnectNote';
import { sessionEndpoint } from './session-format';
import { TlsBadge } from './TlsDetailsView';

const NO_ERRORS: readonly SessionErrorEntry[] = [];

/** The session's recent errors (those its recording's own alert does not already show); none: an empty list. */
export function useSessionErrors(session: SessionShape): readonly SessionErrorEntry[] {
  const allErrors = useInspector((state) => state.errors.get(session.id) ?? NO_ERRORS);
  // A failed recording reports its error as an event too; the recording's own alert shows it, once.
  const recordingError = session.recording?.error;
  return useMemo(
    () =>
      recordingError
        ? allErrors.filter((entry) => entry.error.code !== recordingError.code || entry.error.message !== recordingError.message)
        : allErrors,
    [allErrors, recordingError],
  );
}

/** The recent errors, newest last, with their hints: the contents of the workspace's errors section. */
export function SessionErrors({ errors }: { errors: readonly (SessionErrorEntry | TranscriptErrorEntry)[] }) {
  const t = useT();
  const words = useErrorWords();
  return (
    <Box component="ul" sx={{ m: 0, px: 1.5, pl: 4, pb: 0.5 }}>
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
  );
}

/** Dismisses the errors shown: the errors section's action. */
export function DismissErrorsButton({ sessionId }: { sessionId: string }) {
  const t = useT();
  const dismissErrors = useInspector((state) => state.dismissErrors);
  return (
    <Button size="small" onClick={() => dismissErrors(sessionId)}>
      {t('header.dismissErrors')}
    </Button>
  );
}

/** What the session is and how it stands, in as few rows as fit: the log gets the rest of the height. */
export function SessionHeader({ session }: { session: SessionShape }) {
  const t = useT();
  const remote = session.kind === 'tcp-client' ? sessionEndpoint(session) : undefined;

  return (
    <Box
      component="header"
      sx={{ px: 1.5, py: 0.5, borderBottom: 1, borderColor: 'divider', flex: 'none', maxHeight: '30vh', overflow: 'auto' }}
    >
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0 }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 500 }}>
          <KindEndpoint kind={session.kind} endpoint={sessionEndpoint(session)} />
        </Typography>
        <StateChip state={session.state} />
        <TlsBadge config={session.config} />
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
        <SessionRecording key={session.id} session={session} />
      </Stack>
      {session.state === 'error' && session.error ? (
        <Box sx={{ mt: 0.5 }}>
          <ErrorAlert title={t('header.sessionError')} error={session.error} />
        </Box>
      ) : null}
    </Box>
  );
}
