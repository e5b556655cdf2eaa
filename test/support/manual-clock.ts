/**
 * A Clock whose time moves only when the test says, for logic that must not depend on how busy
 * the machine is (the scheduler's deadlines). Each timer may be made to fire late, as a busy
 * event loop does.
 */
import type { Clock, TimerHandle } from '@ports/clock';

export interface ManualClock extends Clock {
  /** Move time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void;
  /** How late each timer fires from now on (ms past its due time): a number, or a function of the timer's index. */
  lateBy(late: number | ((index: number) => number)): void;
  pending(): number;
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  let late: (index: number) => number = () => 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms) + late(id), fn });
      return id as unknown as TimerHandle;
    },
    clearTimer(handle) {
      timers.delete(handle as unknown as number);
    },
    lateBy(value) {
      late = typeof value === 'number' ? () => value : value;
    },
    pending: () => timers.size,
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let first: [number, { due: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].due <= until && (!first || entry[1].due < first[1].due)) first = entry;
        if (!first) break;
        timers.delete(first[0]);
        now = first[1].due;
        first[1].fn();
      }
      now = until;
    },
  };
}
