import Chip from '@mui/material/Chip';
import type { SessionState } from '@shared/contract';
import { useT } from '../i18n/i18n-context';

const COLORS = {
  opening: 'info',
  open: 'success',
  closing: 'warning',
  closed: 'default',
  error: 'error',
} as const satisfies Record<SessionState, string>;

/** State as colour and words, so it reads without colour vision too. */
export function StateChip({ state }: { state: SessionState }) {
  const t = useT();
  return <Chip size="small" color={COLORS[state]} label={t(`state.${state}`)} variant={state === 'closed' ? 'outlined' : 'filled'} />;
}
