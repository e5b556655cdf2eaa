/**
 * The UDP relay between real peers on loopback: a python3 echo server upstream and Node or
 * python3 clients, a mapping (its own upstream socket) per client address, forgotten after the
 * idle expiry however often the client comes back, and a held datagram edited before it goes on.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { disposeAll, onCleanup, openRelay, startEngine, textPayload } from '../support/engine';
import { bindPeer, type Peer } from '../support/udp';

afterEach(disposeAll);

/** python3 UDP server on port 0: prints its port, answers each datagram with `echo:` and the datagram. */
const PY_UDP_ECHO = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
while True:
    data, addr = s.recvfrom(65536)
    s.sendto(b'echo:' + data, addr)
`;

async function echoServer(): Promise<number> {
  const child = spawn('python3', ['-c', PY_UDP_ECHO], { stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
  });
}

/**
 * python3 UDP client on one fixed address and port: prints its port, then for each port read on
 * stdin sends `ping` to the relay there and prints the answer, or `timeout` after 2 s.
 */
const PY_UDP_CLIENT = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(2)
print(s.getsockname()[1], flush=True)
for line in sys.stdin:
    s.sendto(b'ping', ('127.0.0.1', int(line)))
    try:
        print(s.recvfrom(65536)[0].decode(), flush=True)
    except socket.timeout:
        print('timeout', flush=True)
`;

