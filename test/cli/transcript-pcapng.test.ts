/**
 * `transcript verify | export | convert` on pcapng: real loopback traffic recorded by the engine
 * and the recorder, saved as pcapng the way the app saves it, then read by the built CLI; a cut
 * copy of it; and captures written by text2pcap (Wireshark's tool), one that fits and one whose
 * link type does not.
 */
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { convertTranscriptFile } from '@recorder/convert';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, writeAll } from '../support/engine';
import { engineWithRecorder } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

const CLI = path.resolve('out/server/cli.mjs');
const runFile = promisify(execFile);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
});
afterEach(disposeAll);

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'transcript', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Saved as pcapng under a name that does not say so: the CLI must go by the bytes. */
async function savePcapng(recording: string, folder: string): Promise<string> {
  const target = path.join(folder, 'saved.capture');
  expect((await convertTranscriptFile(recording, 'pcapng', target)).problem).toBeUndefined();
  return target;
}

/** A TCP session: a client sends `fromClient`, the app answers `fromApp`, the client closes. */
async function recordTcp(folder: string) {
  const { engine, recorder } = engineWithRecorder({ folder });
  const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
  const peer = await connectPeer(info.local!.port);
  const opened = await engine.waitFor(() => engine.ofType('connection-opened')[0]);
  const connId = opened.conn.connId;
  const fromClient = pseudoRandomBytes(300_000, 7);
  const fromApp = pseudoRandomBytes(200_000, 8);
  await writeAll(peer.socket, fromClient);
  const sent = await engine.send(
    info.id,
    { format: 'base64', value: fromApp.toString('base64') },
    { type: 'connections', connIds: [connId] },
  );
  expect(sent.ok).toBe(true);
  await engine.waitFor(async () => (await engine.info(info.id)).counters.rxBytes === fromClient.length, 10_000, 'the client’s bytes');
  await engine.waitFor(() => peer.received().length === fromApp.length, 10_000, 'the app’s bytes');
  peer.socket.end();
  await engine.waitFor(() => engine.ofType('connection-closed')[0], 10_000, 'the close');
  const file = recorder.recordingFile(info.id)!;
  expect((await engine.manager.record({ sessionId: info.id, action: 'stop' })).ok).toBe(true);
  return { file, connId, fromClient, fromApp };
}

