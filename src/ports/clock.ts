export type TimerHandle = ReturnType<typeof setTimeout>;

/** Time, passed in so tests can read and control it: the engine and the recorder take the same one. */
export interface Clock {
  /** Epoch milliseconds, with sub-millisecond precision where the platform has it. */
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

// Read once: the getter is not free, and now() runs for every packet.
const timeOrigin = performance.timeOrigin;

export const systemClock: Clock = {
  now: () => timeOrigin + performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle),
};
