import { memo, useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { usePayloadLibrary } from './composer-stores';
import { PayloadListButton } from './PayloadListButton';
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
  const [renaming, setRenaming] = useState<SavedPayload | undefined>(undefined);

  return (
    <>
      <PayloadListButton
        buttonLabel={t('composer.saved.button', { count: items.length })}
        title={t('composer.saved')}
        titleId="saved-payloads-title"
        empty={t('composer.saved.empty')}
        listLabel={t('composer.saved')}
        items={items}
        onLoad={onLoad}
        actionsWidth={28}
        row={(item) => ({
          key: item.id,
          loadLabel: t('composer.saved.load', { name: item.name }),
          primary: item.name,
          secondary: (
            <>
              <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                {payloadPreview(item, t)}
              </Box>
              {` · ${payloadSummary(item, t)}`}
            </>
          ),
          actions: (
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
          ),
        })}
      />
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
