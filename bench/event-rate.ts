import { withEngine } from './engine-harness';
import type { Figure } from './figure';
import { withPeer } from './peer-process';
import { settled } from './wait';

/** "At most ~60 a second": one flush per 16 ms frame is 62.5. */
const MAX_BATCHES_PER_SECOND = 62.5;

/**
 * However fast datagrams arrive, the window gets at most one batch per frame: the peer process
 * floods a UDP session as fast as it can while the sink counts the batches it receives.
 */
export async function eventRate(quick: boolean): Promise<Figure[]> {
  const ms = quick ? 2000 : 5000;
  return withPeer((peer) =>
    withEngine({ keepBatchTimes: true }, async (engine) => {
      const session = await engine.open({ kind: 'udp', host: '127.0.0.1', port: 0 });
      const start = performance.now();
      const reply = await peer.request({ cmd: 'udp-blast', port: session.local!.port, size: 64, ms });
      const end = performance.now();
      const received = await settled(async () => (await engine.info(session.id)).counters.rxMessages);
      const during = engine.batchTimes.filter((t) => t >= start && t <= end).length;
      const seconds = (end - start) / 1000;
      const gaps = engine.batchTimes.slice(1).map((t, i) => t - engine.batchTimes[i]!);
      const info = await engine.info(session.id);
      return [
        {
          key: 'event-batches-per-second',
          name: 'Event batches to the window during a UDP flood',
          value: during / seconds,
          unit: 'batches/s',
          baseline: { value: received / seconds, unit: 'dgram/s', what: 'datagrams the engine received meanwhile' },
          target: { of: 'value', op: '<=', limit: MAX_BATCHES_PER_SECOND },
          notes: `absolute; 64-byte datagrams as fast as a peer process sends them for ${ms / 1000} s.`,
          details: {
            batches: during,
            seconds,
            sent: reply.sent,
            received,
            shortestGapMs: Math.min(...gaps),
            notShown: info.notShown,
            shownBytes: engine.shownBytes,
          },
        },
      ];
    }),
  );
}
