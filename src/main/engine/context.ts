import type { InspectorEvent } from '../../shared/contract';

export type TimerHandle = ReturnType<typeof setTimeout>;

/** Time, passed in so tests can read and control it. */
export interface Clock {
  /** Epoch milliseconds, with sub-millisecond precision where the platform has it. */
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface IdSource {
  next(prefix: string): string;
}

/** What every session gets from the manager. */
export interface EngineContext {
  clock: Clock;
  ids: IdSource;
  emit(event: InspectorEvent): void;
}

// Read once: the getter is not free, and now() runs for every packet.
const timeOrigin = performance.timeOrigin;

export const systemClock: Clock = {
  now: () => timeOrigin + performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle),
};

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
