import { memo, useId, useState } from 'react';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import { REMOVE_KEEP_MS } from '@shared/limits';
import type { AppError, Result } from '@shared/result';
import { useApi } from '../api/host-context';
import { AutomationBadge } from '../automation/AutomationBadge';
import { ErrorAlert } from '../components/ErrorAlert';
import { MoreIcon } from '../components/MoreIcon';
import { StateChip } from '../components/StateChip';
import { useOfferUndo } from '../components/UndoProvider';
import { useT } from '../i18n/i18n-context';
import { useSessionShape, type SessionShape } from '../store/stable-views';
import { useInspector } from '../store/store-context';
import { MONO_FONT } from '../theme';
import { RecordingDot } from '../transcripts/RecordingDot';
import { useWorkspace } from '../workspace/workspace-context';

import { copyConfig } from '../workspace/workspace-store';
import { SessionCounters } from './SessionCounters';
import { useNewSession } from './new-session-context';
import { ReconnectNote } from './ReconnectNote';
import { sessionEndpoint, sessionName } from './session-format';

export const SessionListItem = memo(function SessionListItem({ sessionId, selected }: { sessionId: string; selected: boolean }) {
  const session = useSessionShape(sessionId);
  return session ? <SessionItem session={session} selected={selected} /> : null;
});

function SessionItem({ session, selected }: { session: SessionShape; selected: boolean }) {
  const t = useT();
  const api = useApi();
  const menuId = useId();
  const select = useInspector((state) => state.select);
  const saveSession = useWorkspace((state) => state.saveSession);
  const openNewSession = useNewSession();
  const offerUndo = useOfferUndo();
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const name = sessionName(t, session);
  const { state } = session;
  const canClose = state === 'opening' || state === 'open';
  const canReopen = state === 'closed' || state === 'error';
  // The config came over the bridge: re-read through the schema rather than kept as is.
  const config = copyConfig(session.config);

  const run = async (action: () => Promise<Result<unknown>>) => {
    setBusy(true);
    setFailure(undefined);
    const result = await action();
    setBusy(false);
    if (!result.ok) setFailure(result.error);
  };

  return (
    <ListItem disablePadding divider sx={{ flexDirection: 'column', alignItems: 'stretch' }}>
      <ListItemButton selected={selected} onClick={() => select(session.id)} sx={{ display: 'block', py: 0.5 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {t(`kind.${session.kind}`)}
          </Typography>
          {session.recording?.active ? (
            <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', ml: 'auto' }}>
              <RecordingDot active />
              <Typography variant="caption" sx={{ color: 'error.main', fontWeight: 600 }}>
                {t('transcripts.recording')}
              </Typography>
            </Stack>
          ) : null}
          <StateChip state={state} />
        </Stack>
        <Typography variant="body2" sx={{ fontFamily: MONO_FONT, wordBreak: 'break-all' }}>
          {sessionEndpoint(session)}
        </Typography>
        <ReconnectNote session={session} />
        <AutomationBadge session={session} />
        <SessionCounters sessionId={session.id} />
      </ListItemButton>
      <Stack direction="row" spacing={0.5} sx={{ px: 1, pb: 0.5, alignItems: 'center' }}>
        <Button
          aria-label={t('sessions.closeLabel', { name })}
          disabled={busy || !canClose}
          onClick={() => void run(() => api.close({ sessionId: session.id }))}
        >
          {t('sessions.close')}
        </Button>
        <Button
          aria-label={t('sessions.reopenLabel', { name })}
          disabled={busy || !canReopen}
          onClick={() => void run(() => api.reopen({ sessionId: session.id }))}
        >
          {t('sessions.reopen')}
        </Button>
        <Button
          aria-label={t('sessions.removeLabel', { name })}
          color="error"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const removed = await api.remove({ sessionId: session.id, keepForUndoMs: REMOVE_KEEP_MS });
              if (removed.ok) {
                offerUndo({
                  message: t('sessions.removed', { name }),
                  undo: async () => {
                    const restored = await api.restore({ sessionId: session.id });
                    if (restored.ok) select(session.id);
                    return restored;
                  },
                });
              }
              return removed;
            })
          }
        >
          {t('sessions.remove')}
        </Button>
        <IconButton
          aria-label={t('sessions.more', { name })}
          aria-haspopup="menu"
          aria-controls={anchor ? menuId : undefined}
          aria-expanded={anchor ? 'true' : undefined}
          disabled={!config}
          onClick={(event) => setAnchor(event.currentTarget)}
          sx={{ ml: 'auto' }}
        >
          <MoreIcon />
        </IconButton>
        <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
          <MenuItem
            onClick={() => {
              setAnchor(null);
              if (config) openNewSession(config);
            }}
          >
            {t('sessions.duplicate')}
          </MenuItem>
          <MenuItem
            onClick={() => {
              setAnchor(null);
              if (config) saveSession(`${t(`kind.${config.kind}`)} ${formatEndpoint(config.host, config.port)}`, config);
            }}
          >
            {t('sessions.saveToWorkspace')}
          </MenuItem>
        </Menu>
      </Stack>
      {failure ? (
        <Stack sx={{ px: 1, pb: 1 }}>
          <ErrorAlert title={t('sessions.actionFailed')} error={failure} onClose={() => setFailure(undefined)} />
        </Stack>
      ) : null}
    </ListItem>
  );
}
