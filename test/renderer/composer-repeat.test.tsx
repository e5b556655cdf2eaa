/** repeatSend on its own: the timing rules the composer's Repeat relies on. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../support/errors';
import { repeatSend } from '@renderer/composer/repeat';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('repeatSend', () => {
  it('never has two sends in flight, however slow each one is', async () => {
    let inFlight = 0;
    let most = 0;
    const outcome = await repeatSend({
      intervalMs: 1,
      count: 6,
      signal: new AbortController().signal,
      onSent: () => undefined,
      sendOnce: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(15);
        inFlight -= 1;
        return undefined;
      },
    });
    expect(outcome).toEqual({ sent: 6, error: undefined });
    expect(most).toBe(1);
  });

  it('waits the interval after each answer', async () => {
    const starts: number[] = [];
    await repeatSend({
      intervalMs: 30,
      count: 3,
      signal: new AbortController().signal,
      onSent: () => undefined,
      sendOnce: async () => {
        starts.push(performance.now());
        await sleep(10);
        return undefined;
      },
    });
    // Timers may fire a little early in rounding, never much.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(38);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(38);
  });

  it('ends on abort without another send, and on the first error', async () => {
    const controller = new AbortController();
    let sends = 0;
    const run = repeatSend({
      intervalMs: 5,
      count: undefined,
      signal: controller.signal,
      onSent: (sent) => {
        if (sent === 3) controller.abort();
      },
      sendOnce: async () => {
        sends += 1;
        return undefined;
      },
    });
    expect(await run).toEqual({ sent: 3, error: undefined });
    await sleep(30);
    expect(sends).toBe(3);

    const error = errorOf('EPIPE', 'gone', '');
    let calls = 0;
    const failed = await repeatSend({
      intervalMs: 1,
      count: 10,
      signal: new AbortController().signal,
      onSent: () => undefined,
      sendOnce: async () => (++calls === 2 ? error : undefined),
    });
    expect(failed).toEqual({ sent: 1, error });
  });
});
