import { useCallback, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { SessionConfig, SessionKind } from '@shared/contract';
import { useT } from '../i18n/i18n-context';
import { TranscriptList } from '../transcripts/TranscriptList';
import { SavedSessionList } from '../workspace/SavedSessionList';
import { NewSessionContext } from './new-session-context';
import { NewSessionDialog } from './NewSessionDialog';
import { formFromConfig, type SessionForm } from './session-form';
import { SessionList } from './SessionList';

/** Open sessions, saved ones, and the way to create a new one. */
export function SessionSidebar() {
  const t = useT();
  const [dialog, setDialog] = useState<{ open: boolean; initial: SessionForm | SessionKind; key: number }>({
    open: false,
    initial: 'tcp-server',
    key: 0,
  });
  const openDialog = useCallback(
    (from?: SessionConfig | { kind: SessionKind }) =>
      setDialog((prev) => ({
        open: true,
        // A config has a host; a kind alone asks for a new session of that kind.
        initial: from === undefined ? 'tcp-server' : 'host' in from ? formFromConfig(from) : from.kind,
        key: prev.key + 1,
      })),
    [],
  );

  return (
    <NewSessionContext.Provider value={openDialog}>
      <Box sx={{ p: 1, borderBottom: 1, borderColor: 'divider' }}>
        <Button variant="contained" fullWidth onClick={() => openDialog()}>
          {t('sessions.new')}
        </Button>
      </Box>
      <SessionList />
      <TranscriptList />
      <SavedSessionList />
      <NewSessionDialog
        key={dialog.key}
        open={dialog.open}
        initial={dialog.initial}
        onClose={() => setDialog((prev) => ({ ...prev, open: false }))}
      />
    </NewSessionContext.Provider>
  );
}
