import { withEngine } from './engine-harness';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { alternate, medianRound } from './rounds';
import { sleep, until } from './wait';

const IDLE = 5000;
const RATE = 1000;
const SIZE = 64;
/** The target: the talker's cost may grow by at most half with the idle clients beside it. */
const RATIO_LIMIT = 1.5;

interface TalkerRun {
  idle: number;
  /** CPU seconds of this process (the engine and its sink), user and system, while the talker sent. */
  cpuSeconds: number;
  seconds: number;
  sent: number;
  batches: number;
  /** Connections the flushes' counters events listed, over the batches. */
  listedPerBatch: number;
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

/**
 * One listener holding `idle` connections that never send, plus one more whose peer writes
 * RATE messages of SIZE bytes a second for `ms`. Only the talking stretch is measured, and
 * nothing in this process polls the engine meanwhile.
 */
function talkerRun(peer: PeerProcess, idle: number, ms: number): Promise<TalkerRun> {
  return withEngine({}, async (engine) => {
    const session = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const port = session.local!.port;
    const open = () => engine.count('connection-opened') - engine.count('connection-closed');
    if (idle > 0) {
      await peer.request({ cmd: 'tcp-connect-many', port, count: idle });
      await until(() => open() >= idle, `${idle} idle connections to be accepted`, 120_000, 10);
    }
    await peer.request({ cmd: 'tcp-connect', port });
    await until(() => open() >= idle + 1, 'the talking connection to be accepted', 30_000, 10);
    // Let the accepts' garbage and the batches they caused go before the clock starts.
    await sleep(500);
    const batchesBefore = engine.batches;
    const listedBefore = engine.countersConnections;
    const start = performance.now();
    const before = process.cpuUsage();
    const reply = await peer.request({ cmd: 'tcp-paced', size: SIZE, rate: RATE, ms });
    const used = cpuSeconds(process.cpuUsage(before));
    const seconds = (performance.now() - start) / 1000;
    const batches = engine.batches - batchesBefore;
    const listed = engine.countersConnections - listedBefore;
    const sent = reply.sent ?? 0;
    const info = await engine.info(session.id);
    await until(async () => (await engine.info(session.id)).counters.rxBytes >= sent * SIZE, 'every paced byte to arrive', 30_000, 50);
    if (info.connections.length !== idle + 1) throw new Error(`The engine held ${info.connections.length} connections, not ${idle + 1}.`);
    await peer.request({ cmd: 'tcp-blast', total: 0, chunk: 1 });
    await peer.request({ cmd: 'tcp-close-all' });
    return { idle, cpuSeconds: used, seconds, sent, batches, listedPerBatch: batches > 0 ? listed / batches : 0 };
  });
}

/**
 * What idle connections cost while one other talks: the engine's CPU for the same paced
 * traffic with 5,000 idle clients beside it, against the same run with none. Only the
 * connections that moved since the last flush should cost it anything.
 */
export async function idleClients(quick: boolean): Promise<Figure[]> {
  const ms = quick ? 3000 : 10_000;
  return withPeer(async (peer) => {
    // Warm the code paths (and the kernel's) on a first run, unreported.
    await talkerRun(peer, 0, 1000);
    const all = await alternate({ alone: () => talkerRun(peer, 0, ms), crowded: () => talkerRun(peer, IDLE, ms) });
    const lean = (run: TalkerRun) => -run.cpuSeconds;
    const [alone, crowded] = [medianRound(all.alone, lean), medianRound(all.crowded, lean)];
    const percent = (run: TalkerRun) => (100 * run.cpuSeconds) / run.seconds;
    return [
      {
        key: 'tcp-idle-talker-cpu',
        name: `${IDLE.toLocaleString('en-US')} idle TCP clients + 1 at ${RATE.toLocaleString('en-US')} msg/s: CPU`,
        value: percent(crowded),
        unit: '% core',
        baseline: { value: percent(alone), unit: '% core', what: 'the same talker with no idle clients' },
        target: { of: 'ratio', op: '<=', limit: RATIO_LIMIT },
        notes:
          `${SIZE}-byte messages at ${RATE}/s for ${ms / 1000} s from a peer process, Nagle off; this process's user + system CPU ` +
          `while it sent. Median of ${all.crowded.length} rounds alternating with the baseline.`,
        details: { alone, crowded, rounds: all },
      },
    ];
  });
}
