import { createSocket, type Socket } from 'node:dgram';
import { argSchemas } from '@shared/contract';
import { withEngine } from './engine-harness';
import type { Figure } from './figure';
import { sleep } from './wait';

const INTERVAL_MS = 1;

/** A UDP socket on loopback that notes when each datagram arrives. */
async function receiver(): Promise<{ socket: Socket; port: number; arrivals: number[] }> {
  const socket = createSocket('udp4');
  const arrivals: number[] = [];
  socket.on('message', () => arrivals.push(performance.now()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, arrivals };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Timing {
  count: number;
  p50: number;
  p99: number;
  /** How far the last send is from where a drift-free 1 ms clock puts it. */
  driftMs: number;
}

/** Arrivals of one run: how many, how far each interval is from 1 ms, and the drift over the run. */
function timingOf(arrivals: readonly number[]): Timing {
  const errors = arrivals
    .slice(1)
    .map((t, i) => Math.abs(t - arrivals[i]! - INTERVAL_MS))
    .sort((a, b) => a - b);
  const first = arrivals[0] ?? 0;
  const last = arrivals[arrivals.length - 1] ?? 0;
  return {
    count: arrivals.length,
    p50: percentile(errors, 50),
    p99: percentile(errors, 99),
    driftMs: arrivals.length < 2 ? 0 : last - first - (arrivals.length - 1) * INTERVAL_MS,
  };
}

/**
 * Repeat sends at 1 ms for 10 s (2 s quick): the engine's scheduler (the `repeat` method on a
 * UDP session) against a raw Node loop doing the same sends with setInterval on its own socket,
 * in the same run, to the same in-process receiver. Node re-arms an interval from each callback,
 * so the raw loop drifts; the scheduler computes each deadline from the start.
 */
export async function sendTiming(quick: boolean): Promise<Figure[]> {
  const ms = quick ? 2000 : 10_000;
  // The first send goes at once, then one each interval: deadlines 0, 1, …, ms.
  const expected = ms / INTERVAL_MS + 1;
  const payload = Buffer.from([0x55]);

  const raw = await receiver();
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  const loop = setInterval(() => sender.send(payload, raw.port, '127.0.0.1'), INTERVAL_MS);
  await sleep(ms);
  clearInterval(loop);
  await sleep(100);
  const rawTiming = timingOf(raw.arrivals);
  sender.close();
  raw.socket.close();

  const ours = await receiver();
  const engineTiming = await withEngine({}, async (engine) => {
    const session = await engine.open({ kind: 'udp', host: '127.0.0.1', port: 0, remote: { host: '127.0.0.1', port: ours.port } });
    const run = await engine.manager.repeat(
      argSchemas.repeat.parse({ sessionId: session.id, action: 'start', payload: { format: 'hex', value: '55' }, intervalMs: INTERVAL_MS }),
    );
    if (!run.ok) throw new Error(`The engine would not start a repeat run: ${run.error.message}`);
    await sleep(ms);
    const stopped = await engine.manager.repeat({ sessionId: session.id, action: 'stop' });
    await sleep(100);
    const timing = timingOf(ours.arrivals);
    return { ...timing, skipped: stopped.ok ? stopped.value.skipped : 0 };
  });
  ours.socket.close();

  const details = { expected, seconds: ms / 1000, engine: engineTiming, raw: rawTiming };
  const baselineWhat = 'a raw Node setInterval(send, 1) loop in the same run';
  return [
    {
      key: 'repeat-1ms-count',
      name: `Repeat sends at 1 ms for ${ms / 1000} s (engine scheduler)`,
      value: engineTiming.count,
      unit: 'sends',
      baseline: { value: rawTiming.count, unit: 'sends', what: baselineWhat },
      // Drift-free: every deadline of the run is met or caught up, less what a stalled loop skips.
      target: { of: 'value', op: '>=', limit: Math.floor(expected * 0.99) },
      notes: `${expected} deadlines; deadlines are start + k × 1 ms, so lateness does not add up. Drift at the end: engine ${engineTiming.driftMs.toFixed(1)} ms, raw loop ${rawTiming.driftMs.toFixed(1)} ms.`,
      details,
    },
    {
      key: 'repeat-1ms-interval-error-p50',
      name: 'Repeat at 1 ms: p50 interval error',
      value: engineTiming.p50,
      unit: 'ms',
      baseline: { value: rawTiming.p50, unit: 'ms', what: baselineWhat },
      target: { of: 'value', op: '<=', limit: 1 },
      notes:
        '|interval between arrivals − 1 ms| at an in-process UDP receiver. A Node timer cannot fire sooner than 1 ms after it is armed, so a late wake-up is followed by a catch-up send: the error stays under one interval instead of adding up.',
    },
    {
      key: 'repeat-1ms-interval-error-p99',
      name: 'Repeat at 1 ms: p99 interval error',
      value: engineTiming.p99,
      unit: 'ms',
      baseline: { value: rawTiming.p99, unit: 'ms', what: baselineWhat },
      target: undefined,
      notes:
        'Context: a late wake-up sends the missed deadline at once, so a catch-up interval is short by up to 1 ms; both loops share one busy machine.',
    },
  ];
}
