import type { Clock } from '@ports/clock';
import type { InspectorEvent } from '@shared/contract';
import type { HostLookup } from './resolve';
import type { SendBudget } from './send-budget';

export interface IdSource {
  next(prefix: string): string;
}

/** What every session gets from the manager. */
export interface EngineContext {
  clock: Clock;
  ids: IdSource;
  emit(event: InspectorEvent): void;
  /** Resolves host names for every session: the OS resolver, or a test's. */
  lookup: HostLookup;
  /** The bytes waiting for peers, across every connection of every session. */
  sendBudget: SendBudget;
  /**
   * A line of a session's TLS key log (NSS format, from node:tls `keylog`): straight to the
   * recorder's file, never into the event stream, so key material stays in this process.
   */
  keyLog(sessionId: string, line: Uint8Array): void;
}

/** Short, readable, unique within one run: `s1`, `c7`, … */
export function sequentialIds(): IdSource {
  const counts = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      return `${prefix}${n}`;
    },
  };
}
