import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatByteSize } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import type { SessionShape } from '../store/stable-views';
import type { RecordingView } from '../store/views';
import { MONO_FONT } from '../theme';
import { RecordingDot } from './RecordingDot';
import { useRecordingSettings } from './recording-settings-context';
import { SaveTranscriptMenu } from './SaveTranscriptMenu';

/** What is being written, where (the full path on hover or focus), and how much so far. */
function RecordingStatus({ recording }: { recording: RecordingView | undefined }) {
  const t = useT();
  const formatNumber = useFormatNumber();
  const active = recording?.active === true;
  return (
    <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center', minWidth: 0 }} data-testid="recording-status">
      <RecordingDot active={active} />
      <Typography variant="body2" sx={{ fontWeight: 600, color: active ? 'error.main' : 'text.secondary', flex: 'none' }}>
        {t(active ? 'transcripts.recording' : 'transcripts.notRecording')}
      </Typography>
      {recording ? (
        <Tooltip title={recording.path} describeChild>
          <Typography
            variant="body2"
            tabIndex={0}
            noWrap
            color={active ? 'text.primary' : 'text.secondary'}
            sx={{ fontFamily: MONO_FONT, minWidth: 0 }}
            aria-label={t(active ? 'transcripts.fileLabel' : 'transcripts.lastFileLabel', { file: recording.fileName })}
          >
            {active ? recording.fileName : t('transcripts.lastFile', { file: recording.fileName })}
          </Typography>
        </Tooltip>
      ) : null}
      {recording ? (
        <Typography variant="caption" color="text.secondary" sx={{ flex: 'none' }}>
          {formatByteSize(recording.bytes, formatNumber)}
        </Typography>
      ) : null}
    </Stack>
  );
}

/** The session's recording: its state, start and stop, saving, and what went wrong. */
export function SessionRecording({ session }: { session: SessionShape }) {
  const t = useT();
  const api = useApi();
  const recorder = useRecordingSettings().status;
  const { recording } = session;
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  // The error belongs to one file: dismissed, it stays away until another file fails.
  const [dismissedFile, setDismissedFile] = useState<number | undefined>(undefined);

  const record = async (action: 'start' | 'stop') => {
    setBusy(true);
    setFailure(undefined);
    const result = await api.record({ sessionId: session.id, action });
    setBusy(false);
    if (!result.ok) setFailure(result.error);
  };

  // Without a recorder nothing can be recorded; a session that never was has nothing to show.
  if (recorder.type === 'unavailable' && !recording) return null;
  const active = recording?.active === true;
  const error = recording?.error;

  return (
    <Box component="section" aria-label={t('transcripts.section')} sx={{ minWidth: 0 }}>
      {/* One line: in a narrow window the file's name gives way (its whole path is on hover), not the buttons. */}
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', '& > button': { flex: 'none' } }}>
        <RecordingStatus recording={recording} />
        {active ? (
          <Button disabled={busy} onClick={() => void record('stop')}>
            {t('transcripts.stop')}
          </Button>
        ) : recorder.type !== 'unavailable' ? (
          <Button disabled={busy} onClick={() => void record('start')}>
            {t('transcripts.start')}
          </Button>
        ) : null}
        <SaveTranscriptMenu sessionId={session.id} hasRecording={recording !== undefined} />
      </Stack>
      {error && recording && dismissedFile !== recording.startedAt ? (
        <ErrorAlert
          title={t('transcripts.failed', { file: recording.fileName })}
          error={error}
          sx={{ mt: 0.75 }}
          action={
            <Stack direction="row" spacing={0.5} sx={{ alignSelf: 'center' }}>
              <Button color="inherit" variant="outlined" disabled={busy} onClick={() => void record('start')}>
                {t('transcripts.recordAgain')}
              </Button>
              <Button color="inherit" onClick={() => setDismissedFile(recording.startedAt)}>
                {t('transcripts.dismiss')}
              </Button>
            </Stack>
          }
        >
          <Typography variant="body2" sx={{ mt: 0.5, color: 'text.secondary' }}>
            {t('transcripts.failedNote')}
          </Typography>
        </ErrorAlert>
      ) : null}
      {/* A start that fails leaves the same error on the recording: the alert above says it. */}
      {failure && failure.message !== error?.message ? (
        <Box sx={{ mt: 0.75 }}>
          <ErrorAlert title={t('transcripts.actionFailed')} error={failure} onClose={() => setFailure(undefined)} />
        </Box>
      ) : null}
    </Box>
  );
}
