import { useId, useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import { useT } from '../i18n/i18n-context';
import { defaultSessionName, KindEndpoint } from './KindEndpoint';
import type { SavedSession } from './workspace-store';

function SessionLabel({ session }: { session: SavedSession }) {
  const t = useT();
  const { kind, host, port } = session.config;
  const endpoint = formatEndpoint(host, port);
  return (
    <>
      <Typography variant="body2" component="span" sx={{ display: 'block', fontWeight: 600 }}>
        {session.name}
      </Typography>
      {session.name === defaultSessionName(kind, endpoint, t) ? null : (
        <Typography variant="caption" color="text.secondary" component="span" sx={{ display: 'block' }}>
          <KindEndpoint kind={kind} endpoint={endpoint} />
        </Typography>
      )}
    </>
  );
}

/** A checkbox per saved session, all ticked to begin with: the ones left ticked are reopened. */
export function ReopenSavedDialog({
  saved,
  onReopen,
  onClose,
}: {
  saved: readonly SavedSession[];
  onReopen: (chosen: readonly SavedSession[]) => void;
  onClose: () => void;
}) {
  const t = useT();
  const titleId = useId();
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(() => new Set());
  const chosen = saved.filter((session) => !unticked.has(session.id));

  const toggle = (id: string, ticked: boolean) =>
    setUnticked((before) => {
      const next = new Set(before);
      if (ticked) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) return;
    onReopen(chosen);
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="xs">
      <Box component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>{t('workspace.restart.chooseTitle')}</DialogTitle>
        <DialogContent>
          <FormGroup aria-label={t('workspace.savedList')}>
            {saved.map((session) => (
              <FormControlLabel
                key={session.id}
                control={<Checkbox checked={!unticked.has(session.id)} onChange={(event) => toggle(session.id, event.target.checked)} />}
                label={<SessionLabel session={session} />}
              />
            ))}
          </FormGroup>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('workspace.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={chosen.length === 0}>
            {t('workspace.restart.reopenChosen', { count: chosen.length })}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
