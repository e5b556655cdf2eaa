import { useState, type FormEvent } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { hostSchema, portSchema, remotePortSchema, type SessionKind } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import { useApi } from '../api/api-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import { firstIssue, parsePortText } from '../form-validation';

const KINDS: readonly SessionKind[] = ['tcp-server', 'tcp-client', 'udp'];
const HOST_SUGGESTIONS = ['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost'];

interface FieldProblems {
  host?: string | undefined;
  port?: string | undefined;
}

function checkFields(kind: SessionKind, host: string, port: string): FieldProblems {
  // Port 0 means "pick one" when binding, but nothing can be connected to it.
  const portRule = kind === 'tcp-client' ? remotePortSchema : portSchema;
  return {
    host: firstIssue(hostSchema.safeParse(host.trim())),
    port: firstIssue(portRule.safeParse(parsePortText(port))),
  };
}

export function OpenSessionForm() {
  const t = useT();
  const api = useApi();
  const select = useInspector((state) => state.select);
  const [kind, setKind] = useState<SessionKind>('tcp-server');
  const [host, setHost] = useState('127.0.0.1');
  const [port, setPort] = useState('0');
  const [problems, setProblems] = useState<FieldProblems>({});
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // Once a field has been marked, recheck it as the user types so the mark goes away.
  const [checked, setChecked] = useState(false);

  const recheck = (nextKind: SessionKind, nextHost: string, nextPort: string) => {
    if (checked) setProblems(checkFields(nextKind, nextHost, nextPort));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkFields(kind, host, port);
    setChecked(true);
    setProblems(found);
    if (found.host || found.port) return;
    setBusy(true);
    setFailure(undefined);
    const result = await api.open({ config: { kind, host: host.trim(), port: parsePortText(port) } });
    setBusy(false);
    if (result.ok) select(result.value.id);
    else setFailure(result.error);
  };

  return (
    <Box component="form" noValidate aria-label={t('open.form')} onSubmit={(event) => void submit(event)} sx={{ p: 1.5 }}>
      <Typography variant="subtitle2" component="h2" gutterBottom>
        {t('open.title')}
      </Typography>
      <Stack spacing={1.5}>
        <TextField
          select
          label={t('open.kind')}
          value={kind}
          onChange={(event) => {
            const next = event.target.value as SessionKind;
            setKind(next);
            recheck(next, host, port);
          }}
        >
          {KINDS.map((value) => (
            <MenuItem key={value} value={value}>
              {t(`kind.${value}`)}
            </MenuItem>
          ))}
        </TextField>
        <Stack direction="row" spacing={1}>
          <Autocomplete
            freeSolo
            disableClearable
            options={HOST_SUGGESTIONS}
            inputValue={host}
            onInputChange={(_event, value) => {
              setHost(value);
              recheck(kind, value, port);
            }}
            sx={{ flex: 2 }}
            renderInput={(params) => (
              <TextField {...params} label={t('open.host')} error={Boolean(problems.host)} helperText={problems.host} />
            )}
          />
          <TextField
            label={t('open.port')}
            value={port}
            onChange={(event) => {
              setPort(event.target.value);
              recheck(kind, host, event.target.value);
            }}
            error={Boolean(problems.port)}
            helperText={problems.port}
            slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
            sx={{ flex: 1 }}
          />
        </Stack>
        <Typography variant="caption" color="text.secondary">
          {t(`open.about.${kind}`)}
        </Typography>
        <Button type="submit" variant="contained" disabled={busy}>
          {t(`open.submit.${kind}`)}
        </Button>
        {failure ? <ErrorAlert title={t('open.failed')} error={failure} onClose={() => setFailure(undefined)} /> : null}
      </Stack>
    </Box>
  );
}
