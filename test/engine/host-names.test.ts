/**
 * Host names: a listener or UDP session on a name binds every address the name resolves to, a
 * client tries them in order, UDP sends to a name say which address they used. Debian's stock
 * /etc/hosts gives `localhost` both ::1 and 127.0.0.1; machines differ, so the two-address cases
 * give the engine a lookup that answers as Debian does (the sockets and peers stay real), and
 * one case uses the machine's own resolver for `localhost`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostLookup } from '@engine/resolve';
import { disposeAll, freePort, listenPeer, onCleanup, startEngine, textPayload, track, tryConnect } from '../support/engine';

afterEach(disposeAll);

/** `localhost` as Debian's /etc/hosts has it: ::1 first, then 127.0.0.1 (twice, as some files list it). */
const debianLocalhost: HostLookup = (host) =>
  host === 'localhost'
    ? Promise.resolve([
        { address: '::1', family: 'IPv6' },
        { address: '127.0.0.1', family: 'IPv4' },
        { address: '127.0.0.1', family: 'IPv4' },
      ])
    : Promise.reject(Object.assign(new Error(`${host} not found`), { code: 'ENOTFOUND' }));

/** Run a program to its end (bounded by `timeout`), feeding it `input`; its stdout. */
function run(
  command: string,
  args: string[],
  input = '',
  timeoutMs = 5000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** A python3 client of one family: connects to `address`, sends `text`, prints its own address. */
const pythonClient = (family: 'AF_INET' | 'AF_INET6', address: string, port: number, text: string) =>
  run('python3', [
    '-c',
    `import socket\ns = socket.socket(socket.${family}, socket.SOCK_STREAM)\ns.settimeout(3)\ns.connect((${JSON.stringify(address)}, ${port}))\ns.sendall(${JSON.stringify(text)}.encode())\nprint(s.getsockname()[0])\ns.close()`,
  ]);

describe('TCP listener on a host name', () => {
  it('binds every address the name resolves to, once each, and python3 AF_INET and AF_INET6 clients both reach it', async () => {
    const engine = startEngine({ lookup: debianLocalhost });
    const s = await engine.openOk({ kind: 'tcp-server', host: 'localhost', port: 0 });
    const port = s.local!.port;
    expect(s.locals).toEqual([
      { address: '::1', port, family: 'IPv6' },
      { address: '127.0.0.1', port, family: 'IPv4' },
    ]);
    expect(s.local).toEqual(s.locals![0]);

    const v4 = await pythonClient('AF_INET', '127.0.0.1', port, 'from v4');
    const v6 = await pythonClient('AF_INET6', '::1', port, 'from v6');
    expect(v4, v4.stderr).toMatchObject({ code: 0 });
    expect(v6, v6.stderr).toMatchObject({ code: 0 });
    const opened = await engine.waitFor(() => {
      const conns = engine.ofType('connection-opened', (e) => e.sessionId === s.id);
      return conns.length === 2 && conns;
    });
    expect(opened.map((e) => e.conn.local.address).sort()).toEqual(['127.0.0.1', '::1']);
    for (const e of opened) {
      const expected = e.conn.local.address === '::1' ? 'from v6' : 'from v4';
      await engine.waitFor(() => engine.dataBytes(s.id, e.conn.connId, 'rx').toString() === expected, 3000, expected);
    }

    await engine.manager.close({ sessionId: s.id });
    expect(await tryConnect(port, '127.0.0.1')).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    expect(await tryConnect(port, '::1')).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
  });

  it("binds what this machine's resolver gives for localhost, every address of it", async () => {
    const resolved = [...new Set((await lookup('localhost', { all: true, verbatim: true })).map((a) => a.address))];
    const engine = startEngine();
    const s = await engine.openOk({ kind: 'tcp-server', host: 'localhost', port: 0 });
    expect(s.locals!.map((e) => e.address)).toEqual(resolved);
    for (const address of resolved) {
      const family = address.includes(':') ? 'AF_INET6' : 'AF_INET';
      const client = await pythonClient(family, address, s.local!.port, 'hi');
      expect(client, `python3 ${family} to ${address}: ${client.stderr}`).toMatchObject({ code: 0 });
    }
  });

  it('refuses when one address cannot be bound, says which and why, and leaves the others unbound', async () => {
    const taken = await listenPeer('127.0.0.1');
    const engine = startEngine({ lookup: debianLocalhost });
    const result = await engine.open({ kind: 'tcp-server', host: 'localhost', port: taken.port });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EADDRINUSE');
    expect(result.error.message).toBe(
      `Listening on 127.0.0.1:${taken.port} failed: the address is already in use (EADDRINUSE). localhost (::1, 127.0.0.1) is bound on every address or none, so none is listening.`,
    );
    // ::1 was bound first; it is free again.
    const probe = track(createServer());
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: '::1', port: taken.port }, () => resolve());
    });
  });

  it('refuses a name that does not resolve, at once, naming it', async () => {
    const engine = startEngine();
    const started = performance.now();
    const result = await engine.open({ kind: 'tcp-server', host: 'nonexistent.invalid', port: 4000 });
    // A reserved name fails in the local resolver, without waiting on the network.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'ENOTFOUND', message: 'Listening on nonexistent.invalid:4000 failed: the host name was not found (ENOTFOUND).' },
    });
  });
});

