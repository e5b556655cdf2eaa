import { describe, it, expect, afterEach } from 'vitest';
import { AppCode } from '@shared/errors';
import { GRACEFUL_CLOSE_TIMEOUT_MS } from '@shared/limits';
import { systemClock, type Clock } from '@ports/clock';
import type { ConnectionInfo } from '@shared/contract';
import { connectPeer, disposeAll, startEngine, textPayload, tryConnect, type Engine, type Peer } from '../support/engine';

afterEach(disposeAll);

async function listen(
  engine: Engine,
  host = '127.0.0.1',
  extra: { ipv6Only?: boolean; halfOpen?: boolean; halfCloseLingerMs?: number } = {},
) {
  const info = await engine.openOk({ kind: 'tcp-server', host, port: 0, ...extra });
  expect(info.state).toBe('open');
  expect(info.local?.port).toBeGreaterThan(0);
  return { id: info.id, port: info.local!.port, info };
}

/** The connection the listener accepted from this peer, found by the peer's local port. */
async function connFor(engine: Engine, sessionId: string, peer: Peer): Promise<ConnectionInfo> {
  const port = peer.socket.localPort;
  return engine.waitFor(
    () => engine.ofType('connection-opened', (e) => e.sessionId === sessionId && e.conn.remote.port === port)[0]?.conn,
    5000,
    `connection from port ${port}`,
  );
}

describe('TCP listener: addresses', () => {
  it('listens on 127.0.0.1:0, accepts a client and reports both endpoints', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port);
    const conn = await connFor(engine, id, peer);
    expect(conn.remote).toEqual({ address: '127.0.0.1', port: peer.socket.localPort, family: 'IPv4' });
    expect(conn.local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
    peer.socket.write('over IPv4');
    await engine.waitFor(() => engine.dataBytes(id, conn.connId, 'rx').toString() === 'over IPv4');
  });

  it('listens on ::1 and accepts an IPv6 client', async () => {
    const engine = startEngine();
    const { id, port, info } = await listen(engine, '::1');
    expect(info.local).toEqual({ address: '::1', port, family: 'IPv6' });
    const peer = await connectPeer(port, '::1');
    const conn = await connFor(engine, id, peer);
    expect(conn.remote).toEqual({ address: '::1', port: peer.socket.localPort, family: 'IPv6' });
    peer.socket.write('over IPv6');
    await engine.waitFor(() => engine.dataBytes(id, conn.connId, 'rx').toString() === 'over IPv6');
  });

  it('on :: (dual-stack) accepts both an IPv4 and an IPv6 client', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '::');
    const v4 = await connectPeer(port, '127.0.0.1');
    const v6 = await connectPeer(port, '::1');
    const c4 = await connFor(engine, id, v4);
    const c6 = await connFor(engine, id, v6);
    // The kernel hands IPv4 clients of a dual-stack socket over as IPv4-mapped IPv6 addresses.
    expect(['127.0.0.1', '::ffff:127.0.0.1']).toContain(c4.remote.address);
    expect(c6.remote.address).toBe('::1');
    // Each connection's own end is where it arrived, never the wildcard the listener is bound to.
    expect(c4.local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
    expect(c6.local).toEqual({ address: '::1', port, family: 'IPv6' });
    v4.socket.write('four');
    v6.socket.write('six');
    await engine.waitFor(
      () => engine.dataBytes(id, c4.connId, 'rx').toString() === 'four' && engine.dataBytes(id, c6.connId, 'rx').toString() === 'six',
    );
  });

  it("on 0.0.0.0 names the address each client reached as the connection's own end", async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '0.0.0.0');
    const conn = await connFor(engine, id, await connectPeer(port, '127.0.0.1'));
    expect(conn.local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
  });

  it('on :: with ipv6Only refuses the IPv4 client and still accepts IPv6', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '::', { ipv6Only: true });
    const v4 = await tryConnect(port, '127.0.0.1');
    expect(v4).toEqual({ ok: false, code: 'ECONNREFUSED' });
    const v6 = await connectPeer(port, '::1');
    await connFor(engine, id, v6);
    expect((await engine.info(id)).connections).toHaveLength(1);
  });
});

