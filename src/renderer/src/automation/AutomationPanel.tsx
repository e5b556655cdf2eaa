import { memo, useMemo, useState, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LIVENESS_ACTIONS, TEMPLATE_FORMATS, type AutoReplyRule, type RuleStatus } from '@shared/contract';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { OptionSelect } from '../components/OptionSelect';
import { SectionAbove } from '../components/Panels';
import { LENGTH_FIELD_SIZE_OF, LENGTH_FIELD_SIZES } from '@shared/framing';
import { useSay, useT } from '../i18n/i18n-context';
import type { RuleTrial } from '../store/inspector-store';
import { useSessionAutomation, type SessionShape } from '../store/stable-views';
import { useInspector } from '../store/store-context';
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

/** A whole number as typed, marked with its range in words when it is out of it or the last apply found it wrong. */
function WholeNumberField(props: {
  label: string;
  value: string;
  bounds: { min: number; max: number };
  flagged: boolean;
  note?: string;
  onChange: (text: string) => void;
  width: number;
}) {
  const t = useT();
  const { value, bounds } = props;
  const wrong = props.flagged || (value !== '' && wholeNumber(value, bounds.min, bounds.max) === undefined);
  return (
    <TextField
      size="small"
      label={props.label}
      value={value}
      onChange={(e) => props.onChange(e.target.value)}
      error={wrong}
      helperText={wrong ? t('automation.editor.wholeNumber', bounds) : props.note}
      sx={{ width: props.width }}
    />
  );
}

/** A heading, a switch that turns the thing on, and its settings beside the switch. */
function SwitchedGroup(props: { title: string; label: string; on: boolean; onToggle: (on: boolean) => void; children: ReactNode }) {
  return (
    <>
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
        {props.title}
      </Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1, mt: 1 }}>
        <FormControlLabel
          control={<Switch size="small" checked={props.on} onChange={(e) => props.onToggle(e.target.checked)} />}
          label={props.label}
        />
        {props.children}
      </Stack>
    </>
  );
}

/**
 * A session's auto-reply rules, heartbeat and liveness: the first section of the workspace's
 * resizable group, folded to a one-line summary until opened, then
 * a working copy the user edits and applies (the `automate` method), beside what the engine
 * reports of the rules it runs. Applied settings are part of the session's config, so saving the
 * session to the workspace keeps them.
 */
