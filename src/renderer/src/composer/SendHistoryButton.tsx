import { memo, useState } from 'react';
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
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { useSendHistory } from './composer-stores';
import type { SavedPayloadContent } from './payload-library';
import { payloadPreview, payloadSummary } from './QuickSend';

/** The send history as a list, newest first: a click loads one into the composer, "Send again" resends it. */
export const SendHistoryButton = memo(function SendHistoryButton({
  onLoad,
  onSend,
  sendDisabled,
}: {
  onLoad: (entry: SavedPayloadContent) => void;
  onSend: (entry: SavedPayloadContent) => void;
  sendDisabled: boolean;
}) {
  const t = useT();
  const entries = useSendHistory((state) => state.entries);
  const [open, setOpen] = useState(false);
  const newestFirst = [...entries].reverse();
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('composer.history.button', { count: entries.length })}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="send-history-title" fullWidth maxWidth="sm">
        <DialogTitle id="send-history-title">{t('composer.history')}</DialogTitle>
        <DialogContent dividers sx={{ p: 0 }}>
          {newestFirst.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              {t('composer.history.empty')}
            </Typography>
          ) : (
            <List dense aria-label={t('composer.history.list')}>
              {newestFirst.map((entry, index) => {
                const preview = payloadPreview(entry, t);
                return (
                  <ListItem
                    // Rows hold no state of their own, so a place in the list is key enough.
                    key={index}
                    disablePadding
                    secondaryAction={
                      <Button
                        size="small"
                        variant="outlined"
                        disabled={sendDisabled}
                        aria-label={t('composer.history.resendLabel', { preview })}
                        onClick={() => onSend(entry)}
                      >
                        {t('composer.history.resend')}
                      </Button>
                    }
                    sx={{ pr: 14 }}
                  >
                    <ListItemButton
                      aria-label={t('composer.history.load', { preview })}
                      onClick={() => {
                        onLoad(entry);
                        setOpen(false);
                      }}
                    >
                      <ListItemText
                        primary={
                          <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                            {preview}
                          </Box>
                        }
                        secondary={payloadSummary(entry, t)}
                        slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }}
                      />
                    </ListItemButton>
                  </ListItem>
                );
              })}
            </List>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{t('composer.dialog.close')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
});
