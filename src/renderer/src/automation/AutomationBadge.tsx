import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import { formatClock } from '../format';
import { useT } from '../i18n/i18n-context';
import type { SessionShape } from '../store/stable-views';
import { useInspector } from '../store/store-context';

/** The earliest stale mark of a session: its own (UDP) or one of its connections'. */
function useStaleSince(session: SessionShape): number | undefined {
  return useInspector((state) => {
    let since = session.staleSince;
    for (const conn of state.connections.get(session.id)?.values() ?? []) {
      if (conn.staleSince !== undefined && (since === undefined || conn.staleSince < since)) since = conn.staleSince;
    }
    return since;
  });
}

/** For the sidebar: that automation runs on the session, and that a peer has gone quiet. */
export function AutomationBadge({ session }: { session: SessionShape }) {
  const t = useT();
  const staleSince = useStaleSince(session);
  const automation = session.config.automation;
  const on =
    automation !== undefined &&
    (automation.rules.some((rule) => rule.enabled) || automation.heartbeat?.enabled === true || automation.liveness?.enabled === true);
  if (!on && staleSince === undefined) return null;
  return (
    <Stack direction="row" spacing={0.5} sx={{ mt: 0.25 }}>
      {on ? <Chip size="small" variant="outlined" label={t('automation.badge')} /> : null}
      {staleSince !== undefined ? <StaleChip since={staleSince} /> : null}
    </Stack>
  );
}

/** A connection (or UDP session) that received nothing for its liveness limit. */
export function StaleChip({ since }: { since: number }) {
  const t = useT();
  return (
    <Chip size="small" color="warning" label={t('automation.stale')} title={t('automation.staleSince', { time: formatClock(since) })} />
  );
}
