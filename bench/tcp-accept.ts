import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { TCP_LISTEN_BACKLOG } from '@shared/limits';
import { withEngine } from './engine-harness';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { alternate, medianRound } from './rounds';
import { sleep, until } from './wait';

const CLIENTS = 5000;
/** Per idle connection, in bytes; the "20 KB" read as 20 × 1000. */
const MEMORY_LIMIT = 20_000;

/** JS memory the process holds: V8 heap in use plus memory outside it (external includes ArrayBuffers). */
function heldMemory(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Resident memory, for the record only: it moves with the allocator's own caching. */
const rss = (): number => process.memoryUsage().rss;

/** Collect garbage until the figure stops falling, so finalizers and weak callbacks have run. */
async function settledMemory(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Memory figures need garbage collection on demand: run node with --expose-gc (npm run bench does).');
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(20);
    const now = heldMemory();
    if (now >= last) return now;
    last = now;
  }
  return last;
}

interface AcceptRun {
  /** From telling the peer to connect until the server holds every connection. */
  seconds: number;
  accepted: number;
  failedConnects: number;
  /** CPU time of this process over the window, user and system, and the collector's pauses in it. */
  cpuMs: number;
  gcMs: number;
  /** Bytes held per idle connection, after garbage collection, over the same server idle without them. */
  perConnection: number;
  rssPerConnection: number;
}

/**
 * Both servers are timed alike: the clock starts when the peer process is told to open every
 * connection at once, and stops when a poll (every 2 ms) sees the server holding all of them.
 */
async function measure(peer: PeerProcess, port: number, held: () => number | Promise<number>, before: number): Promise<AcceptRun> {
  const rssBefore = rss();
  let gcMs = 0;
  const collector = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  collector.observe({ entryTypes: ['gc'] });
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const connecting = peer.request({ cmd: 'tcp-connect-many', port, count: CLIENTS });
  await until(async () => (await held()) >= CLIENTS, `${CLIENTS} connections to be accepted`, 120_000);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // Entries of the window's last collections are delivered on a later turn.
  await sleep(0);
  collector.disconnect();
  const reply = await connecting;
  const after = await settledMemory();
  const accepted = await held();
  return {
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcMs,
    accepted,
    failedConnects: reply.failed ?? 0,
    perConnection: (after - before) / accepted,
    rssPerConnection: (rss() - rssBefore) / accepted,
  };
}

/** The baseline: a raw Node server with the engine's backlog that keeps and reads each socket. */
async function rawServer(peer: PeerProcess): Promise<AcceptRun> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: TCP_LISTEN_BACKLOG }, resolve));
  try {
    const before = await settledMemory();
    const run = await measure(peer, (server.address() as AddressInfo).port, () => sockets.size, before);
    await peer.request({ cmd: 'tcp-close-all' });
    await until(() => sockets.size === 0, 'the raw server to see its clients go', 30_000, 10);
    return run;
  } finally {
    server.close();
  }
}

function engineServer(peer: PeerProcess): Promise<AcceptRun> {
  return withEngine({}, async (engine) => {
    const session = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    // Accepted as a window learns it: connection-opened events reaching the sink. Asking the
    // engine for its list instead would cost it 5,000 snapshots a poll. Should the batcher
    // leave such events out of a crowded batch, the list is the only true count.
    const listed = async () => (await engine.info(session.id)).connections.length;
    const held = async () => (engine.omitted > 0 ? listed() : engine.count('connection-opened') - engine.count('connection-closed'));
    const before = await settledMemory();
    const run = await measure(peer, session.local!.port, held, before);
    const listedNow = await listed();
    if (listedNow !== run.accepted) throw new Error(`The engine lists ${listedNow} connections where its events said ${run.accepted}.`);
    await peer.request({ cmd: 'tcp-close-all' });
    await until(async () => (await listed()) === 0, 'the engine to see its clients go', 30_000, 20);
    return run;
  });
}

export async function tcpAccept(): Promise<Figure[]> {
  return withPeer(async (peer) => {
    // Warm the peer's and the server's code paths (and the kernel's) on a first run, unreported.
    await rawServer(peer);
    const all = await alternate({ raw: () => rawServer(peer), engine: () => engineServer(peer) });
    const fast = (run: AcceptRun) => 1 / run.seconds;
    const [raw, engine] = [medianRound(all.raw, fast), medianRound(all.engine, fast)];
    const rounds = {
      baselineMs: all.raw.map((r) => Math.round(r.seconds * 1000)),
      engineMs: all.engine.map((r) => Math.round(r.seconds * 1000)),
      baselineCpuMs: all.raw.map((r) => Math.round(r.cpuMs)),
      engineCpuMs: all.engine.map((r) => Math.round(r.cpuMs)),
      baselineGcMs: all.raw.map((r) => Math.round(r.gcMs)),
      engineGcMs: all.engine.map((r) => Math.round(r.gcMs)),
    };
    const clients = `${CLIENTS.toLocaleString('en-US')} clients opened at once by a peer process; backlog ${TCP_LISTEN_BACKLOG}`;
    return [
      {
        key: 'tcp-accept-5000',
        name: `TCP accept ${CLIENTS.toLocaleString('en-US')} concurrent clients`,
        value: engine.seconds * 1000,
        unit: 'ms',
        baseline: { value: raw.seconds * 1000, unit: 'ms', what: 'raw Node net server, same backlog' },
        target: { of: 'ratio', op: '<=', limit: 1.3 },
        notes: `${clients}; until the server holds all of them. Median of ${all.engine.length} rounds alternating with the baseline.`,
        details: { rounds, engine, raw },
      },
      {
        key: 'tcp-idle-memory',
        name: 'Engine memory per idle TCP connection',
        value: engine.perConnection / 1000,
        unit: 'KB',
        baseline: { value: raw.perConnection / 1000, unit: 'KB', what: 'raw Node net server holding the same sockets' },
        target: { of: 'value', op: '<=', limit: MEMORY_LIMIT / 1000 },
        notes: `absolute: (heapUsed + external) after GC with ${engine.accepted} idle connections, minus before, ÷ connections.`,
        details: { engine, raw },
      },
    ];
  });
}
