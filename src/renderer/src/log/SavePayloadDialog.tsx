import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useT } from '../i18n/i18n-context';

/** Asks for a name; the caller mounts it per request, so each starts from its own default. */
export function SavePayloadDialog({
  defaultName,
  onSave,
  onClose,
}: {
  defaultName: string;
  onSave: (name: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [name, setName] = useState(defaultName);
  const valid = name.trim() !== '';
  return (
    <Dialog open onClose={onClose} aria-labelledby="log-save-title">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) onSave(name.trim());
        }}
      >
        <DialogTitle id="log-save-title">{t('log.save.title')}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label={t('log.save.name')}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('log.save.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={!valid}>
            {t('log.save.confirm')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
