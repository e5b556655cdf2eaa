/**
 * Error codes of the app's own, beside the OS codes (ECONNREFUSED, …) that pass through as they
 * are, and the hint for each code: what the user can do about it (words in phrases-en.ts).
 */
import { isPhraseKey, phrase, type Phrase } from './phrase';

export const AppCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  NotFound: 'NOT_FOUND',
  BadState: 'BAD_STATE',
  NoTarget: 'NO_TARGET',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  QueueFull: 'SEND_QUEUE_FULL',
  BudgetFull: 'SEND_BUDGET_FULL',
  Forbidden: 'FORBIDDEN',
  Cancelled: 'CANCELLED',
  Disconnected: 'DISCONNECTED',
  Dropped: 'CONNECTION_DROPPED',
  ConnectionLimit: 'CONNECTION_LIMIT',
  RecordingBehind: 'RECORDING_BEHIND',
  IdleTimeout: 'IDLE_TIMEOUT',
  RuleInvalid: 'RULE_INVALID',
  RuleFailed: 'RULE_FAILED',
  RuleRateLimited: 'RULE_RATE_LIMITED',
  PeerSilent: 'PEER_SILENT',
  SequenceFailed: 'SEQUENCE_FAILED',
  SequenceStopped: 'SEQUENCE_STOPPED',
  Internal: 'INTERNAL',
} as const;
export type AppCode = (typeof AppCode)[keyof typeof AppCode];

/** Actions whose OS codes mean something else than the plain hint says (see `hint.join.*` and the like). */
const ACTIONS_WITH_HINTS: ReadonlySet<string> = new Set(['join', 'leave', 'send', 'send-multicast']);

/**
 * What the user can do about `code`; `action` (join, leave, send, bind, …) picks the hint that
 * fits it: EADDRINUSE on a multicast join is a membership that exists, not a port another
 * program holds.
 */
export function hintFor(code: string, action?: string): Phrase {
  const forAction = `hint.${action}.${code}`;
  if (action !== undefined && ACTIONS_WITH_HINTS.has(action) && isPhraseKey(forAction)) return phrase(forAction);
  const plain = `hint.${code}`;
  return isPhraseKey(plain) ? phrase(plain) : phrase('hint.fallback');
}
