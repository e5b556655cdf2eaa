/**
 * The whole path of a transcript, byte-exact: real traffic recorded by the real recorder, saved
 * (converted to JSON Lines and pcapng), reopened with the readers the UI uses, and exported by
 * the CLI — for 50 MB each way over TCP and 10,000 UDP datagrams from empty to the largest.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UDP_PAYLOAD_IPV4 } from '@shared/limits';
import { readPcapng } from '@shared/transcript/pcapng-reader';
import type { BodyRecord } from '@shared/transcript/records';
import { convertTranscriptFile } from '@recorder/convert';
import { AppCode } from '@shared/errors';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, writeAll, type Engine } from '../support/engine';
import { engineWithRecorder } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

const run = promisify(execFile);
const CLI = path.resolve('out/server/cli.mjs');
const MiB = 1024 * 1024;
const TOTAL = 50 * MiB;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does).`);
});
afterEach(disposeAll);

type Data = Extract<BodyRecord, { type: 'data' }>;
const dataOf = (records: BodyRecord[], where: (r: Data) => boolean): Data[] =>
  records.filter((r): r is Data => r.type === 'data' && where(r));
const hashOf = (chunks: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
};

async function cliExport(file: string, out: string, args: string[]): Promise<Buffer> {
  await run(process.execPath, [CLI, 'transcript', 'export', file, ...args, '--out', out], { maxBuffer: 1024 * 1024 });
  return readFile(out);
}

/** Save the recording as each format the UI offers, the way the desktop app does. */
async function saveAll(file: string, folder: string): Promise<{ jsonl: string; pcapng: string }> {
  const jsonl = path.join(folder, 'saved.jsonl');
  const pcapng = path.join(folder, 'saved.pcapng');
  expect((await convertTranscriptFile(file, 'jsonl', jsonl)).problem).toBeUndefined();
  expect((await convertTranscriptFile(file, 'pcapng', pcapng)).problem).toBeUndefined();
  return { jsonl, pcapng };
}

async function sendAll(engine: Engine, sessionId: string, connId: string, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length; at += MiB) {
    const value = data.subarray(at, at + MiB).toString('base64');
    for (;;) {
      const unblocked = engine.ofType('backpressure', (e) => e.connId === connId && !e.blocked).length;
      const result = await engine.send(sessionId, { format: 'base64', value }, { type: 'connections', connIds: [connId] });
      if (result.ok) break;
      expect(result.error.code).toBe(AppCode.QueueFull);
      await engine.waitFor(
        () => engine.ofType('backpressure', (e) => e.connId === connId && !e.blocked).length > unblocked,
        15_000,
        'the queue to drain',
      );
    }
  }
}

