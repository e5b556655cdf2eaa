import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { Counters } from '@shared/contract';
import { visuallyHidden } from './visually-hidden';
import { useT } from '../i18n/i18n-context';

/** Arrows for the eye, full words for screen readers. */
export function CountersText({ counters }: { counters: Counters }) {
  const t = useT();
  const values = {
    rxBytes: counters.rxBytes,
    rxMessages: counters.rxMessages,
    txBytes: counters.txBytes,
    txMessages: counters.txMessages,
  };
  return (
    <Typography variant="caption" color="text.secondary" component="div">
      <span aria-hidden="true">{t('counters.summary', values)}</span>
      <Box component="span" sx={visuallyHidden}>
        {t('counters.label', values)}
      </Box>
    </Typography>
  );
}
