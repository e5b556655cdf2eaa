import { useState, type ReactNode } from 'react';
import Badge from '@mui/material/Badge';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import ClickAwayListener from '@mui/material/ClickAwayListener';
import Paper from '@mui/material/Paper';
import Popper from '@mui/material/Popper';
import Stack from '@mui/material/Stack';

/**
 * A toolbar button that opens its controls below it: how the log toolbar stays one row, with
 * the controls used less often a click away. Not modal: the log stays in sight and live while
 * its framing or filters change. `active` counts settings away from their default, shown on the
 * button so nothing changed is out of sight.
 */
export function ToolbarPopover({
  label,
  active = 0,
  icon,
  children,
}: {
  label: string;
  /** Drawn instead of the label where the toolbar is short of room; the label names it still. */
  icon?: ReactNode;
  active?: number;
  /** The controls, or a function of the way to close the popover (a form that is done with). */
  children: ReactNode | ((close: () => void) => ReactNode);
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const close = () => setAnchor(null);
  return (
    <>
      <Badge color="primary" badgeContent={active} invisible={active === 0} overlap="rectangular">
        {icon ? (
          <Tooltip title={label}>
            <IconButton
              size="small"
              aria-label={label}
              aria-haspopup="dialog"
              aria-expanded={anchor !== null}
              onClick={(event) => setAnchor(anchor ? null : event.currentTarget)}
            >
              {icon}
            </IconButton>
          </Tooltip>
        ) : (
          <Button
            size="small"
            aria-haspopup="dialog"
            aria-expanded={anchor !== null}
            onClick={(event) => setAnchor(anchor ? null : event.currentTarget)}
            sx={{ whiteSpace: 'nowrap' }}
          >
            {label}
          </Button>
        )}
      </Badge>
      <Popper open={anchor !== null} anchorEl={anchor} placement="bottom-end" sx={{ zIndex: 'modal' }}>
        <ClickAwayListener
          mouseEvent="onMouseDown"
          touchEvent="onTouchStart"
          onClickAway={(event) => (anchor?.contains(event.target as Node) ? undefined : close())}
        >
          <Paper elevation={8}>
            <Stack
              role="dialog"
              aria-label={label}
              spacing={1.5}
              sx={{ p: 1.5, maxWidth: 560, maxHeight: '80vh', overflow: 'auto' }}
              onKeyDown={(event) => {
                if (event.key !== 'Escape') return;
                event.preventDefault();
                close();
                anchor?.focus();
              }}
            >
              {typeof children === 'function' ? children(close) : children}
            </Stack>
          </Paper>
        </ClickAwayListener>
      </Popper>
    </>
  );
}
