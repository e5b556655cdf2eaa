import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Snackbar from '@mui/material/Snackbar';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import type { LocalAddress, SessionKind } from '@shared/contract';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useErrorWords, useSay, useT } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/en';
import { useInspector } from '../store/store-context';
import { MONO_FONT } from '../theme';
import { useRecordingSettings } from '../transcripts/recording-settings-context';
import { useWorkspace } from '../workspace/workspace-context';
import {
  changedOptions,
  checkForm,
  newForm,
  offersTls,
  switchKind,
  type FieldProblems,
  type FormField,
  type LoopbackChoice,
  type SessionForm,
} from './session-form';
import { TlsSection } from './TlsSection';
import { KindEndpoint } from '../workspace/KindEndpoint';

const KINDS: readonly SessionKind[] = ['tcp-server', 'tcp-client', 'udp', 'relay'];
/** Every address of the machine at once, for a listener or a UDP socket. */
const WILDCARDS = ['0.0.0.0', '::'];
const ADVANCED_FIELDS: readonly FormField[] = [
  'noDelay',
  'keepAlive',
  'keepAliveDelay',
  'halfOpen',
  'halfCloseLinger',
  'idleTimeout',
  'ipv6Only',
  'localAddress',
  'localPort',
  'connectTimeout',
  'maxConnections',
  'reconnect',
  'reconnectInitial',
  'reconnectMax',
  'reconnectAttempts',
  'reuseAddress',
  'broadcast',
  'connect',
  'recvBuffer',
  'sendBuffer',
  'ttl',
  'multicastTtl',
  'multicastLoopback',
  'multicastInterface',
  'multicastGroup',
  'remoteHost',
  'remotePort',
  'udpIdle',
  'holdToServer',
  'holdToClient',
];
const LOOPBACK_CHOICES: readonly LoopbackChoice[] = ['default', 'on', 'off'];
const LOOPBACK_LABELS = {
  default: 'sessions.option.loopbackDefault',
  on: 'sessions.option.loopbackOn',
  off: 'sessions.option.loopbackOff',
} as const satisfies Record<LoopbackChoice, MessageKey>;

type TextFieldName = { [F in FormField]: SessionForm[F] extends string ? F : never }[FormField];
type FlagName = { [F in FormField]: SessionForm[F] extends boolean ? F : never }[FormField];

export interface NewSessionDialogProps {
  open: boolean;
  /** A form to start from (duplicating a session), or the kind of a new one. */
  initial: SessionForm | SessionKind;
  onClose: () => void;
}

