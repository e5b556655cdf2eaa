import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Collapse from '@mui/material/Collapse';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { TLS_VERSIONS } from '@shared/contract';
import { MAX_CA_BUNDLE_LENGTH } from '@shared/limits';
import { phrase } from '@shared/phrase';
import { appError, type AppError } from '@shared/result';
import { useApi, useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { OptionSelect } from '../components/OptionSelect';
import { useT } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/en';
import { MONO_FONT } from '../theme';
import type { FieldProblems, SessionForm } from './session-form';

const PEM_FILTERS = [{ name: 'PEM', extensions: ['pem', 'crt', 'cer', 'key'] }];
/** A version bound, or '' for none: whatever the two ends agree on. */
const VERSION_CHOICES = ['', ...TLS_VERSIONS] as const;
const strictText = new TextDecoder('utf-8', { fatal: true });

type PemField = 'tlsCa' | 'tlsCert' | 'tlsKey';
const NAME_OF: Record<PemField, 'tlsCaName' | 'tlsCertName' | 'tlsKeyName'> = {
  tlsCa: 'tlsCaName',
  tlsCert: 'tlsCertName',
  tlsKey: 'tlsKeyName',
};

interface TlsSectionProps {
  form: SessionForm;
  problems: FieldProblems;
  update: (next: SessionForm) => void;
}

/**
 * The new-session dialog's TLS settings for a TCP client or listener. Certificates and keys
 * are read from files the user picks (a native dialog in the desktop app, a file input in a
 * browser) and travel as PEM text; the page never names a path.
 */
export function TlsSection({ form, problems, update }: TlsSectionProps) {
  const t = useT();
  const api = useApi();
  const files = useFiles();
  const [failure, setFailure] = useState<{ title: string; error: AppError } | undefined>(undefined);
  const [generating, setGenerating] = useState(false);
  const server = form.kind === 'tcp-server';
  const set = (patch: Partial<SessionForm>) => update({ ...form, ...patch });

  const choose = async (field: PemField, what: string) => {
    setFailure(undefined);
    const opened = await files.open(PEM_FILTERS);
    if (!opened.ok) {
      setFailure({ title: t('sessions.tls.choose', { what }), error: opened.error });
      return;
    }
    if (!opened.value) return;
    let text: string;
    try {
      text = strictText.decode(opened.value.bytes.subarray(0, MAX_CA_BUNDLE_LENGTH + 1));
    } catch {
      const why =
        field === 'tlsKey'
          ? phrase('tls.keyNotPem')
          : phrase('tls.certificateNotPem', { what: phrase(field === 'tlsCa' ? 'tls.what.ca' : 'tls.what.certificate') });
      const error = appError(
        'INVALID_ARGUMENT',
        phrase('page.fileUnreadable', { name: opened.value.name, why }),
        phrase('hint.tls.material'),
      );
      setFailure({ title: t('sessions.tls.choose', { what }), error });
      return;
    }
    set({ [field]: text, [NAME_OF[field]]: opened.value.name });
  };

  const generate = async () => {
    setFailure(undefined);
    setGenerating(true);
    const made = await api.certificate({});
    setGenerating(false);
    if (!made.ok) {
      setFailure({ title: t('sessions.tls.generateFailed'), error: made.error });
      return;
    }
    const { cert, key, summary } = made.value;
    const names = (summary.subjectAltName ?? summary.subject).replaceAll('DNS:', '').replaceAll('IP Address:', '');
    const label = t('sessions.tls.generated', { names, date: summary.validTo.slice(0, 10) });
    set({ tlsCert: cert, tlsCertName: label, tlsKey: key, tlsKeyName: label });
  };

  const pemRow = (field: PemField, label: MessageKey, help?: string) => {
    const what = t(label);
    const name = form[NAME_OF[field]];
    const missingKey = field === 'tlsKey' && form.tlsKey === '' && form.tlsCert !== '' && server;
    return (
      <Box>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography variant="body2" sx={{ minWidth: 120 }}>
            {what}
          </Typography>
          <Typography
            variant="body2"
            color={problems[field] || missingKey ? 'error' : 'text.secondary'}
            sx={{ fontFamily: name ? MONO_FONT : undefined, flex: 1, minWidth: 0, wordBreak: 'break-all' }}
          >
            {name || (missingKey ? t('sessions.tls.keyMissing') : t('sessions.tls.none'))}
          </Typography>
          <Button size="small" onClick={() => void choose(field, what)} aria-label={t('sessions.tls.choose', { what })}>
            {t('sessions.tls.chooseFile')}
          </Button>
          {form[field] !== '' ? (
            <Button
              size="small"
              color="inherit"
              onClick={() => set({ [field]: '', [NAME_OF[field]]: '' })}
              aria-label={t('sessions.tls.clear', { what })}
            >
              ✕
            </Button>
          ) : null}
        </Stack>
        {problems[field] ? (
          <Typography variant="caption" color="error" role="alert">
            {problems[field]}
          </Typography>
        ) : help ? (
          <Typography variant="caption" color="text.secondary">
            {help}
          </Typography>
        ) : null}
      </Box>
    );
  };

  const versionField = (field: 'tlsMinVersion' | 'tlsMaxVersion', label: MessageKey) => (
    <OptionSelect
      label={t(label)}
      value={form[field]}
      options={VERSION_CHOICES}
      optionLabel={(version) => (version === '' ? t('sessions.tls.versionAny') : version)}
      error={Boolean(problems[field])}
      helperText={problems[field]}
      onChange={(version) => set({ [field]: version })}
    />
  );

  return (
    <Box component="section" aria-label={t('sessions.tls.section')}>
      <FormControlLabel
        control={<Checkbox size="small" checked={form.tls} onChange={(event) => set({ tls: event.target.checked })} />}
        label={t('sessions.tls.enable')}
      />
      <Collapse in={form.tls} unmountOnExit>
        <Box component="fieldset" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pt: 0.5, pb: 1.25, m: 0 }}>
          <Typography component="legend" variant="caption" color="text.secondary" sx={{ px: 0.5 }}>
            {t('sessions.tls.section')}
          </Typography>
          <Stack spacing={1.25}>
            <Typography variant="caption" color="text.secondary">
              {t(server ? 'sessions.tls.about.server' : 'sessions.tls.about.client')}
            </Typography>
            <Box
              sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, columnGap: 1.5, rowGap: 1.25, alignItems: 'start' }}
            >
              {server ? null : (
                <TextField
                  size="small"
                  label={t('sessions.tls.servername')}
                  value={form.tlsServername}
                  error={Boolean(problems.tlsServername)}
                  helperText={problems.tlsServername ?? t('sessions.tls.servernameHelp')}
                  onChange={(event) => set({ tlsServername: event.target.value })}
                  slotProps={{ htmlInput: { autoComplete: 'off', spellCheck: false } }}
                />
              )}
              <TextField
                size="small"
                label={t('sessions.tls.alpn')}
                value={form.tlsAlpn}
                error={Boolean(problems.tlsAlpn)}
                helperText={problems.tlsAlpn ?? t('sessions.tls.alpnHelp')}
                onChange={(event) => set({ tlsAlpn: event.target.value })}
                slotProps={{ htmlInput: { autoComplete: 'off', spellCheck: false } }}
                // A listener has no SNI name: its ALPN field takes the row, so the two version bounds share the next.
                sx={{ gridColumn: server ? '1 / -1' : 'auto' }}
              />
              {versionField('tlsMinVersion', 'sessions.tls.minVersion')}
              {versionField('tlsMaxVersion', 'sessions.tls.maxVersion')}
            </Box>
            {server ? (
              <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 1 }}>
                <FormControlLabel
                  control={
                    <Checkbox
                      size="small"
                      checked={form.tlsRequestCert}
                      onChange={(event) => set({ tlsRequestCert: event.target.checked })}
                    />
                  }
                  label={t('sessions.tls.requestCert')}
                />
                {form.tlsRequestCert ? (
                  <FormControlLabel
                    control={
                      <Checkbox size="small" checked={form.tlsVerify} onChange={(event) => set({ tlsVerify: event.target.checked })} />
                    }
                    label={t('sessions.tls.verify.server')}
                  />
                ) : null}
              </Stack>
            ) : (
              <FormControlLabel
                control={<Checkbox size="small" checked={form.tlsVerify} onChange={(event) => set({ tlsVerify: event.target.checked })} />}
                label={t('sessions.tls.verify.client')}
              />
            )}
            {!server && !form.tlsVerify ? <Alert severity="warning">{t('sessions.tls.verifyOffWarning')}</Alert> : null}
            {pemRow('tlsCert', server ? 'sessions.tls.cert.server' : 'sessions.tls.cert.client')}
            {pemRow('tlsKey', 'sessions.tls.key')}
            {server ? (
              <Box>
                <Button size="small" variant="outlined" disabled={generating} onClick={() => void generate()}>
                  {t(generating ? 'sessions.tls.generating' : 'sessions.tls.generate')}
                </Button>
              </Box>
            ) : null}
            {!server || form.tlsRequestCert
              ? pemRow('tlsCa', 'sessions.tls.ca', t(server ? 'sessions.tls.caHelp.server' : 'sessions.tls.caHelp.client'))
              : null}
            {failure ? <ErrorAlert title={failure.title} error={failure.error} onClose={() => setFailure(undefined)} /> : null}
          </Stack>
        </Box>
      </Collapse>
    </Box>
  );
}
