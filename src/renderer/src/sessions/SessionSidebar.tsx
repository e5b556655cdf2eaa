import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useT } from '../i18n/i18n-context';
import { TranscriptList } from '../transcripts/TranscriptList';
import { SavedSessionList } from '../workspace/SavedSessionList';
import { useNewSession } from './new-session-context';
import { SessionList } from './SessionList';

/** Open sessions, saved ones, and the way to create a new one. */
export function SessionSidebar() {
  const t = useT();
  const openDialog = useNewSession();
  return (
    <>
      <Box sx={{ p: 1, borderBottom: 1, borderColor: 'divider' }}>
        <Button variant="contained" fullWidth onClick={() => openDialog()}>
          {t('sessions.new')}
        </Button>
      </Box>
      <SessionList />
      <TranscriptList />
      <SavedSessionList />
    </>
  );
}
