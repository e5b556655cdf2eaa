import { memo, useId, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LIVENESS_ACTIONS, type AutoReplyRule, type RuleStatus } from '@shared/contract';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import type { AppError } from '@shared/result';
import { isOneOf } from '@shared/validate';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useSay, useT } from '../i18n/i18n-context';
import { useSessionAutomation, type SessionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';
import {
  automationOf,
  draftOf,
  FIXED_BOUNDS,
  GAP_BOUNDS,
  INTERVAL_BOUNDS,
  newRule,
  SILENCE_BOUNDS,
  wholeNumber,
  type AutomationDraft,
  type DraftField,
  type FramingDraft,
} from './automation-draft';
import { RuleEditor } from './RuleEditor';
import { RuleList } from './RuleList';

const FRAMING_MODES: readonly FramingDraft['mode'][] = ['raw', 'delimiter', 'length', 'fixed', 'gap'];
const NO_FIELDS: ReadonlySet<DraftField> = new Set();

/**
 * A session's auto-reply rules, heartbeat and liveness: a one-line summary until opened, then
 * a working copy the user edits and applies (the `automate` method), beside what the engine
 * reports of the rules it runs. Applied settings are part of the session's config, so saving the
 * session to the workspace keeps them.
 */
export const AutomationPanel = memo(function AutomationPanel({ session }: { session: SessionShape }) {
  const t = useT();
  const say = useSay();
  const api = useApi();
  const regionId = useId();
  const config = session.config.automation;
  const status = useSessionAutomation(session.id);
  const [expanded, setExpanded] = useState(false);
  const [draft, setDraft] = useState<AutomationDraft>(() => draftOf(config));
  const [synced, setSynced] = useState(() => JSON.stringify(draftOf(config)));
  const [editing, setEditing] = useState<{ index: number; rule: AutoReplyRule } | undefined>(undefined);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [bad, setBad] = useState<ReadonlySet<DraftField>>(NO_FIELDS);
  const dirty = JSON.stringify(draft) !== synced;

  // Settings applied elsewhere (another window, a script) replace an unchanged working copy.
  const [seenConfig, setSeenConfig] = useState(config);
  if (seenConfig !== config) {
    setSeenConfig(config);
    const fresh = JSON.stringify(draftOf(config));
    if (fresh !== synced) {
      if (!dirty) setDraft(draftOf(config));
      setSynced(fresh);
    }
  }

  const statuses = useMemo(() => new Map<string, RuleStatus>((status?.rules ?? []).map((r) => [r.id, r])), [status]);
  const update = (change: Partial<AutomationDraft>) => {
    setDraft({ ...draft, ...change });
    setNote(undefined);
    setBad(NO_FIELDS);
  };
  const heartbeatProblem =
    draft.heartbeat.value === ''
      ? undefined
      : payloadProblem({
          format: draft.heartbeat.format,
          value: draft.heartbeat.value,
          encoding: 'utf-8',
          escapes: true,
          lineEnding: 'none',
        });

  const apply = async () => {
    const made = automationOf(draft, session.kind);
    if (!made.ok || heartbeatProblem) {
      setBad(made.ok ? new Set<DraftField>(['heartbeatPayload']) : made.fields);
      setNote(t('automation.fixFirst'));
      return;
    }
    setFailure(undefined);
    const result = await api.automate({ sessionId: session.id, ...(made.automation ? { automation: made.automation } : {}) });
    if (!result.ok) {
      setFailure(result.error);
      return;
    }
    const applied = draftOf(result.value.config.automation);
    setDraft(applied);
    setSynced(JSON.stringify(applied));
    setNote(t('automation.applied'));
  };

  const enabledRules = (config?.rules ?? []).filter((r) => r.enabled).length;
  const summary = [
    config && config.rules.length > 0 ? t('automation.summaryRules', { on: enabledRules, count: config.rules.length }) : undefined,
    config?.heartbeat?.enabled ? t('automation.summaryHeartbeat', { ms: config.heartbeat.intervalMs }) : undefined,
    config?.liveness?.enabled ? t('automation.summaryLiveness', { ms: config.liveness.silenceMs }) : undefined,
  ].filter((part): part is string => part !== undefined);

  const number = (field: DraftField, value: string, bounds: { min: number; max: number }) =>
    bad.has(field) || (value !== '' && wholeNumber(value, bounds.min, bounds.max) === undefined);
  const boundsHelp = (bounds: { min: number; max: number }) => t('automation.editor.wholeNumber', bounds);
  const idleMs = session.config.kind !== 'udp' ? session.config.idleTimeoutMs : undefined;

  const framing = draft.framing;
  const setFraming = (change: Partial<FramingDraft>) => update({ framing: { ...framing, ...change } });

  return (
    <Box component="section" aria-label={t('automation.panel')} sx={{ borderBottom: 1, borderColor: 'divider', flex: 'none' }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', px: 1.5, py: 0.25 }}>
        <Button
          size="small"
          aria-expanded={expanded}
          aria-controls={regionId}
          onClick={() => setExpanded(!expanded)}
          sx={{ textTransform: 'none' }}
        >
          <Box component="span" aria-hidden="true" sx={{ mr: 0.5 }}>
            {expanded ? '▾' : '▸'}
          </Box>
          {t('automation.panel')}
        </Button>
        <Typography variant="body2" color="text.secondary" noWrap sx={{ minWidth: 0 }}>
          {summary.length > 0 ? summary.join(' · ') : t('automation.summaryOff')}
          {status && status.heartbeats > 0 ? ` · ${t('automation.heartbeat.sent', { count: status.heartbeats })}` : ''}
        </Typography>
        {dirty ? (
          <Typography variant="caption" color="warning.main" sx={{ ml: 'auto' }}>
            {t('automation.unsaved')}
          </Typography>
        ) : null}
      </Stack>
      {expanded ? (
        <Box id={regionId} sx={{ px: 1.5, pb: 1.5, maxHeight: '45vh', overflow: 'auto' }}>
          <Typography variant="subtitle2" component="h3" sx={{ mt: 0.5 }}>
            {t('automation.rules')}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, my: 1 }}>
            <TextField
              select
              size="small"
              label={t('automation.framing')}
              value={framing.mode}
              onChange={(e) => isOneOf(FRAMING_MODES, e.target.value) && setFraming({ mode: e.target.value })}
              sx={{ minWidth: 240 }}
              disabled={session.kind === 'udp'}
              helperText={session.kind === 'udp' ? t('automation.framing.udpNote') : undefined}
            >
              {FRAMING_MODES.map((mode) => (
                <MenuItem key={mode} value={mode}>
                  {t(`automation.framing.${mode}`)}
                </MenuItem>
              ))}
            </TextField>
            {session.kind !== 'udp' && framing.mode === 'delimiter' ? (
              <TextField
                size="small"
                label={t('automation.framing.delimiterHex')}
                value={framing.delimiter}
                onChange={(e) => setFraming({ delimiter: e.target.value })}
                error={bad.has('delimiter')}
                sx={{ width: 150 }}
                slotProps={{ htmlInput: { style: { fontFamily: MONO_FONT } } }}
              />
            ) : null}
            {session.kind !== 'udp' && framing.mode === 'length' ? (
              <>
                <TextField
                  select
                  size="small"
                  label={t('automation.framing.lengthSize')}
                  value={String(framing.lengthSize)}
                  onChange={(e) => setFraming({ lengthSize: e.target.value === '1' ? 1 : e.target.value === '4' ? 4 : 2 })}
                  sx={{ width: 150 }}
                >
                  {['1', '2', '4'].map((size) => (
                    <MenuItem key={size} value={size}>
                      {size}
                    </MenuItem>
                  ))}
                </TextField>
                <FormControlLabel
                  control={
                    <Checkbox
                      size="small"
                      checked={framing.littleEndian}
                      onChange={(e) => setFraming({ littleEndian: e.target.checked })}
                    />
                  }
                  label={t('automation.framing.littleEndian')}
                />
                <FormControlLabel
                  control={
                    <Checkbox
                      size="small"
                      checked={framing.includesHeader}
                      onChange={(e) => setFraming({ includesHeader: e.target.checked })}
                    />
                  }
                  label={t('automation.framing.includesHeader')}
                />
              </>
            ) : null}
            {session.kind !== 'udp' && framing.mode === 'fixed' ? (
              <TextField
                size="small"
                label={t('automation.framing.fixedSize')}
                value={framing.fixedText}
                onChange={(e) => setFraming({ fixedText: e.target.value })}
                error={number('fixed', framing.fixedText, FIXED_BOUNDS)}
                helperText={number('fixed', framing.fixedText, FIXED_BOUNDS) ? boundsHelp(FIXED_BOUNDS) : undefined}
                sx={{ width: 150 }}
              />
            ) : null}
            {session.kind !== 'udp' && framing.mode === 'gap' ? (
              <TextField
                size="small"
                label={t('automation.framing.gapMs')}
                value={framing.gapText}
                onChange={(e) => setFraming({ gapText: e.target.value })}
                error={number('gap', framing.gapText, GAP_BOUNDS)}
                helperText={number('gap', framing.gapText, GAP_BOUNDS) ? boundsHelp(GAP_BOUNDS) : undefined}
                sx={{ width: 150 }}
              />
            ) : null}
            <FormControlLabel
              control={<Switch size="small" checked={draft.everyMatch} onChange={(e) => update({ everyMatch: e.target.checked })} />}
              label={t('automation.everyMatch')}
            />
          </Stack>
          <RuleList
            rules={draft.rules}
            statuses={statuses}
            editing={editing?.rule.id}
            onToggle={(index, enabled) => update({ rules: draft.rules.map((r, i) => (i === index ? { ...r, enabled } : r)) })}
            onEdit={(index) => setEditing({ index, rule: draft.rules[index]! })}
            onMove={(index, by) => {
              const rules = [...draft.rules];
              const [moved] = rules.splice(index, 1);
              rules.splice(index + by, 0, moved!);
              update({ rules });
            }}
            onDelete={(index) => {
              if (editing?.index === index) setEditing(undefined);
              update({ rules: draft.rules.filter((_, i) => i !== index) });
            }}
          />
          {editing ? (
            <RuleEditor
              key={editing.rule.id}
              sessionId={session.id}
              rule={editing.rule}
              onCancel={() => setEditing(undefined)}
              onSave={(rule) => {
                const rules = [...draft.rules];
                if (editing.index < rules.length && rules[editing.index]?.id === rule.id) rules[editing.index] = rule;
                else rules.push(rule);
                update({ rules });
                setEditing(undefined);
              }}
            />
          ) : (
            <Button size="small" sx={{ mt: 1 }} onClick={() => setEditing({ index: draft.rules.length, rule: newRule(draft.rules) })}>
              {t('automation.addRule')}
            </Button>
          )}

          <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
            {t('automation.heartbeat')}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1, mt: 1 }}>
            <FormControlLabel
              control={
                <Switch
                  size="small"
                  checked={draft.heartbeat.enabled}
                  onChange={(e) => update({ heartbeat: { ...draft.heartbeat, enabled: e.target.checked } })}
                />
              }
              label={t('automation.heartbeat.on')}
            />
            <TextField
              size="small"
              label={t('automation.heartbeat.interval')}
              value={draft.heartbeat.intervalText}
              onChange={(e) => update({ heartbeat: { ...draft.heartbeat, intervalText: e.target.value } })}
              error={number('heartbeatInterval', draft.heartbeat.intervalText, INTERVAL_BOUNDS)}
              helperText={
                number('heartbeatInterval', draft.heartbeat.intervalText, INTERVAL_BOUNDS) ? boundsHelp(INTERVAL_BOUNDS) : undefined
              }
              sx={{ width: 140 }}
            />
            <TextField
              select
              size="small"
              label={t('automation.heartbeat.format')}
              value={draft.heartbeat.format}
              onChange={(e) => update({ heartbeat: { ...draft.heartbeat, format: e.target.value === 'hex' ? 'hex' : 'text' } })}
              sx={{ width: 130 }}
            >
              <MenuItem value="text">{t('automation.editor.on.text')}</MenuItem>
              <MenuItem value="hex">{t('automation.editor.on.hex')}</MenuItem>
            </TextField>
            <TextField
              size="small"
              label={t('automation.heartbeat.payload')}
              value={draft.heartbeat.value}
              onChange={(e) => update({ heartbeat: { ...draft.heartbeat, value: e.target.value } })}
              error={Boolean(heartbeatProblem) || bad.has('heartbeatPayload')}
              helperText={
                heartbeatProblem
                  ? t('automation.heartbeat.problem', { message: problemWords(heartbeatProblem, say) })
                  : t('automation.heartbeat.where')
              }
              sx={{ flex: 1, minWidth: 200 }}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: MONO_FONT } } }}
            />
          </Stack>
          {status?.heartbeatError ? (
            <Typography variant="caption" color="error" sx={{ display: 'block' }}>
              {status.heartbeatError.message}
            </Typography>
          ) : null}

          <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
            {t('automation.liveness')}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1, mt: 1 }}>
            <FormControlLabel
              control={
                <Switch
                  size="small"
                  checked={draft.liveness.enabled}
                  onChange={(e) => update({ liveness: { ...draft.liveness, enabled: e.target.checked } })}
                />
              }
              label={t('automation.liveness.on')}
            />
            <TextField
              size="small"
              label={t('automation.liveness.silence')}
              value={draft.liveness.silenceText}
              onChange={(e) => update({ liveness: { ...draft.liveness, silenceText: e.target.value } })}
              error={number('silence', draft.liveness.silenceText, SILENCE_BOUNDS)}
              helperText={
                number('silence', draft.liveness.silenceText, SILENCE_BOUNDS) ? boundsHelp(SILENCE_BOUNDS) : t('automation.liveness.note')
              }
              sx={{ width: 220 }}
            />
            <TextField
              select
              size="small"
              label={t('automation.liveness.action')}
              value={draft.liveness.action}
              onChange={(e) =>
                isOneOf(LIVENESS_ACTIONS, e.target.value) && update({ liveness: { ...draft.liveness, action: e.target.value } })
              }
              sx={{ width: 170 }}
            >
              {LIVENESS_ACTIONS.filter((action) => action !== 'reconnect' || session.kind === 'tcp-client').map((action) => (
                <MenuItem key={action} value={action}>
                  {t(`automation.liveness.action.${action}`)}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          {idleMs !== undefined ? (
            <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
              {t('automation.liveness.idle', { ms: idleMs })}
            </Typography>
          ) : null}

          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 2 }}>
            <Button variant="contained" size="small" onClick={() => void apply()}>
              {t('automation.apply')}
            </Button>
            <Button
              size="small"
              disabled={!dirty}
              onClick={() => {
                setDraft(draftOf(config));
                setEditing(undefined);
                setBad(NO_FIELDS);
                setNote(undefined);
              }}
            >
              {t('automation.revert')}
            </Button>
            <Typography variant="caption" role="status" color={bad.size > 0 ? 'error' : 'text.secondary'}>
              {note ?? t('automation.saveHint')}
            </Typography>
          </Stack>
          {failure ? (
            <Box sx={{ mt: 1 }}>
              <ErrorAlert title={t('automation.applyFailed')} error={failure} onClose={() => setFailure(undefined)} />
            </Box>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
});
