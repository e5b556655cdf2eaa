import { forwardRef, useMemo } from 'react';
import { TableVirtuoso, type TableComponents } from 'react-virtuoso';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { endpointText, formatClock } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import type { AppError } from '@shared/result';
import { ErrorAlert } from '../components/ErrorAlert';
import type { ConnectionRecord } from '../store/views';
import { COLUMNS, ConnectionCells, ConnectionTlsCell } from './ConnectionRow';
import { MONO_FONT } from '../theme';

/** One row of the table: a live connection, its TLS handshake or a failed action on it below it, or a record. */
export type ConnectionTableRow =
  | { kind: 'open'; connId: string; tls: boolean }
  | { kind: 'tls'; connId: string }
  | { kind: 'failure'; connId: string; error: AppError }
  | { kind: 'record'; conn: ConnectionRecord };

interface TableContext {
  label: string;
  actions: boolean;
  /** The live session the open rows belong to; empty for a transcript. */
  sessionId: string;
  /** A UDP relay's: its connections are mappings, closed rather than disconnected. */
  datagrams: boolean;
  onFailure: (connId: string, error: AppError | undefined) => void;
}

function rowKey(row: ConnectionTableRow): string {
  return row.kind === 'record' ? `record:${row.conn.connId}:${row.conn.closed?.at ?? 0}` : `${row.kind}:${row.connId}`;
}

const DRAWN_BEYOND_PX = 1000;

/**
 * Eight columns at MUI's 16 px each side took the table past the section at 1024 px, the
 * Disconnect button cut off behind a sideways scroll: 10 px each side fits them.
 */
const COMPACT_CELLS = { '& .MuiTableCell-root': { px: 1.25 } };

/** With TLS the handshake goes in a row of its own below, so the connection's row has no bottom line. */
const NO_BOTTOM_LINE = { '& > td': { borderBottom: 0 } };

/**
 * The table's parts as the virtualized list draws them: only the rows in sight (and a few
 * around) are in the page, so a listener holding thousands of connections costs a batch, a
 * layout or a redraw no more than one holding a few.
 */
const PARTS: TableComponents<ConnectionTableRow, TableContext> = {
  Table: ({ context, ...props }) => <Table {...props} stickyHeader size="small" aria-label={context?.label} sx={COMPACT_CELLS} />,
  TableHead: forwardRef<HTMLTableSectionElement>(function Head(props, ref) {
    return <TableHead {...props} ref={ref} />;
  }),
  TableBody: forwardRef<HTMLTableSectionElement>(function Body(props, ref) {
    return <TableBody {...props} ref={ref} />;
  }),
  TableRow: ({ item, context: _context, ...props }) => (
    <TableRow
      {...props}
      sx={item.kind === 'open' && item.tls ? NO_BOTTOM_LINE : undefined}
      data-closed={item.kind === 'record' && item.conn.closed ? 'true' : undefined}
    />
  ),
};

function HeadRow({ actions }: { actions: boolean }) {
  const t = useT();
  return (
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
  );
}

function RowCells({ row, context }: { row: ConnectionTableRow; context: TableContext }) {
  const t = useT();
  switch (row.kind) {
    case 'open':
      return (
        <ConnectionCells sessionId={context.sessionId} connId={row.connId} datagrams={context.datagrams} onFailure={context.onFailure} />
      );
    case 'tls':
      return <ConnectionTlsCell sessionId={context.sessionId} connId={row.connId} />;
    case 'failure':
      return (
        <TableCell colSpan={COLUMNS}>
          <ErrorAlert title={t('connections.disconnect')} error={row.error} onClose={() => context.onFailure(row.connId, undefined)} />
        </TableCell>
      );
    case 'record':
      return <ConnectionRecordCells conn={row.conn} actions={context.actions} />;
  }
}

/** The columns every connection table has, live sessions and transcripts alike, over `rows`. */
export function ConnectionTable({
  rows,
  actions,
  sessionId = '',
  datagrams = false,
  onFailure = () => undefined,
}: {
  rows: readonly ConnectionTableRow[];
  actions: boolean;
  sessionId?: string;
  datagrams?: boolean;
  onFailure?: TableContext['onFailure'];
}) {
  const t = useT();
  const context = useMemo(
    () => ({ label: t('connections.table'), actions, sessionId, datagrams, onFailure }),
    [t, actions, sessionId, datagrams, onFailure],
  );
  return (
    <TableVirtuoso<ConnectionTableRow, TableContext>
      style={{ height: '100%' }}
      // Some dozens of rows past each edge: a scroll or a resize of the section shows rows drawn
      // already, and a table of a few connections is drawn whole.
      increaseViewportBy={DRAWN_BEYOND_PX}
      data={rows as ConnectionTableRow[]}
      context={context}
      components={PARTS}
      computeItemKey={(_index, row) => rowKey(row)}
      fixedHeaderContent={() => <HeadRow actions={actions} />}
      itemContent={(_index, row, ctx) => <RowCells row={row} context={ctx} />}
    />
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
function ConnectionRecordCells({ conn, actions }: { conn: ConnectionRecord; actions: boolean }) {
  const t = useT();
  const formatNumber = useFormatNumber();
  const closed = conn.closed !== undefined;
  const cell = { fontFamily: MONO_FONT, ...(closed ? { color: 'text.disabled' } : {}) };
  return (
    <>
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
    </>
  );
}