describe('TCP listener: many connections', () => {
  it('accepts 200 concurrent clients, keeps per-connection data apart, sends to one, some and all', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const COUNT = 200;
    const before = Date.now();
    const peers = await Promise.all(Array.from({ length: COUNT }, () => connectPeer(port)));

    const listed = await engine.waitFor(
      async () => {
        const connections = (await engine.info(id)).connections;
        return connections.length === COUNT && connections;
      },
      10_000,
      `${COUNT} connections`,
    );
    const byPort = new Map(listed.map((c) => [c.remote.port, c]));
    expect(byPort.size).toBe(COUNT);
    for (const peer of peers) {
      const conn = byPort.get(peer.socket.localPort!);
      expect(conn, `connection for client port ${peer.socket.localPort}`).toBeDefined();
      expect(conn!.remote.address).toBe('127.0.0.1');
      expect(conn!.since).toBeGreaterThanOrEqual(before - 1);
      expect(conn!.since).toBeLessThanOrEqual(Date.now() + 1);
      expect(conn!.counters).toEqual({ rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 });
    }
    const connOf = (i: number) => byPort.get(peers[i]!.socket.localPort!)!.connId;

    // Each client says something only it says; each connection's rx holds exactly that.
    peers.forEach((peer, i) => peer.socket.write(`hello from client ${i}\n`));
    await engine.waitFor(
      () => peers.every((_, i) => engine.dataBytes(id, connOf(i), 'rx').toString() === `hello from client ${i}\n`),
      10_000,
      'every message',
    );
    const counted = (await engine.info(id)).connections;
    for (const conn of counted) {
      const i = peers.findIndex((p) => p.socket.localPort === conn.remote.port);
      expect(conn.counters.rxBytes).toBe(`hello from client ${i}\n`.length);
    }

    // One connection, then a subset, then everyone. TCP keeps order, so each client's stream
    // shows exactly which sends reached it.
    const one = 7;
    const subset = [10, 11, 12, 13, 14, 15, 150, 199];
    expect(await engine.send(id, textPayload('[one]'), { type: 'connections', connIds: [connOf(one)] })).toEqual({
      ok: true,
      value: { bytes: 5, targets: 1 },
    });
    await engine.waitFor(() => peers[one]!.received().toString() === '[one]');
    expect(await engine.send(id, textPayload('[some]'), { type: 'connections', connIds: subset.map(connOf) })).toEqual({
      ok: true,
      value: { bytes: 6, targets: subset.length },
    });
    expect(await engine.send(id, textPayload('[all]'))).toEqual({ ok: true, value: { bytes: 5, targets: COUNT } });
    const expected = (i: number) => `${i === one ? '[one]' : ''}${subset.includes(i) ? '[some]' : ''}[all]`;
    await engine.waitFor(() => peers.every((peer, i) => peer.received().length >= expected(i).length), 10_000, 'every client to receive');
    peers.forEach((peer, i) => expect(peer.received().toString(), `client ${i}`).toBe(expected(i)));

    // Per-connection and session counters agree with what went out.
    const txExpected = 5 + 6 * subset.length + 5 * COUNT;
    const after = await engine.waitFor(async () => {
      const now = await engine.info(id);
      return now.connections.reduce((n, c) => n + c.counters.txBytes, 0) === txExpected && now;
    });
    const txTotal = after.connections.reduce((n, c) => n + c.counters.txBytes, 0);
    expect(after.counters.txBytes).toBe(txTotal);
    expect(after.counters.rxMessages).toBeGreaterThanOrEqual(COUNT);
  });

  it('sends once to a connection named twice', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port);
    const conn = await connFor(engine, id, peer);
    expect(await engine.send(id, textPayload('once'), { type: 'connections', connIds: [conn.connId, conn.connId] })).toEqual({
      ok: true,
      value: { bytes: 4, targets: 1 },
    });
    expect(await engine.send(id, textPayload('|end'))).toEqual({ ok: true, value: { bytes: 4, targets: 1 } });
    await engine.waitFor(() => peer.received().toString().endsWith('|end'));
    expect(peer.received().toString()).toBe('once|end');
  });

  it('refuses a send naming a connection it does not have, and sends to nobody', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port);
    const conn = await connFor(engine, id, peer);
    const result = await engine.send(id, textPayload('x'), { type: 'connections', connIds: [conn.connId, 'c999'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(AppCode.NotFound);
    const empty = await engine.send(id, textPayload('x'), { type: 'address', host: '127.0.0.1', port: 9 });
    expect(!empty.ok && empty.error.code).toBe(AppCode.NoTarget);
    peer.socket.write('sync');
    await engine.waitFor(() => engine.dataBytes(id, conn.connId, 'rx').length === 4);
    expect(peer.received().length).toBe(0);
  });
});

