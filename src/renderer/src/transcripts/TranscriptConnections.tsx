import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { endpointText, formatClock } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import type { TranscriptConnection } from '../store/transcript-view';

function status(t: ReturnType<typeof useT>, conn: TranscriptConnection): string {
  const flags = [conn.peerEnded ? t('connections.peerEnded') : undefined, conn.localEnded ? t('connections.localEnded') : undefined];
  if (conn.closed)
    flags.push(t('transcripts.conn.closed', { time: formatClock(conn.closed.at), reason: t(`transcripts.reason.${conn.closed.reason}`) }));
  return flags.filter((flag) => flag !== undefined).join(' · ');
}

/** The TCP connections the transcript tells of, with the bytes it holds for each: nothing to act on. */
export function TranscriptConnections({ connections }: { connections: readonly TranscriptConnection[] }) {
  const t = useT();
  const formatNumber = useFormatNumber();
  return (
    <Box
      component="section"
      aria-label={t('connections.table')}
      sx={{ borderBottom: 1, borderColor: 'divider', flex: 'none', maxHeight: '30vh', overflow: 'auto' }}
    >
      <Typography variant="subtitle2" component="h3" sx={{ px: 1.5, pt: 0.75 }}>
        {t('connections.title', { count: connections.length })}
      </Typography>
      {connections.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 0.75 }}>
          {t('transcripts.conn.none')}
        </Typography>
      ) : (
        <Table stickyHeader aria-label={t('connections.table')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('connections.id')}</TableCell>
              <TableCell>{t('transcripts.conn.local')}</TableCell>
              <TableCell>{t('connections.remote')}</TableCell>
              <TableCell>{t('connections.since')}</TableCell>
              <TableCell align="right">{t('connections.received')}</TableCell>
              <TableCell align="right">{t('connections.sent')}</TableCell>
              <TableCell>{t('connections.status')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {connections.map((conn) => (
              <TableRow key={conn.connId}>
                <TableCell sx={{ fontFamily: MONO_FONT }}>{conn.connId}</TableCell>
                <TableCell sx={{ fontFamily: MONO_FONT }}>{endpointText(conn.local)}</TableCell>
                <TableCell sx={{ fontFamily: MONO_FONT }}>{endpointText(conn.remote)}</TableCell>
                <TableCell sx={{ fontFamily: MONO_FONT }}>{formatClock(conn.since)}</TableCell>
                <TableCell align="right">{formatNumber(conn.counters.rxBytes)}</TableCell>
                <TableCell align="right">{formatNumber(conn.counters.txBytes)}</TableCell>
                <TableCell>
                  <Typography variant="caption" color="text.secondary">
                    {status(t, conn)}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
