import type { Clock } from '@ports/clock';
import type { InspectorEvent } from '@shared/contract';

export interface IdSource {
  next(prefix: string): string;
}

/** What every session gets from the manager. */
export interface EngineContext {
  clock: Clock;
  ids: IdSource;
  emit(event: InspectorEvent): void;
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
