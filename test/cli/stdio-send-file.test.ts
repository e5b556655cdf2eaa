/**
 * stdio's `sendFile`: a file named by its path, streamed by the built CLI to a session's peers,
 * byte-exact, waiting whenever a peer that does not read fills the send queue.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SEND_QUEUE_BYTES, UDP_FILE_CHUNK_BYTES } from '@shared/limits';
import { disposeAll, onCleanup } from '../support/engine';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

const CLI = path.resolve('out/server/cli.mjs');
type Line = Record<string, unknown> & { kind: string };

afterEach(disposeAll);

function cli() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [CLI, '--stdio'], { stdio: 'pipe' });
  const lines: Line[] = [];
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (text) => lines.push(JSON.parse(text) as Line));
  onCleanup(() => {
    // Killed mid-line, the CLI would leave a torn last line for the reader to choke on.
    reader.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let nextId = 1;
  const call = async (method: string, args: unknown, timeoutMs = 60_000): Promise<Line> => {
    const id = nextId++;
    child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) => line.kind === 'result' && line.id === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No answer to ${method}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, lines, call };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('stdio sendFile', () => {
  it('streams a file larger than the send queue to a TCP peer that stops reading for a while', async () => {
    const file = path.join(await tempDir('si-send-file-'), 'firmware.bin');
    const content = randomBytes(MAX_SEND_QUEUE_BYTES + 16 * 1024 * 1024);
    await writeFile(file, content);
    const { call, lines } = cli();
    const opened = await call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    expect(lines[0]).toMatchObject({ kind: 'ready', methods: expect.arrayContaining(['sendFile']) });
    const session = opened.value as { id: string; local: { port: number } };

    const peer = connect({ host: '127.0.0.1', port: session.local.port });
    onCleanup(() => {
      peer.destroy();
    });
    await once(peer, 'connect');
    peer.pause();
    const chunks: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sending = call('sendFile', { sessionId: session.id, path: file });
    // Not reading: the queue fills and the send waits for room instead of failing. How soon the
    // kernel's buffers fill depends on the machine's load, so wait for it rather than a fixed time.
    await until(
      () => lines.some((line) => line.kind === 'event' && line.type === 'backpressure' && line.blocked === true),
      'the send queue to fill',
      60_000,
    );
    peer.resume();
    const sent = await sending;
    expect(sent).toMatchObject({ ok: true, value: { bytes: content.length, targets: 1 } });
    const deadline = Date.now() + 30_000;
    while (Buffer.concat(chunks).length < content.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(content));
  }, 120_000);

  it('sends a file over UDP as 1 KiB datagrams, in order', async () => {
    const file = path.join(await tempDir('si-send-file-'), 'frames.bin');
    const content = randomBytes(10 * UDP_FILE_CHUNK_BYTES + 100);
    await writeFile(file, content);
    const receiver = createSocket('udp4');
    onCleanup(() => {
      receiver.close();
    });
    const datagrams: Buffer[] = [];
    receiver.on('message', (message) => datagrams.push(message));
    receiver.bind(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { call } = cli();
    const opened = await call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0 } });
    const session = opened.value as { id: string };
    const sent = await call('sendFile', {
      sessionId: session.id,
      path: file,
      to: { type: 'address', host: '127.0.0.1', port: receiver.address().port },
    });
    expect(sent).toMatchObject({ ok: true, value: { bytes: content.length } });
    const deadline = Date.now() + 10_000;
    while (datagrams.length < 11 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(datagrams.map((d) => d.length)).toEqual([...Array.from({ length: 10 }, () => UDP_FILE_CHUNK_BYTES), 100]);
    expect(sha256(Buffer.concat(datagrams))).toBe(sha256(content));
  });

  it('says what is wrong with the path, and sends nothing', async () => {
    const folder = await tempDir('si-send-file-');
    const { call } = cli();
    const opened = await call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0, remote: { host: '127.0.0.1', port: 9 } } });
    const session = opened.value as { id: string };
    const missing = await call('sendFile', { sessionId: session.id, path: path.join(folder, 'nope.bin') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect((missing.error as { message: string }).message).toMatch(
      /could not be opened \(ENOENT\): there is no such file. Nothing was sent/,
    );
    const folderSent = await call('sendFile', { sessionId: session.id, path: folder });
    expect(folderSent).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('is not a file') } });
    const noPath = await call('sendFile', { sessionId: session.id, path: '' });
    expect(noPath).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('path is empty') } });
    const unknown = await call('sendFile', { sessionId: 's99', path: path.join(folder, 'nope.bin') });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
