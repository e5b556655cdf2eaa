import { createSocket } from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { UDP_DEFAULT_RECV_BUFFER_BYTES } from '@shared/limits';
import { withEngine, type BenchEngine } from './engine-harness';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { recordedData } from './recording-check';
import { alternate, medianRound } from './rounds';
import { settled } from './wait';

/** Rate that must reach the recording whole. */
const PACED_RATE = 50_000;
const PACED_SIZE = 64;

interface Received {
  sent: number;
  received: number;
  seconds: number;
}

/** A receiver under test: its port and a way to read how many datagrams it has taken in. */
interface Receiver {
  port: number;
  count(): number | Promise<number>;
  close(): Promise<void>;
}

/** The baseline asks for the receive buffer the engine asks for, so both hold the same backlog. */
async function rawReceiver(): Promise<Receiver> {
  let received = 0;
  const socket = createSocket({ type: 'udp4', recvBufferSize: UDP_DEFAULT_RECV_BUFFER_BYTES });
  socket.on('message', () => (received += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, count: () => received, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

async function engineReceiver(engine: BenchEngine, record: boolean): Promise<Receiver & { sessionId: string }> {
  const session = await engine.open({ kind: 'udp', host: '127.0.0.1', port: 0, record });
  return {
    sessionId: session.id,
    port: session.local!.port,
    count: async () => (await engine.info(session.id)).counters.rxMessages,
    close: async () => undefined,
  };
}

/**
 * The same sender for every receiver: the peer process sends for a fixed time, then whatever
 * the receiver took in (once it stops rising) over that time is its rate. UDP on loopback drops
 * what the receiver cannot read in time, so a slower receiver shows as fewer datagrams.
 */
async function blastInto(peer: PeerProcess, receiver: Receiver, size: number, ms: number): Promise<Received> {
  const reply = await peer.request({ cmd: 'udp-blast', port: receiver.port, size, ms });
  const received = await settled(receiver.count);
  return { sent: reply.sent ?? 0, received, seconds: reply.ms / 1000 };
}

async function pacedInto(peer: PeerProcess, receiver: Receiver, ms: number): Promise<Received> {
  const reply = await peer.request({ cmd: 'udp-paced', port: receiver.port, size: PACED_SIZE, rate: PACED_RATE, ms });
  const received = await settled(receiver.count);
  return { sent: reply.sent ?? 0, received, seconds: reply.ms / 1000 };
}

const rate = (r: Received): number => r.received / r.seconds;

async function receiveRate(peer: PeerProcess, size: number, ms: number, rounds: number): Promise<Figure> {
  const all = await alternate(
    {
      raw: async () => {
        const rawSide = await rawReceiver();
        return blastInto(peer, rawSide, size, ms).finally(() => rawSide.close());
      },
      engine: () => withEngine({}, async (e) => blastInto(peer, await engineReceiver(e, false), size, ms)),
    },
    rounds,
  );
  const [raw, engine] = [medianRound(all.raw, rate), medianRound(all.engine, rate)];
  const perRound = { baseline: all.raw.map((r) => Math.round(rate(r))), engine: all.engine.map((r) => Math.round(rate(r))) };
  return {
    key: `udp-receive-${size}`,
    name: `UDP receive ${size}-byte datagrams`,
    value: rate(engine),
    unit: 'dgram/s',
    baseline: { value: rate(raw), unit: 'dgram/s', what: 'raw Node dgram socket counting datagrams, same receive buffer' },
    target: { of: 'ratio', op: '>=', limit: 0.95 },
    notes: `peer process sends as fast as it can for ${ms / 1000} s; received ÷ sending time. Median of ${all.engine.length} rounds alternating with the baseline.`,
    details: { rounds: perRound, engine, raw },
  };
}

async function pacedRecorded(peer: PeerProcess, ms: number): Promise<Figure> {
  const rawSide = await rawReceiver();
  const raw = await pacedInto(peer, rawSide, ms).finally(() => rawSide.close());
  // Where datagrams go missing: the engine alone, or the recording on top of it.
  const unrecorded = await withEngine({}, async (e) => pacedInto(peer, await engineReceiver(e, false), ms));
  return withEngine({ record: true }, async (engine) => {
    const receiver = await engineReceiver(engine, true);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const cpu0 = process.cpuUsage();
    const run = await pacedInto(peer, receiver, ms);
    const cpu = process.cpuUsage(cpu0);
    delay.disable();
    const loopDelayMs = { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6, mean: delay.mean / 1e6 };
    const recorded = await recordedData(await engine.stopRecording(receiver.sessionId));
    return {
      key: 'udp-recorded-50k',
      name: `UDP ${PACED_RATE / 1000}k dgram/s ${PACED_SIZE} B, recorded`,
      value: recorded.rxRecords,
      unit: 'dgrams',
      baseline: { value: run.sent, unit: 'dgrams', what: 'datagrams the peer sent' },
      target: { of: 'ratio', op: '>=', limit: 1 },
      notes:
        `paced sender for ${ms / 1000} s; data records in the recording ÷ datagrams sent. ` +
        `Same sender into a raw dgram socket: ${raw.received} of ${raw.sent}; into the engine without recording: ${unrecorded.received} of ${unrecorded.sent}.`,
      details: {
        loopDelayMs,
        cpuSeconds: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
        sent: run.sent,
        engineReceived: run.received,
        recorded: recorded.rxRecords,
        recordingEnded: recorded.ended,
        raw,
        unrecorded,
      },
    };
  });
}

export async function udpReceive(quick: boolean): Promise<Figure[]> {
  const ms = quick ? 1000 : 3000;
  return withPeer(async (peer) => {
    // Warm up both receivers' code paths on a short burst first.
    const warm = await rawReceiver();
    await blastInto(peer, warm, 64, 200).finally(() => warm.close());
    // Datagram rates swing more from round to round than byte rates: five rounds in a full run.
    const rounds = quick ? 3 : 5;
    return [
      await receiveRate(peer, 64, ms, rounds),
      await receiveRate(peer, 1400, ms, rounds),
      await pacedRecorded(peer, quick ? 1000 : 5000),
    ];
  });
}
