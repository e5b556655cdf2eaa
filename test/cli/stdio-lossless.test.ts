/**
 * `--stdio --lossless` does what `ncat -l > file` does: every byte a TCP peer sends appears in
 * the data events, however slowly the script reads. Without it, a reader that falls behind gets
 * fewer events, the rest counted as not shown. Both runs here read the built CLI's stdout at a
 * few MB/s while a peer sends as fast as loopback allows.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { disposeAll, onCleanup } from '../support/engine';

const CLI = path.resolve('out/server/cli.mjs');
const SENT = randomBytes(24 * 1024 * 1024);

type Line = Record<string, unknown> & { kind: string };

afterEach(disposeAll);

/** The CLI with a reader that takes one chunk of its stdout every few milliseconds. */
function slowlyReadCli(args: string[]) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [CLI, '--stdio', ...args], { stdio: 'pipe' });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: Line[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) lines.push(JSON.parse(part) as Line);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 4);
  });
  const until = async <T>(check: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  let nextId = 1;
  const call = async (method: string, args: unknown) => {
    const id = nextId++;
    child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
    return until(() => lines.find((line) => line.kind === 'result' && line.id === id), `the answer to ${method}`);
  };
  return { child, lines, until, call };
}

/** A listener in the CLI, a peer that sends SENT and closes; what the data events carried. */
async function flood(args: string[]) {
  const cli = slowlyReadCli(args);
  const ready = await cli.until(() => cli.lines.find((line) => line.kind === 'ready'), 'the ready line');
  const opened = await cli.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true } });
  const session = opened.value as { id: string; local: { port: number } };
  const peer = connect({ host: '127.0.0.1', port: session.local.port });
  onCleanup(() => {
    peer.destroy();
  });
  await once(peer, 'connect');
  peer.end(SENT);
  // The counters say when the engine has read everything, shown or not.
  await cli.until(
    () =>
      cli.lines.find(
        (line) => line.kind === 'event' && line.type === 'counters' && (line.counters as { rxBytes: number }).rxBytes === SENT.length,
      ),
    'counters reaching every byte sent',
  );
  cli.child.stdin.end();
  await cli.until(() => cli.lines.find((line) => line.kind === 'end'), 'the end line');
  const received = Buffer.concat(
    cli.lines
      .filter((line) => line.kind === 'event' && line.type === 'data' && line.dir === 'rx')
      .map((line) => Buffer.from(line.bytes as string, 'base64')),
  );
  const notShown = cli.lines.filter((line) => line.kind === 'event' && line.type === 'counters' && line.notShown !== undefined);
  return { ready, received, notShown };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('stdio under a reader slower than the peer', () => {
  it('--lossless: every byte appears in the data events, in order, and nothing is counted as not shown', async () => {
    const { ready, received, notShown } = await flood(['--lossless']);
    expect(ready).toMatchObject({ lossless: true });
    expect(received.length).toBe(SENT.length);
    expect(sha256(received)).toBe(sha256(SENT));
    expect(notShown).toEqual([]);
  }, 120_000);

  it('without it, the events fall behind and what they lack is counted as not shown', async () => {
    const { ready, received, notShown } = await flood([]);
    expect(ready).toMatchObject({ lossless: false });
    expect(received.length).toBeLessThan(SENT.length);
    expect(notShown.length).toBeGreaterThan(0);
  }, 120_000);
});
