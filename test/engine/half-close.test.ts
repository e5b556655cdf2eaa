/**
 * Half-close and resets with the peers users compare us with: nc -N, socat and ncat as
 * request/response clients that half-close, a server that shuts its write side at once, and
 * python3 sockets that reset (SO_LINGER 0) at each moment of a connection. Real sockets on
 * loopback, real programs; the recorder's pcapng is read back with tshark.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HALF_CLOSE_LINGER_MS } from '@shared/limits';
import { convertTranscriptFile } from '@recorder/convert';
import { disposeAll, freePort, listenPeer, onCleanup, startEngine, textPayload, type Engine } from '../support/engine';
import { engineWithRecorder } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

afterEach(disposeAll);

const run = promisify(execFile);

/** A peer program, killed at cleanup if it is still running; `output()` is what it printed. */
function program(command: string, args: string[], stdin?: string): { child: ChildProcess; output: () => string; exited: () => boolean } {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.on('exit', () => (exited = true));
  // A peer that is missing or exits before reading its stdin fails the test by what it did not
  // print or send, not as an EPIPE thrown outside the test.
  child.on('error', () => (exited = true));
  child.stdin!.on('error', () => undefined);
  if (stdin !== undefined) child.stdin!.end(stdin);
  onCleanup(() => {
    if (!exited) child.kill('SIGKILL');
  });
  return { child, output: () => out, exited: () => exited };
}

/** A python3 client of port `port` that ends with an RST (SO_LINGER 0) after `before`. */
const PY_RESET = `
import socket, struct, sys, time
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
mode = sys.argv[2]
if mode == 'after-fin':
    c.sendall(b'req'); c.shutdown(socket.SHUT_WR); time.sleep(0.2)
if mode == 'during-send':
    time.sleep(0.3)
if mode == 'after-our-fin':
    while c.recv(65536): pass
c.close()
`;

/** A python3 server that shuts down its write side as it accepts (a FIN first), then prints what it reads. */
const PY_HALF_CLOSING_SERVER = `
import socket, sys
s = socket.create_server(('127.0.0.1', int(sys.argv[1])))
print('listening', flush=True)
c, _ = s.accept()
c.shutdown(socket.SHUT_WR)
while True:
    data = c.recv(65536)
    if not data: break
    sys.stdout.write(data.decode()); sys.stdout.flush()
`;

async function listener(engine: Engine, extra: { halfCloseLingerMs?: number; halfOpen?: boolean } = {}) {
  const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, ...extra });
  return { id: info.id, port: info.local!.port };
}

const opened = (engine: Engine, sessionId: string) =>
  engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === sessionId)[0]?.conn, 5000, 'a connection');
const closedEvent = (engine: Engine, connId: string, timeoutMs = 5000) =>
  engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === connId)[0], timeoutMs, `${connId} to close`);
const finsOf = (engine: Engine, connId: string) => engine.ofType('half-closed', (e) => e.connId === connId);

/**
 * Stop the session's recording, convert it to pcapng and have tshark read it: the packets that
 * carry FIN or RST, each as who sent it (`us`: the listener on `port`) and its flags, `peer AF`.
 */
