import { memo } from 'react';
import Checkbox from '@mui/material/Checkbox';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { SendTarget } from '@shared/contract';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import type { SendTargetConnection } from './use-send-targets';

const ALL = '*all';

/**
 * The connections still open among those chosen; none chosen, or none of them left, means all
 * of them, so a send never silently goes nowhere.
 */
export function listenerTarget(chosen: readonly string[], connections: ReadonlyMap<string, SendTargetConnection>): SendTarget {
  const open = chosen.filter((connId) => connections.has(connId));
  return open.length === 0 ? { type: 'all' } : { type: 'connections', connIds: open };
}

/** A listener's "Send to": all connections, or any subset of them. */
export const TargetSelect = memo(function TargetSelect({
  chosen,
  onChange,
  connections,
}: {
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  connections: ReadonlyMap<string, SendTargetConnection>;
}) {
  const t = useT();
  const target = listenerTarget(chosen, connections);
  const subset = target.type === 'connections' ? target.connIds : [];

  return (
    <TextField
      select
      size="small"
      label={t('composer.target')}
      value={subset.length === 0 ? [ALL] : subset}
      onChange={(event) => {
        const raw: unknown = event.target.value;
        const next = Array.isArray(raw) ? raw.map(String) : [];
        // Picking "all" clears the subset; picking a connection leaves "all".
        if (next.includes(ALL) && subset.length > 0) onChange([]);
        else onChange(next.filter((value) => value !== ALL));
      }}
      slotProps={{
        select: {
          multiple: true,
          renderValue: () =>
            subset.length === 0
              ? t('composer.target.all')
              : subset.length === 1
                ? subset[0]
                : t('composer.target.some', { count: subset.length }),
        },
      }}
      sx={{ minWidth: 180 }}
    >
      <MenuItem value={ALL} dense>
        <Checkbox size="small" checked={subset.length === 0} tabIndex={-1} disableRipple sx={{ p: 0, mr: 1 }} />
        <ListItemText primary={t('composer.target.all')} />
      </MenuItem>
      {[...connections.values()].map((conn) => (
        <MenuItem key={conn.connId} value={conn.connId} dense>
          <Checkbox size="small" checked={subset.includes(conn.connId)} tabIndex={-1} disableRipple sx={{ p: 0, mr: 1 }} />
          <ListItemText primary={t('composer.target.connection', { connId: conn.connId, remote: endpointText(conn.remote) })} />
        </MenuItem>
      ))}
    </TextField>
  );
});
