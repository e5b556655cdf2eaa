/**
 * The TCP relay between real peers on loopback: python3 clients and servers carrying data both
 * ways, FIN passed on as FIN and RST as RST, an upstream that refuses, a held message edited
 * before it goes on, and curl fetching a page from python3's http.server through the relay.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas } from '@shared/contract';
import { MAX_RELAY_HELD_BYTES } from '@shared/limits';
import {
  connectPeer,
  disposeAll,
  freePort,
  listenPeer,
  onCleanup,
  openRelay,
  pseudoRandomBytes,
  sha256,
  startEngine,
  textPayload,
  writeAll,
} from '../support/engine';
import { tempDir } from '../support/temp-dir';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

afterEach(disposeAll);

const run = promisify(execFile);

/** A python3 script run with arguments; resolves with what it printed. */
function python(script: string, ...args: string[]): Promise<string> {
  return run('python3', ['-c', script, ...args], { timeout: 20_000 }).then((r) => r.stdout.trim());
}

/** python3 server on port 0: prints its port, reads to EOF, answers `reply:<what came>` and closes. */
const PY_ANSWER_AFTER_EOF = `
import socket, sys
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
got = b''
while True:
    b = c.recv(65536)
    if not b: break
    got += b
c.sendall(b'reply:' + got)
c.close()
print('eof-seen', flush=True)
`;

/** python3 client: sends, half-closes (FIN), reads to EOF and prints what came back. */
const PY_SEND_FIN_READ = `
import socket, sys
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
c.sendall(sys.argv[2].encode())
c.shutdown(socket.SHUT_WR)
got = b''
while True:
    b = c.recv(65536)
    if not b: break
    got += b
print(got.decode(), flush=True)
`;

/** python3 server on port 0 that, after reading once, either resets (SO_LINGER 0) or waits to see a reset. */
const PY_SERVER = `
import socket, struct, sys
mode = sys.argv[1]
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.recv(100)
if mode == 'reset':
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()
    print('sent-reset', flush=True)
else:
    try:
        while c.recv(100): pass
        print('eof', flush=True)
    except ConnectionResetError:
        print('reset', flush=True)
`;

/** python3 client that sends, then either resets (SO_LINGER 0) or waits to see how the relay ends it. */
const PY_CLIENT = `
import socket, struct, sys, time
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
if sys.argv[2] == 'reset':
    c.sendall(b'x')
    time.sleep(0.3)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()
    print('sent-reset', flush=True)
else:
    try:
        c.sendall(b'x')
        while c.recv(100): pass
        print('eof', flush=True)
    except ConnectionResetError:
        print('reset', flush=True)
`;

/** Start a python3 server script and read the port it prints; the rest of its output comes later. */
async function pythonServer(script: string, ...args: string[]): Promise<{ port: number; output: () => string; done: Promise<void> }> {
  const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let exited = false;
  const done = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  onCleanup(() => {
    if (!exited) child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(Number(line));
    });
    child.on('exit', () => reject(new Error(`python3 server exited: ${out}`)));
  });
  return { port, output: () => out.split('\n').slice(1).join('\n').trim(), done };
}

