import { useMemo, useState, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { HEX_MATCH_KINDS, payloadSchema, TEXT_MATCH_KINDS, type Sequence } from '@shared/contract';
import { LENGTH_FIELD_SIZES } from '@shared/framing';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import { EncodingSelect, LineEndingSelect, OptionSelect } from '../components/OptionSelect';
import { useSay, useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { ChecksumField } from './ChecksumField';
import {
  blankStep,
  changeList,
  checkDraft,
  draftOf,
  fieldPath,
  moved,
  payloadInput,
  STEP_KINDS,
  FRAMING_MODES,
  type DraftStep,
  type FramingDraft,
  type SequenceDraft,
} from './sequence-draft';

const mono = { htmlInput: { spellCheck: false, style: { fontFamily: MONO_FONT, fontSize: 13 } } };

/**
 * The sequence editor: its steps as rows of fields, added, removed and moved with buttons, a
 * repeat's block indented under it. Every field is checked as it is typed by the contract's
 * sequence schema, its words under the field; what belongs to no field is listed below.
 */
export function SequenceStepEditor({
  initial,
  onSave,
  onClose,
}: {
  initial: Sequence;
  onSave: (sequence: Sequence) => void;
  onClose: () => void;
}) {
  const t = useT();
  const say = useSay();
  const [draft, setDraft] = useState<SequenceDraft>(() => draftOf(initial));
  const check = useMemo(() => checkDraft(draft), [draft]);
  // Filled as the rows render (they are plain calls, in order), so the list below holds only what no field showed.
  const shown = new Set<string>();

  const problemAt = (path: readonly PropertyKey[]): string | undefined => {
    const key = fieldPath(path);
    shown.add(key);
    const found = check.problems.get(key);
    return found ? found.map(say).join(' ') : undefined;
  };
  const fieldProps = (path: readonly PropertyKey[]) => {
    const problem = problemAt(path);
    return { error: problem !== undefined, ...(problem ? { helperText: problem } : {}) };
  };

  const setSteps = (at: readonly number[], change: (list: DraftStep[]) => DraftStep[]) =>
    setDraft((current) => ({ ...current, steps: changeList(current.steps, at, change) }));
  const update = (at: readonly number[], index: number, change: Partial<DraftStep>) =>
    setSteps(at, (list) => list.map((step, i) => (i === index ? { ...step, ...change } : step)));

  const sendFields = (step: DraftStep, path: readonly PropertyKey[], set: (change: Partial<DraftStep>) => void) => {
    const payloadPath = [...path, 'payload'];
    const typed = payloadSchema.safeParse(payloadInput(step));
    const compiled = typed.success ? payloadProblem(typed.data) : undefined;
    const schemaProblem = problemAt([...payloadPath, 'value']);
    const problem = schemaProblem ?? (compiled ? problemWords(compiled, say) : undefined);
    return (
      <>
        <OptionSelect
          label={t('composer.format')}
          value={step.format}
          options={['text', 'hex'] as const}
          optionLabel={(format) => t(`composer.${format}`)}
          onChange={(format) => set({ format })}
          minWidth={130}
        />
        <TextField
          label={t('composer.payload')}
          size="small"
          value={step.value}
          onChange={(event) => set({ value: event.target.value })}
          error={problem !== undefined}
          helperText={problem}
          slotProps={mono}
          sx={{ flex: '1 1 14rem', minWidth: '12rem' }}
        />
        {step.format === 'text' ? <EncodingSelect value={step.encoding} onChange={(encoding) => set({ encoding })} minWidth={110} /> : null}
        <LineEndingSelect value={step.lineEnding} onChange={(lineEnding) => set({ lineEnding })} minWidth={110} />
        <ChecksumField value={step.checksum} onChange={(checksum) => set({ checksum })} />
      </>
    );
  };

  const expectFields = (step: DraftStep, path: readonly PropertyKey[], set: (change: Partial<DraftStep>) => void) => {
    const kinds = step.on === 'hex' ? HEX_MATCH_KINDS : TEXT_MATCH_KINDS;
    return (
      <>
        <OptionSelect
          label={t('protocol.sequence.matchOn')}
          value={step.on}
          options={['text', 'hex'] as const}
          optionLabel={(on) => t(`automation.editor.on.${on}`)}
          onChange={(on) => set({ on, ...(on === 'hex' && step.matchKind === 'regex' ? { matchKind: 'contains' as const } : {}) })}
          minWidth={100}
        />
        <OptionSelect
          label={t('automation.editor.kind')}
          value={(kinds as readonly string[]).includes(step.matchKind) ? step.matchKind : 'contains'}
          options={kinds}
          optionLabel={(kind) => t(`automation.editor.kind.${kind}`)}
          onChange={(matchKind) => set({ matchKind })}
          minWidth={130}
        />
        <TextField
          label={t('automation.editor.pattern')}
          size="small"
          value={step.pattern}
          onChange={(event) => set({ pattern: event.target.value })}
          {...fieldProps([...path, 'match', 'pattern'])}
          slotProps={mono}
          sx={{ flex: '1 1 12rem', minWidth: '10rem' }}
        />
        <TextField
          label={t('protocol.sequence.timeoutMs')}
          size="small"
          value={step.timeoutMs}
          onChange={(event) => set({ timeoutMs: event.target.value })}
          {...fieldProps([...path, 'timeoutMs'])}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          sx={{ width: '8rem' }}
        />
        <ChecksumField value={step.expectChecksum} onChange={(expectChecksum) => set({ expectChecksum })} />
      </>
    );
  };

  const stepList = (steps: readonly DraftStep[], at: readonly number[], path: readonly PropertyKey[]): ReactNode =>
    steps.map((step, index) => {
      const number = [...at, index].map((i) => i + 1).join('.');
      const stepPath = [...path, index];
      const set = (change: Partial<DraftStep>) => update(at, index, change);
      return (
        <Box
          key={step.key}
          role="group"
          aria-label={t('protocol.sequence.stepKind', { number })}
          sx={{ borderLeft: 2, borderColor: 'divider', pl: 1, py: 0.5 }}
        >
          <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1 }}>
            <OptionSelect
              label={t('protocol.sequence.stepKind', { number })}
              value={step.kind}
              options={STEP_KINDS}
              optionLabel={(kind) => t(`protocol.sequence.kind.${kind}`)}
              onChange={(kind) => set({ kind, ...(kind === 'repeat' && step.steps.length === 0 ? { steps: [blankStep('send')] } : {}) })}
              minWidth={150}
            />
            {step.kind === 'send' ? sendFields(step, stepPath, set) : null}
            {step.kind === 'wait' ? (
              <TextField
                label={t('protocol.sequence.waitMs')}
                size="small"
                value={step.ms}
                onChange={(event) => set({ ms: event.target.value })}
                {...fieldProps([...stepPath, 'ms'])}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                sx={{ width: '8rem' }}
              />
            ) : null}
            {step.kind === 'expect' ? expectFields(step, stepPath, set) : null}
            {step.kind === 'repeat' ? (
              <TextField
                label={t('protocol.sequence.times')}
                size="small"
                value={step.times}
                onChange={(event) => set({ times: event.target.value })}
                {...fieldProps([...stepPath, 'times'])}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                sx={{ width: '6rem' }}
              />
            ) : null}
            <TextField
              label={t('protocol.sequence.stepName')}
              size="small"
              value={step.name}
              onChange={(event) => set({ name: event.target.value })}
              {...fieldProps([...stepPath, 'name'])}
              sx={{ width: '9rem' }}
            />
            <Box sx={{ display: 'flex', flex: 'none' }}>
              <IconButton
                size="small"
                aria-label={t('protocol.sequence.moveUp', { number })}
                disabled={index === 0}
                onClick={() => setSteps(at, (list) => moved(list, index, index - 1))}
              >
                <span aria-hidden>↑</span>
              </IconButton>
              <IconButton
                size="small"
                aria-label={t('protocol.sequence.moveDown', { number })}
                disabled={index === steps.length - 1}
                onClick={() => setSteps(at, (list) => moved(list, index, index + 1))}
              >
                <span aria-hidden>↓</span>
              </IconButton>
              <IconButton
                size="small"
                aria-label={t('protocol.sequence.remove', { number })}
                onClick={() => setSteps(at, (list) => list.filter((_, i) => i !== index))}
              >
                <span aria-hidden>✕</span>
              </IconButton>
            </Box>
          </Stack>
          {step.kind === 'repeat' ? (
            <Stack spacing={1} sx={{ mt: 1, ml: 2 }}>
              {stepList(step.steps, [...at, index], [...stepPath, 'steps'])}
              <Box>
                <Button size="small" onClick={() => setSteps([...at, index], (list) => [...list, blankStep('send')])}>
                  {t('protocol.sequence.addInner', { number })}
                </Button>
              </Box>
            </Stack>
          ) : null}
        </Box>
      );
    });

  const name = fieldProps(['name']);
  const framing = draft.framing;
  const setFraming = (change: Partial<FramingDraft>) => setDraft((current) => ({ ...current, framing: { ...current.framing, ...change } }));
  const rows = stepList(draft.steps, [], ['steps']);
  const rest = [...check.problems].filter(([key]) => !shown.has(key)).flatMap(([, phrases]) => phrases.map(say));

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="lg" aria-labelledby="sequence-editor-title">
      <DialogTitle id="sequence-editor-title">{t('protocol.sequence.editorTitle')}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {t('protocol.sequence.editorHelp')}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1, mb: 1.5 }}>
          <TextField
            label={t('protocol.sequence.name')}
            size="small"
            autoFocus
            value={draft.name}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            {...name}
            sx={{ width: '20rem' }}
          />
          <OptionSelect
            label={t('protocol.sequence.framing')}
            value={framing.mode}
            options={FRAMING_MODES}
            optionLabel={(mode) => t(`automation.framing.${mode}`)}
            onChange={(mode) => setFraming({ mode })}
            minWidth={240}
          />
          {framing.mode === 'delimiter' ? (
            <TextField
              label={t('automation.framing.delimiterHex')}
              size="small"
              value={framing.delimiter}
              onChange={(event) => setFraming({ delimiter: event.target.value })}
              {...fieldProps(['framing', 'delimiter'])}
              slotProps={mono}
              sx={{ width: '10rem' }}
            />
          ) : null}
          {framing.mode === 'length' ? (
            <OptionSelect
              label={t('automation.framing.lengthSize')}
              value={framing.lengthSize}
              options={LENGTH_FIELD_SIZES}
              optionLabel={(size) => size}
              onChange={(lengthSize) => setFraming({ lengthSize })}
              minWidth={150}
            />
          ) : null}
          {framing.mode === 'fixed' ? (
            <TextField
              label={t('automation.framing.fixedSize')}
              size="small"
              value={framing.fixedSize}
              onChange={(event) => setFraming({ fixedSize: event.target.value })}
              {...fieldProps(['framing', 'size'])}
              slotProps={{ htmlInput: { inputMode: 'numeric' } }}
              sx={{ width: '10rem' }}
            />
          ) : null}
          {framing.mode === 'gap' ? (
            <TextField
              label={t('automation.framing.gapMs')}
              size="small"
              value={framing.gapMs}
              onChange={(event) => setFraming({ gapMs: event.target.value })}
              {...fieldProps(['framing', 'gapMs'])}
              slotProps={{ htmlInput: { inputMode: 'numeric' } }}
              sx={{ width: '10rem' }}
            />
          ) : null}
        </Stack>
        <Stack spacing={1} role="group" aria-label={t('protocol.sequence.steps')}>
          {rows}
        </Stack>
        <Button size="small" sx={{ mt: 1 }} onClick={() => setSteps([], (list) => [...list, blankStep('send')])}>
          {t('protocol.sequence.addStep')}
        </Button>
        {rest.length > 0 ? (
          <Alert severity="error" sx={{ mt: 1 }}>
            {rest.map((problem) => (
              <Typography key={problem} variant="body2">
                {problem}
              </Typography>
            ))}
          </Alert>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('protocol.sequence.cancel')}</Button>
        <Button variant="contained" disabled={!check.sequence} onClick={() => check.sequence && onSave(check.sequence)}>
          {t('protocol.sequence.save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
