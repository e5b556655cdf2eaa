import { useId, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Popover from '@mui/material/Popover';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import type { AppError, Result } from '@shared/result';
import { useFiles } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';
import { useRecordingSettings } from './recording-settings-context';

/** Where recordings go and whether new sessions record: the recorder's global settings. */
function RecordingSettingsPanel() {
  const t = useT();
  const files = useFiles();
  const folderHeading = useId();
  const { status, setRecordByDefault, replace } = useRecordingSettings();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);

  const run = async <T,>(action: () => Promise<Result<T>>, then: (value: T) => void = () => undefined) => {
    setBusy(true);
    setFailure(undefined);
    const result = await action();
    setBusy(false);
    if (result.ok) then(result.value);
    else setFailure(result.error);
  };

  if (status.type === 'loading') {
    return <Typography variant="body2">{t('transcripts.settings.loading')}</Typography>;
  }
  if (status.type === 'unavailable') {
    return <ErrorAlert title={t('transcripts.settings.unavailable')} error={status.error} />;
  }
  const { settings } = status;
  const folder = files.recordingFolder;

  return (
    <Stack spacing={1.25}>
      <FormControlLabel
        control={
          <Switch
            checked={settings.recordByDefault}
            disabled={busy}
            onChange={(event) => void run(() => setRecordByDefault(event.target.checked))}
          />
        }
        label={t('transcripts.settings.recordByDefault')}
      />
      <Typography variant="caption" color="text.secondary">
        {t('transcripts.settings.recordByDefaultHelp')}
      </Typography>
      <Box component="section" aria-labelledby={folderHeading}>
        <Typography id={folderHeading} variant="subtitle2" component="h3">
          {t('transcripts.settings.folder')}
        </Typography>
        <Typography
          variant="body2"
          data-testid="recordings-folder"
          sx={{ fontFamily: MONO_FONT, wordBreak: 'break-all', userSelect: 'text' }}
        >
          {settings.folder}
        </Typography>
      </Box>
      {folder ? (
        <Stack direction="row" spacing={1}>
          <Button
            variant="outlined"
            disabled={busy}
            onClick={() =>
              void run(
                () => folder.choose(),
                (chosen) => chosen && replace(chosen),
              )
            }
          >
            {t('transcripts.settings.changeFolder')}
          </Button>
          <Button disabled={busy} onClick={() => void run(() => folder.open())}>
            {t('transcripts.settings.openFolder')}
          </Button>
        </Stack>
      ) : (
        <Typography variant="caption" color="text.secondary">
          {t('transcripts.settings.browserFolder')}{' '}
          <Box component="code" sx={{ fontFamily: MONO_FONT }}>
            npm run serve -- --record-dir DIR
          </Box>
        </Typography>
      )}
      {failure ? <ErrorAlert title={t('transcripts.settings.failed')} error={failure} onClose={() => setFailure(undefined)} /> : null}
    </Stack>
  );
}

export function RecordingSettingsButton() {
  const t = useT();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Button color="inherit" aria-haspopup="dialog" onClick={(event) => setAnchor(event.currentTarget)}>
        {t('transcripts.settings')}
      </Button>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
      >
        <Box role="dialog" aria-label={t('transcripts.settings.title')} sx={{ p: 2, width: 400 }}>
          <Typography variant="subtitle1" component="h2" sx={{ mb: 1 }}>
            {t('transcripts.settings.title')}
          </Typography>
          <RecordingSettingsPanel />
        </Box>
      </Popover>
    </>
  );
}
