/**
 * A Clock whose time moves only when the test says, for logic that must not depend on how busy
 * the machine is (the scheduler's deadlines, the event batcher's flushes, the recorder's
 * writes). Each timer may be made to fire late, as a busy event loop does, or early, as Node's
 * timers may by the clock.
 */
import type { Clock, TimerHandle } from '@ports/clock';

export interface ManualClock extends Clock {
  /** Move time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void;
  /** How late each timer fires from now on (ms past its due time): a number, or a function of the timer's index. */
  lateBy(late: number | ((index: number) => number)): void;
  /** Fire the earliest pending timer now, before its due time, without moving the clock. */
  fireEarly(): void;
  pending(): number;
  /** The delay each setTimer asked for, in order. */
  readonly requested: readonly number[];
}

type Timer = { due: number; fn: () => void };

/** `start`: the clock's first reading; a recorder's test wants a real date (`Date.now()`). */
export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  let late: (index: number) => number = () => 0;
  const timers = new Map<number, Timer>();
  const requested: number[] = [];
  const earliest = (until: number): [number, Timer] | undefined => {
    let first: [number, Timer] | undefined;
    for (const entry of timers) if (entry[1].due <= until && (!first || entry[1].due < first[1].due)) first = entry;
    return first;
  };
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      requested.push(ms);
      timers.set(id, { due: now + Math.max(0, ms) + late(id), fn });
      return id as unknown as TimerHandle;
    },
    clearTimer(handle) {
      timers.delete(handle as unknown as number);
    },
    lateBy(value) {
      late = typeof value === 'number' ? () => value : value;
    },
    fireEarly() {
      const first = earliest(Infinity);
      if (!first) throw new Error('No timer is pending.');
      timers.delete(first[0]);
      first[1].fn();
    },
    pending: () => timers.size,
    requested,
    advance(ms) {
      const until = now + ms;
      for (let first = earliest(until); first; first = earliest(until)) {
        timers.delete(first[0]);
        now = first[1].due;
        first[1].fn();
      }
      now = until;
    },
  };
}
