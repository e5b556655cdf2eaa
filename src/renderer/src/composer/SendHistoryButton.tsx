import { memo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { useSendHistory } from './composer-stores';
import { PayloadListButton } from './PayloadListButton';
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
  return (
    <PayloadListButton
      buttonLabel={t('composer.history.button', { count: entries.length })}
      title={t('composer.history')}
      titleId="send-history-title"
      empty={t('composer.history.empty')}
      listLabel={t('composer.history.list')}
      items={entries.toReversed()}
      onLoad={onLoad}
      actionsWidth={14}
      row={(entry, index) => {
        const preview = payloadPreview(entry, t);
        return {
          // Rows hold no state of their own, so a place in the list is key enough.
          key: index,
          loadLabel: t('composer.history.load', { preview }),
          primary: (
            <Box component="span" sx={{ fontFamily: MONO_FONT }}>
              {preview}
            </Box>
          ),
          secondary: payloadSummary(entry, t),
          actions: (
            <Button
              size="small"
              variant="outlined"
              disabled={sendDisabled}
              aria-label={t('composer.history.resendLabel', { preview })}
              onClick={() => onSend(entry)}
            >
              {t('composer.history.resend')}
            </Button>
          ),
        };
      }}
    />
  );
});