describe('TCP relay', () => {
  it('carries both ways and passes each FIN on to the other leg', async () => {
    const engine = startEngine();
    const server = await pythonServer(PY_ANSWER_AFTER_EOF);
    const { session, port } = await openRelay(engine, server.port);
    const printed = await python(PY_SEND_FIN_READ, String(port), 'hello');
    expect(printed).toBe('reply:hello');
    await server.done;
    expect(server.output()).toBe('eof-seen');

    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0]);
    expect(closed).toMatchObject({ reason: 'peer-closed', leg: 'client' });
    const halves = engine.ofType('half-closed', (e) => e.sessionId === session.id).map((e) => `${e.leg}:${e.by}`);
    expect(halves).toEqual(['client:peer', 'server:local', 'server:peer', 'client:local']);
    const data = engine.ofType('data', (e) => e.sessionId === session.id);
    expect(data.map((e) => [e.dir, e.relay?.flow, Buffer.from(e.bytes).toString()])).toEqual([
      ['rx', 'to-server', 'hello'],
      ['rx', 'to-client', 'reply:hello'],
    ]);
    const info = await engine.info(session.id);
    expect(info.counters).toMatchObject({ rxBytes: 16, txBytes: 16 });
  });

  it('passes a client RST on to the server as an RST', async () => {
    const engine = startEngine();
    const server = await pythonServer(PY_SERVER, 'watch');
    const { session, port } = await openRelay(engine, server.port);
    expect(await python(PY_CLIENT, String(port), 'reset')).toBe('sent-reset');
    await server.done;
    expect(server.output()).toBe('reset');
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0]);
    expect(closed).toMatchObject({ reason: 'peer-reset', leg: 'client' });
  });

  it('passes a server RST on to the client as an RST', async () => {
    const engine = startEngine();
    const server = await pythonServer(PY_SERVER, 'reset');
    const { session, port } = await openRelay(engine, server.port);
    expect(await python(PY_CLIENT, String(port), 'watch')).toBe('reset');
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0]);
    expect(closed).toMatchObject({ reason: 'peer-reset', leg: 'server' });
  });

  it('resets the client when the upstream refuses, and says why', async () => {
    const engine = startEngine();
    const { session, port } = await openRelay(engine, await freePort());
    expect(await python(PY_CLIENT, String(port), 'watch')).toBe('reset');
    const error = await engine.waitFor(() => engine.ofType('error', (e) => e.sessionId === session.id)[0]);
    expect(error.error.code).toBe('ECONNREFUSED');
    expect(error.error.message).toMatch(
      /^Relaying 127\.0\.0\.1:\d+ to the upstream 127\.0\.0\.1:\d+ failed: Connecting to .* \(ECONNREFUSED\)\. The relay reset the client\.$/,
    );
    expect(error.error.i18n.message.key).toBe('relay.upstreamFailed');
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0]);
    expect(closed).toMatchObject({ reason: 'error', leg: 'server' });
  });

  it('holds a direction, and an edited message arrives edited; the held FIN follows it', async () => {
    const engine = startEngine();
    const upstream = await listenPeer('127.0.0.1', { allowHalfOpen: true });
    const { session, port } = await openRelay(engine, upstream.port, {
      holdToServer: true,
      framing: { mode: 'delimiter', delimiter: '0a', keepDelimiter: true },
    });
    const client = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const server = await upstream.next();
    client.socket.write('GET /one\nGET /tw');
    client.socket.end('o\n');
    const held = await engine.heldMessages(session.id, (messages) => messages.length === 2 && !messages[1]!.partial);
    expect(held.map((m) => [Buffer.from(m.bytes).toString(), m.flow])).toEqual([
      ['GET /one\n', 'to-server'],
      ['GET /two\n', 'to-server'],
    ]);
    const info = await engine.info(session.id);
    expect(info.connections[0]!.relay!.held['to-server']).toEqual({ messages: 2, bytes: 18 });
    // Nothing has gone on, the FIN neither: it waits behind what is held.
    expect(server.received().length).toBe(0);
    expect(server.ended).toBe(false);

    const edited = await engine.held({
      sessionId: session.id,
      action: 'edit',
      id: held[1]!.id,
      payload: { format: 'text', value: 'GET /edited\\n', escapes: true },
    });
    expect(edited.ok).toBe(true);
    const dropped = await engine.held({ sessionId: session.id, action: 'drop', ids: [held[0]!.id] });
    expect(dropped.ok && dropped.value.map((m) => m.id)).toEqual([held[1]!.id]);
    const released = await engine.held({ sessionId: session.id, action: 'release', flow: 'to-server' });
    expect(released.ok && released.value).toEqual([]);
    await engine.waitFor(() => server.ended);
    expect(server.received().toString()).toBe('GET /edited\n');
    const tx = engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx');
    expect(tx.map((e) => [Buffer.from(e.bytes).toString(), e.relay])).toEqual([['GET /edited\n', { flow: 'to-server', edited: true }]]);

    const missing = await engine.held({ sessionId: session.id, action: 'release', ids: [held[0]!.id] });
    expect(!missing.ok && missing.error.message).toBe(
      `Relay ${session.id} holds no message ${held[0]!.id}: it was released or dropped, or never held.`,
    );
  });

  it('between socat peers: a held line is edited, the other passes as it was, and the FIN follows them', async () => {
    const engine = startEngine();
    const upstreamPort = await freePort();
    // The server prints what reaches it and exits at the FIN; the client sends two lines and ends.
    const server = spawn('socat', ['-d', '-d', '-u', `TCP-LISTEN:${upstreamPort},bind=127.0.0.1,reuseaddr`, 'STDOUT'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    let said = '';
    server.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const serverDone = new Promise<number | null>((resolve) => server.once('exit', resolve));
    onCleanup(() => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });
    await engine.waitFor(() => said.includes('listening on'), 10_000, 'socat to listen');

    const { session, port } = await openRelay(engine, upstreamPort, {
      holdToServer: true,
      framing: { mode: 'delimiter', delimiter: '0a', keepDelimiter: true },
    });
    const client = spawn('socat', ['-t', '5', '-', `TCP:127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    const clientDone = new Promise<number | null>((resolve) => client.once('exit', resolve));
    onCleanup(() => {
      if (client.exitCode === null) client.kill('SIGKILL');
    });
    client.stdin.end('status\nset password=hunter2\n');

    const held = await engine.heldMessages(session.id, (messages) => messages.length === 2 && !messages[1]!.partial);
    expect(held.map((m) => Buffer.from(m.bytes).toString())).toEqual(['status\n', 'set password=hunter2\n']);
    expect(printed).toBe('');
    const edited = await engine.held({
      sessionId: session.id,
      action: 'edit',
      id: held[1]!.id,
      payload: { format: 'text', value: 'set password=changed\\n', escapes: true },
    });
    expect(edited.ok).toBe(true);
    const released = await engine.held({ sessionId: session.id, action: 'release' });
    expect(released.ok && released.value).toEqual([]);

    expect(await serverDone).toBe(0);
    expect(printed).toBe('status\nset password=changed\n');
    // The upstream's FIN came back to the client as a FIN: socat ended on it, well before its -t 5.
    expect(await clientDone).toBe(0);
    const tx = await engine.waitFor(() => {
      const sent = engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx');
      return sent.length === 2 ? sent : undefined;
    });
    expect(tx.map((e) => [Buffer.from(e.bytes).toString(), e.relay?.edited ?? false])).toEqual([
      ['status\n', false],
      ['set password=changed\n', true],
    ]);
  });

  it('injects into either direction, and stops holding by releasing what it held', async () => {
    const engine = startEngine();
    const upstream = await listenPeer('127.0.0.1');
    const { session, port } = await openRelay(engine, upstream.port, { holdToClient: true });
    const client = await connectPeer(port);
    const server = await upstream.next();
    await engine.waitFor(async () => (await engine.info(session.id)).connections[0]?.relay?.connected);
    const connId = (await engine.info(session.id)).connections[0]!.connId;
    expect(await engine.inject({ sessionId: session.id, connId, flow: 'to-server', payload: textPayload('to server') })).toEqual({
      ok: true,
      value: { bytes: 9, targets: 1 },
    });
    await engine.waitFor(() => server.received().toString() === 'to server');
    await engine.inject({ sessionId: session.id, flow: 'to-client', payload: textPayload('to client') });
    await engine.waitFor(() => client.received().toString() === 'to client');
    server.socket.write('held reply');
    await engine.waitFor(() => engine.ofType('held', (e) => e.messages.length === 1)[0]);
    expect(client.received().toString()).toBe('to client');
    const hold = await engine.manager.hold({ sessionId: session.id, flow: 'to-client', hold: false });
    expect(hold.ok && hold.value.config).toMatchObject({ holdToClient: false });
    await engine.waitFor(() => client.received().toString() === 'to clientheld reply');
    const injected = engine.ofType('data', (e) => e.sessionId === session.id && e.relay?.injected === true);
    expect(injected.map((e) => e.relay!.flow)).toEqual(['to-server', 'to-client']);

    const notRelay = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const refused = await engine.inject({ sessionId: notRelay.id, flow: 'to-server', payload: textPayload('x') });
    expect(!refused.ok && refused.error.message).toBe(
      `Session ${notRelay.id} is a TCP listener, not a relay: holding, held messages and injecting are for relays.`,
    );
    const send = await engine.send(session.id, textPayload('x'));
    expect(!send.ok && send.error.message).toBe('A relay sends with inject, naming the direction: to-server or to-client.');
  });

  it("fills an inject's macros from the session's counters, previews the next one, and injects bytes as they are", async () => {
    const engine = startEngine();
    const upstream = await listenPeer('127.0.0.1');
    const { session, port } = await openRelay(engine, upstream.port);
    const client = await connectPeer(port);
    const server = await upstream.next();
    await engine.waitFor(async () => (await engine.info(session.id)).connections[0]?.relay?.connected);
    const counted = { format: 'text' as const, value: 'n={{counter start=7}};', escapes: false };
    expect(await engine.inject({ sessionId: session.id, flow: 'to-server', payload: counted })).toEqual({
      ok: true,
      value: { bytes: 4, targets: 1 },
    });
    await engine.inject({ sessionId: session.id, flow: 'to-server', payload: counted });
    await engine.waitFor(() => server.received().toString() === 'n=7;n=8;');
    // The preview shows the next inject's bytes and advances nothing.
    const preview = await engine.manager.preview(argSchemas.preview.parse({ sessionId: session.id, payload: counted }));
    expect(preview.ok && Buffer.from(preview.value.bytes).toString()).toBe('n=9;');
    await engine.inject({ sessionId: session.id, flow: 'to-client', payload: counted });
    await engine.waitFor(() => client.received().toString() === 'n=9;');

    // Bytes go as they are, braces and all: a file's chunk is not a template.
    const raw = new Uint8Array([0x00, 0xff, ...Buffer.from('{{counter}}')]);
    expect(await engine.inject({ sessionId: session.id, flow: 'to-client', bytes: raw })).toEqual({
      ok: true,
      value: { bytes: raw.byteLength, targets: 1 },
    });
    await engine.waitFor(() => client.received().length === 4 + raw.byteLength);
    expect([...client.received().subarray(4)]).toEqual([...raw]);
    const both = argSchemas.inject.safeParse({ sessionId: session.id, flow: 'to-client', bytes: raw, payload: counted });
    expect(both.success).toBe(false);
    const neither = argSchemas.inject.safeParse({ sessionId: session.id, flow: 'to-client' });
    expect(neither.success).toBe(false);
  });

  it('stops reading a held direction at the held limit, says so, and delivers every byte once released', async () => {
    const engine = startEngine();
    const upstream = await listenPeer('127.0.0.1');
    const { session, port } = await openRelay(engine, upstream.port, { holdToServer: true });
    const client = await connectPeer(port);
    const server = await upstream.next();
    const data = pseudoRandomBytes(MAX_RELAY_HELD_BYTES + 4 * 1024 * 1024);
    void writeAll(client.socket, data);
    const full = await engine.waitFor(
      () => engine.ofType('error', (e) => e.sessionId === session.id && e.error.i18n.message.key === 'relay.heldFull')[0],
      20_000,
    );
    expect(full.error.message).toMatch(
      new RegExp(
        `^Relay ${session.id} holds \\d+ bytes, its limit: pair c1 stops reading client → server until held messages are released or dropped\\.$`,
      ),
    );
    const heldBytes = (await engine.info(session.id)).connections[0]!.relay!.held['to-server'].bytes;
    expect(heldBytes).toBeGreaterThanOrEqual(MAX_RELAY_HELD_BYTES);
    // The leg stopped reading: the rest waits in the kernel and in the client.
    expect(heldBytes).toBeLessThan(data.length);
    expect(server.received().length).toBe(0);
    await engine.manager.hold({ sessionId: session.id, flow: 'to-server', hold: false });
    await engine.waitFor(() => server.received().length === data.length, 30_000);
    expect(sha256(server.received())).toBe(sha256(data));
  }, 60_000);

  it('carries curl to python3 http.server and back', async () => {
    const engine = startEngine();
    const folder = await tempDir();
    await writeFile(join(folder, 'page.txt'), 'served through the relay\n');
    const httpPort = await freePort();
    const http = spawn('python3', ['-m', 'http.server', String(httpPort), '--bind', '127.0.0.1', '--directory', folder], {
      stdio: 'ignore',
    });
    onCleanup(() => {
      http.kill('SIGKILL');
    });
    await engine.waitFor(
      async () =>
        (await python(
          `import socket\ntry:\n  socket.create_connection(('127.0.0.1', ${httpPort})).close(); print('up')\nexcept OSError: print('down')`,
        )) === 'up',
      10_000,
    );
    const { session, port } = await openRelay(engine, httpPort);
    const { stdout } = await run('curl', ['-s', '--max-time', '10', `http://127.0.0.1:${port}/page.txt`]);
    expect(stdout).toBe('served through the relay\n');
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id).length > 0);
    const data = engine.ofType('data', (e) => e.sessionId === session.id);
    expect(Buffer.concat(data.filter((e) => e.relay?.flow === 'to-server').map((e) => e.bytes)).toString()).toMatch(
      /^GET \/page\.txt HTTP\/1\.1\r\n/,
    );
    expect(Buffer.concat(data.filter((e) => e.relay?.flow === 'to-client').map((e) => e.bytes)).toString()).toMatch(
      /^HTTP\/1\.0 200 OK\r\n[\s\S]*served through the relay\n$/,
    );
  });
});