describe('TCP client to a host name', () => {
  it('tries the addresses in order: ::1 refused, then 127.0.0.1 (a python3 server) connects, and it says so', async () => {
    const server = spawn('python3', [
      '-c',
      'import socket,sys\ns = socket.socket(socket.AF_INET)\ns.bind(("127.0.0.1", 0))\ns.listen()\nprint(s.getsockname()[1], flush=True)\ns.settimeout(5)\nc, _ = s.accept()\nc.sendall(b"hello from python")\nc.close()',
    ]);
    onCleanup(() => {
      server.kill();
    });
    const port = await new Promise<number>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(await tryConnect(port, '::1')).toMatchObject({ ok: false, code: 'ECONNREFUSED' });

    const engine = startEngine({ lookup: debianLocalhost });
    const s = await engine.openOk({ kind: 'tcp-client', host: 'localhost', port });
    expect(s.connections[0]!.remote).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
    const notice = await engine.waitFor(() => {
      const errors = engine.ofType('error', (e) => e.sessionId === s.id);
      return errors.length > 0 && errors;
    });
    expect(notice.map((e) => e.error.message)).toEqual([
      `Connecting to [::1]:${port} failed: the connection was refused (ECONNREFUSED) (trying 127.0.0.1:${port} next).`,
    ]);
    await engine.waitFor(() => engine.dataBytes(s.id, s.connections[0]!.connId, 'rx').toString() === 'hello from python');
  });

  it('names every address it tried when all are refused', async () => {
    const port = await freePort('127.0.0.1');
    const engine = startEngine({ lookup: debianLocalhost });
    const result = await engine.open({ kind: 'tcp-client', host: 'localhost', port });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'ECONNREFUSED',
        message: `Connecting to localhost port ${port} failed: tried [::1]:${port} (the connection was refused, ECONNREFUSED), then 127.0.0.1:${port} (the connection was refused, ECONNREFUSED).`,
      },
    });
  });

  it('refuses a name that does not resolve, at once', async () => {
    const engine = startEngine();
    const started = performance.now();
    const result = await engine.open({ kind: 'tcp-client', host: 'nonexistent.invalid', port: 4000 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'ENOTFOUND', message: 'Connecting to nonexistent.invalid:4000 failed: the host name was not found (ENOTFOUND).' },
    });
  });
});

