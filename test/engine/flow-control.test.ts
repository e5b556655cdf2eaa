/**
 * Flow control on the display path, over real sockets: a flood reaches the UI at most once per
 * flush interval and within a byte budget, what is left out is counted as not shown, the
 * recording keeps every byte, and memory stays bounded whether the UI keeps up, lags, or its
 * transport (stdout, a WebSocket) stops reading.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runStdio } from '@cli/stdio';
import { SessionManager } from '@engine/session-manager';
import { readTranscriptFile } from '@recorder/transcript-file';
import { Recorder } from '@recorder/recorder';
import { startBrowserServer } from '@server/browser-server';
import { argSchemas, type EventBatch, type InspectorEvent, type NotShown } from '@shared/contract';
import { EVENT_FLUSH_INTERVAL_MS, EVENT_FLUSH_MAX_BYTES, SINK_BEHIND_BYTES } from '@shared/limits';
import { decodeServerFrame, type ServerMessage } from '@shared/wire';
import { until } from '../support/until';
import { manualClock } from '../support/manual-clock';
import { APP } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

const MiB = 1024 * 1024;
/** TCP reads are at most 64 KiB: the most a flush carries beyond its budget is each session's first read. */
const FIRST_CHUNK_ALLOWANCE = 64 * 1024;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A peer in its own process that connects and writes `total` bytes in 64 KiB writes as fast as
 * the connection takes them, then ends and prints the SHA-256 of everything it wrote.
 */
