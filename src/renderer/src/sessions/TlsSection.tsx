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
import { appError, fail, ok, type AppError, type Result } from '@shared/result';
import type { ChosenKey } from '../api/files';
import { useApi, useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { OptionSelect } from '../components/OptionSelect';
import { useT } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/en';
import { MONO_FONT } from '../theme';
import { TLS_FIELDS, tlsServerSide, type FieldProblems, type SessionForm, type TlsFields, type TlsSide } from './session-form';

const PEM_FILTERS = [{ name: 'PEM', extensions: ['pem', 'crt', 'cer', 'key'] }];
/** A version bound, or '' for none: whatever the two ends agree on. */
const VERSION_CHOICES = ['', ...TLS_VERSIONS] as const;
const strictText = new TextDecoder('utf-8', { fatal: true });

type PemKind = 'ca' | 'cert' | 'key';
const NAME_OF: Record<PemKind, 'caName' | 'certName' | 'keyName'> = { ca: 'caName', cert: 'certName', key: 'keyName' };

interface TlsSectionProps {
  form: SessionForm;
  problems: FieldProblems;
  update: (next: SessionForm) => void;
  /** The session's own TLS (a client's, a listener's, a relay's towards its clients), or a relay's upstream leg. */
  side?: TlsSide;
}

/** What the section is called and says: a client, a listener, and a relay's two sides differ. */
function wordsOf(kind: SessionForm['kind'], side: TlsSide) {
  if (side === 'upstream')
    return {
      section: 'sessions.tls.section.upstream',
      enable: 'sessions.tls.enable.upstream',
      about: 'sessions.tls.about.upstream',
    } as const;
  if (kind === 'relay')
    return { section: 'sessions.tls.section.relay', enable: 'sessions.tls.enable.relay', about: 'sessions.tls.about.relay' } as const;
  const about = kind === 'tcp-server' ? 'sessions.tls.about.server' : 'sessions.tls.about.client';
  return { section: 'sessions.tls.section', enable: 'sessions.tls.enable', about } as const;
}

/**
 * The new-session dialog's TLS settings for a TCP client or listener, or one side of a TCP
 * relay. Certificates are read from files the user picks (a native dialog in the desktop app, a
 * file input in a browser) and travel as PEM text; the page never names a path. Private keys
 * stay in main's key store and the form holds their references: main reads a chosen key file
 * itself in the desktop app; a browser hands the file's PEM to main once (docs/security.md § TLS).
 */
export function TlsSection({ form, problems, update, side = 'own' }: TlsSectionProps) {
  const t = useT();
  const api = useApi();
  const files = useFiles();
  const [failure, setFailure] = useState<{ title: string; error: AppError } | undefined>(undefined);
  const [generating, setGenerating] = useState(false);
  const f: TlsFields = TLS_FIELDS[side];
  const server = tlsServerSide(form.kind, side);
  const words = wordsOf(form.kind, side);
  const set = (patch: Partial<SessionForm>) => update({ ...form, ...patch });

  const chooseKey = async (what: string) => {
    setFailure(undefined);
    const chosen = files.openKey ? await files.openKey(PEM_FILTERS) : await importKeyFile();
    if (!chosen.ok) {
      setFailure({ title: t('sessions.tls.choose', { what }), error: chosen.error });
      return;
    }
    if (chosen.value) set({ [f.key]: chosen.value.keyRef, [f.keyName]: chosen.value.name });
  };

  /** A browser reads the file itself: its PEM goes to main once, and the page keeps the reference. */
  const importKeyFile = async (): Promise<Result<ChosenKey | null>> => {
    const opened = await files.open(PEM_FILTERS);
    if (!opened.ok || !opened.value) return opened.ok ? ok(null) : opened;
    const { name } = opened.value;
    let key: string;
    try {
      key = strictText.decode(opened.value.bytes.subarray(0, MAX_CA_BUNDLE_LENGTH + 1));
    } catch {
      return fail('INVALID_ARGUMENT', phrase('page.fileUnreadable', { name, why: phrase('tls.keyNotPem') }), phrase('hint.tls.material'));
    }
    const imported = await api.keys({ action: 'import', key });
    return imported.ok ? ok({ name, keyRef: imported.value.keyRef }) : imported;
  };

  const choose = async (pemKind: PemKind, what: string) => {
    if (pemKind === 'key') return chooseKey(what);
    const field = f[pemKind];
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
      const why = phrase('tls.certificateNotPem', { what: phrase(pemKind === 'ca' ? 'tls.what.ca' : 'tls.what.certificate') });
      const error = appError(
        'INVALID_ARGUMENT',
        phrase('page.fileUnreadable', { name: opened.value.name, why }),
        phrase('hint.tls.material'),
      );
      setFailure({ title: t('sessions.tls.choose', { what }), error });
      return;
    }
    set({ [field]: text, [f[NAME_OF[pemKind]]]: opened.value.name });
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
    const { cert, keyRef, summary } = made.value;
    const names = (summary.subjectAltName ?? summary.subject).replaceAll('DNS:', '').replaceAll('IP Address:', '');
    const label = t('sessions.tls.generated', { names, date: summary.validTo.slice(0, 10) });
    set({ [f.cert]: cert, [f.certName]: label, [f.key]: keyRef, [f.keyName]: label });
  };

  const exportKey = async () => {
    if (!files.exportKey) return;
    setFailure(undefined);
    const exported = await files.exportKey(form[f.key]);
    if (!exported.ok) setFailure({ title: t('sessions.tls.exportFailed'), error: exported.error });
  };

  const pemRow = (pemKind: PemKind, label: MessageKey, help?: string) => {
    const what = t(label);
    const field = f[pemKind];
    const name = form[f[NAME_OF[pemKind]]];
    const missingKey = pemKind === 'key' && form[f.key] === '' && form[f.cert] !== '' && server;
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
          <Button size="small" onClick={() => void choose(pemKind, what)} aria-label={t('sessions.tls.choose', { what })}>
            {t('sessions.tls.chooseFile')}
          </Button>
          {form[field] !== '' ? (
            <Button
              size="small"
              color="inherit"
              onClick={() => set({ [field]: '', [f[NAME_OF[pemKind]]]: '' })}
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

  const versionField = (field: TlsFields['minVersion'] | TlsFields['maxVersion'], label: MessageKey) => (
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
    <Box component="section" aria-label={t(words.section)}>
      <FormControlLabel
        control={<Checkbox size="small" checked={form[f.on]} onChange={(event) => set({ [f.on]: event.target.checked })} />}
        label={t(words.enable)}
      />
      <Collapse in={form[f.on]} unmountOnExit>
        <Box component="fieldset" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pt: 0.5, pb: 1.25, m: 0 }}>
          <Typography component="legend" variant="caption" color="text.secondary" sx={{ px: 0.5 }}>
            {t(words.section)}
          </Typography>
          <Stack spacing={1.25}>
            <Typography variant="caption" color="text.secondary">
              {t(words.about)}
            </Typography>
            <Box
              sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, columnGap: 1.5, rowGap: 1.25, alignItems: 'start' }}
            >
              {server ? null : (
                <TextField
                  size="small"
                  label={t('sessions.tls.servername')}
                  value={form[f.servername]}
                  error={Boolean(problems[f.servername])}
                  helperText={problems[f.servername] ?? t('sessions.tls.servernameHelp')}
                  onChange={(event) => set({ [f.servername]: event.target.value })}
                  slotProps={{ htmlInput: { autoComplete: 'off', spellCheck: false } }}
                />
              )}
              <TextField
                size="small"
                label={t('sessions.tls.alpn')}
                value={form[f.alpn]}
                error={Boolean(problems[f.alpn])}
                helperText={problems[f.alpn] ?? t('sessions.tls.alpnHelp')}
                onChange={(event) => set({ [f.alpn]: event.target.value })}
                slotProps={{ htmlInput: { autoComplete: 'off', spellCheck: false } }}
                // A listener has no SNI name: its ALPN field takes the row, so the two version bounds share the next.
                sx={{ gridColumn: server ? '1 / -1' : 'auto' }}
              />
              {versionField(f.minVersion, 'sessions.tls.minVersion')}
              {versionField(f.maxVersion, 'sessions.tls.maxVersion')}
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
                      <Checkbox size="small" checked={form[f.verify]} onChange={(event) => set({ [f.verify]: event.target.checked })} />
                    }
                    label={t('sessions.tls.verify.server')}
                  />
                ) : null}
              </Stack>
            ) : (
              <FormControlLabel
                control={<Checkbox size="small" checked={form[f.verify]} onChange={(event) => set({ [f.verify]: event.target.checked })} />}
                label={t('sessions.tls.verify.client')}
              />
            )}
            {!server && !form[f.verify] ? <Alert severity="warning">{t('sessions.tls.verifyOffWarning')}</Alert> : null}
            {pemRow('cert', server ? 'sessions.tls.cert.server' : 'sessions.tls.cert.client')}
            {pemRow('key', 'sessions.tls.key')}
            {server || (files.exportKey && form[f.key] !== '') ? (
              <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
                {server ? (
                  <Button size="small" variant="outlined" disabled={generating} onClick={() => void generate()}>
                    {t(generating ? 'sessions.tls.generating' : 'sessions.tls.generate')}
                  </Button>
                ) : null}
                {files.exportKey && form[f.key] !== '' ? (
                  <Button size="small" onClick={() => void exportKey()} title={t('sessions.tls.exportHelp')}>
                    {t('sessions.tls.export')}
                  </Button>
                ) : null}
              </Stack>
            ) : null}
            {!server || form.tlsRequestCert
              ? pemRow('ca', 'sessions.tls.ca', t(server ? 'sessions.tls.caHelp.server' : 'sessions.tls.caHelp.client'))
              : null}
            <Box>
              <FormControlLabel
                control={<Checkbox size="small" checked={form[f.keyLog]} onChange={(event) => set({ [f.keyLog]: event.target.checked })} />}
                label={t('sessions.tls.keyLog')}
              />
              <Typography variant="caption" component="p" color="text.secondary">
                {t('sessions.tls.keyLogHelp')}
              </Typography>
            </Box>
            {failure ? <ErrorAlert title={failure.title} error={failure.error} onClose={() => setFailure(undefined)} /> : null}
          </Stack>
        </Box>
      </Collapse>
    </Box>
  );
}
