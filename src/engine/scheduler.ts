import type { Clock, TimerHandle } from '@ports/clock';
import { SCHEDULER_MAX_CATCH_UP } from '@shared/limits';

/** One timed job; cancelling it takes effect at once, even between two fires of one wake-up. */
export interface ScheduledTask {
  cancel(): void;
  readonly active: boolean;
  /** Deadlines dropped because the timer fell too far behind (see SCHEDULER_MAX_CATCH_UP). */
  readonly skipped: number;
}

export interface EveryOptions {
  /** Fire at once, then every interval (a repeat run); otherwise first after one interval (a heartbeat). */
  now?: boolean;
  /** Stop after this many fires. */
  count?: number;
}

/** `due`: the deadline this fire is for (epoch ms); `late`: how far past it the fire came. */
export type Fire = (fire: { index: number; due: number; late: number }) => void;

/**
 * The engine's timers for repeat sends, heartbeats and rule delays. A periodic task computes
 * each deadline from its start (start + k × interval), never from the previous fire, so timer
 * lateness does not accumulate: a 1 ms task fires 10,000 times in 10 s however late each single
 * wake-up is. A wake-up fires every deadline already due (up to SCHEDULER_MAX_CATCH_UP; beyond
 * that the missed ones are skipped and counted, so a stalled event loop is not followed by a
 * burst of thousands of sends).
 */
export class Scheduler {
  private readonly tasks = new Set<ScheduledTask & { stop(): void }>();

  constructor(private readonly clock: Clock) {}

  every(intervalMs: number, fire: Fire, options: EveryOptions = {}): ScheduledTask {
    const clock = this.clock;
    const start = clock.now();
    const limit = options.count ?? Infinity;
    let k = options.now ? 0 : 1;
    let fired = 0;
    let timer: TimerHandle | undefined;
    let active = true;
    let skipped = 0;
    const stop = () => {
      active = false;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
      this.tasks.delete(task);
    };
    const arm = () => {
      timer = clock.setTimer(wake, Math.max(0, start + k * intervalMs - clock.now()));
    };
    const wake = () => {
      timer = undefined;
      const now = clock.now();
      let burst = 0;
      while (active && start + k * intervalMs <= now) {
        if (burst === SCHEDULER_MAX_CATCH_UP) {
          const behind = Math.floor((now - (start + k * intervalMs)) / intervalMs) + 1;
          const dropped = Math.min(behind, limit - fired);
          skipped += dropped;
          fired += dropped;
          k += behind;
          break;
        }
        const due = start + k * intervalMs;
        k += 1;
        fired += 1;
        burst += 1;
        fire({ index: fired, due, late: now - due });
        if (fired >= limit) stop();
      }
      if (active && fired >= limit) stop();
      if (active) arm();
    };
    const task = {
      cancel: stop,
      stop,
      get active() {
        return active;
      },
      get skipped() {
        return skipped;
      },
    };
    this.tasks.add(task);
    if (options.now) wake();
    else arm();
    return task;
  }

  after(ms: number, fire: () => void): ScheduledTask {
    return this.every(ms, () => fire(), { count: 1 });
  }

  /** Cancel everything still scheduled. */
  cancelAll(): void {
    for (const task of [...this.tasks]) task.stop();
  }
}
