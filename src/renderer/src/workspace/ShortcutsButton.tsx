import { useCallback, useId, useState } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Popover from '@mui/material/Popover';
import SvgIcon from '@mui/material/SvgIcon';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { jumpTo, useShortcut } from '../components/shortcuts';

const KEYS: readonly { keys: string; what: Parameters<ReturnType<typeof useT>>[0] }[] = [
  { keys: 'Ctrl+S (⌘+S)', what: 'workspace.shortcut.save' },
  { keys: 'Alt+C (⌥C)', what: 'workspace.shortcut.composer' },
  { keys: 'Alt+L (⌥L)', what: 'workspace.shortcut.log' },
  { keys: 'Ctrl+Enter (⌘+Enter)', what: 'workspace.shortcut.send' },
  { keys: 'Alt+Shift+1…9 (⌥⇧1…9)', what: 'workspace.shortcut.quickSend' },
  { keys: 'Esc', what: 'workspace.shortcut.restoreLog' },
];

/** Lists the page's keys, and answers the two that move focus wherever it is. */
export function ShortcutsButton() {
  const t = useT();
  const id = useId();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  useShortcut(
    'jump-composer',
    useCallback(() => jumpTo('composer'), []),
  );
  useShortcut(
    'jump-log',
    useCallback(() => jumpTo('log'), []),
  );
  return (
    <>
      <Tooltip title={t('workspace.shortcuts')}>
        <IconButton
          color="inherit"
          aria-label={t('workspace.shortcuts')}
          aria-haspopup="dialog"
          aria-controls={anchor ? id : undefined}
          aria-expanded={anchor ? 'true' : undefined}
          onClick={(event) => setAnchor(event.currentTarget)}
        >
          <SvgIcon fontSize="small">
            <path d="M20 5H4c-1.1 0-1.99.9-1.99 2L2 17c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V7c0-1.1-.9-2-2-2zm-9 3h2v2h-2V8zm0 3h2v2h-2v-2zM8 8h2v2H8V8zm0 3h2v2H8v-2zm-1 2H5v-2h2v2zm0-3H5V8h2v2zm9 7H8v-2h8v2zm0-4h-2v-2h2v2zm0-3h-2V8h2v2zm3 3h-2v-2h2v2zm0-3h-2V8h2v2z" />
          </SvgIcon>
        </IconButton>
      </Tooltip>
      <Popover
        id={id}
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
        slotProps={{ paper: { role: 'dialog', 'aria-label': t('workspace.shortcuts') } }}
      >
        <Box component="dl" sx={{ m: 0, p: 2, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 0.75 }}>
          {KEYS.map(({ keys, what }) => (
            <Box key={what} sx={{ display: 'contents' }}>
              <Typography component="dt" variant="body2" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                {keys}
              </Typography>
              <Typography component="dd" variant="body2" sx={{ m: 0 }}>
                {t(what)}
              </Typography>
            </Box>
          ))}
        </Box>
      </Popover>
    </>
  );
}
