import { memo, useCallback } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { Translate } from '../i18n/languages';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { QUICK_SEND_KEYS, quickSendKeys, useQuickSendKeys } from '../components/shortcuts';
import { usePayloadLibrary } from './composer-stores';
import type { SavedPayload, SavedPayloadContent } from './payload-library';

/** Characters of a payload shown where a list or a chip has room for one line. */
const PREVIEW_LENGTH = 48;

/** A payload's first characters on one line, as typed: enough to tell saved and sent ones apart. */
export function payloadPreview(content: SavedPayloadContent, t: Translate): string {
  if (content.value === '') return t('composer.preview.empty');
  const line = content.value.replace(/\r?\n/g, '⏎');
  return line.length <= PREVIEW_LENGTH ? line : t('composer.preview.more', { text: line.slice(0, PREVIEW_LENGTH - 1) });
}

/** Its format, encoding and line ending, as the lists say them. */
export function payloadSummary(content: SavedPayloadContent, t: Translate): string {
  return t('composer.saved.summary', {
    format: t(content.format === 'hex' ? 'composer.hex' : 'composer.text'),
    encoding: t(`composer.encoding.${content.encoding}`),
    lineEnding: t(`composer.lineEnding.${content.lineEnding}`),
  });
}

/**
 * The saved payloads as one row of buttons: one click sends one to the composer's target,
 * without touching what is typed. The row scrolls sideways rather than taking the log's height.
 */
export const QuickSendList = memo(function QuickSendList({
  onSend,
  disabled,
  describedBy,
}: {
  onSend: (item: SavedPayload) => void;
  disabled: boolean;
  /** The element that says why sending is off. */
  describedBy: string | undefined;
}) {
  const t = useT();
  const items = usePayloadLibrary((state) => state.items);
  useQuickSendKeys(
    disabled ? 0 : Math.min(items.length, QUICK_SEND_KEYS),
    useCallback(
      (index: number) => {
        const item = items[index];
        if (item) onSend(item);
      },
      [items, onSend],
    ),
  );
  if (items.length === 0) return null;
  return (
    <Box
      role="group"
      aria-label={t('composer.quick')}
      sx={{ display: 'flex', alignItems: 'center', gap: 0.75, overflowX: 'auto', whiteSpace: 'nowrap', py: 0.25 }}
    >
      <Typography variant="caption" color="text.secondary" sx={{ flex: 'none' }}>
        {t('composer.quick')}
      </Typography>
      {items.map((item, index) => (
        <Tooltip
          key={item.id}
          title={
            <>
              <Box component="span" sx={{ display: 'block', fontFamily: MONO_FONT }}>
                {payloadPreview(item, t)}
              </Box>
              {payloadSummary(item, t)}
              {index < QUICK_SEND_KEYS ? (
                <Box component="span" sx={{ display: 'block' }}>
                  {t('composer.quick.key', { keys: quickSendKeys(index) })}
                </Box>
              ) : null}
            </>
          }
        >
          {/* A disabled chip takes no pointer events; the span keeps the preview on hover. */}
          <span>
            <Chip
              size="small"
              variant="outlined"
              color="primary"
              label={item.name}
              disabled={disabled}
              aria-label={t('composer.quick.send', { name: item.name })}
              {...(index < QUICK_SEND_KEYS ? { 'aria-keyshortcuts': quickSendKeys(index) } : {})}
              {...(describedBy ? { 'aria-describedby': describedBy } : {})}
              onClick={() => onSend(item)}
              sx={{ maxWidth: 200 }}
            />
          </span>
        </Tooltip>
      ))}
    </Box>
  );
});
