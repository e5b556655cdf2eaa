import { memo, useId, useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import { ErrorAlert } from '../components/ErrorAlert';
import { MoreIcon } from '../components/MoreIcon';
import { useOfferUndo } from '../components/UndoProvider';
import { useT } from '../i18n/i18n-context';
import { useOpenConfig } from './use-open-config';
import { useWorkspace } from './workspace-context';
import type { SavedSession } from './workspace-store';
import { SidebarHeading } from '../components/SidebarHeading';
import { defaultSessionName, KindEndpoint } from './KindEndpoint';

function RenameDialog({ saved, onClose }: { saved: SavedSession; onClose: () => void }) {
  const t = useT();
  const titleId = useId();
  const renameSession = useWorkspace((state) => state.renameSession);
  const [name, setName] = useState(saved.name);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setProblem(t('workspace.nameEmpty'));
      return;
    }
    renameSession(saved.id, name);
    onClose();
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="xs">
      <Box component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>{t('workspace.renameTitle')}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            label={t('workspace.renameField')}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setProblem(undefined);
            }}
            error={Boolean(problem)}
            helperText={problem}
            sx={{ mt: 1 }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('workspace.cancel')}</Button>
          <Button type="submit" variant="contained">
            {t('workspace.renameSubmit')}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

const SavedSessionItem = memo(function SavedSessionItem({ saved }: { saved: SavedSession }) {
  const t = useT();
  const menuId = useId();
  const deleteSession = useWorkspace((state) => state.deleteSession);
  const restoreSession = useWorkspace((state) => state.restoreSession);
  const index = useWorkspace((state) => state.savedSessions.indexOf(saved));
  const offerUndo = useOfferUndo();
  const { openConfig, busy, failure, clearFailure } = useOpenConfig();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [renaming, setRenaming] = useState(false);
  const { config } = saved;
  const endpoint = formatEndpoint(config.host, config.port);
  const defaultName = defaultSessionName(config.kind, endpoint, t);

  return (
    <ListItem disablePadding divider sx={{ flexDirection: 'column', alignItems: 'stretch', px: 1.5, py: 0.5 }}>
      <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="body2" noWrap title={saved.name} sx={{ fontWeight: 600 }}>
            {saved.name}
          </Typography>
          {saved.name === defaultName ? null : (
            <Typography variant="caption" color="text.secondary" component="div" noWrap>
              <KindEndpoint kind={config.kind} endpoint={endpoint} />
            </Typography>
          )}
        </Box>
        <Button
          variant="outlined"
          aria-label={t('workspace.openSavedLabel', { name: saved.name })}
          disabled={busy}
          onClick={() => void openConfig(config)}
          sx={{ minWidth: 0 }}
        >
          {t('workspace.openSaved')}
        </Button>
        <IconButton
          aria-label={t('workspace.savedMore', { name: saved.name })}
          aria-haspopup="menu"
          aria-controls={anchor ? menuId : undefined}
          aria-expanded={anchor ? 'true' : undefined}
          onClick={(event) => setAnchor(event.currentTarget)}
        >
          <MoreIcon />
        </IconButton>
        <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setRenaming(true);
            }}
          >
            {t('workspace.rename')}
          </MenuItem>
          <MenuItem
            onClick={() => {
              setAnchor(null);
              deleteSession(saved.id);
              offerUndo({ message: t('workspace.deleted', { name: saved.name }), undo: () => restoreSession(saved, index) });
            }}
            sx={{ color: 'error.main' }}
          >
            {t('workspace.delete')}
          </MenuItem>
        </Menu>
      </Stack>
      {failure ? (
        <Box sx={{ pt: 0.5 }}>
          <ErrorAlert title={t('workspace.openFailed', { name: saved.name })} error={failure} onClose={clearFailure} />
        </Box>
      ) : null}
      {renaming ? <RenameDialog saved={saved} onClose={() => setRenaming(false)} /> : null}
    </ListItem>
  );
});

/** Session definitions kept in the workspace, each opened again with one click. */
export function SavedSessionList() {
  const t = useT();
  const headingId = useId();
  const saved = useWorkspace((state) => state.savedSessions);
  return (
    <Box component="section" aria-labelledby={headingId} sx={{ borderTop: 1, borderColor: 'divider' }}>
      <SidebarHeading id={headingId}>{t('workspace.saved', { count: saved.length })}</SidebarHeading>
      {saved.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 1 }}>
          {t('workspace.savedNone')}
        </Typography>
      ) : (
        <List aria-label={t('workspace.savedList')} disablePadding>
          {saved.map((entry) => (
            <SavedSessionItem key={entry.id} saved={entry} />
          ))}
        </List>
      )}
    </Box>
  );
}
