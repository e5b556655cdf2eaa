import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { AppCode } from '@shared/errors';
import { connectPeer, disposeAll, listenPeer, onCleanup, startEngine, textPayload, type Engine } from '../support/engine';

afterEach(disposeAll);

const ZERO = { rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 };

/** The counters event last delivered for a session, as the page would apply it. */
const lastCounters = (engine: Engine, sessionId: string) => engine.ofType('counters', (e) => e.sessionId === sessionId).at(-1);

describe('resetCounters', () => {
  it('zeroes one connection of a listener, then the whole session, and counting goes on from zero', async () => {
    const engine = startEngine();
    const { id, local } = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const first = await connectPeer(local!.port);
    const second = await connectPeer(local!.port);
    first.socket.write('12345');
    second.socket.write('abc');
    const info = await engine.waitFor(async () => {
      const now = await engine.info(id);
      return now.counters.rxBytes === 8 && now.connections.length === 2 ? now : undefined;
    });
    const firstConn = info.connections.find((c) => c.remote.port === first.socket.localPort)!;
    const secondConn = info.connections.find((c) => c.remote.port === second.socket.localPort)!;
    expect((await engine.send(id, textPayload('hi'), { type: 'connections', connIds: [firstConn.connId] })).ok).toBe(true);
    await engine.waitFor(async () => (await engine.info(id)).counters.txBytes === 2);

    expect(await engine.manager.resetCounters({ sessionId: id, connId: firstConn.connId })).toEqual({ ok: true, value: null });
    const afterOne = await engine.info(id);
    expect(afterOne.connections.find((c) => c.connId === firstConn.connId)!.counters).toEqual(ZERO);
    expect(afterOne.connections.find((c) => c.connId === secondConn.connId)!.counters).toMatchObject({ rxBytes: 3, rxMessages: 1 });
    // The session's totals are its own: one connection's reset leaves them.
    expect(afterOne.counters).toMatchObject({ rxBytes: 8, txBytes: 2 });
    await engine.waitFor(() => {
      const event = lastCounters(engine, id);
      return event?.connections.find((c) => c.connId === firstConn.connId)?.counters.rxBytes === 0 ? event : undefined;
    });

    first.socket.write('xy');
    await engine.waitFor(
      async () => (await engine.info(id)).connections.find((c) => c.connId === firstConn.connId)!.counters.rxBytes === 2,
    );

    expect((await engine.manager.resetCounters({ sessionId: id })).ok).toBe(true);
    const afterAll = await engine.info(id);
    expect(afterAll.counters).toEqual(ZERO);
    for (const conn of afterAll.connections) expect(conn.counters).toEqual(ZERO);
    await engine.waitFor(() => {
      const event = lastCounters(engine, id);
      return event && event.counters.rxBytes === 0 && event.connections.every((c) => c.counters.rxBytes === 0) ? event : undefined;
    });

    // The connections live on: bytes still arrive, counted from zero, and the log gets them.
    second.socket.write('more');
    await engine.waitFor(async () => (await engine.info(id)).counters.rxBytes === 4);
    await engine.waitFor(() => engine.dataBytes(id, secondConn.connId, 'rx').toString() === 'abcmore');
  });

  it('zeroes a TCP client and a UDP socket', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const client = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: server.port });
    await engine.send(client.id, textPayload('hello'));
    await engine.waitFor(async () => (await engine.info(client.id)).counters.txBytes === 5);
    expect((await engine.manager.resetCounters({ sessionId: client.id })).ok).toBe(true);
    const clientInfo = await engine.info(client.id);
    expect(clientInfo.counters).toEqual(ZERO);
    expect(clientInfo.connections[0]!.counters).toEqual(ZERO);

    const udp = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const peer = createSocket('udp4');
    onCleanup(() => {
      peer.close();
    });
    peer.send('ping', udp.local!.port, '127.0.0.1');
    await engine.waitFor(async () => (await engine.info(udp.id)).counters.rxBytes === 4);
    expect((await engine.manager.resetCounters({ sessionId: udp.id })).ok).toBe(true);
    expect((await engine.info(udp.id)).counters).toEqual(ZERO);
  });

  it('names what is missing: an unknown session or connection', async () => {
    const engine = startEngine();
    const { id } = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const noConn = await engine.manager.resetCounters({ sessionId: id, connId: 'c99' });
    expect(noConn).toMatchObject({ ok: false, error: { code: AppCode.NotFound, message: expect.stringContaining('c99') } });
    const noSession = await engine.manager.resetCounters({ sessionId: 'nope' });
    expect(noSession).toMatchObject({ ok: false, error: { code: AppCode.NotFound } });
  });
});
