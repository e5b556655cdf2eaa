import { useRef, useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import {
  hostSchema,
  remotePortSchema,
  sessionConfigSchema,
  type SessionConfig,
  type SessionConfigInput,
  type SessionKind,
} from '@shared/contract';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { firstIssue, parsePortText } from '../form-validation';
import { useSay, useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import { MONO_FONT } from '../theme';
import { useOpenConfig } from '../workspace/use-open-config';
import { useWorkspace } from '../workspace/workspace-context';
import { KindEndpoint } from '../workspace/KindEndpoint';
import { useNewSession } from './new-session-context';

type QuickKind = 'tcp' | 'udp';

/** A session of `kind` on an endpoint used before, every option at its default. */
function configOf(kind: SessionKind, host: string, port: number): SessionConfig | undefined {
  const parsed = sessionConfigSchema.safeParse({ kind, host, port });
  return parsed.success ? parsed.data : undefined;
}

/**
 * What a fresh page shows: one form that sends bytes to a host and port (the session is made
 * for the user), the usual first actions, and the endpoints and sessions used before.
 *
 * It stays mounted while a session is shown (`shown` false): an open that fails shows its
 * session for a moment (the engine announces a session before it knows the open fails, and
 * the page selects a new one), then comes back here with what was typed and the error.
 */
export function StartScreen({ shown }: { shown: boolean }) {
  const t = useT();
  const say = useSay();
  const api = useApi();
  const select = useInspector((state) => state.select);
  const openNewSession = useNewSession();
  const recent = useWorkspace((state) => state.recentEndpoints);
  const saved = useWorkspace((state) => state.savedSessions);
  const rememberEndpoint = useWorkspace((state) => state.rememberEndpoint);
  const { openConfig, busy: opening, failure: openFailure, clearFailure } = useOpenConfig();
  const [kind, setKind] = useState<QuickKind>('tcp');
  const [host, setHost] = useState('127.0.0.1');
  const [port, setPort] = useState('');
  const [payload, setPayload] = useState('');
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const payloadField = useRef<HTMLInputElement>(null);

  const hostProblem = firstIssue(hostSchema.safeParse(host.trim()), say);
  const portProblem = firstIssue(remotePortSchema.safeParse(parsePortText(port)), say);
  const typed = { format: 'text' as const, value: payload, encoding: 'utf-8' as const, escapes: true, lineEnding: 'none' as const };
  const problem = payloadProblem(typed);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (busy || hostProblem || portProblem || problem) return;
    setBusy(true);
    setFailure(undefined);
    const target = { host: host.trim(), port: parsePortText(port) };
    // TCP: a client to the target; UDP: a socket on a free port of every address, sending there.
    const config: SessionConfigInput =
      kind === 'tcp'
        ? { kind: 'tcp-client', ...target }
        : { kind: 'udp', host: target.host.includes(':') ? '::' : '0.0.0.0', port: 0, remote: target };
    const opened = await api.open({ config, keepIfFailed: false });
    if (!opened.ok) {
      setBusy(false);
      setFailure(opened.error);
      return;
    }
    const sent = await api.send({ sessionId: opened.value.id, payload: typed });
    setBusy(false);
    if (!sent.ok) {
      // Nothing went out (a UDP target that does not resolve, say): like a failed open, the
      // session goes, and the user is back at the form with what was typed and why.
      await api.remove({ sessionId: opened.value.id });
      setFailure(sent.error);
      return;
    }
    // A recent endpoint is one to open again: the client's target. A UDP quick send binds a
    // free port, which is no endpoint worth offering (its target is not a place to bind).
    if (config.kind === 'tcp-client') rememberEndpoint({ kind: config.kind, host: config.host, port: config.port });
    select(opened.value.id);
  };

  if (!shown) return null;

  return (
    <Box sx={{ flex: 1, overflow: 'auto', p: { xs: 2, md: 3 } }}>
      <Stack spacing={2.5} sx={{ maxWidth: 760, mx: 'auto' }}>
        <Paper variant="outlined" component="section" aria-labelledby="quick-send-title" sx={{ p: 2 }}>
          <Typography id="quick-send-title" variant="h6" component="h2">
            {t('start.quick.title')}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
            {t('start.quick.about')}
          </Typography>
          <Box component="form" noValidate aria-label={t('start.quick.title')} onSubmit={(event) => void send(event)}>
            <Stack spacing={1.5}>
              <ToggleButtonGroup
                exclusive
                size="small"
                color="primary"
                aria-label={t('start.quick.kind')}
                value={kind}
                onChange={(_event, value: QuickKind | null) => value && setKind(value)}
              >
                <ToggleButton value="tcp" sx={{ textTransform: 'none', px: 2 }}>
                  {t('start.quick.tcp')}
                </ToggleButton>
                <ToggleButton value="udp" sx={{ textTransform: 'none', px: 2 }}>
                  {t('start.quick.udp')}
                </ToggleButton>
              </ToggleButtonGroup>
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: 'flex-start' }}>
                <TextField
                  label={t('open.host')}
                  value={host}
                  onChange={(event) => setHost(event.target.value)}
                  error={checked && Boolean(hostProblem)}
                  helperText={checked ? hostProblem : undefined}
                  slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
                  sx={{ flex: 2 }}
                />
                <TextField
                  label={t('open.port')}
                  value={port}
                  onChange={(event) => setPort(event.target.value)}
                  error={checked && Boolean(portProblem)}
                  helperText={checked ? portProblem : undefined}
                  placeholder={t('start.quick.portPlaceholder')}
                  slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
                  sx={{ flex: 1 }}
                />
              </Stack>
              <TextField
                label={t('start.quick.payload')}
                value={payload}
                inputRef={payloadField}
                onChange={(event) => setPayload(event.target.value)}
                error={Boolean(problem)}
                helperText={problem ? problemWords(problem, say) : t('start.quick.payloadHelp')}
                multiline
                minRows={2}
                slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
              />
              <Box>
                <Button type="submit" variant="contained" disabled={busy}>
                  {t('start.quick.send')}
                </Button>
              </Box>
              {failure ? <ErrorAlert title={t('start.quick.failed')} error={failure} onClose={() => setFailure(undefined)} /> : null}
            </Stack>
          </Box>
        </Paper>

        <Box component="section" aria-labelledby="start-actions-title">
          <Typography id="start-actions-title" variant="subtitle1" component="h2" sx={{ mb: 1 }}>
            {t('start.actions')}
          </Typography>
          <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
            <Button variant="outlined" onClick={() => openNewSession({ kind: 'tcp-server' })}>
              {t('start.listen')}
            </Button>
            <Button variant="outlined" onClick={() => openNewSession({ kind: 'tcp-client' })}>
              {t('start.connect')}
            </Button>
            <Button variant="outlined" onClick={() => openNewSession({ kind: 'udp' })}>
              {t('start.bind')}
            </Button>
            <Button
              variant="outlined"
              onClick={() => {
                setKind('udp');
                payloadField.current?.focus();
              }}
            >
              {t('start.datagram')}
            </Button>
          </Stack>
        </Box>

        {recent.length > 0 || saved.length > 0 ? (
          <Box component="section" aria-labelledby="start-again-title">
            <Typography id="start-again-title" variant="subtitle1" component="h2" sx={{ mb: 1 }}>
              {t('start.again')}
            </Typography>
            <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.75 }}>
              {saved.map((entry) => (
                <Chip
                  key={entry.id}
                  color="primary"
                  variant="outlined"
                  disabled={opening}
                  label={entry.name}
                  aria-label={t('start.openSaved', { name: entry.name })}
                  onClick={() => void openConfig(entry.config)}
                />
              ))}
              {recent.map((entry) => {
                const endpoint = formatEndpoint(entry.host, entry.port);
                return (
                  <Chip
                    key={`${entry.kind} ${endpoint}`}
                    variant="outlined"
                    disabled={opening}
                    label={<KindEndpoint kind={entry.kind} endpoint={endpoint} />}
                    aria-label={t('start.openRecent', { kind: t(`kind.${entry.kind}`), endpoint })}
                    onClick={() => {
                      const config = configOf(entry.kind, entry.host, entry.port);
                      if (config) void openConfig(config);
                    }}
                  />
                );
              })}
            </Stack>
            {openFailure ? <ErrorAlert title={t('start.openFailed')} error={openFailure} onClose={clearFailure} sx={{ mt: 1 }} /> : null}
          </Box>
        ) : null}
      </Stack>
    </Box>
  );
}