export const AutomationPanel = memo(function AutomationPanel({ session }: { session: SessionShape }) {
  const t = useT();
  const say = useSay();
  const api = useApi();
  const config = session.config.automation;
  const status = useSessionAutomation(session.id);
  const [draft, setDraft] = useState<AutomationDraft>(() => draftOf(config));
  const [synced, setSynced] = useState(() => JSON.stringify(draftOf(config)));
  const [editing, setEditing] = useState<{ index: number; rule: AutoReplyRule } | undefined>(undefined);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [bad, setBad] = useState<ReadonlySet<DraftField>>(NO_FIELDS);
  const dirty = JSON.stringify(draft) !== synced;

  // A message picked in the log: the panel opens on a rule (the one being edited, else the first,
  // else a new one) with it as the trial message, and keeps it for each rule opened until closed.
  const picked = useInspector((state) => (state.ruleTrial?.sessionId === session.id ? state.ruleTrial : undefined));
  const [seenPick, setSeenPick] = useState(picked?.id);
  const [trial, setTrial] = useState<RuleTrial | undefined>(undefined);
  if (picked && picked.id !== seenPick) {
    setSeenPick(picked.id);
    setTrial(picked);
    if (!editing) setEditing(draft.rules[0] ? { index: 0, rule: draft.rules[0] } : { index: 0, rule: newRule(draft.rules) });
  }
  const stopEditing = () => {
    setEditing(undefined);
    setTrial(undefined);
  };

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

  const idleMs = session.config.kind === 'tcp-server' || session.config.kind === 'tcp-client' ? session.config.idleTimeoutMs : undefined;

  const framing = draft.framing;
  const setFraming = (change: Partial<FramingDraft>) => update({ framing: { ...framing, ...change } });

  return (
    <SectionAbove
      id="automation"
      title={t('automation.panel')}
      summary={
        <Typography variant="body2" color="text.secondary" noWrap sx={{ minWidth: 0 }}>
          {summary.length > 0 ? summary.join(' · ') : t('automation.summaryOff')}
          {status && status.heartbeats > 0 ? ` · ${t('automation.heartbeat.sent', { count: status.heartbeats })}` : ''}
        </Typography>
      }
      actions={
        dirty ? (
          <Typography variant="caption" color="warning.main" noWrap>
            {t('automation.unsaved')}
          </Typography>
        ) : null
      }
      defaultSize="45vh"
      minSize={120}
      startsCollapsed
      {...(picked ? { openRequest: picked.id } : {})}
    >
      <Box sx={{ px: 1.5, pb: 1.5 }}>
        <Typography variant="subtitle2" component="h3" sx={{ mt: 0.5 }}>
          {t('automation.rules')}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, my: 1 }}>
          <OptionSelect
            label={t('automation.framing')}
            value={framing.mode}
            options={FRAMING_MODES}
            optionLabel={(mode) => t(`automation.framing.${mode}`)}
            onChange={(mode) => setFraming({ mode })}
            minWidth={240}
            disabled={session.kind === 'udp'}
            helperText={session.kind === 'udp' ? t('automation.framing.udpNote') : undefined}
          />
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
              <OptionSelect
                label={t('automation.framing.lengthSize')}
                value={`${framing.lengthSize}` as const}
                options={LENGTH_FIELD_SIZES}
                optionLabel={(size) => size}
                onChange={(size) => setFraming({ lengthSize: LENGTH_FIELD_SIZE_OF[size] })}
                minWidth={150}
              />
              <FormControlLabel
                control={
                  <Checkbox size="small" checked={framing.littleEndian} onChange={(e) => setFraming({ littleEndian: e.target.checked })} />
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
            <WholeNumberField
              label={t('automation.framing.fixedSize')}
              value={framing.fixedText}
              bounds={FIXED_BOUNDS}
              flagged={bad.has('fixed')}
              onChange={(fixedText) => setFraming({ fixedText })}
              width={150}
            />
          ) : null}
          {session.kind !== 'udp' && framing.mode === 'gap' ? (
            <WholeNumberField
              label={t('automation.framing.gapMs')}
              value={framing.gapText}
              bounds={GAP_BOUNDS}
              flagged={bad.has('gap')}
              onChange={(gapText) => setFraming({ gapText })}
              width={150}
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
            {...(trial ? { trial } : {})}
            onCancel={stopEditing}
            onSave={(rule) => {
              const rules = [...draft.rules];
              if (editing.index < rules.length && rules[editing.index]?.id === rule.id) rules[editing.index] = rule;
              else rules.push(rule);
              update({ rules });
              stopEditing();
            }}
          />
        ) : (
          <Button size="small" sx={{ mt: 1 }} onClick={() => setEditing({ index: draft.rules.length, rule: newRule(draft.rules) })}>
            {t('automation.addRule')}
          </Button>
        )}

        <SwitchedGroup
          title={t('automation.heartbeat')}
          label={t('automation.heartbeat.on')}
          on={draft.heartbeat.enabled}
          onToggle={(enabled) => update({ heartbeat: { ...draft.heartbeat, enabled } })}
        >
          <WholeNumberField
            label={t('automation.heartbeat.interval')}
            value={draft.heartbeat.intervalText}
            bounds={INTERVAL_BOUNDS}
            flagged={bad.has('heartbeatInterval')}
            onChange={(intervalText) => update({ heartbeat: { ...draft.heartbeat, intervalText } })}
            width={140}
          />
          <OptionSelect
            label={t('automation.heartbeat.format')}
            value={draft.heartbeat.format}
            options={TEMPLATE_FORMATS}
            optionLabel={(format) => t(`automation.editor.on.${format}`)}
            onChange={(format) => update({ heartbeat: { ...draft.heartbeat, format } })}
            minWidth={130}
          />
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
        </SwitchedGroup>
        {status?.heartbeatError ? (
          <Typography variant="caption" color="error" sx={{ display: 'block' }}>
            {status.heartbeatError.message}
          </Typography>
        ) : null}

        <SwitchedGroup
          title={t('automation.liveness')}
          label={t('automation.liveness.on')}
          on={draft.liveness.enabled}
          onToggle={(enabled) => update({ liveness: { ...draft.liveness, enabled } })}
        >
          <WholeNumberField
            label={t('automation.liveness.silence')}
            value={draft.liveness.silenceText}
            bounds={SILENCE_BOUNDS}
            flagged={bad.has('silence')}
            note={t('automation.liveness.note')}
            onChange={(silenceText) => update({ liveness: { ...draft.liveness, silenceText } })}
            width={220}
          />
          <OptionSelect
            label={t('automation.liveness.action')}
            value={draft.liveness.action}
            options={LIVENESS_ACTIONS.filter((action) => action !== 'reconnect' || session.kind === 'tcp-client')}
            optionLabel={(action) => t(`automation.liveness.action.${action}`)}
            onChange={(action) => update({ liveness: { ...draft.liveness, action } })}
            minWidth={170}
          />
        </SwitchedGroup>
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
    </SectionAbove>
  );
});