function flood(port: number, total: number): Promise<string> {
  const code = `
    const { createHash } = require('node:crypto');
    const hash = createHash('sha256');
    const socket = require('node:net').connect(${port}, '127.0.0.1', () => {
      let sent = 0;
      const pump = () => {
        while (sent < ${total}) {
          const chunk = Buffer.alloc(Math.min(65536, ${total} - sent), sent / 65536);
          chunk.writeUInt32LE(sent / 65536, 0);
          hash.update(chunk);
          sent += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
        socket.end(() => process.stdout.write(hash.digest('hex')));
      };
      pump();
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`the flooding peer exited with ${code}`))));
  });
}

/** The largest growth of this process's memory while `during` runs, sampled every 10 ms. */
async function peakGrowth<T>(during: () => Promise<T>): Promise<{ value: T; rss: number; arrayBuffers: number }> {
  const base = process.memoryUsage();
  let rss = 0;
  let arrayBuffers = 0;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss - base.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 10);
  try {
    const value = await during();
    sample();
    return { value, rss, arrayBuffers };
  } finally {
    clearInterval(timer);
  }
}

/** Counts what reaches the display without keeping it. */
function tally(sessionId: () => string | undefined) {
  const seen = { batches: 0, shownBytes: 0, notShown: undefined as NotShown | undefined, rxBytes: 0, maxBatchData: 0 };
  const take = (batch: EventBatch) => {
    seen.batches += 1;
    let data = 0;
    for (const event of batch.events) {
      if (event.type === 'data' && event.sessionId === sessionId()) data += event.bytes.byteLength;
      if (event.type === 'counters' && event.sessionId === sessionId()) {
        seen.rxBytes = event.counters.rxBytes;
        seen.notShown = event.notShown;
      }
    }
    seen.shownBytes += data;
    seen.maxBatchData = Math.max(seen.maxBatchData, data);
  };
  return { seen, take };
}

const openListener = async (manager: SessionManager) => {
  const opened = await manager.open(argSchemas.open.parse({ config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } }));
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
};

async function untilAsync(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rxBytesOf = async (manager: SessionManager, sessionId: string): Promise<number> => {
  const list = await manager.list({});
  return list.ok ? (list.value.find((s) => s.id === sessionId)?.counters.rxBytes ?? 0) : 0;
};

describe('flow control on the display path', () => {
  it('a 200 MB flood into a recorded listener, with a UI that lags: one flush per interval at most, shown + not shown = sent, every byte recorded, memory bounded', async () => {
    const TOTAL = 200 * MiB;
    const folder = await tempDir('si-flow-');
    // The engine's clock moves one flush interval per frame, in the test's hand.
    const clock = manualClock(Date.now());
    let frames = 0;
    // The UI takes a batch, then is busy for the next two frames: while busy, it is behind.
    let busyFrames = 0;
    const session = { id: '' };
    const { seen, take } = tally(() => session.id);
    const recorder = new Recorder({ folder, app: APP });
    const manager = new SessionManager({
      clock,
      recorder,
      sinkBehind: () => busyFrames > 0,
      onBatch: (batch) => {
        take(batch);
        busyFrames = 3;
      },
    });
    cleanups.push(() => manager.dispose());
    const ticker = setInterval(() => {
      frames += 1;
      busyFrames = Math.max(0, busyFrames - 1);
      clock.advance(EVENT_FLUSH_INTERVAL_MS);
    }, EVENT_FLUSH_INTERVAL_MS);
    cleanups.push(() => clearInterval(ticker));
    const listener = await openListener(manager);
    session.id = listener.id;

    const {
      value: sentHash,
      rss,
      arrayBuffers,
    } = await peakGrowth(async () => {
      const hash = await flood(listener.local!.port, TOTAL);
      await until(() => seen.rxBytes === TOTAL, 'the counters of the whole flood to reach the UI', 60_000);
      return hash;
    });
    clearInterval(ticker);

    // At most one batch per frame, and the lagging UI paced them further: one per three frames.
    expect(seen.batches).toBeGreaterThan(0);
    expect(seen.batches).toBeLessThanOrEqual(frames / 3 + 1);
    expect(seen.maxBatchData).toBeLessThanOrEqual(EVENT_FLUSH_MAX_BYTES + FIRST_CHUNK_ALLOWANCE);
    // Nothing unaccounted for: what was shown plus what was counted as not shown is what was sent.
    expect(seen.notShown!.bytes).toBeGreaterThan(0);
    expect(seen.shownBytes + seen.notShown!.bytes).toBe(TOTAL);
    // Memory: a fraction of the flood, whatever the UI did.
    expect(rss).toBeLessThan(150 * MiB);
    expect(arrayBuffers).toBeLessThan(150 * MiB);

    // The recording holds every byte, in order.
    const file = recorder.recordingFile(listener.id)!;
    expect((await manager.record({ sessionId: listener.id, action: 'stop' })).ok).toBe(true);
    const recorded = createHash('sha256');
    let recordedBytes = 0;
    const outcome = await readTranscriptFile(file, (record) => {
      if (record.type !== 'data' || record.dir !== 'rx') return;
      recorded.update(record.bytes);
      recordedBytes += record.bytes.byteLength;
    });
    expect(outcome.problem).toBeUndefined();
    expect(recordedBytes).toBe(TOTAL);
    expect(recorded.digest('hex')).toBe(sentHash);
  }, 90_000);

  it('the stdio transport: while the reader does not read, lines wait for it only up to the threshold; the rest is counted as not shown', async () => {
    const TOTAL = 128 * MiB;
    // stdout with a reader we can stop: while stopped, nothing written completes.
    let reading = true;
    const held: (() => void)[] = [];
    const lines: Record<string, unknown>[] = [];
    let partial = '';
    let maxWaiting = 0;
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        maxWaiting = Math.max(maxWaiting, output.writableLength);
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
        if (reading) done();
        else held.push(done);
      },
    });
    const input = new PassThrough();
    const running = runStdio({ input, output, bytes: 'base64', version: 'test' });
    const resume = () => {
      reading = true;
      for (const done of held.splice(0)) done();
    };
    cleanups.push(async () => {
      resume();
      input.end();
      await running;
    });
    input.write(`${JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } })}\n`);
    await until(() => lines.some((l) => l.kind === 'result'), 'the answer to open');
    const opened = lines.find((l) => l.kind === 'result') as { value: { id: string; local: { port: number } } };

    reading = false;
    await flood(opened.value.local.port, TOTAL);
    resume();
    const counters = () =>
      lines.filter((l) => l.kind === 'event' && l.type === 'counters' && l.sessionId === opened.value.id) as {
        counters: { rxBytes: number };
        notShown?: NotShown;
      }[];
    await until(() => counters().at(-1)?.counters.rxBytes === TOTAL, 'the counters of the whole flood', 30_000);

    // Held lines never passed the threshold by more than one flush's worth (base64 makes 4 of 3 bytes).
    expect(maxWaiting).toBeLessThan(SINK_BEHIND_BYTES + 2 * EVENT_FLUSH_MAX_BYTES);
    const shown = lines
      .filter((l) => l.kind === 'event' && l.type === 'data')
      .reduce((n, l) => n + Buffer.from(l.bytes as string, 'base64').length, 0);
    const notShown = counters().at(-1)!.notShown!;
    expect(notShown.bytes).toBeGreaterThan(0);
    expect(shown + notShown.bytes).toBe(TOTAL);
  });

  it("the WebSocket transport: a page that stops reading holds back the display, not the server's memory", async () => {
    const TOTAL = 256 * MiB;
    const TOKEN = 'flow-control-token-0123456789';
    const server = await startBrowserServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      staticRoot: await tempDir('si-flow-'),
      version: 'test',
    });
    cleanups.push(() => server.close());
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { cookie: `si_token=${TOKEN}` } });
    cleanups.push(() => ws.terminate());
    const messages: ServerMessage[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      messages.push(decodeServerFrame(isBinary ? data : data.toString()) as ServerMessage),
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } }));
    await until(() => messages.some((m) => m.kind === 'result'), 'the answer to open');
    const answer = messages.find((m) => m.kind === 'result') as { result: { ok: true; value: { id: string; local: { port: number } } } };
    const { id, local } = answer.result.value;

    // The page stops reading: its socket, and then the server's buffer for it, fill up.
    const transport = (ws as unknown as { _socket: Socket })._socket;
    transport.pause();
    await flood(local.port, TOTAL);
    await untilAsync(async () => (await rxBytesOf(server.manager, id)) === TOTAL, 'the engine to read the whole flood');
    transport.resume();
    const events = () => messages.flatMap((m) => (m.kind === 'events' ? m.batch.events : []));
    const lastCounters = () =>
      events()
        .filter((e): e is Extract<InspectorEvent, { type: 'counters' }> => e.type === 'counters' && e.sessionId === id)
        .at(-1);
    await until(() => lastCounters()?.counters.rxBytes === TOTAL, 'the counters of the whole flood', 30_000);

    const shown = events().reduce((n, e) => n + (e.type === 'data' && e.sessionId === id ? e.bytes.byteLength : 0), 0);
    const notShown = lastCounters()!.notShown!;
    expect(shown + notShown.bytes).toBe(TOTAL);
    // What reached the page: the threshold, the kernel's buffers on the way and a flush, not the flood's share of 60 flushes a second.
    expect(shown).toBeLessThan(SINK_BEHIND_BYTES + 16 * MiB);
  });
});
