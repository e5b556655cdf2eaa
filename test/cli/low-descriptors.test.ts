/**
 * The built CLI and browser-mode server start and work under `ulimit -n 64`: a small board, a
 * container or a shell with a tight limit must not stop them before the first socket opens
 * (loading a library that opens dozens of files at once did).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { disposeAll, onCleanup } from '../support/engine';
import { startLimitedCli } from '../support/limited-cli';
import { tempDir } from '../support/temp-dir';

const LIMIT = 64;
const SERVE = path.resolve('out/server/serve.mjs');

afterEach(disposeAll);

describe(`under a limit of ${LIMIT} file descriptors`, () => {
  it('the stdio CLI starts, records, and carries a TCP round trip', async () => {
    const cli = startLimitedCli(LIMIT, ['--record-dir', await tempDir('si-low-fd-')]);
    await cli.until((lines) => lines.some((line) => line.kind === 'ready'), 'the ready line');
    const opened = await cli.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    expect(opened).toMatchObject({ ok: true, value: { state: 'open', recording: { active: true } } });
    const session = opened.value as { id: string; local: { port: number } };

    const peer = connect({ host: '127.0.0.1', port: session.local.port });
    onCleanup(() => {
      peer.destroy();
    });
    await once(peer, 'connect');
    peer.write('ping');
    const data = await cli.until(
      (lines) => lines.find((line) => line.kind === 'event' && line.type === 'data' && line.dir === 'rx'),
      'the received data',
    );
    expect(Buffer.from(data.bytes as string, 'base64').toString()).toBe('ping');

    const sent = await cli.call('send', { sessionId: session.id, payload: { format: 'text', value: 'pong' } });
    expect(sent).toMatchObject({ ok: true, value: { bytes: 4, targets: 1 } });
    const [reply] = (await once(peer, 'data')) as [Buffer];
    expect(reply.toString()).toBe('pong');
    cli.end();
    expect(await cli.exited).toBe(0);
  });

  it('browser mode starts and serves the page', async () => {
    if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run "npm run build" first.`);
    const home = await tempDir('si-low-fd-home-');
    const child = spawn(
      '/usr/bin/prlimit',
      [`--nofile=${LIMIT}:${LIMIT}`, process.execPath, SERVE, '--port', '0', '--record-dir', path.join(home, 'recordings')],
      {
        env: { ...process.env, SOCKET_INSPECTOR_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onCleanup(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const address = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const url = /http:\/\/\S+/.exec(line)?.[0];
        if (url) resolve(url);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${Buffer.concat(stderr).toString()}`)));
    });
    // The first request trades the token in the address for a cookie, the second gets the page.
    const first = await fetch(address, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL('/', address), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});
