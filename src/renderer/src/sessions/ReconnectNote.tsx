import Typography from '@mui/material/Typography';
import { formatClock } from '../format';
import { useT } from '../i18n/i18n-context';
import type { SessionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';

export function ReconnectNote({ session }: { session: Pick<SessionShape, 'reconnect' | 'config'> }) {
  const t = useT();
  const { reconnect } = session;
  if (!reconnect || session.config.kind !== 'tcp-client') return null;
  const max = session.config.reconnect.maxAttempts;
  const attempt =
    max > 0 ? t('sessions.attemptOf', { attempt: reconnect.attempt, max }) : t('sessions.attempt', { attempt: reconnect.attempt });
  return (
    <Typography variant="caption" color="info.main" component="div" role="status" sx={{ fontFamily: MONO_FONT }}>
      {reconnect.nextAt === undefined
        ? t('sessions.reconnectNow', { attempt })
        : t('sessions.reconnectNext', { attempt, time: formatClock(reconnect.nextAt) })}
    </Typography>
  );
}