async function finsAndResets(engine: Engine, sessionId: string, port: number, folder: string): Promise<string[]> {
  const stopped = await engine.manager.record({ sessionId, action: 'stop' });
  if (!stopped.ok) throw new Error(stopped.error.message);
  const pcapng = join(folder, 'out.pcapng');
  await convertTranscriptFile(stopped.value.path, 'pcapng', pcapng);
  const { stdout } = await run('tshark', ['-r', pcapng, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.flags.str'], {
    env: { ...process.env, HOME: folder, XDG_CONFIG_HOME: folder },
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([from, flags]) => `${from === String(port) ? 'us' : 'peer'} ${flags!.replace(/·/g, '').trim()}`)
    .filter((p) => /[FR]/.test(p.split(' ')[1]!));
}

describe('half-close: request/response clients that send FIN after the request get the reply (default linger)', () => {
  const clients: [string, (port: number) => [string, string[]]][] = [
    ['nc -N', (port) => ['nc.openbsd', ['-N', '127.0.0.1', String(port)]]],
    ['socat -t 5', (port) => ['socat', ['-t', '5', '-', `TCP:127.0.0.1:${port}`]]],
    ['ncat (stdin at EOF)', (port) => ['ncat', ['127.0.0.1', String(port)]]],
  ];
  it.each(clients)('%s', async (_name, command) => {
    const engine = startEngine();
    const { id, port } = await listener(engine);
    const [bin, args] = command(port);
    const peer = program(bin, args, 'q\n');
    const conn = await opened(engine, id);
    const fin = await engine.waitFor(() => finsOf(engine, conn.connId).find((e) => e.by === 'peer'), 5000, 'the request and its FIN');
    expect(engine.dataBytes(id, conn.connId, 'rx').toString()).toBe('q\n');
    expect(fin.closesAt).toBe(fin.at + DEFAULT_HALF_CLOSE_LINGER_MS);
    const shown = (await engine.info(id)).connections[0]!;
    expect(shown).toMatchObject({ peerEnded: true, localEnded: false, closesAt: fin.closesAt });

    const reply = await engine.send(id, textPayload('answer\n'), { type: 'connections', connIds: [conn.connId] });
    expect(reply.ok).toBe(true);
    await until(() => peer.output() === 'answer\n', `${bin} to print the reply`);
    expect(finsOf(engine, conn.connId).map((e) => e.by)).toEqual(['peer']);
  });
});

describe('half-close linger', () => {
  it('0 answers the FIN at once (the old default) and a later send says why the connection is gone', async () => {
    const engine = startEngine();
    const { id, port } = await listener(engine, { halfCloseLingerMs: 0 });
    const peer = program('nc.openbsd', ['-N', '127.0.0.1', String(port)], 'q\n');
    const conn = await opened(engine, id);
    const closed = await closedEvent(engine, conn.connId);
    expect(closed.reason).toBe('peer-closed');
    const fins = finsOf(engine, conn.connId);
    expect(fins.map((e) => e.by)).toEqual(['peer', 'local']);
    expect(fins[0]!.closesAt).toBeUndefined();
    expect(fins[1]!.at - fins[0]!.at).toBeLessThan(100);
    await until(peer.exited, 'nc to exit on our FIN');

    const late = await engine.send(id, textPayload('too late'), { type: 'connections', connIds: [conn.connId] });
    expect(late.ok).toBe(false);
    expect(!late.ok && late.error.code).toBe('NOT_FOUND');
    expect(!late.ok && late.error.message).toMatch(
      new RegExp(
        `^Connection ${conn.connId} closed at \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\(the peer sent FIN and, with a half-close linger of 0, we answered at once\\)\\.$`,
      ),
    );
  });

  it('200 ms: our FIN goes out about 200 ms after the peer’s, and a later send names the linger', async () => {
    const engine = startEngine();
    const { id, port } = await listener(engine, { halfCloseLingerMs: 200 });
    const peer = program('nc.openbsd', ['-N', '127.0.0.1', String(port)], 'q\n');
    const conn = await opened(engine, id);
    const closed = await closedEvent(engine, conn.connId);
    expect(closed.reason).toBe('peer-closed');
    const [theirs, ours] = finsOf(engine, conn.connId);
    expect(theirs!.closesAt).toBe(theirs!.at + 200);
    expect(ours!.by).toBe('local');
    expect(ours!.at - theirs!.at).toBeGreaterThanOrEqual(195);
    expect(ours!.at - theirs!.at).toBeLessThan(1000);
    await until(peer.exited, 'nc to exit on our FIN');
    const late = await engine.send(id, textPayload('too late'), { type: 'connections', connIds: [conn.connId] });
    expect(!late.ok && late.error.message).toContain('(the peer sent FIN and the 200 ms half-close linger ended).');
    const disconnect = await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'graceful' });
    expect(!disconnect.ok && disconnect.error.message).toContain('200 ms half-close linger ended');
  });

  it('halfOpen keeps a half-closed connection open past any linger, without closesAt', async () => {
    const engine = startEngine();
    const { id, port } = await listener(engine, { halfOpen: true, halfCloseLingerMs: 100 });
    const peer = program('nc.openbsd', ['-N', '127.0.0.1', String(port)], 'q\n');
    const conn = await opened(engine, id);
    await engine.waitFor(() => finsOf(engine, conn.connId)[0], 5000, 'the FIN');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const still = (await engine.info(id)).connections[0]!;
    expect(still).toMatchObject({ connId: conn.connId, peerEnded: true, localEnded: false });
    expect(still.closesAt).toBeUndefined();
    expect((await engine.send(id, textPayload('late but welcome\n'))).ok).toBe(true);
    await until(() => peer.output() === 'late but welcome\n', 'nc to print it');
  });
});

