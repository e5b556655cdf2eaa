import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import { useConnectionIds, type SessionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import { ConnectionRow } from './ConnectionRow';

export function ConnectionList({ session }: { session: SessionShape }) {
  const t = useT();
  const list = useConnectionIds(session.id);

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
      {list.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
          {t('connections.none')}
        </Typography>
      ) : (
        <Table stickyHeader size="small" aria-label={t('connections.table')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('connections.id')}</TableCell>
              <TableCell>{t('connections.remote')}</TableCell>
              <TableCell>{t('connections.since')}</TableCell>
              <TableCell align="right">{t('connections.received')}</TableCell>
              <TableCell align="right">{t('connections.sent')}</TableCell>
              <TableCell>{t('connections.status')}</TableCell>
              <TableCell>{t('connections.actions')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((connId) => (
              <ConnectionRow key={connId} sessionId={session.id} connId={connId} />
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
