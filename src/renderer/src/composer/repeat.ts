/**
 * Repeat sending, timed by the engine (the `repeat` method): the page asks for a run and shows
 * its progress from the session's automation status, so a background tab, the browser's ~4 ms
 * timer clamp or a busy page cannot stretch it, and a run goes on when the composer is gone.
 */
import { useCallback } from 'react';
import type { Payload, RepeatStatus, SendTarget } from '@shared/contract';
import type { Result } from '@shared/result';
import { useApi } from '../api/host-context';
import { useSessionAutomation } from '../store/stable-views';

export { MAX_REPEAT_COUNT, MIN_SEND_INTERVAL_MS as MIN_REPEAT_INTERVAL_MS } from '@shared/limits';
/** The composer offers up to an hour; the engine takes up to a day (for a script). */
export const MAX_REPEAT_INTERVAL_MS = 3_600_000;

export interface RepeatRequest {
  payload: Payload;
  to: SendTarget | undefined;
  intervalMs: number;
  count: number | undefined;
}

export interface EngineRepeat {
  /** The session's latest run, as the engine last reported it. */
  run: RepeatStatus | undefined;
  start(request: RepeatRequest): Promise<Result<RepeatStatus>>;
  stop(): Promise<Result<RepeatStatus>>;
}

export function useEngineRepeat(sessionId: string): EngineRepeat {
  const api = useApi();
  const run = useSessionAutomation(sessionId)?.repeat;
  const start = useCallback(
    ({ payload, to, intervalMs, count }: RepeatRequest) =>
      api.repeat({
        sessionId,
        action: 'start',
        payload,
        intervalMs,
        ...(to ? { to } : {}),
        ...(count !== undefined ? { count } : {}),
      }),
    [api, sessionId],
  );
  const stop = useCallback(() => api.repeat({ sessionId, action: 'stop' }), [api, sessionId]);
  return { run, start, stop };
}
