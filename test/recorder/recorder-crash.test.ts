/**
 * A recording process killed with SIGKILL: no chance to flush or close, yet the file holds
 * everything received more than one flush interval before the kill, as whole records.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_FLUSH_INTERVAL_MS } from '@shared/limits';
import { connectPeer, disposeAll, pseudoRandomBytes, writeAll } from '../support/engine';
import { until } from '../support/until';
import { readRecording, recordedBytes } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

/** Built from the current sources, beside node_modules so the bundle finds its dependencies. */
const BUILD = path.resolve('node_modules/.cache', `si-recorder-cli-${process.pid}-${randomBytes(4).toString('hex')}`);
const CLI = path.join(BUILD, 'cli.mjs');

beforeAll(async () => {
  await mkdir(BUILD, { recursive: true });
  const built = spawnSync(
    'npx',
    ['vite', 'build', '-c', 'vite.server.config.mts', '--logLevel', 'warn', '--outDir', BUILD, '--emptyOutDir'],
    { encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`Building the CLI failed:\n${built.stdout}\n${built.stderr}`);
});

afterAll(() => rm(BUILD, { recursive: true, force: true }));
afterEach(disposeAll);

type Line = Record<string, unknown> & { kind: string };

describe('kill -9 while recording', () => {
  it('loses nothing received a flush interval before the kill, and the file reads as whole records', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, [CLI, '--stdio', '--record-dir', dir], { stdio: 'pipe' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const lines: Line[] = [];
    createInterface({ input: child.stdout }).on('line', (text) => lines.push(JSON.parse(text) as Line));
    try {
      child.stdin.write(
        `${JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } })}\n`,
      );
      await until(() => lines.some((l) => l.kind === 'result' && l.id === 1), 'the open result');
      const opened = lines.find((l) => l.kind === 'result' && l.id === 1) as Line & { ok: boolean; value: { local: { port: number } } };
      expect(opened.ok).toBe(true);

      const client = await connectPeer(opened.value.local.port);
      const sent = Buffer.concat([Buffer.from('known start\r\n'), pseudoRandomBytes(256 * 1024, 7), Buffer.from('\r\nknown end')]);
      await writeAll(client.socket, sent);
      const received = () =>
        lines
          .filter((l) => l.kind === 'event' && l.type === 'data' && l.dir === 'rx')
          .reduce((n, l) => n + Buffer.from(l.bytes as string, 'base64').length, 0);
      await until(() => received() === sent.length, 'the CLI to receive every byte');
      // Well past one flush interval: the recorder must have written it all by now.
      await new Promise((resolve) => setTimeout(resolve, 4 * RECORDING_FLUSH_INTERVAL_MS));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      const recording = await readRecording(path.join(dir, files[0]!));
      expect(recording.outcome.problem).toBeUndefined();
      expect(recording.outcome.ended).toBe(false);
      expect(recording.header).toMatchObject({ kind: 'tcp-server' });
      expect(recordedBytes(recording, (r) => r.dir === 'rx').equals(sent)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
