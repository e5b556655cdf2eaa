import { useMemo, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { LINE_ENDINGS, type LineEnding, type SendReceipt, type SendTarget } from '../../../shared/contract';
import { payloadProblem } from '../../../shared/payload';
import type { AppError } from '../../../shared/result';
import { useApi } from '../api/api-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { endpointText } from '../format';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { ConnectionView, SessionView } from '../store/views';
import { MONO_FONT } from '../theme';
import { composerPayload, type ComposerFormat } from './composer-payload';
import { UdpTargetFields, useUdpTarget } from './UdpTargetFields';

const ALL = 'all';
const NO_CONNECTIONS: ReadonlyMap<string, ConnectionView> = new Map();

function isLineEnding(value: unknown): value is LineEnding {
  return typeof value === 'string' && (LINE_ENDINGS as readonly string[]).includes(value);
}

export function Composer({ session }: { session: SessionView }) {
  const t = useT();
  const api = useApi();
  const connections = useInspector((state) => state.connections.get(session.id) ?? NO_CONNECTIONS);
  const [format, setFormat] = useState<ComposerFormat>('text');
  const [value, setValue] = useState('');
  const [lineEnding, setLineEnding] = useState<LineEnding>('none');
  const [chosenConn, setChosenConn] = useState<string>(ALL);
  const udp = useUdpTarget(session);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [receipt, setReceipt] = useState<SendReceipt | undefined>(undefined);

  const payload = useMemo(() => composerPayload(format, value, lineEnding), [format, value, lineEnding]);
  const problem = useMemo(() => payloadProblem(payload), [payload]);
  // A chosen connection that has since closed falls back to all of them.
  const connTarget = chosenConn !== ALL && connections.has(chosenConn) ? chosenConn : ALL;
  const isOpen = session.state === 'open';
  const empty = value === '' && lineEnding === 'none';
  const canSend = isOpen && !busy && !problem && !empty && (session.kind !== 'udp' || udp.valid);

  const target = (): SendTarget | undefined => {
    if (session.kind === 'tcp-server') return connTarget === ALL ? { type: 'all' } : { type: 'connections', connIds: [connTarget] };
    if (session.kind === 'udp') return udp.target();
    return undefined;
  };

  const send = async () => {
    if (!canSend) return;
    setBusy(true);
    setFailure(undefined);
    setReceipt(undefined);
    const to = target();
    const result = await api.send({ sessionId: session.id, payload, ...(to ? { to } : {}) });
    setBusy(false);
    if (result.ok) setReceipt(result.value);
    else setFailure(result.error);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <Box component="section" aria-label={t('composer.label')} sx={{ borderTop: 1, borderColor: 'divider', p: 1.5, flex: 'none' }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mb: 1 }}>
        <ToggleButtonGroup
          exclusive
          aria-label={t('composer.format')}
          value={format}
          onChange={(_event, next: unknown) => {
            if (next === 'text' || next === 'hex') setFormat(next);
          }}
        >
          <ToggleButton value="text">{t('composer.text')}</ToggleButton>
          <ToggleButton value="hex">{t('composer.hex')}</ToggleButton>
        </ToggleButtonGroup>
        <TextField
          select
          label={t('composer.lineEnding')}
          value={lineEnding}
          onChange={(event) => {
            if (isLineEnding(event.target.value)) setLineEnding(event.target.value);
          }}
          sx={{ minWidth: 130 }}
        >
          {LINE_ENDINGS.map((ending) => (
            <MenuItem key={ending} value={ending}>
              {t(`composer.lineEnding.${ending}`)}
            </MenuItem>
          ))}
        </TextField>
        {session.kind === 'tcp-server' ? (
          <TextField select label={t('composer.target')} value={connTarget} onChange={(event) => setChosenConn(event.target.value)} sx={{ minWidth: 200 }}>
            <MenuItem value={ALL}>{t('composer.target.all')}</MenuItem>
            {[...connections.values()].map((conn) => (
              <MenuItem key={conn.connId} value={conn.connId}>
                {t('composer.target.connection', { connId: conn.connId, remote: endpointText(conn.remote) })}
              </MenuItem>
            ))}
          </TextField>
        ) : null}
        {session.kind === 'udp' ? <UdpTargetFields target={udp} /> : null}
      </Stack>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          label={t('composer.payload')}
          multiline
          minRows={2}
          maxRows={8}
          fullWidth
          value={value}
          onChange={(event) => setValue(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t(format === 'hex' ? 'composer.placeholder.hex' : 'composer.placeholder.text')}
          error={Boolean(problem)}
          helperText={problem ? problem.message : t('composer.shortcut')}
          slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
        />
        <Button variant="contained" disabled={!canSend} onClick={() => void send()} sx={{ mt: 0.5 }}>
          {t('composer.send')}
        </Button>
      </Stack>
      {!isOpen ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {t('composer.notOpen')}
        </Typography>
      ) : null}
      {failure ? (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert title={t('composer.sendFailed')} error={failure} onClose={() => setFailure(undefined)} />
        </Box>
      ) : null}
      {receipt ? (
        <Typography variant="caption" color="text.secondary" role="status">
          {t('composer.sent', { bytes: receipt.bytes, targets: receipt.targets })}
        </Typography>
      ) : null}
    </Box>
  );
}
