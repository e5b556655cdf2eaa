import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import { useConnectionIds } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import { useInspector } from '../store/store-context';
import { ConnectionRow } from './ConnectionRow';
import { ConnectionRecordRow, ConnectionTable } from './ConnectionTable';
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

/**
 * The connections of a live session or of an opened transcript, in one table: a live session's
 * open ones drawn from the store as they move, then the ones told of as records (a live
 * session's closed ones, newest first; a transcript's every one). Only a live session's can be
 * acted on; a UDP session has no connections, only its last sender.
 */
export function ConnectionList({ view }: { view: SessionViewModel }) {
  const t = useT();
  const { live } = view;
  const open = useConnectionIds(live?.id ?? NO_SESSION);
  const records = live ? view.connections.toReversed() : view.connections;

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

  if (open.length === 0 && records.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
        {t(live ? 'connections.none' : 'transcripts.conn.none')}
      </Typography>
    );
  }
  const actions = live !== undefined;
  const datagrams = live?.config.kind === 'relay' && live.config.transport === 'udp';
  return (
    <ConnectionTable actions={actions}>
      {live ? open.map((connId) => <ConnectionRow key={connId} sessionId={live.id} connId={connId} datagrams={datagrams} />) : null}
      {records.map((conn) => (
        <ConnectionRecordRow key={`record:${conn.connId}:${conn.closed?.at ?? 0}`} conn={conn} actions={actions} />
      ))}
    </ConnectionTable>
  );
}
