import { useId, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '@shared/contract';
import type { AppError } from '@shared/result';
import { useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/en';

const FORMAT_LABELS = {
  jsonl: 'transcripts.save.jsonl',
  text: 'transcripts.save.text',
  pcapng: 'transcripts.save.pcapng',
} as const satisfies Record<TranscriptFormat, MessageKey>;

type Outcome = { type: 'saved' | 'downloading' } | { type: 'failed'; error: AppError };

/** "Save transcript…": the session's recording as JSON Lines, a text dump or pcapng. */
export function SaveTranscriptMenu({ sessionId, hasRecording }: { sessionId: string; hasRecording: boolean }) {
  const t = useT();
  const files = useFiles();
  const menuId = useId();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);

  const save = async (format: TranscriptFormat) => {
    setAnchor(null);
    setBusy(true);
    setOutcome(undefined);
    const result = await files.saveRecording(sessionId, format);
    setBusy(false);
    if (!result.ok) setOutcome({ type: 'failed', error: result.error });
    else if (result.value !== 'cancelled') setOutcome({ type: result.value });
  };

  const button = (
    <Button
      aria-haspopup="menu"
      aria-controls={anchor ? menuId : undefined}
      aria-expanded={anchor ? 'true' : undefined}
      disabled={busy || !hasRecording}
      onClick={(event) => setAnchor(event.currentTarget)}
    >
      {t('transcripts.save')}
    </Button>
  );

  return (
    <>
      {hasRecording ? (
        button
      ) : (
        // A disabled button gets no pointer events: the wrapper carries the tooltip that says why.
        <Tooltip title={t('transcripts.save.nothing')}>
          <Box component="span" tabIndex={0}>
            {button}
          </Box>
        </Tooltip>
      )}
      <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {TRANSCRIPT_FORMATS.map((format) => (
          <MenuItem key={format} onClick={() => void save(format)}>
            {t(FORMAT_LABELS[format])}
          </MenuItem>
        ))}
      </Menu>
      {outcome ? (
        <Box sx={{ flexBasis: '100%' }}>
          {outcome.type === 'failed' ? (
            <ErrorAlert title={t('transcripts.save.failed')} error={outcome.error} onClose={() => setOutcome(undefined)} />
          ) : (
            <Alert severity="success" onClose={() => setOutcome(undefined)} closeText={t('transcripts.dismiss')}>
              {t(outcome.type === 'saved' ? 'transcripts.save.done' : 'transcripts.save.downloading')}
            </Alert>
          )}
        </Box>
      ) : null}
    </>
  );
}
