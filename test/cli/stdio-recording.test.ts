/**
 * `--stdio --record-dir DIR`: the JSON-lines mode with a recorder, run in-process over streams,
 * against a real UDP peer and real files.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStdio, stdioRecorder } from '@cli/stdio';
import type { Recorder } from '@recorder/recorder';
import { until } from '../support/until';
import { readTranscript } from '../support/collect';

type Line = Record<string, unknown> & { kind: string };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'si-stdio-rec-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** runStdio over in-memory streams: `send` a command, read the `lines` written so far, `end` the input. */
function stdio(recorder?: Recorder) {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: Line[] = [];
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const parts = text.split('\n');
    text = parts.pop()!;
    for (const part of parts) lines.push(JSON.parse(part) as Line);
  });
  const done = runStdio({ input, output, bytes: 'base64', version: 'test', ...(recorder ? { recorder } : {}) });
  let id = 0;
  return {
    lines,
    async call(method: string, args: unknown): Promise<Line> {
      const callId = ++id;
      input.write(`${JSON.stringify({ id: callId, method, args })}\n`);
      await until(() => lines.some((l) => l.kind === 'result' && l.id === callId), `the answer to ${method}`);
      return lines.find((l) => l.kind === 'result' && l.id === callId)!;
    },
    async end() {
      input.end();
      await done;
    },
  };
}

describe('--record-dir', () => {
  it('records every session into the folder, and ends the files when the input ends', async () => {
    const folder = path.join(dir, 'made-for-us');
    const recorder = await stdioRecorder(folder, 'test');
    expect(recorder.ok).toBe(true);
    if (!recorder.ok) return;
    const cli = stdio(recorder.value);
    const opened = (await cli.call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0 } })) as Line & {
      value: { id: string; local: { port: number }; recording: { path: string } };
    };
    expect(opened).toMatchObject({ ok: true, value: { recording: { active: true } } });
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.send('scripted', opened.value.local.port, '127.0.0.1', () => resolve()));
    await until(() => cli.lines.some((l) => l.kind === 'event' && l.type === 'data'), 'the datagram');
    peer.close();
    expect(await cli.call('recordingSettings', {})).toMatchObject({ ok: true, value: { folder, recordByDefault: true } });
    await cli.end();

    expect(await readdir(folder)).toEqual([path.basename(opened.value.recording.path)]);
    const { records, outcome } = readTranscript(new Uint8Array(await readFile(opened.value.recording.path)));
    expect(outcome).toMatchObject({ ended: true });
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'quit' });
    expect(records.some((r) => r.type === 'data' && Buffer.from(r.bytes).toString() === 'scripted')).toBe(true);
  });

  it('refuses a folder that cannot be written before anything runs', async () => {
    await writeFile(path.join(dir, 'a-file'), '');
    const recorder = await stdioRecorder(path.join(dir, 'a-file', 'sub'), 'test');
    expect(recorder).toMatchObject({
      ok: false,
      error: { code: 'ENOTDIR', message: expect.stringContaining(path.join(dir, 'a-file', 'sub')) },
    });
  });

  it('without it, nothing is recorded and record says why', async () => {
    const cli = stdio();
    const opened = (await cli.call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0 } })) as Line & { value: { id: string } };
    expect(opened).toMatchObject({ ok: true });
    expect(opened.value).not.toHaveProperty('recording');
    expect(await cli.call('record', { sessionId: opened.value.id, action: 'start' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_STATE', message: expect.stringContaining('without a recorder'), hint: expect.stringContaining('--record-dir') },
    });
    await cli.end();
  });
});