describe('half-close as a client', () => {
  it('keeps sending to a server that shuts its write side at once (python3), within the linger', async () => {
    const port = await freePort();
    const server = program('python3', ['-c', PY_HALF_CLOSING_SERVER, String(port)]);
    await until(() => server.output().startsWith('listening'), 'python to listen');
    const engine = startEngine();
    const info = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port, halfCloseLingerMs: 2000 });
    const connId = info.connections[0]!.connId;
    const fin = await engine.waitFor(() => finsOf(engine, connId).find((e) => e.by === 'peer'), 5000, 'the server’s FIN');
    expect(fin.closesAt).toBe(fin.at + 2000);
    expect((await engine.info(info.id)).state).toBe('open');
    for (const line of ['one\n', 'two\n']) expect((await engine.send(info.id, textPayload(line))).ok).toBe(true);
    await until(() => server.output() === 'listening\none\ntwo\n', 'python to print both lines');
  });

  it('after the linger a send says the session is closed, and why and when its connection closed', async () => {
    const remote = await listenPeer('127.0.0.1', { allowHalfOpen: true });
    const engine = startEngine();
    const info = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: remote.port, halfCloseLingerMs: 100 });
    const peer = await remote.next();
    peer.socket.end();
    await closedEvent(engine, info.connections[0]!.connId);
    const late = await engine.send(info.id, textPayload('late'));
    expect(!late.ok && late.error).toMatchObject({
      code: 'BAD_STATE',
      message: expect.stringMatching(
        /^Session s\d+ is closed, not open: Connection c\d+ closed at .* \(the peer sent FIN and the 100 ms half-close linger ended\)\.$/,
      ),
    });
  });
});

