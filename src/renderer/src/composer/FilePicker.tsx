import type { ChangeEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { visuallyHidden } from '../components/visually-hidden';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';

export interface FileProgress {
  sent: number;
  total: number;
}

/**
 * The file mode: a file chosen in the system's picker (so the app never sees a path), its name
 * and size, and while it streams the progress with a Cancel.
 */
export function FilePicker({
  file,
  onFile,
  progress,
  onCancel,
  disabled,
}: {
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  progress: FileProgress | undefined;
  onCancel: () => void;
  disabled: boolean;
}) {
  const t = useT();
  return (
    <Stack spacing={0.5} sx={{ flex: 1, minWidth: 0 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', minWidth: 0 }}>
        <Button component="label" variant="outlined" size="small" disabled={disabled || progress !== undefined} sx={{ flex: 'none' }}>
          {t('composer.file.choose')}
          <Box
            component="input"
            type="file"
            aria-label={t('composer.file.input')}
            tabIndex={-1}
            sx={visuallyHidden}
            onChange={(event: ChangeEvent<HTMLInputElement>) => {
              onFile(event.target.files?.[0]);
              // Choosing the same file again after it changed on disk must fire again.
              event.target.value = '';
            }}
          />
        </Button>
        <Typography
          variant="body2"
          noWrap
          data-testid="composer-file"
          sx={{ fontFamily: file ? MONO_FONT : undefined, color: file ? 'text.primary' : 'text.secondary' }}
        >
          {file ? t('composer.file.chosen', { name: file.name, size: file.size }) : t('composer.file.none')}
        </Typography>
      </Stack>
      {progress ? (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <LinearProgress
            variant="determinate"
            aria-label={t('composer.file.progressLabel')}
            value={progress.total === 0 ? 100 : (progress.sent / progress.total) * 100}
            sx={{ flex: 1 }}
          />
          <Button size="small" color="warning" onClick={onCancel}>
            {t('composer.file.cancel')}
          </Button>
        </Stack>
      ) : null}
    </Stack>
  );
}