/** Creating a session: kind, endpoint and every option of the contract, checked before sending. */
export function NewSessionDialog({ open, initial, onClose }: NewSessionDialogProps) {
  const t = useT();
  const say = useSay();
  const words = useErrorWords();
  const api = useApi();
  const titleId = useId();
  const select = useInspector((state) => state.select);
  const recent = useWorkspace((state) => state.recentEndpoints);
  const rememberEndpoint = useWorkspace((state) => state.rememberEndpoint);
  const saveSession = useWorkspace((state) => state.saveSession);
  const [form, setForm] = useState<SessionForm>(() => (typeof initial === 'string' ? newForm(initial, recent) : initial));
  const [advanced, setAdvanced] = useState(false);
  const [machine, setMachine] = useState<readonly LocalAddress[]>([]);
  const [retrying, setRetrying] = useState<AppError | undefined>(undefined);
  const [problems, setProblems] = useState<FieldProblems>({});
  // Once the form has been checked, recheck as the user types so marks go away.
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [joinFailure, setJoinFailure] = useState<AppError | undefined>(undefined);
  const [save, setSave] = useState(false);
  const [name, setName] = useState('');
  const recorder = useRecordingSettings().status;
  const failures = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // The alerts sit at the foot of a form that scrolls once the options are open: a failure
    // out of sight would look like a button that did nothing. (jsdom has no scrollIntoView.)
    if (failure || joinFailure) failures.current?.scrollIntoView?.({ block: 'nearest' });
  }, [failure, joinFailure]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    void api.addresses({}).then((result) => {
      if (live && result.ok) setMachine(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, open]);

  const recentHosts = useMemo(() => [...new Set(recent.map((entry) => entry.host))], [recent]);
  const hostOptions = useMemo(() => {
    const own = machine.map((entry) => entry.address);
    const wildcards = form.kind === 'tcp-client' ? [] : WILDCARDS;
    return [...new Set([...recentHosts, ...wildcards, ...own, 'localhost'])];
  }, [recentHosts, machine, form.kind]);
  const aboutHost = (host: string): string | undefined => {
    if (host === '0.0.0.0') return t('sessions.dialog.anyIPv4');
    if (host === '::') return t('sessions.dialog.anyIPv6');
    const own = machine.find((entry) => entry.address === host);
    if (own) return t(own.internal ? 'sessions.dialog.loopbackOf' : 'sessions.dialog.interfaceOf', { name: own.interface });
    return host === 'localhost' ? t('sessions.dialog.localhost') : undefined;
  };
  const groupOf = (host: string): string => {
    if (recentHosts.includes(host)) return t('sessions.dialog.groupRecent');
    if (WILDCARDS.includes(host)) return t('sessions.dialog.groupEvery');
    return t('sessions.dialog.groupMachine');
  };
  const changed = changedOptions(form);
  const defaultName = `${t(`kind.${form.kind}`)} ${formatEndpoint(form.host.trim(), Number(form.port) || 0)}`;

  const update = (next: SessionForm) => {
    setForm(next);
    if (checked) {
      const result = checkForm(next, say);
      setProblems(result.ok ? {} : result.problems);
    }
  };
  const set = <F extends FormField>(field: F, value: SessionForm[F]) => update({ ...form, [field]: value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const result = checkForm(form, say);
    setChecked(true);
    setProblems(result.ok ? {} : result.problems);
    if (!result.ok) {
      // A problem in a folded option must not hide behind the fold.
      if (ADVANCED_FIELDS.some((field) => result.problems[field] !== undefined)) setAdvanced(true);
      return;
    }
    setBusy(true);
    setFailure(undefined);
    // A failed open leaves nothing behind: no session in the list, no recording on disk.
    const opened = await api.open({ config: result.config, keepIfFailed: false });
    if (!opened.ok) {
      setBusy(false);
      setFailure(opened.error);
      return;
    }
    // Not connected yet, but auto-reconnect goes on trying: the session is real, and says so.
    if (opened.value.state === 'opening' && opened.value.reconnect) setRetrying(opened.value.error);
    const { config } = result;
    rememberEndpoint({ kind: config.kind, host: config.host, port: config.port });
    if (save) saveSession(name.trim() === '' ? defaultName : name, config);
    select(opened.value.id);
    if (result.group !== undefined) {
      const joined = await api.multicast({ sessionId: opened.value.id, action: 'join', group: result.group });
      if (!joined.ok) {
        // The session exists now: offering to open it again would make a second one.
        setBusy(false);
        setJoinFailure(joined.error);
        return;
      }
    }
    onClose();
  };

  const textField = (
    field: TextFieldName,
    label: MessageKey,
    options: { unit?: string; numeric?: boolean; placeholder?: string; help?: string } = {},
  ) => (
    <TextField
      label={t(label)}
      value={form[field]}
      onChange={(event) => set(field, event.target.value)}
      error={Boolean(problems[field])}
      helperText={problems[field] ?? options.help}
      placeholder={options.placeholder}
      slotProps={{
        htmlInput: { inputMode: options.numeric === false ? 'text' : 'numeric', autoComplete: 'off', spellCheck: false },
        input: options.unit ? { endAdornment: <InputAdornment position="end">{options.unit}</InputAdornment> } : undefined,
      }}
    />
  );
  const flag = (field: FlagName, label: MessageKey) => (
    <FormControlLabel
      control={<Checkbox size="small" checked={form[field]} onChange={(event) => set(field, event.target.checked)} />}
      label={t(label)}
    />
  );
  const ms = t('sessions.dialog.ms');
  const bytes = t('sessions.dialog.bytes');
  const optional = t('sessions.option.optional');
  const grid = (children: ReactNode) => (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, columnGap: 1.5, rowGap: 1.25, alignItems: 'start' }}>
      {children}
    </Box>
  );
  const keepAliveDelay = (
    <Collapse in={form.keepAlive} unmountOnExit>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, pt: 0.5 }}>
        {textField('keepAliveDelay', 'sessions.option.keepAliveDelay', { unit: ms })}
      </Box>
    </Collapse>
  );

  const options: Record<SessionKind, ReactNode> = {
    'tcp-server': (
      <Stack spacing={1.25}>
        {grid(
          <>
            {textField('maxConnections', 'sessions.option.maxConnections')}
            {textField('halfCloseLinger', 'sessions.option.halfCloseLinger', { unit: ms })}
            {textField('idleTimeout', 'sessions.option.idleTimeout', { unit: ms, placeholder: optional })}
          </>,
        )}
        <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 1 }}>
          {flag('ipv6Only', 'sessions.option.ipv6Only')}
          {flag('noDelay', 'sessions.option.noDelay')}
          {flag('halfOpen', 'sessions.option.halfOpen')}
          {flag('keepAlive', 'sessions.option.keepAlive')}
        </Stack>
        {keepAliveDelay}
      </Stack>
    ),
    'tcp-client': (
      <Stack spacing={1.25}>
        {grid(
          <>
            {textField('localAddress', 'sessions.option.localAddress', { numeric: false, placeholder: optional })}
            {textField('localPort', 'sessions.option.localPort', { placeholder: optional })}
            {textField('connectTimeout', 'sessions.option.connectTimeout', { unit: ms })}
            {textField('halfCloseLinger', 'sessions.option.halfCloseLinger', { unit: ms })}
            {textField('idleTimeout', 'sessions.option.idleTimeout', { unit: ms, placeholder: optional })}
          </>,
        )}
        <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 1 }}>
          {flag('noDelay', 'sessions.option.noDelay')}
          {flag('halfOpen', 'sessions.option.halfOpen')}
          {flag('keepAlive', 'sessions.option.keepAlive')}
          {flag('reconnect', 'sessions.option.reconnect')}
        </Stack>
        {keepAliveDelay}
        <Collapse in={form.reconnect} unmountOnExit>
          <Box
            sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr 1fr' }, columnGap: 1.5, pt: 0.5, alignItems: 'start' }}
          >
            {textField('reconnectInitial', 'sessions.option.reconnectInitial', { unit: ms })}
            {textField('reconnectMax', 'sessions.option.reconnectMax', { unit: ms })}
            {textField('reconnectAttempts', 'sessions.option.reconnectAttempts')}
          </Box>
        </Collapse>
      </Stack>
    ),
    relay: (
      <Stack spacing={1.25}>
        {grid(
          <>
            {textField('maxConnections', 'sessions.option.relayPairs')}
            {form.relayTransport === 'tcp'
              ? textField('connectTimeout', 'sessions.option.connectTimeout', { unit: ms })
              : textField('udpIdle', 'sessions.option.udpIdle', { unit: ms })}
          </>,
        )}
        <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 1 }}>
          {flag('holdToServer', 'sessions.option.holdToServer')}
          {flag('holdToClient', 'sessions.option.holdToClient')}
        </Stack>
      </Stack>
    ),
    udp: (
      <Stack spacing={1.25}>
        <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 1 }}>
          {flag('reuseAddress', 'sessions.option.reuseAddress')}
          {flag('broadcast', 'sessions.option.broadcast')}
          {flag('connect', 'sessions.option.udpConnect')}
          {flag('ipv6Only', 'sessions.option.ipv6Only')}
        </Stack>
        {grid(
          <>
            {textField('recvBuffer', 'sessions.option.recvBuffer', { unit: bytes, placeholder: optional })}
            {textField('sendBuffer', 'sessions.option.sendBuffer', { unit: bytes, placeholder: optional })}
            {textField('ttl', 'sessions.option.ttl', { placeholder: optional })}
            {textField('multicastGroup', 'sessions.option.multicastGroup', { numeric: false, placeholder: '239.1.2.3' })}
            {textField('multicastInterface', 'sessions.option.multicastInterface', { numeric: false, placeholder: optional })}
            {textField('multicastTtl', 'sessions.option.multicastTtl', { placeholder: optional })}
            <TextField
              select
              label={t('sessions.option.multicastLoopback')}
              value={form.multicastLoopback}
              onChange={(event) => set('multicastLoopback', event.target.value as LoopbackChoice)}
            >
              {LOOPBACK_CHOICES.map((choice) => (
                <MenuItem key={choice} value={choice}>
                  {t(LOOPBACK_LABELS[choice])}
                </MenuItem>
              ))}
            </TextField>
            {textField('remoteHost', 'sessions.option.remoteHost', {
              numeric: false,
              placeholder: optional,
              help: t('sessions.option.remoteHelp'),
            })}
            {textField('remotePort', 'sessions.option.remotePort', { placeholder: optional })}
          </>,
        )}
      </Stack>
    ),
  };

  return (
    <>
      <Dialog open={open} onClose={busy ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="sm" scroll="paper">
        <DialogTitle id={titleId} sx={{ py: 1.25 }}>
          {t('sessions.dialog.title')}
        </DialogTitle>
        <Box
          component="form"
          noValidate
          aria-label={t('open.form')}
          onSubmit={(event) => void submit(event)}
          sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}
        >
          <DialogContent dividers sx={{ py: 1.5 }}>
            <Stack spacing={1.5}>
              {recent.length > 0 ? (
                <Box component="section" aria-label={t('sessions.dialog.recent')}>
                  <Typography variant="caption" color="text.secondary" component="h3" sx={{ mb: 0.5 }}>
                    {t('sessions.dialog.recent')}
                  </Typography>
                  <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
                    {recent.map((entry) => {
                      const endpoint = formatEndpoint(entry.host, entry.port);
                      return (
                        <Chip
                          key={`${entry.kind} ${endpoint}`}
                          size="small"
                          variant="outlined"
                          label={<KindEndpoint kind={entry.kind} endpoint={endpoint} />}
                          aria-label={t('sessions.dialog.recentLabel', { kind: t(`kind.${entry.kind}`), endpoint })}
                          onClick={() => update({ ...form, kind: entry.kind, host: entry.host, port: String(entry.port) })}
                        />
                      );
                    })}
                  </Stack>
                </Box>
              ) : null}
              <ToggleButtonGroup
                exclusive
                color="primary"
                aria-label={t('sessions.dialog.kind')}
                value={form.kind}
                onChange={(_event, value: SessionKind | null) => {
                  if (value) update(switchKind(form, value, recent));
                }}
                fullWidth
              >
                {KINDS.map((kind) => (
                  <ToggleButton key={kind} value={kind} sx={{ py: 0.5, textTransform: 'none' }}>
                    {t(`kind.${kind}`)}
                  </ToggleButton>
                ))}
              </ToggleButtonGroup>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
                <Autocomplete
                  freeSolo
                  disableClearable
                  options={hostOptions}
                  groupBy={groupOf}
                  renderOption={(props, option) => {
                    const { key, ...rest } = props as typeof props & { key: string };
                    const about = aboutHost(option);
                    return (
                      <Box
                        component="li"
                        key={key}
                        {...rest}
                        sx={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-start !important' }}
                      >
                        <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                          {option}
                        </Box>
                        {about ? (
                          <Typography variant="caption" color="text.secondary">
                            {about}
                          </Typography>
                        ) : null}
                      </Box>
                    );
                  }}
                  inputValue={form.host}
                  onInputChange={(_event, value) => set('host', value)}
                  sx={{ flex: 2 }}
                  renderInput={(params) => (
                    <TextField
                      {...params}
                      autoFocus
                      label={t('open.host')}
                      error={Boolean(problems.host)}
                      helperText={problems.host ?? aboutHost(form.host.trim())}
                    />
                  )}
                />
                <TextField
                  label={t('open.port')}
                  value={form.port}
                  onChange={(event) => set('port', event.target.value)}
                  error={Boolean(problems.port)}
                  helperText={problems.port}
                  placeholder={form.kind === 'tcp-client' ? t('sessions.dialog.serverPort') : undefined}
                  slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
                  sx={{ flex: 1 }}
                />
              </Stack>
              {form.kind === 'relay' ? (
                <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
                  <TextField
                    label={t('sessions.option.upstreamHost')}
                    value={form.upstreamHost}
                    onChange={(event) => set('upstreamHost', event.target.value)}
                    error={Boolean(problems.upstreamHost)}
                    helperText={problems.upstreamHost}
                    slotProps={{ htmlInput: { autoComplete: 'off', spellCheck: false } }}
                    sx={{ flex: 2 }}
                  />
                  <TextField
                    label={t('sessions.option.upstreamPort')}
                    value={form.upstreamPort}
                    onChange={(event) => set('upstreamPort', event.target.value)}
                    error={Boolean(problems.upstreamPort)}
                    helperText={problems.upstreamPort}
                    placeholder={t('sessions.dialog.serverPort')}
                    slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
                    sx={{ flex: 1 }}
                  />
                  <ToggleButtonGroup
                    exclusive
                    size="small"
                    aria-label={t('sessions.option.relayTransport')}
                    value={form.relayTransport}
                    onChange={(_event, value: 'tcp' | 'udp' | null) => {
                      if (value) set('relayTransport', value);
                    }}
                    sx={{ flex: 'none', mt: 0.5 }}
                  >
                    <ToggleButton value="tcp" sx={{ textTransform: 'none' }}>
                      TCP
                    </ToggleButton>
                    <ToggleButton value="udp" sx={{ textTransform: 'none' }}>
                      UDP
                    </ToggleButton>
                  </ToggleButtonGroup>
                </Stack>
              ) : null}
              <Typography variant="caption" color="text.secondary">
                {t(`open.about.${form.kind}`)}
              </Typography>
              {/* TLS is for TCP: a client's or listener's own, and a TCP relay's towards its clients and to its upstream. */}
              {offersTls(form, 'own') ? <TlsSection form={form} problems={problems} update={update} /> : null}
              {offersTls(form, 'upstream') ? <TlsSection form={form} problems={problems} update={update} side="upstream" /> : null}
              <Box>
                <Button size="small" aria-expanded={advanced} onClick={() => setAdvanced((was) => !was)} sx={{ textTransform: 'none' }}>
                  {t(advanced ? 'sessions.dialog.hideOptions' : 'sessions.dialog.showOptions', { count: changed })}
                </Button>
                <Collapse in={advanced} unmountOnExit>
                  <Box
                    component="fieldset"
                    sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pt: 0.5, pb: 1.25, m: 0, mt: 0.5 }}
                  >
                    <Typography component="legend" variant="caption" color="text.secondary" sx={{ px: 0.5 }}>
                      {t('sessions.dialog.options')}
                    </Typography>
                    {options[form.kind]}
                  </Box>
                </Collapse>
              </Box>
              {recorder.type === 'ready' ? (
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                  <FormControlLabel
                    control={
                      <Checkbox
                        size="small"
                        checked={form.record ?? recorder.settings.recordByDefault}
                        onChange={(event) => set('record', event.target.checked)}
                      />
                    }
                    label={t('transcripts.dialog.record')}
                    sx={{ flex: 'none' }}
                  />
                  <Typography variant="caption" color="text.secondary">
                    {form.record === undefined
                      ? t(recorder.settings.recordByDefault ? 'transcripts.dialog.recordDefaultOn' : 'transcripts.dialog.recordDefaultOff')
                      : t('transcripts.dialog.recordChosen')}
                  </Typography>
                </Stack>
              ) : null}
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <FormControlLabel
                  control={<Checkbox size="small" checked={save} onChange={(event) => setSave(event.target.checked)} />}
                  label={t('sessions.dialog.saveInWorkspace')}
                  sx={{ flex: 'none' }}
                />
                {save ? (
                  <TextField
                    label={t('sessions.dialog.name')}
                    value={name}
                    placeholder={defaultName}
                    onChange={(event) => setName(event.target.value)}
                    sx={{ flex: 1 }}
                  />
                ) : null}
              </Stack>
              <Box ref={failures} sx={{ '&:empty': { display: 'none' } }}>
                {failure ? <ErrorAlert title={t('sessions.dialog.failed')} error={failure} onClose={() => setFailure(undefined)} /> : null}
                {joinFailure ? <ErrorAlert title={t('sessions.dialog.joinFailed')} error={joinFailure} /> : null}
              </Box>
            </Stack>
          </DialogContent>
          <DialogActions sx={{ px: 2, py: 1 }}>
            {joinFailure ? (
              <Button variant="contained" onClick={onClose}>
                {t('sessions.dialog.done')}
              </Button>
            ) : (
              <>
                <Button onClick={onClose} disabled={busy}>
                  {t('sessions.dialog.cancel')}
                </Button>
                <Button type="submit" variant="contained" disabled={busy}>
                  {t(`open.submit.${form.kind}`)}
                </Button>
              </>
            )}
          </DialogActions>
        </Box>
      </Dialog>
      <Snackbar open={retrying !== undefined} autoHideDuration={10_000} onClose={() => setRetrying(undefined)}>
        <Alert severity="info" onClose={() => setRetrying(undefined)} sx={{ maxWidth: 560 }}>
          {t('sessions.dialog.retrying')}
          {retrying ? ` ${words(retrying).message}` : ''}
        </Alert>
      </Snackbar>
    </>
  );
}