describe('TCP listener: ending one connection', () => {
  it('graceful: the client sees FIN, answers, and the connection closes as local-closed', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port);
    const other = await connectPeer(port);
    const conn = await connFor(engine, id, peer);
    await connFor(engine, id, other);
    expect(await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'graceful' })).toEqual({ ok: true, value: null });
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('local-closed');
    await engine.waitFor(() => peer.closed);
    expect(peer.log).toEqual(['end', 'close']);
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId).map((e) => e.by)).toEqual(['local', 'peer']);
    expect(engine.ofType('error', (e) => e.connId === conn.connId)).toEqual([]);
    const info = await engine.info(id);
    expect(info.connections.map((c) => c.connId)).not.toContain(conn.connId);
    expect(info.connections).toHaveLength(1);
    expect(other.closed).toBe(false);
  });

  it('reset: the client gets ECONNRESET and the reason is local-reset', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port);
    const conn = await connFor(engine, id, peer);
    expect((await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'reset' })).ok).toBe(true);
    await engine.waitFor(() => peer.closed);
    expect(peer.error?.code).toBe('ECONNRESET');
    expect(peer.ended).toBe(false);
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('local-reset');
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId)).toEqual([]);
  });

  it('half-close: the client gets FIN but may still send to us; our later send fails with EPIPE', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const conn = await connFor(engine, id, peer);
    expect((await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'half-close' })).ok).toBe(true);
    await engine.waitFor(() => peer.ended);
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId && e.by === 'local')).toHaveLength(1);
    peer.socket.write('still talking');
    await engine.waitFor(() => engine.dataBytes(id, conn.connId, 'rx').toString() === 'still talking');
    const listed = (await engine.info(id)).connections.find((c) => c.connId === conn.connId);
    expect(listed).toMatchObject({ localEnded: true, peerEnded: false });
    const refused = await engine.send(id, textPayload('too late'), { type: 'connections', connIds: [conn.connId] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('EPIPE');
      expect(refused.error.hint.length).toBeGreaterThan(0);
    }
    // The client finishes too: both FINs done, the connection closes; we sent the first FIN.
    peer.socket.end();
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('local-closed');
    expect(closed.counters.rxBytes).toBe('still talking'.length);
  });

  it('graceful gives up on a peer that never answers our FIN, after the grace period', async () => {
    // Only the grace timer is shortened; everything else runs on real time.
    const clock: Clock = {
      ...systemClock,
      setTimer: (fn, ms) => systemClock.setTimer(fn, ms === GRACEFUL_CLOSE_TIMEOUT_MS ? 50 : ms),
    };
    const engine = startEngine({ clock });
    const { id, port } = await listen(engine);
    const peer = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const conn = await connFor(engine, id, peer);
    expect((await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'graceful' })).ok).toBe(true);
    await engine.waitFor(() => peer.ended);
    // The peer keeps its side open; after the grace period we close anyway.
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 2000);
    expect(closed.reason).toBe('local-closed');
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId).map((e) => e.by)).toEqual(['local']);
  });

  it('needs a connection id, and a known one', async () => {
    const engine = startEngine();
    const { id } = await listen(engine);
    const none = await engine.manager.disconnect({ sessionId: id, mode: 'graceful' });
    expect(!none.ok && none.error.code).toBe(AppCode.InvalidArgument);
    const unknown = await engine.manager.disconnect({ sessionId: id, connId: 'c42', mode: 'reset' });
    expect(!unknown.ok && unknown.error.code).toBe(AppCode.NotFound);
  });
});

