import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import { useConnectionIds, type SessionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import { useInspector } from '../store/store-context';
import type { ConnectionRecord } from '../store/views';
import { ConnectionRow } from './ConnectionRow';
import { ConnectionRecordRow, ConnectionTable } from './ConnectionTable';

const NO_RECORDS: readonly ConnectionRecord[] = [];

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

/** The connections a transcript tells of, with the bytes it holds for each: nothing to act on. */
export function RecordedConnectionList({ connections }: { connections: readonly ConnectionRecord[] }) {
  const t = useT();
  if (connections.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
        {t('transcripts.conn.none')}
      </Typography>
    );
  }
  return (
    <ConnectionTable actions={false}>
      {connections.map((conn) => (
        <ConnectionRecordRow key={conn.connId} conn={conn} actions={false} />
      ))}
    </ConnectionTable>
  );
}

export function ConnectionList({ session }: { session: SessionShape }) {
  const t = useT();
  const list = useConnectionIds(session.id);
  const closed = useInspector((state) => state.closedConnections.get(session.id) ?? NO_RECORDS);

  if (session.kind === 'udp') {
    return (
      <Box sx={{ px: 1.5, pb: 0.5 }}>
        <Typography variant="body2" sx={{ fontFamily: MONO_FONT }}>
          {session.lastSender ? t('connections.lastSender', { endpoint: endpointText(session.lastSender) }) : t('connections.noSender')}
        </Typography>
        {session.memberships.length > 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT }}>
            {t('sessions.memberships', { groups: session.memberships.join(', ') })}
          </Typography>
        ) : null}
      </Box>
    );
  }

  return (
    <>
      {list.length === 0 && closed.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
          {t('connections.none')}
        </Typography>
      ) : (
        <ConnectionTable actions>
          {list.map((connId) => (
            <ConnectionRow key={connId} sessionId={session.id} connId={connId} />
          ))}
          {/* Closed ones after the open ones, newest closed first. */}
          {closed.toReversed().map((conn) => (
            <ConnectionRecordRow key={`closed:${conn.connId}:${conn.closed?.at ?? 0}`} conn={conn} actions />
          ))}
        </ConnectionTable>
      )}
    </>
  );
}
