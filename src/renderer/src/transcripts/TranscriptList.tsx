import { memo, useId, useMemo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { OpenTranscript } from '../store/transcript-view';
import { SidebarHeading } from '../components/SidebarHeading';
import { KindEndpoint } from '../workspace/KindEndpoint';

const TranscriptItem = memo(function TranscriptItem({ transcript, selected }: { transcript: OpenTranscript; selected: boolean }) {
  const t = useT();
  const selectTranscript = useInspector((state) => state.selectTranscript);
  const closeTranscript = useInspector((state) => state.closeTranscript);
  return (
    <ListItem disablePadding divider sx={{ flexDirection: 'column', alignItems: 'stretch' }}>
      <ListItemButton selected={selected} onClick={() => selectTranscript(transcript.id)} sx={{ display: 'block', py: 0.5 }}>
        <Typography variant="body2" noWrap title={transcript.fileName} sx={{ fontWeight: 600 }}>
          {transcript.fileName}
        </Typography>
        <Typography variant="caption" color="text.secondary" component="div" noWrap>
          <KindEndpoint kind={transcript.kind} endpoint={transcript.endpoint} />
        </Typography>
      </ListItemButton>
      <Box sx={{ px: 1, pb: 0.5 }}>
        <Button aria-label={t('transcripts.closeLabel', { file: transcript.fileName })} onClick={() => closeTranscript(transcript.id)}>
          {t('transcripts.close')}
        </Button>
      </Box>
    </ListItem>
  );
});

/** Transcript files opened read-only, apart from the live sessions; none, and the section is not shown. */
export function TranscriptList() {
  const t = useT();
  const headingId = useId();
  const transcripts = useInspector((state) => state.transcripts);
  const selectedId = useInspector((state) => state.selectedTranscriptId);
  const list = useMemo(() => [...transcripts.values()], [transcripts]);
  if (list.length === 0) return null;
  return (
    <Box component="section" aria-labelledby={headingId} sx={{ borderTop: 1, borderColor: 'divider' }}>
      <SidebarHeading id={headingId}>{t('transcripts.heading', { count: list.length })}</SidebarHeading>
      <List aria-label={t('transcripts.list')} disablePadding>
        {list.map((transcript) => (
          <TranscriptItem key={transcript.id} transcript={transcript} selected={transcript.id === selectedId} />
        ))}
      </List>
    </Box>
  );
}