describe('transcript CLI on the app’s own pcapng', () => {
  it('TCP: verify summarises it, export gives each direction byte-exact, convert goes back to JSON Lines and text', async () => {
    const folder = await tempDir();
    const { file, connId, fromClient, fromApp } = await recordTcp(folder);
    const pcapng = await savePcapng(file, folder);

    const verified = await cli(['verify', pcapng]);
    expect(verified.stderr).toBe('');
    // Whole pcapng: 0, not 3, although it carries no end record (see USAGE and docs/automation.md).
    expect(verified.code).toBe(0);
    const text = verified.stdout.toString('utf8');
    expect(text).toMatch(/^pcapng, read back as a transcript, written by Socket Inspector /);
    expect(text).toContain('(tcp-server)');
    expect(text).toMatch(new RegExp(`  ${connId}  local 127\\.0\\.0\\.1:\\d+  remote 127\\.0\\.0\\.1:\\d+\n`));
    expect(text).toMatch(/Records: \d+ \(header 1, data \d+, open 1, .*close 1/);
    expect(text).toContain(`rx 300,000 bytes in`);
    expect(text).toContain(`tx 200,000 bytes in`);
    expect(text).toContain('WHOLE PCAPNG:');
    expect(text).toContain('which carries no end record, so whether the recording ended on purpose is not known.');

    for (const [dir, sent] of [
      ['rx', fromClient],
      ['tx', fromApp],
    ] as const) {
      const out = path.join(folder, `${dir}.bin`);
      const exported = await cli(['export', pcapng, '--conn', connId, '--dir', dir, '--out', out]);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      expect(sha256(await readFile(out))).toBe(sha256(sent));
    }

    const jsonl = path.join(folder, 'back.jsonl');
    const converted = await cli(['convert', pcapng, '--to', 'jsonl', '--out', jsonl]);
    expect(converted.code).toBe(0);
    // JSON Lines from pcapng has no end record either: verify says so with 3.
    const again = await cli(['verify', jsonl]);
    expect(again.code).toBe(3);
    expect(again.stdout.toString('utf8')).toContain('rx 300,000 bytes in');
    const rx = path.join(folder, 'back-rx.bin');
    expect((await cli(['export', jsonl, '--conn', connId, '--dir', 'rx', '--out', rx])).code).toBe(3);
    expect(sha256(await readFile(rx))).toBe(sha256(fromClient));

    const dump = await cli(['convert', pcapng, '--to', 'text']);
    expect(dump.code).toBe(0);
    expect(dump.stdout.toString('utf8')).toContain('The transcript was read from pcapng, which carries no end record.');

    const repcap = path.join(folder, 'again.pcapng');
    expect((await cli(['convert', pcapng, '--to', 'pcapng', '--out', repcap])).code).toBe(0);
    const tx = path.join(folder, 'again-tx.bin');
    expect((await cli(['export', repcap, '--conn', connId, '--dir', 'tx', '--out', tx])).code).toBe(0);
    expect(sha256(await readFile(tx))).toBe(sha256(fromApp));
  }, 60_000);

  it('UDP: datagrams per peer, export --peer byte-exact', async () => {
    const folder = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const peerPort = peer.address().port;
    const inbound = [0, 1, 1400, 9000].map((size, i) => pseudoRandomBytes(size, 20 + i));
    for (const datagram of inbound) peer.send(datagram, info.local!.port, '127.0.0.1');
    await engine.waitFor(async () => (await engine.info(info.id)).counters.rxMessages === inbound.length, 5_000, 'the datagrams');
    const outbound = pseudoRandomBytes(512, 30);
    const sent = await engine.send(
      info.id,
      { format: 'base64', value: outbound.toString('base64') },
      { type: 'address', host: '127.0.0.1', port: peerPort },
    );
    expect(sent.ok).toBe(true);
    const file = recorder.recordingFile(info.id)!;
    expect((await engine.manager.record({ sessionId: info.id, action: 'stop' })).ok).toBe(true);
    peer.close();
    const pcapng = await savePcapng(file, folder);

    const verified = await cli(['verify', pcapng]);
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString('utf8')).toContain(
      `127.0.0.1:${peerPort}  rx 4 datagrams, 10,401 bytes (1 empty)   tx 1 datagram, 512 bytes`,
    );
    const rx = path.join(folder, 'rx.bin');
    const exported = await cli(['export', pcapng, '--dir', 'rx', '--peer', `127.0.0.1:${peerPort}`, '--out', rx]);
    expect(exported.code).toBe(0);
    expect(sha256(await readFile(rx))).toBe(sha256(Buffer.concat(inbound)));
    const tx = await cli(['export', pcapng, '--dir', 'tx', '--out', path.join(folder, 'tx.bin')]);
    expect(tx.code).toBe(0);
    expect(sha256(await readFile(path.join(folder, 'tx.bin')))).toBe(sha256(outbound));
    const wrong = await cli(['export', pcapng, '--dir', 'rx', '--peer', '127.0.0.1:1']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`its peers are: 127.0.0.1:${peerPort}`);
  }, 30_000);

  it('a pcapng cut mid-block: exit 1, naming the byte where the whole blocks end', async () => {
    const folder = await tempDir();
    const { file, connId } = await recordTcp(folder);
    const whole = await readFile(await savePcapng(file, folder));
    const cutAt = Math.floor(whole.length / 2);
    const cut = path.join(folder, 'cut.pcapng');
    await writeFile(cut, whole.subarray(0, cutAt));

    const verified = await cli(['verify', cut]);
    expect(verified.code).toBe(1);
    expect(verified.stdout.toString('utf8')).toMatch(
      new RegExp(
        `TORN: the file is cut short at byte ${cutAt}, inside the block that starts at byte \\d+ .*everything before byte \\d+ was read`,
      ),
    );
    const exported = await cli(['export', cut, '--conn', connId, '--dir', 'rx', '--out', path.join(folder, 'part.bin')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('Only the whole records were used: the file is cut short');

    await writeFile(cut, whole.subarray(0, 20));
    const headless = await cli(['export', cut, '--conn', connId, '--dir', 'rx', '--out', path.join(folder, 'none.bin')]);
    expect(headless.code).toBe(1);
    expect(headless.stderr).toContain('Nothing was written: the file is cut short at byte 20, inside the block that starts at byte 0');
    expect(existsSync(path.join(folder, 'none.bin'))).toBe(false);
  }, 30_000);
});

describe('transcript CLI on pcapng written by another tool', () => {
  /** text2pcap (Wireshark's) turns a hex dump into a pcapng with the given link type or headers. */
  async function text2pcap(folder: string, name: string, args: string[], payload: Buffer): Promise<string> {
    const dump = path.join(folder, `${name}.txt`);
    const hex = [...payload].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    await writeFile(dump, `0000 ${hex}\n`);
    const target = path.join(folder, name);
    await runFile('text2pcap', ['-q', ...args, dump, target]);
    return target;
  }

  it('reads UDP over IPv4 on Ethernet, the first packet taken as sent', async () => {
    const folder = await tempDir();
    const payload = pseudoRandomBytes(100, 40);
    const capture = await text2pcap(folder, 'udp.pcapng', ['-4', '127.0.0.1,127.0.0.2', '-u', '1000,2000'], payload);
    const verified = await cli(['verify', capture]);
    expect(verified.code).toBe(0);
    const text = verified.stdout.toString('utf8');
    expect(text).toMatch(/^pcapng, read back as a transcript, written by Text2pcap/);
    expect(text).toContain('127.0.0.2:2000  rx 0 datagrams, 0 bytes   tx 1 datagram, 100 bytes');
    const exported = await cli(['export', capture, '--dir', 'tx', '--out', path.join(folder, 'tx.bin')]);
    expect(exported.code).toBe(0);
    expect(sha256(await readFile(path.join(folder, 'tx.bin')))).toBe(sha256(payload));
  });

  it('refuses a capture whose link type it cannot read, naming it', async () => {
    const folder = await tempDir();
    const capture = await text2pcap(folder, 'user.pcapng', ['-l', '147'], Buffer.from('hello'));
    const verified = await cli(['verify', capture]);
    expect(verified.code).toBe(1);
    expect(verified.stdout.toString('utf8')).toContain(
      'NOT A TRANSCRIPT: nothing in this pcapng could be read as TCP or UDP traffic: interface 0 has link type 147; only raw IP, Ethernet, Linux cooked and loopback captures are read',
    );
    const converted = await cli(['convert', capture, '--to', 'jsonl', '--out', path.join(folder, 'x.jsonl')]);
    expect(converted.code).toBe(1);
    expect(existsSync(path.join(folder, 'x.jsonl'))).toBe(false);
  });
});
