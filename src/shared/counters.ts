/** A session's or connection's counters, as the engine keeps them live and a transcript tells them again. */
import type { Counters, Direction } from './contract';

export const zeroCounters = (): Counters => ({ rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 });

export function count(counters: Counters, dir: Direction, bytes: number): void {
  if (dir === 'rx') {
    counters.rxBytes += bytes;
    counters.rxMessages += 1;
  } else {
    counters.txBytes += bytes;
    counters.txMessages += 1;
  }
}

/** Zeroes counters in place: every holder of the object (a session and its connections) sees the reset. */
export function clearCounters(counters: Counters): void {
  counters.rxBytes = 0;
  counters.txBytes = 0;
  counters.rxMessages = 0;
  counters.txMessages = 0;
}