describe('resets are reported as resets', () => {
  it('an RST before the accept completed: a reset of an unknown peer, said in words', async () => {
    const engine = startEngine();
    const { id, port } = await listener(engine);
    // spawnSync holds this process's event loop, so the client connects and resets before we accept.
    expect(spawnSync('python3', ['-c', PY_RESET, String(port), 'now']).status).toBe(0);
    const conn = await opened(engine, id);
    expect(conn.remote.address).toBe('');
    const closed = await closedEvent(engine, conn.connId);
    expect(closed.reason).toBe('peer-reset');
    const error = engine.ofType('error', (e) => e.connId === conn.connId)[0]!.error;
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toContain('an unknown peer (its address could not be read)');
    const late = await engine.send(id, textPayload('x'), { type: 'connections', connIds: [conn.connId] });
    expect(!late.ok && late.error.message).toContain('the peer reset it before it was accepted');
  });

  it('an RST before the accept completed, in the pcapng: the unspecified address stands in for the peer and says so, and reads back as unknown', async () => {
    const folder = await tempDir('si-early-rst-');
    const { engine } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, record: true });
    expect(spawnSync('python3', ['-c', PY_RESET, String(info.local!.port), 'now']).status).toBe(0);
    const conn = await opened(engine, info.id);
    expect(conn.remote.address).toBe('');
    expect((await closedEvent(engine, conn.connId)).reason).toBe('peer-reset');
    const stopped = await engine.manager.record({ sessionId: info.id, action: 'stop' });
    if (!stopped.ok) throw new Error(stopped.error.message);

    const pcapng = join(folder, 'early.pcapng');
    await convertTranscriptFile(stopped.value.path, 'pcapng', pcapng);
    const { stdout } = await run(
      'tshark',
      [
        '-r',
        pcapng,
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-e',
        'ip.src',
        '-e',
        'tcp.srcport',
        '-e',
        'tcp.flags.str',
        '-e',
        'frame.comment',
      ],
      { env: { ...process.env, HOME: folder, XDG_CONFIG_HOME: folder } },
    );
    const packets = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([address, port, flags, comment]) => ({ from: `${address}:${port}`, flags: flags!.replace(/·/g, '').trim(), comment }));
    const peer = '0.0.0.0:0';
    const us = `127.0.0.1:${info.local!.port}`;
    expect(packets.map((p) => `${p.from === peer ? 'peer' : p.from === us ? 'us' : p.from} ${p.flags}`)).toEqual([
      'peer S',
      'us AS',
      'peer A',
      'peer AR',
    ]);
    expect(packets[0]!.comment).toContain(`conn=${conn.connId}`);
    expect(packets[0]!.comment).toContain(
      'remote=unknown: the peer reset the connection before the app accepted it, so its address and port could not be read',
    );
    expect(packets[3]!.comment).toBe('close=peer-reset');

    // Read back, the peer is unknown again, not 0.0.0.0:0; the text dump says so in words.
    const text = join(folder, 'early.txt');
    await convertTranscriptFile(pcapng, 'text', text);
    const dump = await readFile(text, 'utf8');
    expect(dump).toMatch(new RegExp(`open +conn ${conn.connId}, local 127\\.0\\.0\\.1:${info.local!.port}, remote unknown\\n`));
    expect(dump).not.toContain('0.0.0.0');
  });

  it('FIN then RST (socat linger=0 style), recorded without a FIN from us, as tshark reads the pcapng', async () => {
    const folder = await tempDir('si-halfclose-');
    const { engine } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfCloseLingerMs: 500, record: true });
    const port = info.local!.port;
    const client = program('python3', ['-c', PY_RESET, String(port), 'after-fin']);
    const conn = await opened(engine, info.id);
    const closed = await closedEvent(engine, conn.connId);
    expect(closed.reason).toBe('peer-reset');
    expect(finsOf(engine, conn.connId).map((e) => e.by)).toEqual(['peer']);
    expect(engine.ofType('error', (e) => e.connId === conn.connId)[0]!.error.code).toBe('EPIPE');
    await until(client.exited, 'python to exit');

    expect(await finsAndResets(engine, info.id, port, folder)).toEqual(['peer AF', 'peer AR']);
  });

  it('an RST answering our FIN (during our shutdown) is a reset, and the pcapng holds our FIN, then its RST', async () => {
    const folder = await tempDir('si-shutdown-rst-');
    const { engine } = engineWithRecorder({ folder });
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, record: true });
    const port = info.local!.port;
    const client = program('python3', ['-c', PY_RESET, String(port), 'after-our-fin']);
    const conn = await opened(engine, info.id);
    expect((await engine.manager.disconnect({ sessionId: info.id, connId: conn.connId, mode: 'graceful' })).ok).toBe(true);
    const closed = await closedEvent(engine, conn.connId);
    expect(closed.reason).toBe('peer-reset');
    expect(finsOf(engine, conn.connId).map((e) => e.by)).toEqual(['local']);
    expect(engine.ofType('error', (e) => e.connId === conn.connId)[0]!.error.code).toBe('ECONNRESET');
    const late = await engine.send(info.id, textPayload('x'), { type: 'connections', connIds: [conn.connId] });
    expect(!late.ok && late.error.message).toMatch(/closed at .*\(the peer reset it\)/);
    await until(client.exited, 'python to exit');

    expect(await finsAndResets(engine, info.id, port, folder)).toEqual(['us AF', 'peer AR']);
  });

  it('an RST while we send is a reset, not an error', async () => {
    const engine = startEngine();
    const { id, port } = await listener(engine);
    program('python3', ['-c', PY_RESET, String(port), 'during-send']);
    const conn = await opened(engine, id);
    const chunk = textPayload('x'.repeat(60_000));
    const closed = await engine.waitFor(
      async () => {
        await engine.send(id, chunk, { type: 'connections', connIds: [conn.connId] });
        return engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0];
      },
      5000,
      'the reset',
    );
    expect(closed.reason).toBe('peer-reset');
    expect(['ECONNRESET', 'EPIPE']).toContain(engine.ofType('error', (e) => e.connId === conn.connId)[0]!.error.code);
  });
});
