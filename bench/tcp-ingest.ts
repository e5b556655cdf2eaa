import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { RECORDING_WRITE_MAX_BYTES } from '@shared/limits';
import { withEngine } from './engine-harness';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { recordedData } from './recording-check';
import { alternate, medianRound } from './rounds';
import { until } from './wait';

const CHUNK = 64 * 1024;
const MB = 1e6;

interface Run {
  seconds: number;
  bytes: number;
  /** CPU time of this process (every thread: JS, garbage collector, file writes) over the run. */
  cpuSeconds: number;
  /** Recording runs: bytes the file holds as data, its size, and how long the stop (with fsync) took. */
  recorded?: number;
  fileBytes?: number;
  stopSeconds?: number;
  /** Recording runs: seconds raw Node took to write as many bytes to a new file in the same folder, right after. */
  rawWriteSeconds?: number;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * Timed the same way for every receiver: from the moment the peer (already connected) is told
 * to write until it sees the receiver's FIN, which the receiver sends only after reading every
 * byte before the peer's FIN.
 */
async function blast(peer: PeerProcess, total: number): Promise<number> {
  const start = performance.now();
  await peer.request({ cmd: 'tcp-blast', total, chunk: CHUNK });
  return (performance.now() - start) / 1000;
}

/** The baseline: a raw Node `net` server that only counts bytes. */
async function rawSink(peer: PeerProcess, total: number): Promise<Run> {
  let received = 0;
  let accepted: Socket | undefined;
  const server = createServer((socket) => {
    accepted = socket;
    socket.on('data', (data: Buffer) => (received += data.byteLength));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await peer.request({ cmd: 'tcp-connect', port: (server.address() as AddressInfo).port });
    await until(() => accepted !== undefined, 'the raw sink to accept the peer');
    const cpu0 = process.cpuUsage();
    const seconds = await blast(peer, total);
    const cpuSeconds = cpuSince(cpu0);
    if (received !== total) throw new Error(`The raw sink received ${received} of ${total} bytes.`);
    return { seconds, bytes: received, cpuSeconds };
  } finally {
    server.close();
  }
}

/**
 * The least a recorder of every byte can do: a raw Node `net` server piping the stream into a
 * file (pipe's own backpressure), timed until the file has taken the last byte. The same disk
 * and the same copies as the recording, without its format: the baseline the recording
 * figure could be held to on any machine.
 */
async function rawFileSink(peer: PeerProcess, total: number): Promise<Run> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'si-bench-raw-'));
  const file = path.join(folder, 'stream.bin');
  let finished: Promise<void> | undefined;
  const server = createServer((socket) => {
    const out = createWriteStream(file, { flags: 'wx' });
    finished = new Promise((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    socket.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await peer.request({ cmd: 'tcp-connect', port: (server.address() as AddressInfo).port });
    await until(() => finished !== undefined, 'the raw file sink to accept the peer');
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    await blast(peer, total);
    await finished;
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = cpuSince(cpu0);
    const written = (await stat(file)).size;
    if (written !== total) throw new Error(`The raw file sink wrote ${written} of ${total} bytes.`);
    return { seconds, bytes: written, cpuSeconds };
  } finally {
    server.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The engine's TCP listener, with the desktop app's event sink; recording or not. */
function engineSink(peer: PeerProcess, total: number, record: boolean): Promise<Run> {
  return withEngine({ record }, async (engine) => {
    // The raw sink answers the peer's FIN at once; the engine's listener by default stays open
    // halfCloseLingerMs (5 s) for the user to reply, which would be timed as transfer.
    const session = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfCloseLingerMs: 0, record });
    await peer.request({ cmd: 'tcp-connect', port: session.local!.port });
    await until(async () => (await engine.info(session.id)).connections.length === 1, 'the engine to accept the peer', 10_000, 5);
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    await blast(peer, total);
    const received = (await engine.info(session.id)).counters.rxBytes;
    // A recording counts once every byte has been written to the file (the OS holds it);
    // making it durable is the stop's fsync, timed apart since it measures the drive.
    if (record) await until(() => engine.recorder!.backlog(session.id) === 0, 'the recording to write everything it was given', 120_000, 1);
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = cpuSince(cpu0);
    if (received !== total) throw new Error(`The engine received ${received} of ${total} bytes.`);
    if (!record) return { seconds, bytes: received, cpuSeconds };
    const stopStart = performance.now();
    const file = await engine.stopRecording(session.id);
    const stopSeconds = (performance.now() - stopStart) / 1000;
    const recorded = await recordedData(file);
    if (recorded.rxBytes !== total || !recorded.ended) {
      throw new Error(`The recording holds ${recorded.rxBytes} of ${total} bytes${recorded.ended ? '' : ' and no end record'}.`);
    }
    const fileBytes = (await stat(file)).size;
    const rawWriteSeconds = await rawFileWrite(path.join(path.dirname(file), 'raw-write.bin'), fileBytes);
    return { seconds, bytes: received, cpuSeconds, recorded: recorded.rxBytes, stopSeconds, fileBytes, rawWriteSeconds };
  });
}

/**
 * The disk's side of the recording figure: raw Node writing `size` bytes to a new file in 4 MiB
 * writes, one at a time as the recorder does, without fsync (the recording's time has none).
 * A machine whose page cache is slow to take new pages (this project's VM: 250-400 MB/s on
 * first touch, 4 GB/s when reused) bounds the recording here, however fast it encodes.
 */
async function rawFileWrite(file: string, size: number): Promise<number> {
  const block = Buffer.alloc(RECORDING_WRITE_MAX_BYTES, 0x41);
  const handle = await open(file, 'wx');
  try {
    const start = performance.now();
    for (let done = 0; done < size;) done += (await handle.write(block, 0, Math.min(block.byteLength, size - done))).bytesWritten;
    return (performance.now() - start) / 1000;
  } finally {
    await handle.close();
    await rm(file);
  }
}

const mbps = (run: Run): number => run.bytes / MB / run.seconds;
const fileRate = (run: Run): number => (run.fileBytes ?? 0) / MB / run.seconds;
const rawWriteRate = (run: Run): number => (run.fileBytes ?? 0) / MB / (run.rawWriteSeconds ?? Number.NaN);

export async function tcpIngest(quick: boolean): Promise<Figure[]> {
  const total = (quick ? 128 : 1024) * 1024 * 1024;
  return withPeer(async (peer) => {
    // Warm up (JIT, socket buffers) on a small transfer, then measure.
    await rawSink(peer, 16 * 1024 * 1024);
    const all = await alternate({
      raw: () => rawSink(peer, total),
      plain: () => engineSink(peer, total, false),
      recorded: () => engineSink(peer, total, true),
      rawFile: () => rawFileSink(peer, total),
    });
    const [raw, plain, recorded, rawFile] = [
      medianRound(all.raw, mbps),
      medianRound(all.plain, mbps),
      medianRound(all.recorded, mbps),
      medianRound(all.rawFile, mbps),
    ];
    const fileWrite = medianRound(all.recorded, (r) => fileRate(r) / rawWriteRate(r));
    const rates = (runs: Run[]) => runs.map((r) => Number(mbps(r).toFixed(1)));
    const rounds = {
      baselineMBps: rates(all.raw),
      engineMBps: rates(all.plain),
      recordingMBps: rates(all.recorded),
      rawFileMBps: rates(all.rawFile),
    };
    const baseline = { value: mbps(raw), unit: 'MB/s', what: `raw Node net server counting bytes (median of ${all.raw.length})` };
    const size = `${total / 1024 / 1024} MiB`;
    return [
      {
        key: 'tcp-ingest',
        name: 'TCP ingest 64 KiB writes, no recording',
        value: mbps(plain),
        unit: 'MB/s',
        baseline,
        target: { of: 'ratio', op: '>=', limit: 0.8 },
        notes: `${size} from a peer process; until the receiver has read the peer's FIN. Median of ${all.plain.length} rounds alternating with the baseline.`,
        details: {
          rounds,
          bytes: total,
          seconds: plain.seconds,
          baselineSeconds: raw.seconds,
          cpuSeconds: plain.cpuSeconds,
          baselineCpuSeconds: raw.cpuSeconds,
        },
      },
      {
        key: 'tcp-ingest-recorded',
        name: 'TCP ingest 64 KiB writes, recording',
        value: mbps(recorded),
        unit: 'MB/s',
        baseline,
        target: { of: 'ratio', op: '>=', limit: 0.5 },
        notes: `${size}; until every byte has been received and written to the recording file (checked afterwards: every byte in the file, which ends with its end record). Median of ${all.recorded.length} rounds. The stop's fsync is in details.`,
        details: {
          rounds,
          bytes: total,
          seconds: recorded.seconds,
          baselineSeconds: raw.seconds,
          cpuSeconds: recorded.cpuSeconds,
          baselineCpuSeconds: raw.cpuSeconds,
          recordedBytes: recorded.recorded,
          fileBytes: recorded.fileBytes,
          stopSecondsWithFsync: recorded.stopSeconds,
        },
      },
      {
        key: 'tcp-recording-file-write',
        name: 'TCP recording: its file written, vs raw write',
        value: fileRate(fileWrite),
        unit: 'MB/s',
        baseline: {
          value: rawWriteRate(fileWrite),
          unit: 'MB/s',
          what: `raw Node fs writes of as many bytes to a new file in the same folder, right after each recording (round of the median ratio)`,
        },
        target: undefined,
        notes: `Context for the recording figure: the file (${((fileWrite.fileBytes ?? 0) / MB).toFixed(0)} MB: the data and its record lines) against what this disk takes from raw Node. A ratio near 1 means the recording is bound by the disk, not by encoding.`,
        details: {
          rounds: all.recorded.map((r) => ({ fileMBps: Number(fileRate(r).toFixed(1)), rawWriteMBps: Number(rawWriteRate(r).toFixed(1)) })),
        },
      },
      {
        key: 'tcp-recording-vs-raw-file',
        name: 'TCP recording vs raw Node piping to a file',
        value: mbps(recorded),
        unit: 'MB/s',
        baseline: {
          value: mbps(rawFile),
          unit: 'MB/s',
          what: `raw Node net server piping the stream into a file in the temp folder (median of ${all.rawFile.length})`,
        },
        target: { of: 'ratio', op: '>=', limit: 0.9 },
        notes: `The same ${size} and disk, every byte kept, without the transcript's format: issue #21's target for recording (version 3 stores data bytes raw, so the file is the data and its record lines).`,
        details: {
          rounds,
          bytes: total,
          seconds: recorded.seconds,
          baselineSeconds: rawFile.seconds,
          cpuSeconds: recorded.cpuSeconds,
          baselineCpuSeconds: rawFile.cpuSeconds,
        },
      },
    ];
  });
}
