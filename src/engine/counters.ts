import type { Counters, Direction } from '@shared/contract';

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
