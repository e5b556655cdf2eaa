import type { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { SxProps, Theme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import type { ShownError } from '@shared/result';
import { useErrorWords, useT } from '../i18n/i18n-context';

interface ErrorAlertProps {
  title: string;
  error: ShownError;
  onClose?: () => void;
  /** Buttons beside the message; they replace the close button. */
  action?: ReactNode;
  /** More to say after the hint. */
  children?: ReactNode;
  sx?: SxProps<Theme>;
}

/** An AppError with what to do about it; the engine's text is shown as text, never as markup. */
export function ErrorAlert({ title, error, onClose, action, children, sx }: ErrorAlertProps) {
  const t = useT();
  const { message, hint } = useErrorWords()(error);
  return (
    <Alert severity="error" onClose={onClose} action={action} sx={sx}>
      <AlertTitle>{title}</AlertTitle>
      <Typography variant="body2">{message}</Typography>
      {hint ? (
        <Typography variant="body2" sx={{ mt: 0.5, color: 'text.secondary' }}>
          {t('error.hint', { hint })}
        </Typography>
      ) : null}
      {children}
    </Alert>
  );
}
