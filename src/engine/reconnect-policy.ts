import type { TcpClientConfig } from '@shared/contract';
import { phrase, type Phrase } from '@shared/phrase';

export type ReconnectPolicy = TcpClientConfig['reconnect'];

/**
 * Spread of each wait around its nominal value. Many clients that lost the same server would
 * otherwise all come back at the same instant and knock it over again.
 */
export const RECONNECT_JITTER = 0.1;

/**
 * How long to wait before reconnect attempt `attempt` (from 1): initialDelayMs, doubling with
 * each attempt, never more than maxDelayMs, then ±10 % jitter (still never above maxDelayMs, so
 * the limit a user sets is a promise). `random` is in [0, 1), as Math.random.
 */
export function reconnectDelay(
  attempt: number,
  policy: Pick<ReconnectPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  // 2 ** 40 already passes any allowed delay; the bound keeps the product finite.
  const doublings = Math.min(Math.max(attempt - 1, 0), 40);
  const nominal = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** doublings);
  const jittered = nominal * (1 + RECONNECT_JITTER * (2 * random() - 1));
  return Math.max(1, Math.min(policy.maxDelayMs, Math.round(jittered)));
}

/** Whether the attempt that just failed was the last one allowed (maxAttempts 0: no limit). */
export function attemptsExhausted(failedAttempt: number, policy: Pick<ReconnectPolicy, 'maxAttempts'>): boolean {
  return policy.maxAttempts > 0 && failedAttempt >= policy.maxAttempts;
}

/** "500 ms", "2.0 s": what a user reads in "next try in …". */
export function delayPhrase(ms: number): Phrase {
  return ms < 1000 ? phrase('duration.ms', { ms: String(Math.round(ms)) }) : phrase('duration.s', { s: (ms / 1000).toFixed(1) });
}