describe('TCP listener: the peer ends', () => {
  it("with a half-close linger of 0 answers the peer's FIN with ours at once, after the bytes still queued", async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '127.0.0.1', { halfCloseLingerMs: 0 });
    const peer = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const conn = await connFor(engine, id, peer);
    expect(await engine.send(id, textPayload('queued before your FIN'))).toMatchObject({ ok: true });
    peer.socket.end();
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('peer-closed');
    const fins = engine.ofType('half-closed', (e) => e.connId === conn.connId).map((e) => e.by);
    expect(fins).toEqual(['peer', 'local']);
    await engine.waitFor(() => peer.closed);
    expect(peer.received().toString()).toBe('queued before your FIN');
    expect(peer.error).toBeUndefined();
    expect((await engine.info(id)).connections).toEqual([]);
  });

  it('peer half-close (halfOpen): half-closed by peer, and we can still send to it', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '127.0.0.1', { halfOpen: true });
    const peer = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const conn = await connFor(engine, id, peer);
    peer.socket.end('last words');
    const half = await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === conn.connId)[0]);
    expect(half.by).toBe('peer');
    expect(engine.dataBytes(id, conn.connId, 'rx').toString()).toBe('last words');
    expect((await engine.info(id)).connections[0]).toMatchObject({ peerEnded: true, localEnded: false });
    expect(await engine.send(id, textPayload('reply after your FIN'))).toEqual({ ok: true, value: { bytes: 20, targets: 1 } });
    await engine.waitFor(() => peer.received().toString() === 'reply after your FIN');
    expect(engine.ofType('connection-closed')).toEqual([]);
    // Our FIN completes the close; the peer's came first, so the peer closed it.
    expect((await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'graceful' })).ok).toBe(true);
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('peer-closed');
    await engine.waitFor(() => peer.closed);
    expect(peer.error).toBeUndefined();
  });

  it('peer FIN answered by our half-close also counts as peer-closed', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '127.0.0.1', { halfOpen: true });
    const peer = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const conn = await connFor(engine, id, peer);
    peer.socket.end();
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === conn.connId && e.by === 'peer')[0]);
    expect((await engine.manager.disconnect({ sessionId: id, connId: conn.connId, mode: 'half-close' })).ok).toBe(true);
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0]);
    expect(closed.reason).toBe('peer-closed');
  });

  it('peer reset: connection-closed peer-reset with an ECONNRESET error, unlike a FIN', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine, '127.0.0.1', { halfOpen: true });
    const resetter = await connectPeer(port);
    const finisher = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const rc = await connFor(engine, id, resetter);
    const fc = await connFor(engine, id, finisher);
    resetter.socket.write('before reset');
    await engine.waitFor(() => engine.dataBytes(id, rc.connId, 'rx').length === 12);
    resetter.socket.resetAndDestroy();
    finisher.socket.end();
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === rc.connId)[0]);
    expect(closed.reason).toBe('peer-reset');
    expect(closed.counters.rxBytes).toBe(12);
    const errors = engine.ofType('error', (e) => e.connId === rc.connId);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error.code).toBe('ECONNRESET');
    expect(errors[0]!.error.message).toContain(`127.0.0.1:${rc.remote.port}`);
    expect(errors[0]!.error.hint).toMatch(/reset/i);
    // The FIN is a half-close: no error, no close, the connection stays.
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === fc.connId && e.by === 'peer')[0]);
    expect(engine.ofType('half-closed', (e) => e.connId === rc.connId)).toEqual([]);
    expect(engine.ofType('error', (e) => e.connId === fc.connId)).toEqual([]);
    expect(engine.ofType('connection-closed', (e) => e.connId === fc.connId)).toEqual([]);
    expect((await engine.info(id)).connections.map((c) => c.connId)).toEqual([fc.connId]);
  });
});

