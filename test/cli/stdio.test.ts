/**
 * The automation mode as a script drives it: the built CLI as a child process, JSON lines in
 * and out, and real peers from Debian (ncat for TCP, socat for UDP).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { readTranscript } from '../support/collect';
import { tryConnect } from '../support/engine';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

const CLI = path.resolve('out/server/cli.mjs');
type Line = Record<string, unknown> & { kind: string };

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function requireTool(name: string): string {
  const found = ['/usr/bin', '/bin', '/usr/local/bin'].map((dir) => path.join(dir, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} is needed as a real peer: apt-get install -y ${name === 'ncat' ? 'ncat' : name}`);
  return found;
}

/** The CLI with a line reader: `next(match)` waits for the first output line that matches. */
function startCli(args: string[] = []) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [CLI, '--stdio', ...args], { stdio: 'pipe' });
  children.push(child);
  const lines: Line[] = [];
  const raw: string[] = [];
  let wake = () => undefined as void;
  createInterface({ input: child.stdout }).on('line', (text) => {
    raw.push(text);
    lines.push(JSON.parse(text) as Line);
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    raw,
    exited,
    send(command: unknown) {
      child.stdin.write(`${typeof command === 'string' ? command : JSON.stringify(command)}\n`);
    },
    async next(match: (line: Line) => boolean, what: string, timeoutMs = 5000): Promise<Line> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = lines.findIndex(match);
        if (index !== -1) return lines.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`No line for ${what}; got:\n${raw.join('\n')}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

function peer(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: 'pipe' });
  children.push(child);
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  return { child, output: () => Buffer.concat(out) };
}

const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

describe('npm run cli -- --stdio', () => {
  it('opens a TCP listener, receives from ncat, replies, closes, and exits cleanly on EOF', async () => {
    const ncat = requireTool('ncat');
    const cli = startCli();
    const ready = await cli.next((l) => l.kind === 'ready', 'ready');
    expect(ready).toMatchObject({ app: 'socket-inspector', bytes: 'base64', methods: expect.arrayContaining(['open', 'send', 'close']) });

    cli.send({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } });
    const opened = await cli.next((l) => l.kind === 'result' && l.id === 1, 'open result');
    expect(opened.ok).toBe(true);
    const session = opened.value as { id: string; local: { port: number } };

    const client = peer(ncat, ['127.0.0.1', String(session.local.port)]);
    const conn = await cli.next((l) => l.kind === 'event' && l.type === 'connection-opened', 'connection-opened');
    const connId = (conn.conn as { connId: string }).connId;
    client.child.stdin.write('hello from ncat\n');
    const data = await cli.next((l) => l.type === 'data' && l.dir === 'rx', 'rx data');
    expect(data).toMatchObject({ sessionId: session.id, connId, bytes: b64('hello from ncat\n') });

    cli.send({ id: 'reply', method: 'send', args: { sessionId: session.id, payload: { format: 'text', value: 'ok\\x00\\r\\n' } } });
    expect(await cli.next((l) => l.id === 'reply', 'send result')).toMatchObject({
      kind: 'result',
      ok: true,
      value: { bytes: 5, targets: 1 },
    });
    await until(() => client.output().equals(Buffer.from('ok\x00\r\n', 'latin1')), 'ncat to print the reply');
    expect(await cli.next((l) => l.type === 'data' && l.dir === 'tx', 'tx data')).toMatchObject({ bytes: b64('ok\x00\r\n') });

    cli.send({ id: 3, method: 'close', args: { sessionId: session.id } });
    expect(await cli.next((l) => l.id === 3, 'close result')).toMatchObject({ ok: true, value: { state: 'closed' } });
    cli.child.stdin.end();
    expect(await cli.next((l) => l.kind === 'end', 'end')).toEqual({ kind: 'end', lines: 3 });
    expect(await cli.exited).toBe(0);
  });

  it('answers a bad line with an error naming the line, a bad command with a result under its id, and keeps going', async () => {
    const cli = startCli();
    await cli.next((l) => l.kind === 'ready', 'ready');
    cli.send('this is not json');
    cli.send('[1, 2]');
    cli.send({ id: 7, method: 'explode', args: {} });
    cli.send({ id: 8, method: 'open', args: { config: { kind: 'tcp-server', host: '', port: 70000 } } });
    cli.send({ id: 9, method: 'list', args: {}, extra: true });
    cli.send('');
    cli.send({ id: 10, method: 'list', args: {} });
    expect(await cli.next((l) => l.kind === 'error' && l.line === 1, 'line 1')).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('is not JSON') },
    });
    expect(await cli.next((l) => l.kind === 'error' && l.line === 2, 'line 2')).toMatchObject({
      error: { message: expect.stringContaining('must be an object') },
    });
    expect(await cli.next((l) => l.id === 7, 'line 3')).toEqual({
      kind: 'result',
      id: 7,
      ok: false,
      error: expect.objectContaining({ message: 'Unknown method "explode".' }),
    });
    const bad = await cli.next((l) => l.kind === 'result' && l.id === 8, 'line 4');
    expect(String((bad.error as { message: string }).message)).toMatch(
      /config\.host: Host is empty.*config\.port: Port 70000 is out of range/,
    );
    expect(await cli.next((l) => l.kind === 'result' && l.id === 9, 'line 5')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('unknown field "extra"') },
    });
    expect(await cli.next((l) => l.kind === 'result' && l.id === 10, 'line 7')).toMatchObject({ ok: true, value: [] });
    cli.child.stdin.end();
    expect(await cli.next((l) => l.kind === 'end', 'end')).toEqual({ kind: 'end', lines: 7 });
    expect(await cli.exited).toBe(0);
  });

  it('answers a refusal the engine makes at run time as the result for its id, once, and never as an error line', async () => {
    const cli = startCli();
    await cli.next((l) => l.kind === 'ready', 'ready');
    cli.send({ id: 'v6', method: 'open', args: { config: { kind: 'udp', host: '::1', port: 0, ipv6Only: true } } });
    expect(await cli.next((l) => l.id === 'v6', 'open')).toMatchObject({ ok: true });
    // Valid by the schema, refused by the engine: an IPv4 target on an IPv6-only socket.
    const to = { type: 'address', host: '127.0.0.1', port: 9 };
    cli.send({ id: 'to-v4', method: 'send', args: { sessionId: 's1', payload: { format: 'text', value: 'x' }, to } });
    const refused = await cli.next((l) => l.id === 'to-v4', 'the send');
    expect(refused).toMatchObject({
      kind: 'result',
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('127.0.0.1') },
    });
    cli.send({ id: 'after', method: 'list', args: {} });
    await cli.next((l) => l.id === 'after', 'the list after it');
    cli.child.stdin.end();
    await cli.next((l) => l.kind === 'end', 'end');
    const all = cli.raw.map((text) => JSON.parse(text) as Line);
    expect(all.filter((l) => l.id === 'to-v4')).toHaveLength(1);
    expect(all.filter((l) => l.kind === 'error')).toEqual([]);
  });

  it('stops quietly when its reader goes away (as in `cli | head -1`), closing its sockets and ending its recordings', async () => {
    const folder = await tempDir('si-stdio-epipe-');
    const cli = startCli(['--record-dir', folder]);
    const stderr: Buffer[] = [];
    cli.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    await cli.next((l) => l.kind === 'ready', 'ready');
    cli.send({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } });
    const opened = await cli.next((l) => l.id === 1, 'open');
    const { local, recording } = opened.value as { local: { port: number }; recording: { path: string } };
    // The reader closes its end of the pipe; every answer after that meets EPIPE.
    cli.child.stdout.destroy();
    for (let i = 0; i < 5; i++) cli.send({ id: 10 + i, method: 'list', args: {} });
    expect(await cli.exited).toBe(0);
    expect(Buffer.concat(stderr).toString()).toBe('');
    expect((await tryConnect(local.port, '127.0.0.1')).ok).toBe(false);
    const { records, outcome } = readTranscript(new Uint8Array(await readFile(recording.path)));
    expect(outcome).toMatchObject({ ended: true });
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'quit' });
  });

  it('binds UDP, gets a datagram from socat in hex, replies to the sender, and closes every socket on EOF', async () => {
    const socat = requireTool('socat');
    const cli = startCli(['--bytes', 'hex']);
    expect(await cli.next((l) => l.kind === 'ready', 'ready')).toMatchObject({ bytes: 'hex' });
    cli.send({ id: 1, method: 'open', args: { config: { kind: 'udp', host: '127.0.0.1', port: 0 } } });
    const opened = await cli.next((l) => l.id === 1, 'open');
    const port = (opened.value as { local: { port: number } }).local.port;

    const device = peer(socat, ['-', `UDP:127.0.0.1:${port}`]);
    device.child.stdin.write('\x01\x02ping');
    const data = await cli.next((l) => l.type === 'data' && l.dir === 'rx', 'datagram');
    expect(data.bytes).toBe('010270696e67');
    expect(data.peer).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });

    cli.send({ id: 2, method: 'send', args: { sessionId: 's1', payload: { format: 'hex', value: 'ca fe' }, to: { type: 'last-sender' } } });
    expect(await cli.next((l) => l.id === 2, 'send')).toMatchObject({ ok: true });
    await until(() => device.output().equals(Buffer.from([0xca, 0xfe])), 'socat to get the reply');
    await cli.next((l) => l.type === 'data' && l.dir === 'tx', 'the reply in the log');

    // What the engine keeps of the log comes back with its bytes as the ready line says, like an event's.
    cli.send({ id: 3, method: 'history' });
    const history = await cli.next((l) => l.id === 3, 'history');
    const { logs } = history.value as { logs: { sessionId: string; events: { type: string; dir?: string; bytes?: unknown }[] }[] };
    const kept = logs.find((l) => l.sessionId === 's1')!.events.filter((e) => e.type === 'data');
    expect(kept.map((e) => [e.dir, e.bytes])).toEqual([
      ['rx', '010270696e67'],
      ['tx', 'cafe'],
    ]);

    cli.child.stdin.end();
    await cli.next((l) => l.type === 'session' && (l.session as { state: string }).state === 'closed', 'the session closed on EOF');
    await cli.next((l) => l.kind === 'end', 'end');
    expect(await cli.exited).toBe(0);
  });
  it('runs the worked example of docs/automation.md: a listener that answers PING n with PONG n, checked by python3', async () => {
    const cli = startCli();
    const ready = await cli.next((l) => l.kind === 'ready', 'ready');
    expect(ready.methods).toEqual(expect.arrayContaining(['automate', 'repeat']));
    cli.send(
      String.raw`{"id":1,"method":"open","args":{"config":{"kind":"tcp-server","host":"127.0.0.1","port":0,"automation":{"framing":{"mode":"delimiter","delimiter":"0a"},"rules":[{"id":"ping","name":"PING","match":{"on":"text","kind":"regex","pattern":"^PING (?<n>\\d+)$"},"reply":{"format":"text","value":"PONG {{$n}}\\n"}}]}}}}`,
    );
    const opened = await cli.next((l) => l.kind === 'result' && l.id === 1, 'open result');
    expect(opened.ok).toBe(true);
    const session = opened.value as { id: string; local: { port: number } };
    const client = peer('python3', [
      '-c',
      `import socket\ns = socket.create_connection(("127.0.0.1", ${session.local.port}))\ns.sendall(b"PING 1\\nPING 42\\n")\ngot = b""\nwhile len(got) < 15:\n    got += s.recv(100)\nprint("ok" if got == b"PONG 1\\nPONG 42\\n" else repr(got), flush=True)`,
    ]);
    await until(() => client.output().toString() === 'ok\n', 'python3 to check both replies');
    const reply = await cli.next((l) => l.type === 'data' && l.dir === 'tx', 'the reply event');
    expect(reply).toMatchObject({ origin: { kind: 'rule', ruleId: 'ping', name: 'PING' } });
    const status = await cli.next(
      (l) => l.type === 'automation' && (l.status as { rules: { replies: number }[] }).rules[0]!.replies === 2,
      'the rule status',
    );
    expect(status).toMatchObject({ sessionId: session.id, status: { rules: [{ id: 'ping', hits: 2, replies: 2 }] } });

    cli.send({
      id: 2,
      method: 'automate',
      args: { sessionId: session.id, automation: { liveness: { silenceMs: 100, action: 'reconnect' } } },
    });
    expect(await cli.next((l) => l.id === 2, 'refused liveness')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    cli.send({ id: 3, method: 'automate', args: { sessionId: session.id } });
    expect(await cli.next((l) => l.id === 3, 'automation off')).toMatchObject({ ok: true, value: { id: session.id } });
    cli.send({ id: 4, method: 'repeat', args: { sessionId: session.id, action: 'stop' } });
    expect(await cli.next((l) => l.id === 4, 'nothing to stop')).toMatchObject({ ok: false, error: { code: 'BAD_STATE' } });
    cli.child.stdin.end();
    expect(await cli.exited).toBe(0);
  });
});
