import { useEffect, useState, type ReactNode } from 'react';
import Button from '@mui/material/Button';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Counters, NotShown } from '@shared/contract';
import type { AppError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { visuallyHidden } from '../components/visually-hidden';
import { useT } from '../i18n/i18n-context';
import { CountersText } from '../components/CountersText';
import { useInspector, useInspectorStore } from '../store/store-context';
import { useSessionCounters } from '../store/stable-views';
import { ZERO_COUNTERS, type SessionLog } from '../store/views';

/** How often rates are sampled: often enough to feel live, rarely enough to cost nothing. */
export const RATE_INTERVAL_MS = 1000;

/**
 * Bytes and messages per second each way, from the session's counters sampled once per
 * interval: no work per packet, however fast they come.
 */
function useRates(sessionId: string): Counters {
  const store = useInspectorStore();
  const [rates, setRates] = useState<Counters>(ZERO_COUNTERS);
  useEffect(() => {
    const read = () => store.getState().sessions.get(sessionId)?.counters ?? ZERO_COUNTERS;
    let last = { at: Date.now(), counters: read() };
    const timer = setInterval(() => {
      const now = { at: Date.now(), counters: read() };
      const seconds = (now.at - last.at) / 1000;
      // A reopened session starts its counters again: never show a negative rate.
      const per = (key: keyof Counters) => (seconds > 0 ? Math.max(0, Math.round((now.counters[key] - last.counters[key]) / seconds)) : 0);
      setRates({ rxBytes: per('rxBytes'), txBytes: per('txBytes'), rxMessages: per('rxMessages'), txMessages: per('txMessages') });
      last = now;
    }, RATE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [store, sessionId]);
  return rates;
}

/** The live session's totals and rates, read from the store. */
export function LiveLogStatusBar({ sessionId, log, message }: { sessionId: string; log: SessionLog; message: string }) {
  const counters = useSessionCounters(sessionId);
  const notShown = useInspector((state) => state.sessions.get(sessionId)?.notShown);
  const recorded = useInspector((state) => state.sessions.get(sessionId)?.recording?.active ?? false);
  const rates = useRates(sessionId);
  const api = useApi();
  const t = useT();
  const [failure, setFailure] = useState<AppError | undefined>();
  const reset = async () => {
    setFailure(undefined);
    const result = await api.resetCounters({ sessionId });
    if (!result.ok) setFailure(result.error);
  };
  return (
    <>
      {failure ? <ErrorAlert title={t('log.resetCounters')} error={failure} onClose={() => setFailure(undefined)} /> : null}
      <LogStatusBar
        counters={counters}
        rates={rates}
        log={log}
        message={message}
        notShown={notShown}
        recorded={recorded}
        action={
          <Button size="small" aria-label={t('log.resetCounters.label')} onClick={() => void reset()} sx={{ py: 0, minHeight: 0 }}>
            {t('log.resetCounters')}
          </Button>
        }
      />
    </>
  );
}

/**
 * Totals, rates when the log is live, how many entries are kept, what the engine could not show
 * (and whether the recording has it), and the last action's outcome.
 */
export function LogStatusBar({
  counters,
  rates,
  log,
  message,
  notShown,
  recorded = false,
  action,
}: {
  counters: Counters;
  rates?: Counters;
  log: SessionLog;
  message: string;
  notShown?: NotShown | undefined;
  recorded?: boolean;
  /** A control beside the counters (a live session's reset). */
  action?: ReactNode;
}) {
  const t = useT();
  const values = rates
    ? { rxBytes: rates.rxBytes, rxMessages: rates.rxMessages, txBytes: rates.txBytes, txMessages: rates.txMessages }
    : undefined;

  return (
    <Stack
      component="footer"
      aria-label={t('log.status')}
      direction="row"
      spacing={2}
      useFlexGap
      sx={{ px: 1.5, py: 0.25, borderTop: 1, borderColor: 'divider', alignItems: 'center', flexWrap: 'wrap' }}
    >
      <CountersText counters={counters} />
      {action}
      {values ? (
        <Typography variant="caption" color="text.secondary" component="div" data-testid="log-rates">
          <span aria-hidden="true">{t('log.status.rates', values)}</span>
          <Box component="span" sx={visuallyHidden}>
            {t('log.status.ratesLabel', values)}
          </Box>
        </Typography>
      ) : null}
      <Typography variant="caption" color="text.secondary">
        {t('log.status.retained', { count: log.entries.length, dropped: log.dropped })}
      </Typography>
      {notShown ? (
        <Typography variant="caption" color="warning.main" data-testid="log-not-shown">
          {t(recorded ? 'log.status.notShownRecorded' : 'log.status.notShown', { bytes: notShown.bytes, messages: notShown.messages })}
        </Typography>
      ) : null}
      <Box sx={{ flex: 1 }} />
      <Typography variant="caption" role="status">
        {message}
      </Typography>
    </Stack>
  );
}
