import { describe, it, expect, afterEach } from 'vitest';
import { AppCode, hintFor } from '@shared/errors';
import { english } from '@shared/phrase';
import { disposeAll, freePort, hangingPort, listenPeer, startEngine, tcpHandles, textPayload } from '../support/engine';

afterEach(disposeAll);

const client = (port: number, extra: Record<string, unknown> = {}) => ({ kind: 'tcp-client' as const, host: '127.0.0.1', port, ...extra });

describe('TCP client: connecting', () => {
  it('connects to a Node server; both endpoints are known and data flows both ways', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port));
    const peer = await server.next();
    expect(info.state).toBe('open');
    expect(info.connections).toHaveLength(1);
    const conn = info.connections[0]!;
    expect(conn.remote).toEqual({ address: '127.0.0.1', port: server.port, family: 'IPv4' });
    expect(conn.local).toEqual({ address: '127.0.0.1', port: peer.socket.remotePort, family: 'IPv4' });
    expect(info.local).toEqual(conn.local);
    const opened = await engine.waitFor(() => {
      const found = engine.ofType('connection-opened', (e) => e.sessionId === info.id);
      return found.length > 0 && found;
    });
    expect(opened.map((e) => e.conn.connId)).toEqual([conn.connId]);

    expect(await engine.send(info.id, textPayload('ping'))).toEqual({ ok: true, value: { bytes: 4, targets: 1 } });
    await engine.waitFor(() => peer.received().toString() === 'ping');
    peer.socket.write('pong');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString() === 'pong');
    expect(engine.dataBytes(info.id, conn.connId, 'tx').toString()).toBe('ping');
    // A client sends on its own connection only.
    const elsewhere = await engine.send(info.id, textPayload('x'), { type: 'address', host: '127.0.0.1', port: server.port });
    expect(!elsewhere.ok && elsewhere.error.code).toBe(AppCode.NoTarget);
    const own = await engine.send(info.id, textPayload('!'), { type: 'connections', connIds: [conn.connId] });
    expect(own.ok).toBe(true);
  });

  it('binds the local address and port it is given', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const localPort = await freePort();
    const info = await engine.openOk(client(server.port, { localAddress: '127.0.0.1', localPort }));
    const peer = await server.next();
    expect(info.local).toEqual({ address: '127.0.0.1', port: localPort, family: 'IPv4' });
    expect(peer.socket.remotePort).toBe(localPort);
  });

  it('connects over IPv6 to ::1', async () => {
    const engine = startEngine();
    const server = await listenPeer('::1');
    const info = await engine.openOk({ kind: 'tcp-client', host: '::1', port: server.port });
    expect(info.connections[0]!.remote).toEqual({ address: '::1', port: server.port, family: 'IPv6' });
    expect(info.local?.family).toBe('IPv6');
  });

  it('ECONNREFUSED where nobody listens: error state, message with address, port and hint', async () => {
    const engine = startEngine();
    const port = await freePort();
    const result = await engine.open(client(port));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ECONNREFUSED');
    expect(result.error.message).toContain(`127.0.0.1:${port}`);
    expect(result.error.message).toContain('ECONNREFUSED');
    expect(result.error.hint).toBe(english(hintFor('ECONNREFUSED')));
    const id = await engine.onlySessionId();
    const info = await engine.info(id);
    expect(info.state).toBe('error');
    expect(info.error).toEqual(result.error);
    expect(info.connections).toEqual([]);
    await engine.waitFor(() => engine.states(id).length >= 2);
    expect(engine.states(id)).toEqual(['opening', 'error']);
  });

  it('a local address Node refuses up front (a name, not an IP) is an error state, not a stuck open', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const result = await engine.open(client(server.port, { localAddress: 'localhost' }));
    expect(result.ok).toBe(false);
    const id = await engine.onlySessionId();
    const info = await engine.info(id);
    expect(info.state).toBe('error');
    expect(info.error?.message).toContain('localhost');
    expect(info.error?.message).toContain(`127.0.0.1:${server.port}`);
    expect(server.peers).toHaveLength(0);
  });

  it('times out a connect that is never answered: ETIMEDOUT, error state, socket destroyed', async () => {
    const engine = startEngine();
    const port = await hangingPort();
    const handlesBefore = tcpHandles();
    const started = performance.now();
    const opening = engine.open(client(port, { connectTimeoutMs: 200 }));
    expect(tcpHandles()).toBe(handlesBefore + 1);
    const result = await opening;
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ETIMEDOUT');
    expect(result.error.message).toContain(`127.0.0.1:${port}`);
    expect(result.error.message).toContain('200 ms');
    expect(result.error.hint).toBe(english(hintFor('ETIMEDOUT')));
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    const id = await engine.onlySessionId();
    expect((await engine.info(id)).state).toBe('error');
    // The connecting socket is gone, not left retrying SYNs.
    await engine.waitFor(() => tcpHandles() === handlesBefore, 2000, 'the socket handle to close');
    expect(engine.ofType('connection-opened')).toEqual([]);
  });

  it('close() while connecting cancels: the open resolves CANCELLED and the session is closed', async () => {
    const engine = startEngine();
    const port = await hangingPort();
    const handlesBefore = tcpHandles();
    const opening = engine.open(client(port));
    const id = (await engine.waitFor(() => engine.ofType('session', (e) => e.session.state === 'opening')[0])).session.id;
    const closed = await engine.manager.close({ sessionId: id });
    expect(closed.ok && closed.value.state).toBe('closed');
    const result = await opening;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(AppCode.Cancelled);
      expect(result.error.message).toContain(`127.0.0.1:${port}`);
    }
    expect((await engine.info(id)).state).toBe('closed');
    await engine.waitFor(() => tcpHandles() === handlesBefore, 2000, 'the socket handle to close');
    expect(engine.states(id)).toEqual(['opening', 'closed']);
  });
});

