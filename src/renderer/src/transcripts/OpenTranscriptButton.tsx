import { english, untranslated } from '@shared/phrase';
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { AppError } from '@shared/result';
import type { FileFilter } from '../api/files';
import { useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import { DEFAULT_LIMITS } from '../store/inspector-store';
import { useInspectorStore } from '../store/store-context';
import { newId } from '../workspace/workspace-store';
import { lazyPart } from '../lazy-part';
import type { TranscriptRefusal } from './load-transcript';

type Failure = { type: 'refused'; file: string; refusal: TranscriptRefusal } | { type: 'failed'; error: AppError };

/** The transcript and pcapng readers: only a file being opened needs them. */
export const transcriptReaderPart = lazyPart(() => import('./load-transcript'));

/** "Open transcript…": a recorded or saved file, shown read-only beside the live sessions. */
export function OpenTranscriptButton() {
  const t = useT();
  const files = useFiles();
  const store = useInspectorStore();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const filters: FileFilter[] = [{ name: t('transcripts.fileType'), extensions: ['sirec', 'jsonl', 'pcapng'] }];

  const open = async () => {
    setBusy(true);
    setFailure(undefined);
    const result = await files.open(filters);
    if (!result.ok) {
      setBusy(false);
      setFailure({ type: 'failed', error: result.error });
      return;
    }
    if (!result.value) {
      setBusy(false);
      return;
    }
    const { name, bytes } = result.value;
    const limits = { ...DEFAULT_LIMITS, maxLogEntries: store.getState().logLimit };
    const { loadTranscript } = await transcriptReaderPart.preload().finally(() => setBusy(false));
    const loaded = loadTranscript(newId(), name, bytes, limits);
    if (loaded.ok) store.getState().openTranscript(loaded.transcript);
    else setFailure({ type: 'refused', file: name, refusal: loaded.refusal });
  };

  const dismiss = () => setFailure(undefined);

  return (
    <>
      <Button color="inherit" disabled={busy} onClick={() => void open()}>
        {t('transcripts.open')}
      </Button>
      {failure ? (
        <Box sx={{ position: 'fixed', top: 64, right: 12, zIndex: (theme) => theme.zIndex.snackbar, maxWidth: 560 }}>
          {failure.type === 'failed' ? (
            <ErrorAlert title={t('transcripts.openFailed')} error={failure.error} onClose={dismiss} />
          ) : (
            <ErrorAlert
              title={t('transcripts.openRefused', { file: failure.file })}
              error={
                failure.refusal.type === 'neither'
                  ? { code: 'NOT_A_TRANSCRIPT', message: t('transcripts.neither'), hint: t('transcripts.neitherHint') }
                  : {
                      code: 'UNREADABLE',
                      message: english(failure.refusal.message),
                      hint: '',
                      i18n: { message: failure.refusal.message, hint: untranslated('') },
                    }
              }
              onClose={dismiss}
            />
          )}
        </Box>
      ) : null}
    </>
  );
}
