import { memo, useMemo, type MouseEvent } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import type { TextEncodingName } from '../../../shared/contract';
import { containsBytes, type ByteQuery } from '../../../shared/byte-search';
import { visuallyHidden } from '../components/visually-hidden';
import { formatClock } from '../format';
import { useT } from '../i18n/i18n-context';
import type { LogView } from '../store/log-prefs';
import { MONO_FONT } from '../theme';
import { sourceOf, type LogItem } from './log-items';
import { formatDelta, payloadHexDump, payloadText, previewOf } from './payload-view';

const ARROWS = { rx: '↓', tx: '↑' } as const;
// Palette "main" colours have light and dark variants that both read on their theme's background.
const COLORS = { rx: 'success.main', tx: 'info.main' } as const;

export interface LogRowProps {
  item: LogItem;
  /** Time of the row above, for the delta; undefined for the first row. */
  previousAt: number | undefined;
  view: LogView;
  encoding: TextEncodingName;
  /** Rows matching it are highlighted; undefined when nothing is searched or matches filter instead. */
  highlight: ByteQuery | undefined;
  onActions: (item: LogItem, anchor: HTMLElement) => void;
}

/**
 * One entry or frame. Peer bytes reach the DOM only as the text of a text node: React escapes
 * it, and nothing here ever sets HTML. Decoding and the hex dump run when a row is drawn, and
 * the list draws only the rows in sight.
 */
export const LogRow = memo(function LogRow({ item, previousAt, view, encoding, highlight, onActions }: LogRowProps) {
  const t = useT();
  const preview = useMemo(() => previewOf(item.bytes), [item.bytes]);
  const text = useMemo(() => (view === 'hex' ? undefined : payloadText(preview.bytes, encoding)), [preview, view, encoding]);
  const hex = useMemo(() => (view === 'text' ? undefined : payloadHexDump(preview.bytes)), [preview, view]);
  const matches = useMemo(() => highlight !== undefined && containsBytes(item.bytes, highlight), [item.bytes, highlight]);
  const source = sourceOf(item);

  return (
    <Box
      data-testid="log-entry"
      data-dir={item.dir}
      data-match={matches ? 'true' : undefined}
      sx={{
        px: 1.5,
        py: 0.25,
        borderBottom: 1,
        borderColor: 'divider',
        borderLeft: 3,
        borderLeftColor: COLORS[item.dir],
        fontSize: 12,
        bgcolor: matches ? 'action.selected' : undefined,
      }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Box component="span" data-testid="log-time" sx={{ fontFamily: MONO_FONT, color: 'text.secondary' }}>
          {formatClock(item.at)}
        </Box>
        <Box component="span" data-testid="log-delta" sx={{ fontFamily: MONO_FONT, color: 'text.secondary', minWidth: 88 }}>
          {previousAt === undefined ? '' : formatDelta(item.at - previousAt)}
        </Box>
        <Box component="span" sx={{ color: COLORS[item.dir], fontWeight: 700 }}>
          <span aria-hidden="true">{ARROWS[item.dir]}</span>
          <Box component="span" sx={visuallyHidden}>
            {t(item.dir === 'rx' ? 'log.rx' : 'log.tx')}
          </Box>
        </Box>
        <Box component="span" sx={{ fontFamily: MONO_FONT, minWidth: 48 }}>
          {source}
        </Box>
        <Box component="span" sx={{ color: 'text.secondary', minWidth: 56, textAlign: 'right' }}>
          {t('log.length', { count: item.bytes.byteLength })}
        </Box>
        {item.partial ? <Chip size="small" color="warning" variant="outlined" label={t('log.partial')} aria-label={t('log.partialLabel')} /> : null}
        {item.badLength ? <Chip size="small" color="error" variant="outlined" label={t('log.badLength')} aria-label={t('log.badLengthLabel')} /> : null}
        {matches ? (
          <Box component="span" sx={visuallyHidden}>
            {t('log.match')}
          </Box>
        ) : null}
        <Box sx={{ flex: 1 }} />
        <IconButton aria-label={t('log.actions')} aria-haspopup="menu" onClick={(event: MouseEvent<HTMLElement>) => onActions(item, event.currentTarget)} sx={{ py: 0, fontSize: 14 }}>
          <span aria-hidden="true">⋯</span>
        </IconButton>
      </Box>
      {text !== undefined ? (
        <Box component="pre" data-testid="log-payload" data-view="text" sx={{ m: 0, fontFamily: MONO_FONT, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {text}
        </Box>
      ) : null}
      {hex !== undefined ? (
        <Box component="pre" data-testid="log-payload" data-view="hex" sx={{ m: 0, fontFamily: MONO_FONT, whiteSpace: 'pre', overflowX: 'auto' }}>
          {hex}
        </Box>
      ) : null}
      {preview.hidden > 0 ? (
        <Box component="span" sx={{ color: 'text.secondary' }}>
          {t('log.more', { count: preview.hidden })}
        </Box>
      ) : null}
    </Box>
  );
});
