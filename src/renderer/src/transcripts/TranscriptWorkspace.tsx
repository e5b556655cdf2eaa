import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { formatClock } from '../format';
import { useSay, useT } from '../i18n/i18n-context';
import { CountersText } from '../components/CountersText';
import { useInspector } from '../store/store-context';
import type { OpenTranscript } from '../store/transcript-view';
import { KindEndpoint } from '../workspace/KindEndpoint';

/** How the file ends, said once above the log when it did not end cleanly. */
function EndingBanner({ transcript }: { transcript: OpenTranscript }) {
  const t = useT();
  const say = useSay();
  const { ending } = transcript;
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

/** What the file is, who wrote it and how it ends; the rest of an opened transcript is drawn as a live session's is. */
export function TranscriptHeader({ transcript }: { transcript: OpenTranscript }) {
  const t = useT();
  const closeTranscript = useInspector((state) => state.closeTranscript);
  const started = new Date(transcript.startedAt);
  return (
    <Box
      component="header"
      sx={{ px: 1.5, py: 0.5, borderBottom: 1, borderColor: 'divider', flex: 'none', maxHeight: '30vh', overflow: 'auto' }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h2" sx={{ wordBreak: 'break-all', minWidth: 0 }}>
          {transcript.fileName}
        </Typography>
        <Chip size="small" variant="outlined" label={t('transcripts.readOnly')} sx={{ flex: 'none' }} />
        <Box sx={{ flex: 1 }} />
        <Button
          aria-label={t('transcripts.closeLabel', { file: transcript.fileName })}
          onClick={() => closeTranscript(transcript.id)}
          sx={{ flex: 'none' }}
        >
          {t('transcripts.close')}
        </Button>
      </Stack>
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2">
          <KindEndpoint kind={transcript.kind} endpoint={transcript.endpoint} />
        </Typography>
        <CountersText counters={transcript.counters} />
      </Stack>
      <Typography variant="body2" color="text.secondary">
        {t('transcripts.about', {
          date: started.toLocaleDateString(),
          time: formatClock(transcript.startedAt),
          app: transcript.writtenBy,
          session: transcript.sessionId,
          records: transcript.records,
          format: t(transcript.source === 'pcapng' ? 'transcripts.format.pcapng' : 'transcripts.format.jsonl'),
        })}
      </Typography>
      <EndingBanner transcript={transcript} />
    </Box>
  );
}
