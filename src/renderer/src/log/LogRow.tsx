import { memo, useMemo } from 'react';
import Box from '@mui/material/Box';
import { visuallyHidden } from '../components/visually-hidden';
import { endpointText, formatClock } from '../format';
import { useT } from '../i18n/i18n-context';
import type { LogView } from '../store/inspector-store';
import type { LogEntry } from '../store/views';
import { MONO_FONT } from '../theme';
import { payloadHexDump, payloadText, previewOf } from './payload-view';

const ARROWS = { rx: '↓', tx: '↑' } as const;
const COLORS = { rx: 'success.main', tx: 'info.main' } as const;

/**
 * One chunk of traffic. Peer bytes reach the DOM only as the text of a text node: React
 * escapes it, and nothing here ever sets HTML.
 */
export const LogRow = memo(function LogRow({ entry, view }: { entry: LogEntry; view: LogView }) {
  const t = useT();
  const preview = useMemo(() => previewOf(entry.bytes), [entry.bytes]);
  const shown = useMemo(() => (view === 'hex' ? payloadHexDump(preview.bytes) : payloadText(preview.bytes)), [preview, view]);
  const source = entry.connId ?? (entry.peer ? endpointText(entry.peer) : '');

  return (
    <Box
      data-testid="log-entry"
      data-dir={entry.dir}
      sx={{ display: 'flex', gap: 1, px: 1.5, py: 0.25, borderBottom: 1, borderColor: 'divider', fontSize: 12, alignItems: 'baseline' }}
    >
      <Box component="span" sx={{ fontFamily: MONO_FONT, color: 'text.secondary', flex: 'none' }}>
        {formatClock(entry.at)}
      </Box>
      <Box component="span" sx={{ color: COLORS[entry.dir], fontWeight: 700, flex: 'none' }}>
        <span aria-hidden="true">{ARROWS[entry.dir]}</span>
        <Box component="span" sx={visuallyHidden}>
          {t(entry.dir === 'rx' ? 'log.rx' : 'log.tx')}
        </Box>
      </Box>
      <Box component="span" sx={{ fontFamily: MONO_FONT, flex: 'none', minWidth: 48 }}>
        {source}
      </Box>
      <Box component="span" sx={{ color: 'text.secondary', flex: 'none', minWidth: 56, textAlign: 'right' }}>
        {t('log.length', { count: entry.bytes.byteLength })}
      </Box>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Box
          component="pre"
          data-testid="log-payload"
          sx={{ m: 0, fontFamily: MONO_FONT, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
        >
          {shown}
        </Box>
        {preview.hidden > 0 ? (
          <Box component="span" sx={{ color: 'text.secondary' }}>
            {t('log.more', { count: preview.hidden })}
          </Box>
        ) : null}
      </Box>
    </Box>
  );
});
