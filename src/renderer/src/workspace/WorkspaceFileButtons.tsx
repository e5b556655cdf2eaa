import { useContext, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import Typography from '@mui/material/Typography';
import type { AppError } from '@shared/result';
import type { FileFilter } from '../api/files';
import { useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePayloadLibraryStore } from '../composer/composer-stores';
import { useLanguage, useSay, useT } from '../i18n/i18n-context';
import { SequenceLibraryContext } from '../protocol/sequence-library';
import { issuePhrase } from '@shared/validate';
import { decodeWorkspace, encodeWorkspace, type WorkspaceProblem } from './workspace-file';
import { useWorkspaceStore } from './workspace-context';
import { newId } from './workspace-store';

type Outcome =
  | { type: 'saved' }
  | { type: 'opened'; file: string; sessions: number; payloads: number }
  | { type: 'refused'; file: string; problems: WorkspaceProblem[] }
  | { type: 'failed'; title: 'workspace.saveFailed' | 'workspace.fileReadFailed'; error: AppError };

/** Save the workspace to a file and open one, with what happened said where the user looks. */
export function WorkspaceFileButtons() {
  const t = useT();
  const say = useSay();
  // A schema's words travel in the issue as a phrase: rendered in the user's language.
  const said = (problem: WorkspaceProblem) => say(issuePhrase({ message: problem.message }));
  const files = useFiles();
  const workspace = useWorkspaceStore();
  const library = usePayloadLibraryStore();
  const sequences = useContext(SequenceLibraryContext);
  const [, setLanguage] = useLanguage();
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const filters: FileFilter[] = [{ name: t('workspace.fileType'), extensions: ['json'] }];

  const save = async () => {
    setBusy(true);
    setOutcome(undefined);
    const state = workspace.getState();
    const bytes = encodeWorkspace(
      {
        savedSessions: state.savedSessions,
        recentEndpoints: state.recentEndpoints,
        theme: state.theme,
        language: state.language,
        payloads: library.getState().exportItems(),
        sequences: sequences?.getState().items.map((item) => item.sequence),
      },
      new Date(),
    );
    const result = await files.save(t('workspace.fileName'), bytes, filters);
    setBusy(false);
    if (!result.ok) setOutcome({ type: 'failed', title: 'workspace.saveFailed', error: result.error });
    else if (result.value) setOutcome({ type: 'saved' });
  };

  const open = async () => {
    setBusy(true);
    setOutcome(undefined);
    const result = await files.open(filters);
    setBusy(false);
    if (!result.ok) {
      setOutcome({ type: 'failed', title: 'workspace.fileReadFailed', error: result.error });
      return;
    }
    if (!result.value) return;
    const { name, bytes } = result.value;
    const reading = decodeWorkspace(bytes, newId);
    if (!reading.ok) {
      setOutcome({ type: 'refused', file: name, problems: reading.problems });
      return;
    }
    const { contents } = reading;
    workspace.getState().replace(contents);
    library.getState().importItems(contents.payloads);
    if (contents.sequences) sequences?.getState().replaceAll(contents.sequences);
    if (contents.language) setLanguage(contents.language);
    setOutcome({ type: 'opened', file: name, sessions: contents.savedSessions.length, payloads: contents.payloads.length });
  };

  const dismiss = () => setOutcome(undefined);

  return (
    <>
      <Button color="inherit" disabled={busy} onClick={() => void save()}>
        {t('workspace.save')}
      </Button>
      <Button color="inherit" disabled={busy} onClick={() => void open()}>
        {t('workspace.open')}
      </Button>
      <Snackbar
        open={outcome?.type === 'saved' || outcome?.type === 'opened'}
        autoHideDuration={6000}
        onClose={dismiss}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      >
        <Alert severity="success" onClose={dismiss} closeText={t('workspace.dismiss')} variant="filled">
          {outcome?.type === 'opened'
            ? t('workspace.opened', { file: outcome.file, sessions: outcome.sessions, payloads: outcome.payloads })
            : t('workspace.savedFile')}
        </Alert>
      </Snackbar>
      {outcome?.type === 'refused' || outcome?.type === 'failed' ? (
        <Box sx={{ position: 'fixed', top: 64, right: 12, zIndex: (theme) => theme.zIndex.snackbar, maxWidth: 560 }}>
          {outcome.type === 'failed' ? (
            <ErrorAlert title={t(outcome.title)} error={outcome.error} onClose={dismiss} />
          ) : (
            <Alert severity="error" onClose={dismiss} closeText={t('workspace.dismiss')}>
              <AlertTitle>{t('workspace.fileRefused', { file: outcome.file })}</AlertTitle>
              <Box component="ul" sx={{ m: 0, pl: 2 }}>
                {outcome.problems.map((problem, index) => (
                  <Typography component="li" variant="body2" key={index}>
                    {problem.path === '' ? said(problem) : t('workspace.problemAt', { path: problem.path, message: said(problem) })}
                  </Typography>
                ))}
              </Box>
            </Alert>
          )}
        </Box>
      ) : null}
    </>
  );
}