/** The python3 client: its port, and `ping(port)` answering what it printed for that send. */
async function pythonClient(): Promise<{ port: number; ping(relayPort: number): Promise<string> }> {
  const child = spawn('python3', ['-c', PY_UDP_CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const port = Number(await next());
  return {
    port,
    ping: (relayPort) => {
      child.stdin.write(`${relayPort}\n`);
      return next();
    },
  };
}

/** Whether nothing holds the UDP port any more: binding it again succeeds only then. */
function udpPortFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

async function client(): Promise<Peer> {
  const peer = await bindPeer('udp4', '127.0.0.1');
  onCleanup(() => peer.close());
  return peer;
}

describe('UDP relay', () => {
  it('maps each client address to its own upstream socket, and forgets it after the idle expiry', async () => {
    const engine = startEngine();
    const upstreamPort = await echoServer();
    const { session, port } = await openRelay(engine, upstreamPort, { transport: 'udp', udpIdleMs: 400 });
    const a = await client();
    const b = await client();
    await a.send(Buffer.from('from a'), port, '127.0.0.1');
    await b.send(Buffer.from('from b'), port, '127.0.0.1');
    await engine.waitFor(() => a.received.length === 1 && b.received.length === 1);
    expect(a.received[0]!.bytes.toString()).toBe('echo:from a');
    expect(b.received[0]!.bytes.toString()).toBe('echo:from b');
    // The answers come from the relay's own address, as the client sent to.
    expect(a.received[0]!.rinfo.port).toBe(port);

    const info = await engine.info(session.id);
    expect(info.connections).toHaveLength(2);
    const [ca, cb] = info.connections;
    expect(ca!.remote.port).toBe(a.port);
    expect(cb!.remote.port).toBe(b.port);
    expect(ca!.relay!.upstreamLocal!.port).not.toBe(cb!.relay!.upstreamLocal!.port);
    expect(ca!.relay!.upstream.port).toBe(upstreamPort);
    const data = engine.ofType('data', (e) => e.sessionId === session.id && e.connId === ca!.connId);
    expect(data.map((e) => [e.dir, e.relay?.flow, Buffer.from(e.bytes).toString()])).toEqual([
      ['rx', 'to-server', 'from a'],
      ['rx', 'to-client', 'echo:from a'],
    ]);

    const expired = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id).length === 2, 5000);
    expect(expired).toBe(true);
    expect(engine.ofType('connection-closed', (e) => e.sessionId === session.id).map((e) => e.reason)).toEqual([
      'local-closed',
      'local-closed',
    ]);
    expect((await engine.info(session.id)).connections).toHaveLength(0);

    // A datagram after the expiry makes a new mapping.
    await a.send(Buffer.from('again'), port, '127.0.0.1');
    await engine.waitFor(() => a.received.length === 2);
    const again = await engine.info(session.id);
    expect(again.connections).toHaveLength(1);
    expect(again.connections[0]!.connId).not.toBe(ca!.connId);
  });

  // A dual-stack relay sees an IPv4 client as ::ffff:127.0.0.1 and lists it as 127.0.0.1: the
  // expiry once forgot the mapping under the listed form, so the client's next datagram found the
  // closed mapping still there, went nowhere and never closed again.
  for (const host of ['127.0.0.1', '::']) {
    it(`on ${host}, a client that comes back after the expiry gets a new mapping that expires too, its upstream socket closed`, async () => {
      const engine = startEngine();
      const upstreamPort = await echoServer();
      const { session, port } = await openRelay(engine, upstreamPort, { transport: 'udp', host, udpIdleMs: 300 });
      const python = await pythonClient();
      const closed = () => engine.ofType('connection-closed', (e) => e.sessionId === session.id);
      const mappings: string[] = [];
      for (const round of [1, 2, 3]) {
        expect(await python.ping(port)).toBe('echo:ping');
        const [mapping] = (await engine.info(session.id)).connections;
        expect(mapping!.remote).toEqual({ address: '127.0.0.1', port: python.port, family: 'IPv4' });
        mappings.push(mapping!.connId);
        await engine.waitFor(() => closed().length === round, 3000, `mapping ${round} closed by the idle expiry`);
        expect((await engine.info(session.id)).connections).toEqual([]);
        expect(await udpPortFree(mapping!.relay!.upstreamLocal!.port)).toBe(true);
      }
      expect(new Set(mappings).size).toBe(3);
      expect(closed().map((e) => [e.connId, e.reason])).toEqual(mappings.map((connId) => [connId, 'local-closed']));
      expect(engine.ofType('error', (e) => e.sessionId === session.id)).toEqual([]);
    });
  }

  it('closes a mapping by hand as its expiry would; a half-close is refused, datagrams have no FIN', async () => {
    const engine = startEngine();
    const upstreamPort = await echoServer();
    const { session, port } = await openRelay(engine, upstreamPort, { transport: 'udp', udpIdleMs: 60_000 });
    const python = await pythonClient();
    expect(await python.ping(port)).toBe('echo:ping');
    const [mapping] = (await engine.info(session.id)).connections;
    const target = { sessionId: session.id, connId: mapping!.connId };

    const half = await engine.manager.disconnect({ ...target, mode: 'half-close' });
    expect(half).toMatchObject({ ok: false, error: { code: 'BAD_STATE', message: expect.stringContaining('cannot be half-closed') } });
    expect((await engine.info(session.id)).connections).toHaveLength(1);

    for (const mode of ['graceful', 'reset'] as const) {
      const [open] = (await engine.info(session.id)).connections;
      expect(await engine.manager.disconnect({ sessionId: session.id, connId: open!.connId, mode })).toEqual({ ok: true, value: null });
      await engine.waitFor(
        () => engine.ofType('connection-closed', (e) => e.connId === open!.connId).length === 1,
        3000,
        `${mode}: the mapping closed`,
      );
      expect(engine.ofType('connection-closed', (e) => e.connId === open!.connId)[0]!.reason).toBe('local-closed');
      expect((await engine.info(session.id)).connections).toEqual([]);
      expect(await udpPortFree(open!.relay!.upstreamLocal!.port)).toBe(true);
      // The client is not shut out: its next datagram opens a new mapping and is answered.
      expect(await python.ping(port)).toBe('echo:ping');
    }
    const gone = await engine.manager.disconnect({ ...target, mode: 'graceful' });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('holds datagrams as messages, edits one and drops another', async () => {
    const engine = startEngine();
    const upstreamPort = await echoServer();
    const { session, port } = await openRelay(engine, upstreamPort, { transport: 'udp', holdToServer: true });
    const a = await client();
    await a.send(Buffer.from('one'), port, '127.0.0.1');
    await a.send(Buffer.from('two'), port, '127.0.0.1');
    const held = await engine.heldMessages(session.id, (messages) => messages.length === 2);
    expect(held.map((m) => Buffer.from(m.bytes).toString())).toEqual(['one', 'two']);
    await engine.held({ sessionId: session.id, action: 'edit', id: held[1]!.id, payload: textPayload('TWO') });
    await engine.held({ sessionId: session.id, action: 'drop', ids: [held[0]!.id] });
    await engine.held({ sessionId: session.id, action: 'release' });
    await engine.waitFor(() => a.received.length === 1);
    expect(a.received[0]!.bytes.toString()).toBe('echo:TWO');
    const injected = await engine.inject({ sessionId: session.id, flow: 'to-client', payload: textPayload('hello a') });
    expect(injected).toEqual({ ok: true, value: { bytes: 7, targets: 1 } });
    await engine.waitFor(() => a.received.length === 2);
    expect(a.received[1]!.bytes.toString()).toBe('hello a');
  });
});