describe('TCP client: ending the connection', () => {
  it('half-close from our side: the server sees FIN and may still send to us', async () => {
    const engine = startEngine();
    const server = await listenPeer('127.0.0.1', { allowHalfOpen: true });
    const info = await engine.openOk(client(server.port));
    const peer = await server.next();
    const connId = info.connections[0]!.connId;
    expect((await engine.manager.disconnect({ sessionId: info.id, mode: 'half-close' })).ok).toBe(true);
    await engine.waitFor(() => peer.ended);
    peer.socket.write('answer after FIN');
    await engine.waitFor(() => engine.dataBytes(info.id, connId, 'rx').toString() === 'answer after FIN');
    const refused = await engine.send(info.id, textPayload('no'));
    expect(!refused.ok && refused.error.code).toBe('EPIPE');
    peer.socket.end();
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === connId)[0]);
    expect(closed.reason).toBe('local-closed');
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'closed');
  });

  it('reset from our side: the server gets ECONNRESET; the session is closed, not in error', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port));
    const peer = await server.next();
    expect((await engine.manager.disconnect({ sessionId: info.id, connId: info.connections[0]!.connId, mode: 'reset' })).ok).toBe(true);
    await engine.waitFor(() => peer.closed);
    expect(peer.error?.code).toBe('ECONNRESET');
    const closed = await engine.waitFor(() => engine.ofType('connection-closed')[0]);
    expect(closed.reason).toBe('local-reset');
    const after = await engine.waitFor(async () => {
      const now = await engine.info(info.id);
      return now.state !== 'open' && now;
    });
    expect(after.state).toBe('closed');
    expect(after.error).toBeUndefined();
  });

  it('the server closes: with a linger of 0 we answer its FIN at once, the session is closed, and reopen connects anew', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, { halfCloseLingerMs: 0 }));
    const first = await server.next();
    const connId = info.connections[0]!.connId;
    first.socket.end('bye');
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === connId)[0]);
    expect(closed.reason).toBe('peer-closed');
    await engine.waitFor(() => engine.states(info.id).at(-1) === 'closed');
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'closed']);
    expect(engine.dataBytes(info.id, connId, 'rx').toString()).toBe('bye');
    expect(engine.ofType('half-closed', (e) => e.connId === connId).map((e) => e.by)).toEqual(['peer', 'local']);
    const again = await engine.manager.reopen({ sessionId: info.id });
    expect(again.ok && again.value.state).toBe('open');
  });

  it('the server closes (halfOpen): half-closed by peer; once we answer it is closed (peer-closed), and reopen connects anew', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, { halfOpen: true }));
    const first = await server.next();
    const connId = info.connections[0]!.connId;
    first.socket.end();
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === connId && e.by === 'peer')[0]);
    // Half-open by design: the peer's FIN alone does not close our side.
    expect((await engine.info(info.id)).state).toBe('open');
    expect((await engine.info(info.id)).connections[0]).toMatchObject({ peerEnded: true, localEnded: false });
    const early = await engine.manager.reopen({ sessionId: info.id });
    expect(!early.ok && early.error.code).toBe(AppCode.BadState);

    expect((await engine.manager.disconnect({ sessionId: info.id, mode: 'half-close' })).ok).toBe(true);
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === connId)[0]);
    expect(closed.reason).toBe('peer-closed');
    await engine.waitFor(() => engine.states(info.id).at(-1) === 'closed');
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'closed']);

    const again = await engine.manager.reopen({ sessionId: info.id });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    const second = await server.next();
    const newConnId = again.value.connections[0]!.connId;
    expect(newConnId).not.toBe(connId);
    expect(again.value.local?.port).toBe(second.socket.remotePort);
    second.socket.write('hello again');
    await engine.waitFor(() => engine.dataBytes(info.id, newConnId, 'rx').toString() === 'hello again');
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'closed', 'opening', 'open']);
  });

  it('the server resets: error state carrying ECONNRESET, and reopen clears it', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port));
    const peer = await server.next();
    peer.socket.resetAndDestroy();
    const errored = await engine.waitFor(() => engine.ofType('session', (e) => e.session.id === info.id && e.session.state === 'error')[0]);
    expect(errored.session.error?.code).toBe('ECONNRESET');
    expect(errored.session.error?.message).toContain(`127.0.0.1:${server.port}`);
    expect(engine.ofType('connection-closed')[0]!.reason).toBe('peer-reset');
    const again = await engine.manager.reopen({ sessionId: info.id });
    expect(again.ok && again.value.state).toBe('open');
    expect(again.ok && again.value.error).toBeUndefined();
    await server.next();
  });

  it('close() when open: opening → open → closing → closed, the connection closed as session-closed', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port));
    const peer = await server.next();
    const closing = engine.manager.close({ sessionId: info.id });
    const twice = engine.manager.close({ sessionId: info.id });
    const result = await closing;
    expect(result.ok && result.value.state).toBe('closed');
    expect(result.ok && result.value.connections).toEqual([]);
    expect((await twice).ok && ((await twice) as { ok: true; value: { state: string } }).value.state).toBe('closed');
    engine.manager.flush();
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'closing', 'closed']);
    expect(engine.ofType('connection-closed')[0]!.reason).toBe('session-closed');
    await engine.waitFor(() => peer.ended || peer.closed);
    const refused = await engine.send(info.id, textPayload('x'));
    expect(!refused.ok && refused.error.code).toBe(AppCode.BadState);
  });
});
