import type { AppError } from '@shared/result';

export const MIN_REPEAT_INTERVAL_MS = 1;
export const MAX_REPEAT_INTERVAL_MS = 3_600_000;
export const MAX_REPEAT_COUNT = 1_000_000;

export interface RepeatOptions {
  intervalMs: number;
  /** How many sends; undefined repeats until stopped. */
  count: number | undefined;
  /** One send; answers its error, or undefined when it went out. */
  sendOnce(): Promise<AppError | undefined>;
  onSent(sent: number): void;
  signal: AbortSignal;
}

export interface RepeatOutcome {
  sent: number;
  error: AppError | undefined;
}

/**
 * Sends, waits `intervalMs` after each send has been answered, and sends again: a slow peer
 * or engine stretches the period rather than piling sends up. The first error ends the run.
 */
export function repeatSend({ intervalMs, count, sendOnce, onSent, signal }: RepeatOptions): Promise<RepeatOutcome> {
  return new Promise((resolve) => {
    let sent = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: AppError | undefined) => {
      signal.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      resolve({ sent, error });
    };
    const onAbort = () => finish(undefined);
    const step = async () => {
      timer = undefined;
      const error = await sendOnce();
      if (signal.aborted) return;
      if (error) {
        finish(error);
        return;
      }
      sent += 1;
      onSent(sent);
      // onSent may have stopped the run (a Stop rendered from the new count).
      if (signal.aborted) return;
      if (count !== undefined && sent >= count) finish(undefined);
      else timer = setTimeout(() => void step(), intervalMs);
    };
    if (signal.aborted) {
      resolve({ sent, error: undefined });
      return;
    }
    signal.addEventListener('abort', onAbort);
    void step();
  });
}