describe('TCP listener: closing the session', () => {
  it('closes every connection as session-closed, and is closed with none left', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    const peers = await Promise.all([connectPeer(port), connectPeer(port), connectPeer(port)]);
    const conns = await Promise.all(peers.map((p) => connFor(engine, id, p)));
    const closing = engine.manager.close({ sessionId: id });
    // A second close waits for the same end.
    const again = engine.manager.close({ sessionId: id });
    const result = await closing;
    expect(result.ok && result.value.state).toBe('closed');
    expect(result.ok && result.value.connections).toEqual([]);
    const second = await again;
    expect(second.ok && second.value.state).toBe('closed');
    engine.manager.flush();
    const reasons = conns.map((c) => engine.ofType('connection-closed', (e) => e.connId === c.connId)[0]?.reason);
    expect(reasons).toEqual(['session-closed', 'session-closed', 'session-closed']);
    // The closed session event comes after every connection-closed event.
    const lastClosed = Math.max(
      ...conns.map((c) => engine.events.findIndex((e) => e.type === 'connection-closed' && e.connId === c.connId)),
    );
    const closedAt = engine.events.findIndex((e) => e.type === 'session' && e.session.id === id && e.session.state === 'closed');
    expect(closedAt).toBeGreaterThan(lastClosed);
    await engine.waitFor(() => peers.every((p) => p.closed));
    // Nothing listens any more.
    expect(await tryConnect(port, '127.0.0.1')).toEqual({ ok: false, code: 'ECONNREFUSED' });
  });

  it('close() while opening cancels the open and never leaves a listener behind', async () => {
    const engine = startEngine();
    // 'localhost' is looked up first, so the open is still in progress when close() runs.
    const opening = engine.open({ kind: 'tcp-server', host: 'localhost', port: 0 });
    const sessionId = (await engine.waitFor(() => engine.ofType('session', (e) => e.session.state === 'opening')[0])).session.id;
    const closed = await engine.manager.close({ sessionId });
    expect(closed.ok && closed.value.state).toBe('closed');
    const result = await opening;
    expect(!result.ok && result.error.code).toBe(AppCode.Cancelled);
    // Stays closed even after the lookup would have finished.
    await new Promise((resolve) => setImmediate(resolve));
    await engine.waitFor(() => engine.ofType('session', (e) => e.session.id === sessionId).at(-1));
    const info = await engine.info(sessionId);
    expect(info.state).toBe('closed');
    expect(info.local).toBeUndefined();
    // And it can be opened again.
    const reopened = await engine.manager.reopen({ sessionId });
    expect(reopened.ok && reopened.value.state).toBe('open');
  });

  it('refuses sends when not open, and can be reopened on a new port', async () => {
    const engine = startEngine();
    const { id, port } = await listen(engine);
    await engine.manager.close({ sessionId: id });
    const refused = await engine.send(id, textPayload('x'));
    expect(!refused.ok && refused.error.code).toBe(AppCode.BadState);
    const again = await engine.manager.reopen({ sessionId: id });
    expect(again.ok).toBe(true);
    const newPort = again.ok ? again.value.local!.port : 0;
    expect(newPort).toBeGreaterThan(0);
    void port;
    const peer = await connectPeer(newPort);
    await connFor(engine, id, peer);
    const twice = await engine.manager.reopen({ sessionId: id });
    expect(!twice.ok && twice.error.code).toBe(AppCode.BadState);
  });
});
