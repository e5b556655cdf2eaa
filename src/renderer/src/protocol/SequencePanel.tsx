import { useContext, useEffect, useId, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { sequenceSchema, type Sequence, type SequencePosition, type SequenceStatus } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { appError, type AppError } from '@shared/result';
import { useApi, useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import {
  EXAMPLE_SEQUENCE,
  MAX_SEQUENCE_FILE_BYTES,
  problemsPhrase,
  readSequence,
  sequenceFileName,
  SequenceLibraryContext,
  sequenceText,
  useSequenceLibrary,
} from './sequence-library';
import { SequenceStepEditor } from './SequenceStepEditor';

function stepText(t: Translate, step: SequencePosition | undefined): string {
  if (!step) return '';
  const number = step.path.map((i) => i + 1).join('.');
  const round = step.rounds.length === 0 ? '' : t('protocol.sequence.round', { round: step.rounds.join('.') });
  return `${t('protocol.sequence.step', { number, name: step.name === '' ? step.kind : `"${step.name}"` })}${round}`;
}

/**
 * Sequences beside the composer: pick a saved one, run it on this session in the engine and
 * follow its progress, stop it; new, edit, delete, and a sequence file out and in.
 */
export function SequencePanel({ sessionId, open: isOpen }: { sessionId: string; open: boolean }) {
  const t = useT();
  const api = useApi();
  const files = useFiles();
  const library = useContext(SequenceLibraryContext);
  const items = useSequenceLibrary((state) => state.items);
  const [chosenId, setChosenId] = useState<string | undefined>(undefined);
  const chosen = items.find((item) => item.id === chosenId) ?? items[0];
  const [editing, setEditing] = useState<{ id: string | undefined; sequence: Sequence } | undefined>(undefined);
  const [status, setStatus] = useState<SequenceStatus | undefined>(undefined);
  const [failure, setFailure] = useState<{ title: string; error: AppError } | undefined>(undefined);
  const [expanded, setExpanded] = useState(false);
  const regionId = useId();

  useEffect(
    () =>
      api.onEvents((batch) => {
        for (const event of batch.events) if (event.type === 'sequence' && event.sessionId === sessionId) setStatus(event.status);
      }),
    [api, sessionId],
  );

  const running = status?.state === 'running';
  const filters = [{ name: t('protocol.sequence.fileType'), extensions: ['json'] }];

  const run = async () => {
    if (!chosen) return;
    setFailure(undefined);
    const result = await api.sequence({ sessionId, action: 'start', sequence: chosen.sequence });
    if (result.ok) setStatus(result.value);
    else setFailure({ title: t('protocol.sequence.failed'), error: result.error });
  };

  const stop = async () => {
    const result = await api.sequence({ sessionId, action: 'stop' });
    if (result.ok) setStatus(result.value);
  };

  const exportChosen = async () => {
    if (!chosen) return;
    const result = await files.save(sequenceFileName(chosen.sequence), new TextEncoder().encode(sequenceText(chosen.sequence)), filters);
    if (!result.ok) setFailure({ title: t('protocol.sequence.export'), error: result.error });
  };

  const importFile = async () => {
    setFailure(undefined);
    const result = await files.open(filters);
    if (!result.ok) {
      setFailure({ title: t('protocol.sequence.importFailed'), error: result.error });
      return;
    }
    if (!result.value) return;
    const { name, bytes } = result.value;
    const reading =
      bytes.byteLength > MAX_SEQUENCE_FILE_BYTES
        ? {
            ok: false as const,
            problems: [phrase('sequence.fileTooBig', { size: String(bytes.byteLength), limit: String(MAX_SEQUENCE_FILE_BYTES) })],
          }
        : readSequence(new TextDecoder().decode(bytes));
    if (!reading.ok) {
      setFailure({
        title: t('protocol.sequence.importFailed'),
        error: appError(
          AppCode.InvalidArgument,
          phrase('sequence.fileProblems', { name, problems: problemsPhrase(reading.problems) }),
          phrase('hint.sequenceFile'),
        ),
      });
      return;
    }
    setChosenId(library?.getState().put(reading.sequence));
  };

  const ended = status && status.state !== 'running' ? status : undefined;

  const statusText = running
    ? t('protocol.sequence.running', { name: status.name, step: stepText(t, status.step), done: status.stepsDone })
    : ended?.state === 'passed'
      ? t('protocol.sequence.passed', { name: ended.name, done: ended.stepsDone })
      : ended?.error
        ? `${t(ended.state === 'failed' ? 'protocol.sequence.failed' : 'protocol.sequence.stopped')}: ${ended.error.message}`
        : '';

  // A button in the composer's row and a dialog, so the log keeps its height; the run's state stays in sight beside the button.
  return (
    <>
      <Button size="small" aria-haspopup="dialog" onClick={() => setExpanded(true)}>
        {t('protocol.sequences')}
      </Button>
      {running ? (
        <Button variant="outlined" color="warning" size="small" onClick={() => void stop()}>
          {t('protocol.sequence.stop')}
        </Button>
      ) : null}
      <Typography
        variant="body2"
        color={ended?.error ? 'error' : 'text.secondary'}
        // Polite live text rather than a second status role in the composer, whose own status line is the send's.
        aria-live="polite"
        data-testid="sequence-state"
        noWrap
        title={statusText}
        sx={{ minWidth: 0, maxWidth: '22rem' }}
      >
        {statusText}
      </Typography>
      <Dialog open={expanded} onClose={() => setExpanded(false)} fullWidth maxWidth="md" aria-labelledby={regionId}>
        <DialogTitle id={regionId}>{t('protocol.sequences')}</DialogTitle>
        <DialogContent>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
            {items.length > 0 ? (
              <TextField
                select
                size="small"
                label={t('protocol.sequence')}
                value={chosen?.id ?? ''}
                onChange={(event) => setChosenId(event.target.value)}
                sx={{ minWidth: '12rem' }}
              >
                {items.map((item) => (
                  <MenuItem key={item.id} value={item.id}>
                    {item.sequence.name}
                  </MenuItem>
                ))}
              </TextField>
            ) : (
              <Typography variant="body2" color="text.secondary">
                {t('protocol.sequence.none')}
              </Typography>
            )}
            <Button variant="contained" size="small" disabled={!chosen || !isOpen || running} onClick={() => void run()}>
              {t('protocol.sequence.run')}
            </Button>
            <Button size="small" onClick={() => setEditing({ id: undefined, sequence: sequenceSchema.parse(EXAMPLE_SEQUENCE) })}>
              {t('protocol.sequence.new')}
            </Button>
            <Button size="small" disabled={!chosen} onClick={() => chosen && setEditing({ id: chosen.id, sequence: chosen.sequence })}>
              {t('protocol.sequence.edit')}
            </Button>
            <Button size="small" disabled={!chosen || running} onClick={() => chosen && library?.getState().remove(chosen.id)}>
              {t('protocol.sequence.delete')}
            </Button>
            <Button size="small" disabled={!chosen} onClick={() => void exportChosen()}>
              {t('protocol.sequence.export')}
            </Button>
            <Button size="small" onClick={() => void importFile()}>
              {t('protocol.sequence.import')}
            </Button>
          </Stack>
          {!isOpen && chosen ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              {t('protocol.sequence.notOpen')}
            </Typography>
          ) : null}
          {ended && ended.state !== 'passed' && ended.error ? (
            <ErrorAlert
              title={t(ended.state === 'failed' ? 'protocol.sequence.failed' : 'protocol.sequence.stopped')}
              error={ended.error}
              onClose={() => setStatus(undefined)}
              sx={{ mt: 1 }}
            />
          ) : null}
          {failure ? <ErrorAlert title={failure.title} error={failure.error} onClose={() => setFailure(undefined)} sx={{ mt: 1 }} /> : null}
          {running ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {statusText}
            </Typography>
          ) : ended?.state === 'passed' ? (
            <Alert severity="success" sx={{ mt: 1 }}>
              {statusText}
            </Alert>
          ) : null}
        </DialogContent>
        <DialogActions>
          {running ? (
            <Button color="warning" onClick={() => void stop()}>
              {t('protocol.sequence.stop')}
            </Button>
          ) : null}
          <Button onClick={() => setExpanded(false)}>{t('protocol.sequence.close')}</Button>
        </DialogActions>
      </Dialog>
      {editing ? (
        <SequenceStepEditor
          initial={editing.sequence}
          onClose={() => setEditing(undefined)}
          onSave={(sequence) => {
            setChosenId(library?.getState().put(sequence, editing.id));
            setEditing(undefined);
          }}
        />
      ) : null}
    </>
  );
}
