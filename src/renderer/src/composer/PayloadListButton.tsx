import { useState, type ReactNode } from 'react';
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

/** What one row of a payload list shows: its words, the label of loading it, and its buttons on the right. */
export interface PayloadRow {
  key: string | number;
  loadLabel: string;
  primary: ReactNode;
  secondary: ReactNode;
  actions: ReactNode;
}

/**
 * A button that opens a list of payloads (the library, the send history): a click on a row loads
 * it into the composer and closes the list; the row's own buttons act on it in place.
 */
export function PayloadListButton<T>({
  buttonLabel,
  title,
  titleId,
  empty,
  listLabel,
  items,
  row,
  onLoad,
  actionsWidth,
}: {
  buttonLabel: string;
  title: string;
  titleId: string;
  empty: string;
  listLabel: string;
  items: readonly T[];
  row: (item: T, index: number) => PayloadRow;
  onLoad: (item: T) => void;
  /** Room kept on the right for the row's buttons, in theme spacing units. */
  actionsWidth: number;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {buttonLabel}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId} fullWidth maxWidth="sm">
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent dividers sx={{ p: 0 }}>
          {items.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              {empty}
            </Typography>
          ) : (
            <List dense aria-label={listLabel}>
              {items.map((item, index) => {
                const shown = row(item, index);
                return (
                  <ListItem key={shown.key} disablePadding secondaryAction={shown.actions} sx={{ pr: actionsWidth }}>
                    <ListItemButton
                      aria-label={shown.loadLabel}
                      onClick={() => {
                        onLoad(item);
                        setOpen(false);
                      }}
                    >
                      <ListItemText
                        primary={shown.primary}
                        secondary={shown.secondary}
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
}