describe('UDP on a host name', () => {
  it('receives on every address; nc to 127.0.0.1 and socat to ::1 both arrive and get replies from the socket they reached', async () => {
    const engine = startEngine({ lookup: debianLocalhost });
    const s = await engine.openOk({ kind: 'udp', host: 'localhost', port: 0 });
    const port = s.local!.port;
    expect(s.locals).toEqual([
      { address: '::1', port, family: 'IPv6' },
      { address: '127.0.0.1', port, family: 'IPv4' },
    ]);
    // Both peers connect their UDP socket, so the kernel drops a reply from any other address.
    const replyTo = async (text: string) => {
      const rx = await engine.waitFor(
        () => engine.ofType('data', (e) => e.sessionId === s.id && e.dir === 'rx' && Buffer.from(e.bytes).toString() === text)[0],
      );
      const sent = await engine.send(s.id, textPayload(`re: ${text}`), { type: 'last-sender' });
      expect(sent.ok).toBe(true);
      return rx.peer!;
    };
    const nc = spawn('nc', ['-u', '-w', '2', '127.0.0.1', String(port)]);
    let ncOut = '';
    nc.stdout.on('data', (d: Buffer) => (ncOut += d.toString()));
    nc.stdin.write('via nc');
    expect((await replyTo('via nc')).family).toBe('IPv4');
    await engine.waitFor(() => ncOut === 're: via nc', 3000, 'the reply at nc');
    nc.kill();

    const socat = spawn('socat', ['-T', '2', '-', `UDP6:[::1]:${port}`]);
    let socatOut = '';
    socat.stdout.on('data', (d: Buffer) => (socatOut += d.toString()));
    socat.stdin.write('via socat');
    expect((await replyTo('via socat')).family).toBe('IPv6');
    await engine.waitFor(() => socatOut === 're: via socat', 3000, 'the reply at socat');
    socat.kill();
  });

  it('sends to a name at its first address the session can reach, and the log shows that address', async () => {
    const engine = startEngine({ lookup: debianLocalhost });
    const v4 = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const both = await engine.openOk({ kind: 'udp', host: 'localhost', port: 0 });
    const sinkPort = both.local!.port;

    // An IPv4-only session skips ::1 and sends to 127.0.0.1, where `both` receives it.
    expect(await engine.send(v4.id, textPayload('one'), { type: 'address', host: 'localhost', port: sinkPort })).toMatchObject({
      ok: true,
    });
    const tx = await engine.waitFor(() => engine.ofType('data', (e) => e.sessionId === v4.id && e.dir === 'tx')[0]);
    expect(tx.peer).toEqual({ address: '127.0.0.1', port: sinkPort, family: 'IPv4' });
    const rx = await engine.waitFor(() => engine.ofType('data', (e) => e.sessionId === both.id && e.dir === 'rx')[0]);
    expect(rx.peer).toEqual({ address: '127.0.0.1', port: v4.local!.port, family: 'IPv4' });

    // A session on both families sends to the first address, ::1, from its ::1 socket.
    expect(await engine.send(both.id, textPayload('two'), { type: 'address', host: 'localhost', port: sinkPort })).toMatchObject({
      ok: true,
    });
    const tx2 = await engine.waitFor(() => engine.ofType('data', (e) => e.sessionId === both.id && e.dir === 'tx')[0]);
    expect(tx2.peer).toEqual({ address: '::1', port: sinkPort, family: 'IPv6' });
    const self = await engine.waitFor(
      () => engine.ofType('data', (e) => e.sessionId === both.id && e.dir === 'rx' && Buffer.from(e.bytes).toString() === 'two')[0],
    );
    expect(self.peer).toEqual({ address: '::1', port: sinkPort, family: 'IPv6' });
  });

  it('refuses to bind a name that does not resolve, at once', async () => {
    const engine = startEngine();
    const started = performance.now();
    const result = await engine.open({ kind: 'udp', host: 'nonexistent.invalid', port: 4000 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'ENOTFOUND', message: 'Binding to nonexistent.invalid:4000 failed: the host name was not found (ENOTFOUND).' },
    });
  });
});

describe('TCP relay to a host name', () => {
  it('tries each address of the upstream in turn: localhost reaches a server on 127.0.0.1 alone though ::1 comes first', async () => {
    const engine = startEngine({ lookup: debianLocalhost });
    const upstream = await listenPeer('127.0.0.1');
    const relay = await engine.openOk({ kind: 'relay', host: '127.0.0.1', port: 0, upstream: { host: 'localhost', port: upstream.port } });
    const client = track(connect(relay.local!.port, '127.0.0.1'));
    client.write('through localhost');
    const server = await upstream.next();
    await engine.waitFor(() => server.received().toString() === 'through localhost', 10_000, 'the bytes at the upstream');
    const pair = (await engine.info(relay.id)).connections[0]!;
    expect(pair.relay).toMatchObject({ connected: true, upstream: { address: '127.0.0.1', port: upstream.port } });
    expect(engine.ofType('error', (e) => e.sessionId === relay.id)).toEqual([]);
  });

  it('says why when no address of the upstream answers, naming the last one tried', async () => {
    const engine = startEngine({ lookup: debianLocalhost });
    const port = await freePort();
    const relay = await engine.openOk({ kind: 'relay', host: '127.0.0.1', port: 0, upstream: { host: 'localhost', port } });
    const client = track(connect(relay.local!.port, '127.0.0.1'));
    client.on('error', () => undefined);
    const failed = await engine.waitFor(() => engine.ofType('error', (e) => e.sessionId === relay.id)[0], 10_000, 'the failure');
    expect(failed!.error.code).toBe('ECONNREFUSED');
    expect(failed!.error.message).toContain(`127.0.0.1:${port}`);
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === relay.id)[0], 10_000, 'the pair to close');
  });
});
