import { useCallback, useContext, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { formatEndpoint } from '@shared/address';
import type { AppError } from '@shared/result';
import type { FileFilter } from '../api/files';
import { useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePayloadLibraryStore } from '../composer/composer-stores';
import { useLanguage, useSay, useT } from '../i18n/i18n-context';
import { SequenceLibraryContext } from '../protocol/sequence-library';
import { useInspectorStore } from '../store/store-context';
import { issuePhrase } from '@shared/validate';
import { decodeWorkspace, encodeWorkspace, type WorkspaceProblem } from './workspace-file';
import { useWorkspaceStore } from './workspace-context';
import { SHORTCUT_KEYS, useShortcut } from '../components/shortcuts';
import { copyConfig, newId, type SavedSession } from './workspace-store';
import { defaultSessionName } from './KindEndpoint';

type Outcome =
  | { type: 'saved'; sessions: number; open: number; payloads: number; sequences: number }
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

  const inspector = useInspectorStore();
  const save = useCallback(async () => {
    setBusy(true);
    setOutcome(undefined);
    const state = workspace.getState();
    const saved = new Set(state.savedSessions.map((one) => JSON.stringify(one.config)));
    // The open sessions go in as saved ones (the file holds settings, not sockets), each once.
    const { sessions } = inspector.getState();
    const open: SavedSession[] = [];
    for (const session of sessions.values()) {
      if (session.removingUntil !== undefined) continue;
      const config = copyConfig(session.config);
      if (!config || saved.has(JSON.stringify(config))) continue;
      saved.add(JSON.stringify(config));
      const name = defaultSessionName(config.kind, formatEndpoint(config.host, config.port), t);
      open.push({ id: newId(), name, config });
    }
    const savedSessions = [...open, ...state.savedSessions];
    const payloads = library.getState().exportItems();
    const sequenceList = sequences?.getState().items.map((item) => item.sequence);
    const bytes = encodeWorkspace(
      {
        savedSessions,
        recentEndpoints: state.recentEndpoints,
        theme: state.theme,
        language: state.language,
        payloads,
        sequences: sequenceList,
      },
      new Date(),
    );
    const result = await files.save(t('workspace.fileName'), bytes, [{ name: t('workspace.fileType'), extensions: ['json'] }]);
    setBusy(false);
    if (!result.ok) setOutcome({ type: 'failed', title: 'workspace.saveFailed', error: result.error });
    else if (result.value) {
      setOutcome({
        type: 'saved',
        sessions: savedSessions.length,
        open: open.length,
        payloads: payloads.length,
        sequences: sequenceList?.length ?? 0,
      });
    }
  }, [files, inspector, library, sequences, t, workspace]);
  const saveByKey = useCallback(() => {
    if (!busy) void save();
  }, [busy, save]);
  useShortcut('save-workspace', saveByKey);

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
      <Tooltip title={t('workspace.saveHint')} describeChild>
        <Button color="inherit" disabled={busy} aria-keyshortcuts={SHORTCUT_KEYS['save-workspace']} onClick={() => void save()}>
          {t('workspace.save')}
        </Button>
      </Tooltip>
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
            : outcome?.type === 'saved'
              ? t('workspace.savedFile', outcome)
              : null}
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