describe('transcript round trip, byte-exact', () => {
  it('50 MB each way over TCP: recorded, saved as JSON Lines and pcapng, reopened and exported', async () => {
    const folder = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
    const peer = await connectPeer(info.local!.port);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
    const connId = opened.conn.connId;

    const fromClient = pseudoRandomBytes(TOTAL, 51);
    const fromApp = pseudoRandomBytes(TOTAL, 52);
    await Promise.all([writeAll(peer.socket, fromClient, 256 * 1024), sendAll(engine, info.id, connId, fromApp)]);
    // The counters, not the display, which may leave part of a flood out (the recording has it all).
    await engine.waitFor(async () => (await engine.info(info.id)).counters.rxBytes === TOTAL, 30_000, 'the client’s 50 MB');
    await engine.waitFor(() => peer.received().length === TOTAL, 30_000, 'the app’s 50 MB');
    const file = recorder.recordingFile(info.id)!;
    expect((await engine.manager.record({ sessionId: info.id, action: 'stop' })).ok).toBe(true);
    const rxHash = sha256(fromClient);
    const txHash = sha256(fromApp);

    // Recorded: every chunk, both ways, and an end record.
    const recorded = readTranscript(new Uint8Array(await readFile(file)));
    expect(recorded.outcome.problem).toBeUndefined();
    expect(recorded.outcome.ended).toBe(true);
    expect(hashOf(dataOf(recorded.records, (r) => r.dir === 'rx').map((r) => r.bytes))).toBe(rxHash);
    expect(hashOf(dataOf(recorded.records, (r) => r.dir === 'tx').map((r) => r.bytes))).toBe(txHash);

    // Saved and reopened, in both formats.
    const saved = await saveAll(file, folder);
    const jsonl = readTranscript(new Uint8Array(await readFile(saved.jsonl)));
    expect(jsonl.outcome.problem).toBeUndefined();
    expect(jsonl.records).toHaveLength(recorded.records.length);
    const pcap = readPcapng(new Uint8Array(await readFile(saved.pcapng)));
    expect(pcap.problem).toBeUndefined();
    expect(pcap.header.kind).toBe('tcp-server');
    for (const [dir, hash] of [
      ['rx', rxHash],
      ['tx', txHash],
    ] as const) {
      expect(hashOf(dataOf(jsonl.records, (r) => r.dir === dir).map((r) => r.bytes))).toBe(hash);
      const fromPcap = dataOf(pcap.records, (r) => r.dir === dir && r.conn === connId);
      expect(fromPcap.every((r) => r.remote.port === peer.socket.localPort && r.local.port === info.local!.port)).toBe(true);
      expect(hashOf(fromPcap.map((r) => r.bytes))).toBe(hash);
      // Exported by the CLI from the recording, the saved copy and the pcapng alike.
      expect(sha256(await cliExport(file, path.join(folder, `${dir}.bin`), ['--conn', connId, '--dir', dir]))).toBe(hash);
      expect(sha256(await cliExport(saved.jsonl, path.join(folder, `saved-${dir}.bin`), ['--conn', connId, '--dir', dir]))).toBe(hash);
    }
  }, 180_000);

  it('10,000 UDP datagrams, empty to 65,507 bytes, both ways: recorded, saved, reopened and exported', async () => {
    const folder = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0, recvBufferSize: 8 * MiB });
    const port = info.local!.port;
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const peerPort = peer.address().port;
    const received: Buffer[] = [];
    peer.on('message', (message) => received.push(message));

    const sizes = Array.from({ length: 10_000 }, (_, i) =>
      i % 1000 === 0 ? 0 : i % 1000 === 1 ? MAX_UDP_PAYLOAD_IPV4 : (i * 7919) % 1400,
    );
    const inbound = sizes.map((size, i) => pseudoRandomBytes(size, i + 1));
    // In bursts the receive buffer holds, waiting for each burst to arrive: loopback drops nothing then.
    for (let at = 0; at < inbound.length; at += 200) {
      for (const datagram of inbound.slice(at, at + 200)) peer.send(datagram, port, '127.0.0.1');
      const want = Math.min(at + 200, inbound.length);
      await engine.waitFor(async () => (await engine.info(info.id)).counters.rxMessages >= want, 10_000, `${want} datagrams`);
    }
    const outbound = [0, 1, 1400, MAX_UDP_PAYLOAD_IPV4, 0].map((size, i) => pseudoRandomBytes(size, 100 + i));
    for (const datagram of outbound) {
      const sent = await engine.send(
        info.id,
        { format: 'base64', value: datagram.toString('base64') },
        { type: 'address', host: '127.0.0.1', port: peerPort },
      );
      expect(sent.ok).toBe(true);
    }
    await engine.waitFor(() => received.length === outbound.length, 5_000, 'the app’s datagrams');
    const file = recorder.recordingFile(info.id)!;
    expect((await engine.manager.record({ sessionId: info.id, action: 'stop' })).ok).toBe(true);
    peer.close();

    const expectDatagrams = (records: BodyRecord[]) => {
      const rx = dataOf(records, (r) => r.dir === 'rx');
      const tx = dataOf(records, (r) => r.dir === 'tx');
      expect(rx.map((r) => r.bytes.byteLength)).toEqual(sizes);
      expect(hashOf(rx.map((r) => r.bytes))).toBe(hashOf(inbound));
      expect(rx.every((r) => r.remote.port === peerPort && r.remote.address === '127.0.0.1')).toBe(true);
      expect(tx.map((r) => r.bytes.byteLength)).toEqual(outbound.map((d) => d.length));
      expect(hashOf(tx.map((r) => r.bytes))).toBe(hashOf(outbound));
    };
    const recorded = readTranscript(new Uint8Array(await readFile(file)));
    expect(recorded.outcome.problem).toBeUndefined();
    expectDatagrams(recorded.records);

    const saved = await saveAll(file, folder);
    expectDatagrams(readTranscript(new Uint8Array(await readFile(saved.jsonl))).records);
    const pcap = readPcapng(new Uint8Array(await readFile(saved.pcapng)));
    expect(pcap.problem).toBeUndefined();
    expectDatagrams(pcap.records);

    const exported = await cliExport(file, path.join(folder, 'rx.bin'), ['--dir', 'rx', '--peer', `127.0.0.1:${peerPort}`]);
    expect(sha256(exported)).toBe(hashOf(inbound));
  }, 120_000);
});
