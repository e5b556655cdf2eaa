import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import { useCallback, useMemo, useState } from 'react';
import type { AppError } from '@shared/result';
import { useOpenConnectionRows } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import { useInspector } from '../store/store-context';
import { ConnectionTable, type ConnectionTableRow } from './ConnectionTable';
import type { SessionViewModel } from './session-header-model';

/** Forgets the closed connections listed: the connections section's action, shown while there are any. */
export function ClearClosedButton({ sessionId }: { sessionId: string }) {
  const t = useT();
  const count = useInspector((state) => state.closedConnections.get(sessionId)?.length ?? 0);
  const clearClosed = useInspector((state) => state.clearClosed);
  if (count === 0) return null;
  return (
    <Button size="small" onClick={() => clearClosed(sessionId)}>
      {t('layout.clearClosed', { count })}
    </Button>
  );
}

const NO_SESSION = '';
const NO_FAILURES: ReadonlyMap<string, AppError> = new Map();

/**
 * The connections of a live session or of an opened transcript, in one table: a live session's
 * open ones drawn from the store as they move, then the ones told of as records (a live
 * session's closed ones, newest first; a transcript's every one). Only a live session's can be
 * acted on; a UDP session has no connections, only its last sender.
 */
export function ConnectionList({ view }: { view: SessionViewModel }) {
  const t = useT();
  const { live } = view;
  const open = useOpenConnectionRows(live?.id ?? NO_SESSION);
  const [failures, setFailures] = useState<ReadonlyMap<string, AppError>>(NO_FAILURES);
  const sessionId = live?.id ?? NO_SESSION;
  // Keyed by session too: another session shown in this list may number its connections alike.
  const onFailure = useCallback(
    (connId: string, error: AppError | undefined) => {
      const key = `${sessionId} ${connId}`;
      setFailures((now) => {
        if (!error && !now.has(key)) return now;
        const next = new Map(now);
        if (error) next.set(key, error);
        else next.delete(key);
        return next;
      });
    },
    [sessionId],
  );
  const rows = useMemo(() => {
    const all: ConnectionTableRow[] = [];
    for (const row of live ? open : []) {
      all.push({ kind: 'open', connId: row.connId, tls: row.tls });
      if (row.tls) all.push({ kind: 'tls', connId: row.connId });
      const error = failures.get(`${sessionId} ${row.connId}`);
      if (error) all.push({ kind: 'failure', connId: row.connId, error });
    }
    const records = live ? view.connections.toReversed() : view.connections;
    for (const conn of records) all.push({ kind: 'record', conn });
    return all;
  }, [live, open, failures, sessionId, view.connections]);

  if (live?.kind === 'udp') {
    return (
      <Box sx={{ px: 1.5, pb: 0.5 }}>
        <Typography variant="body2" sx={{ fontFamily: MONO_FONT }}>
          {live.lastSender ? t('connections.lastSender', { endpoint: endpointText(live.lastSender) }) : t('connections.noSender')}
        </Typography>
        {live.memberships.length > 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('sessions.memberships', { groups: live.memberships.join(', ') })}
          </Typography>
        ) : null}
      </Box>
    );
  }

  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
        {t(live ? 'connections.none' : 'transcripts.conn.none')}
      </Typography>
    );
  }
  const datagrams = live?.config.kind === 'relay' && live.config.transport === 'udp';
  return <ConnectionTable rows={rows} actions={live !== undefined} sessionId={sessionId} datagrams={datagrams} onFailure={onFailure} />;
}
