import { memo, useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { usePayloadLibrary } from './composer-stores';
import type { SavedPayload, SavedPayloadContent } from './payload-library';
import { payloadPreview, payloadSummary } from './QuickSend';

/** A dialog that asks for a name; used to save and to rename. */
export function NameDialog({
  open,
  title,
  initial,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  initial: string;
  onSubmit: (name: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  const missing = name.trim() === '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (missing) return;
    onSubmit(name);
    onClose();
  };

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="payload-name-title" fullWidth maxWidth="xs">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="payload-name-title">{title}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            size="small"
            margin="dense"
            label={t('composer.dialog.name')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={touched && missing}
            helperText={touched && missing ? t('composer.dialog.nameRequired') : undefined}
            slotProps={{ htmlInput: { maxLength: 120 } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('composer.dialog.cancel')}</Button>
          <Button type="submit" variant="contained">
            {t('composer.dialog.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** "Save payload": names the composer's current payload and keeps it in the library. */
export const SavePayloadButton = memo(function SavePayloadButton({
  content,
  disabled,
}: {
  content: SavedPayloadContent;
  disabled: boolean;
}) {
  const t = useT();
  const save = usePayloadLibrary((state) => state.save);
  const [open, setOpen] = useState(false);
  // A first line makes a fair default name; the user renames it in the same dialog.
  const suggestion = content.value.split('\n', 1)[0]!.slice(0, 40);
  return (
    <>
      <Button size="small" disabled={disabled} onClick={() => setOpen(true)}>
        {t('composer.save')}
      </Button>
      {open ? (
        <NameDialog
          open
          title={t('composer.save')}
          initial={suggestion}
          onSubmit={(name) => save(name, content)}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
});

/** The library: load a saved payload into the composer, rename or delete one. */
export const SavedPayloadsButton = memo(function SavedPayloadsButton({
  onLoad,
  onSend,
  sendDisabled,
}: {
  onLoad: (item: SavedPayload) => void;
  /** Sends it to the composer's target as it is, leaving the composer's payload alone. */
  onSend: (item: SavedPayload) => void;
  sendDisabled: boolean;
}) {
  const t = useT();
  const items = usePayloadLibrary((state) => state.items);
  const remove = usePayloadLibrary((state) => state.remove);
  const rename = usePayloadLibrary((state) => state.rename);
  const [open, setOpen] = useState(false);
  const [renaming, setRenaming] = useState<SavedPayload | undefined>(undefined);

  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('composer.saved.button', { count: items.length })}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="saved-payloads-title" fullWidth maxWidth="sm">
        <DialogTitle id="saved-payloads-title">{t('composer.saved')}</DialogTitle>
        <DialogContent dividers sx={{ p: 0 }}>
          {items.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              {t('composer.saved.empty')}
            </Typography>
          ) : (
            <List dense aria-label={t('composer.saved')}>
              {items.map((item) => (
                <ListItem
                  key={item.id}
                  disablePadding
                  secondaryAction={
                    <Stack direction="row" spacing={0.5}>
                      <Button
                        size="small"
                        variant="outlined"
                        disabled={sendDisabled}
                        aria-label={t('composer.saved.sendLabel', { name: item.name })}
                        onClick={() => onSend(item)}
                      >
                        {t('composer.saved.send')}
                      </Button>
                      <Button size="small" aria-label={t('composer.saved.rename', { name: item.name })} onClick={() => setRenaming(item)}>
                        {t('composer.saved.renameShort')}
                      </Button>
                      <Button
                        size="small"
                        color="error"
                        aria-label={t('composer.saved.delete', { name: item.name })}
                        onClick={() => remove(item.id)}
                      >
                        {t('composer.saved.deleteShort')}
                      </Button>
                    </Stack>
                  }
                  sx={{ pr: 28 }}
                >
                  <ListItemButton
                    aria-label={t('composer.saved.load', { name: item.name })}
                    onClick={() => {
                      onLoad(item);
                      setOpen(false);
                    }}
                  >
                    <ListItemText
                      primary={item.name}
                      secondary={
                        <>
                          <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                            {payloadPreview(item, t)}
                          </Box>
                          {` · ${payloadSummary(item, t)}`}
                        </>
                      }
                      slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }}
                    />
                  </ListItemButton>
                </ListItem>
              ))}
            </List>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{t('composer.dialog.close')}</Button>
        </DialogActions>
      </Dialog>
      {renaming ? (
        <NameDialog
          open
          title={t('composer.dialog.renameTitle')}
          initial={renaming.name}
          onSubmit={(name) => rename(renaming.id, name)}
          onClose={() => setRenaming(undefined)}
        />
      ) : null}
    </>
  );
});
