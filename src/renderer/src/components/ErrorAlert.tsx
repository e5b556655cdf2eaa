import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Typography from '@mui/material/Typography';
import type { AppError } from '../../../shared/result';
import { useT } from '../i18n/i18n-context';

/** An AppError with what to do about it; the engine's text is shown as text, never as markup. */
export function ErrorAlert({ title, error, onClose }: { title: string; error: AppError; onClose?: () => void }) {
  const t = useT();
  return (
    <Alert severity="error" onClose={onClose}>
      <AlertTitle>{title}</AlertTitle>
      <Typography variant="body2">{error.message}</Typography>
      {error.hint ? (
        <Typography variant="body2" sx={{ mt: 0.5, color: 'text.secondary' }}>
          {t('error.hint', { hint: error.hint })}
        </Typography>
      ) : null}
    </Alert>
  );
}
