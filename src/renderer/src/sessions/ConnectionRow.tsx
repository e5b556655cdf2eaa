import { memo, useEffect, useId, useState } from 'react';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { DISCONNECT_MODES, type DisconnectMode } from '@shared/contract';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { endpointText, formatClock } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import { useConnectionCounters, useConnectionShape, type ConnectionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import { TlsDetailsView } from './TlsDetailsView';

/** Bytes each way: the only cells that change with traffic. */
function CounterCells({ sessionId, connId }: { sessionId: string; connId: string }) {
  const formatNumber = useFormatNumber();
  const counters = useConnectionCounters(sessionId, connId);
  return (
    <>
      <TableCell align="right">{formatNumber(counters.rxBytes)}</TableCell>
      <TableCell align="right">{formatNumber(counters.txBytes)}</TableCell>
    </>
  );
}

/** A live connection's table has this many columns: a row below one spans them all. */
export const COLUMNS = 8;

type OnFailure = (connId: string, error: AppError | undefined) => void;

/**
 * The cells of a live connection's row; a failed disconnect or reset goes to `onFailure`, shown in
 * a row below. `datagrams`: a UDP relay's mapping, which has no FIN or RST to send: it is only closed.
 */
export const ConnectionCells = memo(function ConnectionCells({
  sessionId,
  connId,
  datagrams,
  onFailure,
}: {
  sessionId: string;
  connId: string;
  datagrams: boolean;
  onFailure: OnFailure;
}) {
  const conn = useConnectionShape(sessionId, connId);
  return conn ? <ConnectionCellsOf sessionId={sessionId} conn={conn} datagrams={datagrams} onFailure={onFailure} /> : null;
});

/** The handshake of a connection with TLS (and of a relay's upstream leg), across the table's width. */
export function ConnectionTlsCell({ sessionId, connId }: { sessionId: string; connId: string }) {
  const conn = useConnectionShape(sessionId, connId);
  const pair = conn?.relay;
  // The whole table's width: in the status column a relay's two legs wrapped to many
  // lines and the pair's row outgrew the connections section at 1024×700 and 1280×800.
  return (
    <TableCell colSpan={COLUMNS} sx={{ pt: 0 }}>
      {conn?.tls ? <TlsDetailsView connId={connId} tls={conn.tls} leg={pair ? 'client' : undefined} /> : null}
      {pair?.upstreamTls ? <TlsDetailsView connId={connId} tls={pair.upstreamTls} leg="upstream" /> : null}
    </TableCell>
  );
}

/** Whole seconds left until `at` (epoch ms), counting down while it is ahead; undefined without one. */
function useSecondsUntil(at: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === undefined) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [at]);
  if (at === undefined) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function ConnectionCellsOf({
  sessionId,
  conn,
  datagrams,
  onFailure,
}: {
  sessionId: string;
  conn: ConnectionShape;
  datagrams: boolean;
  onFailure: OnFailure;
}) {
  const t = useT();
  const api = useApi();
  const menuId = useId();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const pair = conn.relay;
  // A relay's pair: the client, and the server it is relayed to through our upstream end.
  const remote = pair
    ? t('connections.relayPair', { client: endpointText(conn.remote), upstream: endpointText(pair.upstream) })
    : endpointText(conn.remote);
  const closingIn = useSecondsUntil(conn.peerEnded && !conn.localEnded ? conn.closesAt : undefined);
  const flags = [
    conn.peerEnded ? t('connections.peerEnded') : undefined,
    closingIn === undefined ? undefined : t('connections.closesIn', { seconds: closingIn }),
    conn.localEnded ? t('connections.localEnded') : undefined,
    conn.blocked ? t('connections.blocked') : undefined,
    pair && !pair.connected ? t('connections.relayConnecting') : undefined,
    pair?.serverEnded ? t('connections.serverEnded') : undefined,
    pair?.serverLegEnded ? t('connections.serverLegEnded') : undefined,
    pair && pair.held['to-server'].messages + pair.held['to-client'].messages > 0
      ? t('connections.relayHeld', { count: pair.held['to-server'].messages + pair.held['to-client'].messages })
      : undefined,
    conn.staleSince !== undefined ? t('automation.staleSince', { time: formatClock(conn.staleSince) }) : undefined,
  ].filter((flag) => flag !== undefined);

  const disconnect = async (mode: DisconnectMode) => {
    setAnchor(null);
    onFailure(conn.connId, undefined);
    const result = await api.disconnect({ sessionId, connId: conn.connId, mode });
    if (!result.ok) onFailure(conn.connId, result.error);
  };

  const resetCounters = async () => {
    setAnchor(null);
    onFailure(conn.connId, undefined);
    const result = await api.resetCounters({ sessionId, connId: conn.connId });
    if (!result.ok) onFailure(conn.connId, result.error);
  };

  return (
    <>
      <TableCell sx={{ fontFamily: MONO_FONT }}>{conn.connId}</TableCell>
      <TableCell sx={{ fontFamily: MONO_FONT }}>{remote}</TableCell>
      <TableCell sx={{ fontFamily: MONO_FONT }}>
        {pair?.upstreamLocal ? `${endpointText(conn.local)} · ${endpointText(pair.upstreamLocal)}` : endpointText(conn.local)}
      </TableCell>
      <TableCell sx={{ fontFamily: MONO_FONT }}>{formatClock(conn.since)}</TableCell>
      <CounterCells sessionId={sessionId} connId={conn.connId} />
      <TableCell>
        <Typography variant="caption" color={conn.blocked ? 'warning.main' : 'text.secondary'}>
          {flags.join(' · ')}
        </Typography>
      </TableCell>
      <TableCell>
        <Button
          aria-label={t('connections.disconnectLabel', { remote })}
          aria-haspopup="menu"
          aria-controls={anchor ? menuId : undefined}
          aria-expanded={anchor ? 'true' : undefined}
          onClick={(event) => setAnchor(event.currentTarget)}
        >
          {t('connections.disconnect')}
        </Button>
        <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
          {datagrams ? (
            <MenuItem onClick={() => void disconnect('graceful')}>{t('connections.mode.mapping')}</MenuItem>
          ) : (
            DISCONNECT_MODES.map((mode) => (
              <MenuItem key={mode} onClick={() => void disconnect(mode)}>
                {t(`connections.mode.${mode}`)}
              </MenuItem>
            ))
          )}
          <Divider />
          <MenuItem onClick={() => void resetCounters()}>{t('log.resetCounters.connection')}</MenuItem>
        </Menu>
      </TableCell>
    </>
  );
}
