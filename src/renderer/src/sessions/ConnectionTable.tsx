import type { ReactNode } from 'react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { endpointText, formatClock } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import type { ConnectionRecord } from '../store/views';
import { MONO_FONT } from '../theme';

/** The columns every connection table has: live sessions and transcripts alike. */
export function ConnectionTable({ actions, children }: { actions: boolean; children: ReactNode }) {
  const t = useT();
  return (
    <Table stickyHeader size="small" aria-label={t('connections.table')}>
      <TableHead>
        <TableRow>
          <TableCell>{t('connections.id')}</TableCell>
          <TableCell>{t('connections.remote')}</TableCell>
          <TableCell>{t('transcripts.conn.local')}</TableCell>
          <TableCell>{t('connections.since')}</TableCell>
          <TableCell align="right">{t('connections.received')}</TableCell>
          <TableCell align="right">{t('connections.sent')}</TableCell>
          <TableCell>{t('connections.status')}</TableCell>
          {actions ? <TableCell>{t('connections.actions')}</TableCell> : null}
        </TableRow>
      </TableHead>
      <TableBody>{children}</TableBody>
    </Table>
  );
}

const IDLE_TIMEOUT = 'IDLE_TIMEOUT';

/** "closed 12:00:01.123 (reset by the peer)", or what it still is while open. */
export function recordStatus(t: Translate, conn: ConnectionRecord): string {
  const flags = [conn.peerEnded ? t('connections.peerEnded') : undefined, conn.localEnded ? t('connections.localEnded') : undefined];
  if (conn.closed) {
    const { reason, code } = conn.closed;
    const words =
      code === IDLE_TIMEOUT
        ? t('log.reason.timeout')
        : reason === 'error'
          ? t('log.reason.error', { code: code ?? '?' })
          : t(`log.reason.${reason}`);
    flags.push(t('transcripts.conn.closed', { time: formatClock(conn.closed.at), reason: words }));
  }
  return flags.filter((flag) => flag !== undefined).join(' · ');
}

/**
 * A connection as a record: one that closed (greyed, nothing to act on) or one a transcript
 * tells of. `actions`: the table has an actions column, left empty here.
 */
export function ConnectionRecordRow({ conn, actions }: { conn: ConnectionRecord; actions: boolean }) {
  const t = useT();
  const formatNumber = useFormatNumber();
  const closed = conn.closed !== undefined;
  const cell = { fontFamily: MONO_FONT, ...(closed ? { color: 'text.disabled' } : {}) };
  return (
    <TableRow data-closed={closed ? 'true' : undefined}>
      <TableCell sx={cell}>{conn.connId}</TableCell>
      <TableCell sx={cell}>{endpointText(conn.remote)}</TableCell>
      <TableCell sx={cell}>{endpointText(conn.local)}</TableCell>
      <TableCell sx={cell}>{formatClock(conn.since)}</TableCell>
      <TableCell align="right" sx={closed ? { color: 'text.disabled' } : undefined}>
        {formatNumber(conn.counters.rxBytes)}
      </TableCell>
      <TableCell align="right" sx={closed ? { color: 'text.disabled' } : undefined}>
        {formatNumber(conn.counters.txBytes)}
      </TableCell>
      <TableCell>
        <Typography variant="caption" color="text.secondary">
          {recordStatus(t, conn)}
        </Typography>
      </TableCell>
      {actions ? <TableCell /> : null}
    </TableRow>
  );
}
