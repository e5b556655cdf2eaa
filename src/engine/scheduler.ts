import type { Clock, TimerHandle } from '@ports/clock';
import { SCHEDULER_BURST, SCHEDULER_CATCH_UP_MS } from '@shared/limits';

/** One timed job; cancelling it takes effect at once, even between two fires of one wake-up. */
export interface ScheduledTask {
  cancel(): void;
  readonly active: boolean;
  /** Deadlines dropped because the timer fell too far behind (see SCHEDULER_CATCH_UP_MS). */
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
 * wake-up is. A wake-up fires the deadlines already due, SCHEDULER_BURST at most before it lets
 * the event loop go on; deadlines more than SCHEDULER_CATCH_UP_MS behind are skipped and counted,
 * so a machine waking from sleep does not send an hour of 1 ms deadlines at once.
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
      const oldest = now - SCHEDULER_CATCH_UP_MS;
      if (start + k * intervalMs < oldest) {
        const behind = Math.ceil((oldest - (start + k * intervalMs)) / intervalMs);
        const dropped = Math.min(behind, limit - fired);
        skipped += dropped;
        fired += dropped;
        k += behind;
      }
      let burst = 0;
      while (active && fired < limit && burst < SCHEDULER_BURST && start + k * intervalMs <= now) {
        const due = start + k * intervalMs;
        k += 1;
        fired += 1;
        burst += 1;
        fire({ index: fired, due, late: now - due });
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
