import { useMemo } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateChip } from '../components/StateChip';
import { CountersText } from '../components/CountersText';
import { formatClock } from '../format';
import { useErrorWords, useSay, useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { SessionShape } from '../store/stable-views';
import type { SessionErrorEntry } from '../store/views';
import type { OpenTranscript, TranscriptEnding, TranscriptErrorEntry } from '../store/transcript-view';
import { MONO_FONT } from '../theme';
import { SessionRecording } from '../transcripts/SessionRecording';
import { SessionCounters } from './SessionCounters';
import { KindEndpoint } from '../workspace/KindEndpoint';
import { ReconnectNote } from './ReconnectNote';
import type { CountersSource, SessionHeaderModel, TranscriptFileModel } from './session-header-model';
import { TlsBadge } from './TlsDetailsView';

const FORMAT_NAMES = {
  recording: 'transcripts.format.recording',
  jsonl: 'transcripts.format.jsonl',
  pcapng: 'transcripts.format.pcapng',
} as const satisfies Record<OpenTranscript['source'], string>;

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

/** How a transcript's file ends, said once below the header when it did not end cleanly. */
function EndingBanner({ ending }: { ending: TranscriptEnding }) {
  const t = useT();
  const say = useSay();
  switch (ending.type) {
    case 'ended':
      return null;
    case 'unended':
      return (
        <Alert severity="info" sx={{ mt: 1 }} data-testid="transcript-ending">
          {t('transcripts.unended')}
        </Alert>
      );
    case 'torn':
      return (
        <Alert severity="warning" sx={{ mt: 1 }} data-testid="transcript-ending">
          {t('transcripts.torn', { offset: ending.offset, records: ending.records })}
        </Alert>
      );
    case 'corrupt':
      return (
        <Alert severity="warning" sx={{ mt: 1 }} data-testid="transcript-ending">
          <AlertTitle>{t('transcripts.corrupt', { offset: ending.offset, records: ending.records })}</AlertTitle>
          <Typography variant="body2">{say(ending.message)}</Typography>
        </Alert>
      );
  }
}

function HeaderCounters({ source }: { source: CountersSource }) {
  return source.type === 'session' ? <SessionCounters sessionId={source.sessionId} /> : <CountersText counters={source.counters} />;
}

/** A transcript's close button: it forgets the file, nothing on the engine. */
function CloseTranscriptButton({ file }: { file: TranscriptFileModel }) {
  const t = useT();
  const closeTranscript = useInspector((state) => state.closeTranscript);
  return (
    <Button aria-label={t('transcripts.closeLabel', { file: file.name })} onClick={() => closeTranscript(file.id)} sx={{ flex: 'none' }}>
      {t('transcripts.close')}
    </Button>
  );
}

/**
 * What the session is and how it stands, in as few rows as fit: the log gets the rest of the
 * height. A live session's and an opened transcript's alike; a transcript's heading is its file.
 */
export function SessionHeader({ model }: { model: SessionHeaderModel }) {
  const t = useT();
  const { live, file } = model;
  const endpoint = <KindEndpoint kind={model.kind} endpoint={model.endpoint} />;
  return (
    <Box
      component="header"
      data-testid="session-header"
      sx={{ px: 1.5, py: 0.5, borderBottom: 1, borderColor: 'divider', flex: 'none', maxHeight: '30vh', overflow: 'auto' }}
    >
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0 }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 500, wordBreak: 'break-all', minWidth: 0 }}>
          {file ? file.name : endpoint}
        </Typography>
        {live ? (
          <StateChip state={live.state} />
        ) : (
          <Chip size="small" variant="outlined" label={t('transcripts.readOnly')} sx={{ flex: 'none' }} />
        )}
        {model.config ? <TlsBadge config={model.config} /> : null}
        {file ? <Typography variant="body2">{endpoint}</Typography> : null}
        {model.local ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('header.local', { endpoint: model.local })}
          </Typography>
        ) : null}
        {model.remote ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('header.remote', { endpoint: model.remote })}
          </Typography>
        ) : null}
        <HeaderCounters source={model.counters} />
        {live ? (
          <>
            <ReconnectNote session={live} />
            <SessionRecording key={live.id} session={live} />
          </>
        ) : null}
        {file ? (
          <>
            <Box sx={{ flex: 1 }} />
            <CloseTranscriptButton file={file} />
          </>
        ) : null}
      </Stack>
      {file ? (
        <Typography variant="body2" color="text.secondary">
          {t('transcripts.about', {
            date: new Date(file.startedAt).toLocaleDateString(),
            time: formatClock(file.startedAt),
            app: file.writtenBy,
            session: file.sessionId,
            records: file.records,
            format: t(FORMAT_NAMES[file.source]),
          })}
        </Typography>
      ) : null}
      {live?.state === 'error' && live.error ? (
        <Box sx={{ mt: 0.5 }}>
          <ErrorAlert title={t('header.sessionError')} error={live.error} />
        </Box>
      ) : null}
      {file ? <EndingBanner ending={file.ending} /> : null}
    </Box>
  );
}
