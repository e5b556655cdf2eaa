/**
 * The engine's scheduler, on a clock the test moves: deadlines come from the start time, so
 * lateness does not add up; missed deadlines are caught up to a bound, then skipped and counted;
 * a cancel takes effect at once, even inside a burst.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '@engine/scheduler';
import { SCHEDULER_BURST, SCHEDULER_CATCH_UP_MS } from '@shared/limits';
import { manualClock } from '../support/manual-clock';

describe('Scheduler.every', () => {
  it('fires at start + k × interval however late each wake-up is, so 10 s at 1 ms is 10,000 fires', () => {
    const clock = manualClock();
    // Every wake-up 0.3–0.9 ms late, as Node's timers are: a loop that re-armed from each fire would drift by 6 s.
    clock.lateBy((i) => 0.3 + ((i * 7) % 7) / 10);
    const start = clock.now();
    const dues: number[] = [];
    new Scheduler(clock).every(1, ({ due }) => dues.push(due));
    clock.advance(10_000);
    expect(dues.length).toBeGreaterThanOrEqual(9_999);
    expect(dues.length).toBeLessThanOrEqual(10_000);
    dues.forEach((due, i) => expect(due).toBe(start + (i + 1) * 1));
  });

  it('with now: fires at once, then count times in all', () => {
    const clock = manualClock();
    const fires: number[] = [];
    const task = new Scheduler(clock).every(100, ({ index }) => fires.push(index), { now: true, count: 3 });
    expect(fires).toEqual([1]);
    clock.advance(1000);
    expect(fires).toEqual([1, 2, 3]);
    expect(task.active).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('after a stall shorter than SCHEDULER_CATCH_UP_MS, sends every missed deadline, SCHEDULER_BURST per wake-up', () => {
    const clock = manualClock();
    let fires = 0;
    const stall = SCHEDULER_CATCH_UP_MS / 2;
    clock.lateBy((i) => (i === 1 ? stall : 0));
    const task = new Scheduler(clock).every(1, () => (fires += 1));
    clock.advance(stall + 1);
    // The first wake-up sends one burst; the rest follow wake-up by wake-up, none skipped.
    expect(fires).toBeGreaterThanOrEqual(SCHEDULER_BURST);
    clock.advance(stall);
    expect(fires).toBe(2 * stall + 1);
    expect(task.skipped).toBe(0);
  });

  it('after a longer stall, skips the deadlines more than SCHEDULER_CATCH_UP_MS behind and counts them', () => {
    const clock = manualClock();
    let fires = 0;
    clock.lateBy((i) => (i === 1 ? 5000 : 0));
    const task = new Scheduler(clock).every(1, () => (fires += 1), { count: 10_000 });
    clock.advance(5001);
    // Woken at 5,001 ms: deadlines 1 … 4,000 are more than 1 s behind; 4,001 is just within.
    expect(task.skipped).toBe(5000 - SCHEDULER_CATCH_UP_MS);
    clock.advance(10_000);
    // A counted run ends when its deadlines are all sent or skipped.
    expect(fires + task.skipped).toBe(10_000);
    expect(task.active).toBe(false);
  });

  it('a cancel inside a burst stops the very next fire', () => {
    const clock = manualClock();
    clock.lateBy((i) => (i === 1 ? 20 : 0));
    let fires = 0;
    const task = new Scheduler(clock).every(1, () => {
      fires += 1;
      if (fires === 5) task.cancel();
    });
    clock.advance(100);
    expect(fires).toBe(5);
    expect(clock.pending()).toBe(0);
  });

  it('cancelAll leaves no timer behind', () => {
    const clock = manualClock();
    const scheduler = new Scheduler(clock);
    scheduler.every(5, () => undefined);
    scheduler.after(50, () => undefined);
    scheduler.cancelAll();
    expect(clock.pending()).toBe(0);
  });
});
