import { STABLE_CONNECTION_MS } from '@shared/limits';
/**
 * TCP client auto-reconnect over real loopback sockets. Reconnect waits are asked for in
 * seconds but run on a scaled clock (every timer of 100 ms or more fires SCALE times sooner),
 * so the requested waits can be checked exactly while the tests take well under a second.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer } from 'node:net';
import { AppCode } from '@shared/errors';
import { systemClock, type Clock } from '@ports/clock';
import { english } from '@shared/phrase';
import { attemptsExhausted, delayPhrase, reconnectDelay } from '@engine/reconnect-policy';
import {
  disposeAll,
  freePort,
  hangingPort,
  listenPeer,
  startEngine,
  tcpHandles,
  textPayload,
  track,
  watchPeer,
  type Engine,
  type Peer,
} from '../support/engine';

afterEach(disposeAll);

const SCALE = 20;
/** Long enough never to fire in these tests, and easy to tell from a reconnect wait. */
const CONNECT_TIMEOUT_MS = 60_000;

/**
 * The system clock with long timers sped up, recording every timer duration asked for; `skip`
 * moves its time forward, as if a connection had been up that long.
 */
function scaledClock(): { clock: Clock; requested: number[]; skip: (ms: number) => void } {
  const requested: number[] = [];
  let offset = 0;
  const clock: Clock = {
    now: () => systemClock.now() + offset,
    setTimer: (fn, ms) => {
      requested.push(ms);
      return systemClock.setTimer(fn, ms >= 100 ? ms / SCALE : ms);
    },
    clearTimer: systemClock.clearTimer,
  };
  return {
    clock,
    requested,
    skip: (ms) => {
      offset += ms;
    },
  };
}

/** The reconnect waits among the recorded timers: not the batcher's, not a connect timeout. */
const reconnectWaits = (requested: number[], connectTimeoutMs = CONNECT_TIMEOUT_MS): number[] =>
  requested.filter((ms) => ms >= 100 && ms !== connectTimeoutMs);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const client = (port: number, reconnect: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  kind: 'tcp-client' as const,
  host: '127.0.0.1',
  port,
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
  // The server's FIN closes at once, so the only timers these tests count are the backoff's.
  halfCloseLingerMs: 0,
  reconnect: { enabled: true, initialDelayMs: 1000, maxDelayMs: 4000, ...reconnect },
  ...extra,
});

/** A Node server on one given loopback port, recording the sockets it accepts. */
async function listenOn(port: number): Promise<{ peers: Peer[] }> {
  const peers: Peer[] = [];
  const server = track(
    createServer((socket) => {
      track(socket);
      peers.push(watchPeer(socket));
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  return { peers };
}

const errorMessages = (engine: Engine, id: string) => engine.ofType('error', (e) => e.sessionId === id).map((e) => e.error.message);

function expectWithin(actual: number | undefined, nominal: number, max = Infinity): void {
  expect(actual).toBeGreaterThanOrEqual(Math.round(nominal * 0.9));
  expect(actual).toBeLessThanOrEqual(Math.min(max, Math.round(nominal * 1.1)));
}

describe('reconnect policy', () => {
  const policy = { initialDelayMs: 500, maxDelayMs: 30_000 };

  it('doubles from the first delay up to the longest, ±10 % jitter that never passes the longest', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelay(n, policy, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(reconnectDelay(3, policy, () => 0)).toBe(1800);
    expect(reconnectDelay(3, policy, () => 0.999_999)).toBe(2200);
    expect(reconnectDelay(7, policy, () => 0)).toBe(27_000);
    expect(reconnectDelay(7, policy, () => 0.999_999)).toBe(30_000);
    expect(reconnectDelay(1_000_000, policy, middle)).toBe(30_000);
    // A first delay above the longest is held to the longest.
    expect(reconnectDelay(1, { initialDelayMs: 5000, maxDelayMs: 1000 }, middle)).toBe(1000);
    for (let i = 0; i < 200; i++) expectWithin(reconnectDelay(2, policy), 1000);
  });

  it('counts attempts against maxAttempts, 0 meaning no limit; describes delays for people', () => {
    expect(attemptsExhausted(2, { maxAttempts: 3 })).toBe(false);
    expect(attemptsExhausted(3, { maxAttempts: 3 })).toBe(true);
    expect(attemptsExhausted(1_000_000, { maxAttempts: 0 })).toBe(false);
    expect(english(delayPhrase(500))).toBe('500 ms');
    expect(english(delayPhrase(2000))).toBe('2.0 s');
    expect(english(delayPhrase(29_960))).toBe('30.0 s');
  });
});

describe('TCP client: auto-reconnect', () => {
  it('keeps trying where nobody listens, with growing waits, and connects once a server appears', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    const first = await engine.open(client(port, {}));
    // open() answers its own attempt; the retries go on behind it.
    expect(!first.ok && first.error.code).toBe('ECONNREFUSED');
    const id = await engine.onlySessionId();
    await engine.waitFor(() => engine.sessionEvents(id).length >= 2);
    const waiting = engine.sessionEvents(id)[1]!;
    expect(waiting.state).toBe('opening');
    expect(waiting.error?.code).toBe('ECONNREFUSED');
    expect(waiting.error?.message).toContain(`127.0.0.1:${port}`);
    expect(waiting.reconnect?.attempt).toBe(1);
    const waitingAt = engine.ofType('session', (e) => e.session.id === id)[1]!.at;
    const firstWait = reconnectWaits(requested)[0]!;
    expect(waiting.reconnect!.nextAt! - waitingAt).toBeLessThanOrEqual(firstWait);
    expect(waiting.reconnect!.nextAt! - waitingAt).toBeGreaterThan(firstWait - 5);
    // Still opening: reopen is refused until the user closes.
    const early = await engine.manager.reopen({ sessionId: id });
    expect(!early.ok && early.error.code).toBe(AppCode.BadState);

    await engine.waitFor(() => errorMessages(engine, id).length >= 5, 5000, 'four failed reconnect attempts');
    const waits = reconnectWaits(requested);
    expectWithin(waits[0], 1000);
    expectWithin(waits[1], 2000);
    expectWithin(waits[2], 4000, 4000);
    expectWithin(waits[3], 4000, 4000);
    expectWithin(waits[4], 4000, 4000);
    const messages = errorMessages(engine, id);
    // Each message names the OS code, the attempt that failed and the wait that follows it.
    expect(messages[0]).toMatch(/ECONNREFUSED\) \(reconnecting, next try in \d/);
    expect(messages[0]!.endsWith(`(reconnecting, next try in ${english(delayPhrase(waits[0]!))}).`)).toBe(true);
    for (let n = 1; n <= 4; n++) {
      expect(messages[n]).toContain(`127.0.0.1:${port}`);
      expect(messages[n]!.endsWith(`(ECONNREFUSED) (attempt ${n}, next try in ${english(delayPhrase(waits[n]!))}).`)).toBe(true);
    }
    for (const e of engine.ofType('error', (e) => e.sessionId === id)) expect(e.error.code).toBe('ECONNREFUSED');
    // While it retries the session says so: opening, which attempt, when, and why.
    const during = engine.sessionEvents(id).slice(1);
    expect(during.every((s) => s.state === 'opening' && s.reconnect !== undefined && s.error?.code === 'ECONNREFUSED')).toBe(true);
    expect(during.some((s) => s.reconnect?.attempt === 3 && s.reconnect.nextAt === undefined)).toBe(true);

    const server = await listenOn(port);
    const info = await engine.waitFor(async () => {
      const now = await engine.info(id);
      return now.state === 'open' && now;
    });
    expect(info.reconnect).toBeUndefined();
    expect(info.error).toBeUndefined();
    await engine.waitFor(() => server.peers.length === 1);
    const connId = info.connections[0]!.connId;
    expect((await engine.send(id, textPayload('back'))).ok).toBe(true);
    await engine.waitFor(() => server.peers[0]!.received().toString() === 'back');
    server.peers[0]!.socket.write('welcome');
    await engine.waitFor(() => engine.dataBytes(id, connId, 'rx').toString() === 'welcome');
    expect(new Set(engine.states(id))).toEqual(new Set(['opening', 'open']));
  });

  it('reconnects after the server closes or resets the connection; data flows on each new connection', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, {}));
    const firstPeer = await server.next();
    const firstConn = info.connections[0]!.connId;

    firstPeer.socket.end('bye');
    const secondPeer = await server.next();
    const second = await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === info.id && e.conn.connId !== firstConn)[0],
    );
    const secondConn = second.conn.connId;
    expect(engine.ofType('connection-closed', (e) => e.connId === firstConn)[0]?.reason).toBe('peer-closed');
    expect(engine.dataBytes(info.id, firstConn, 'rx').toString()).toBe('bye');
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'open');
    expect((await engine.send(info.id, textPayload('again'))).ok).toBe(true);
    await engine.waitFor(() => secondPeer.received().toString() === 'again');
    secondPeer.socket.write('hello 2');
    await engine.waitFor(() => engine.dataBytes(info.id, secondConn, 'rx').toString() === 'hello 2');
    // A peer's close is no failure: waiting, attempt 1, no error to show.
    const afterClose = engine.sessionEvents(info.id)[2]!;
    expect(afterClose).toMatchObject({ state: 'opening', reconnect: { attempt: 1 } });
    expect(afterClose.error).toBeUndefined();
    expect(typeof afterClose.reconnect?.nextAt).toBe('number');

    // This connection dropped at once, so the backoff goes on: attempt 2, twice the first wait.
    secondPeer.socket.resetAndDestroy();
    const thirdPeer = await server.next();
    const third = await engine.waitFor(
      () =>
        engine.ofType(
          'connection-opened',
          (e) => e.sessionId === info.id && e.conn.connId !== firstConn && e.conn.connId !== secondConn,
        )[0],
    );
    expect(engine.ofType('connection-closed', (e) => e.connId === secondConn)[0]?.reason).toBe('peer-reset');
    const afterReset = engine.sessionEvents(info.id).find((s, i, all) => i > 2 && s.state === 'opening' && all[i - 1]!.state === 'open');
    expect(afterReset).toMatchObject({ reconnect: { attempt: 2 }, error: { code: 'ECONNRESET' } });
    thirdPeer.socket.write('hello 3');
    await engine.waitFor(() => engine.dataBytes(info.id, third.conn.connId, 'rx').toString() === 'hello 3');
    const waits = reconnectWaits(requested);
    expect(waits).toHaveLength(2);
    expectWithin(waits[0], 1000);
    expectWithin(waits[1], 2000);
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'opening', 'opening', 'open', 'opening', 'opening', 'open']);
    expect((await engine.info(info.id)).error).toBeUndefined();
  });

  it('a connection that held for a while starts the backoff afresh', async () => {
    const { clock, requested, skip } = scaledClock();
    const engine = startEngine({ clock });
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, {}));
    const first = await server.next();
    first.socket.end();
    const second = await server.next();
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'open');
    skip(STABLE_CONNECTION_MS);
    second.socket.end();
    await server.next();
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'open');
    const waits = reconnectWaits(requested);
    expect(waits).toHaveLength(2);
    for (const wait of waits) expectWithin(wait, 1000);
  });

  it('gives up on a server that accepts and drops at once after maxAttempts', async () => {
    const { clock } = scaledClock();
    const engine = startEngine({ clock });
    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, { maxAttempts: 2 }));
    for (let i = 0; i < 3; i += 1) (await server.next()).socket.destroy();
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'error', 10_000);
    expect(engine.ofType('connection-opened', (e) => e.sessionId === info.id)).toHaveLength(3);
    expect(errorMessages(engine, info.id).at(-1)).toMatch(/the server closes each connection at once.*attempt 2 of 2, giving up/);
    expect((await engine.info(info.id)).error).toMatchObject({ code: 'CONNECTION_DROPPED', hint: expect.stringContaining('handshake') });
    await sleep(300);
    expect(engine.ofType('connection-opened', (e) => e.sessionId === info.id)).toHaveLength(3);
  });

  it('stops after maxAttempts in state error with the last failure; reopen starts the count afresh', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    const first = await engine.open(client(port, { maxAttempts: 3 }));
    expect(first.ok).toBe(false);
    const id = await engine.onlySessionId();
    const ended = await engine.waitFor(() => engine.sessionEvents(id).find((s) => s.state === 'error'), 5000, 'the session to give up');
    expect(ended.error?.code).toBe('ECONNREFUSED');
    expect(ended.error?.message).toBe(first.ok ? '' : first.error.message);
    expect(ended.reconnect).toBeUndefined();
    const messages = errorMessages(engine, id);
    expect(messages).toHaveLength(4);
    expect(messages[3]).toMatch(/ECONNREFUSED\) \(attempt 3 of 3, giving up\)\.$/);
    expect(reconnectWaits(requested)).toHaveLength(3);

    // Given up for good: nothing more is tried, even once a server is there.
    const server = await listenOn(port);
    await sleep(300);
    engine.manager.flush();
    expect(server.peers).toHaveLength(0);
    expect(errorMessages(engine, id)).toHaveLength(4);
    expect(reconnectWaits(requested)).toHaveLength(3);
    const info = await engine.info(id);
    expect(info.state).toBe('error');
    expect(info.reconnect).toBeUndefined();

    const again = await engine.manager.reopen({ sessionId: id });
    expect(again.ok && again.value.state).toBe('open');
    expect(again.ok && again.value.error).toBeUndefined();
    await engine.waitFor(() => server.peers.length === 1);
  });

  it('reopen after giving up counts from attempt 1 again', async () => {
    const { clock } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    await engine.open(client(port, { maxAttempts: 1 }));
    const id = await engine.onlySessionId();
    await engine.waitFor(() => engine.sessionEvents(id).some((s) => s.state === 'error'));
    const again = await engine.manager.reopen({ sessionId: id });
    expect(!again.ok && again.error.code).toBe('ECONNREFUSED');
    await engine.waitFor(() => errorMessages(engine, id).length === 4);
    const afterReopen = engine.sessionEvents(id).slice(engine.sessionEvents(id).findIndex((s) => s.state === 'error') + 1);
    expect(afterReopen.map((s) => s.reconnect?.attempt)).toEqual([undefined, 1, 1, undefined]);
    expect(afterReopen.map((s) => s.state)).toEqual(['opening', 'opening', 'opening', 'error']);
    const messages = errorMessages(engine, id);
    expect(messages[1]).toContain('(attempt 1 of 1, giving up)');
    expect(messages[2]).toContain('(reconnecting, next try in');
    expect(messages[3]).toContain('(attempt 1 of 1, giving up)');
  });

  it('close() during the wait cancels it for good: closed, and a server started later gets nothing', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    // A long first wait, so the close surely lands in it.
    await engine.open(client(port, { initialDelayMs: 20_000, maxDelayMs: 20_000 }));
    const id = await engine.onlySessionId();
    const waiting = await engine.info(id);
    expect(waiting.state).toBe('opening');
    expect(waiting.reconnect?.nextAt).toBeGreaterThan(clock.now());
    const closed = await engine.manager.close({ sessionId: id });
    expect(closed.ok && closed.value.state).toBe('closed');
    expect(closed.ok && closed.value.reconnect).toBeUndefined();
    expect(closed.ok && closed.value.error).toBeUndefined();

    const server = await listenOn(port);
    await sleep(1500);
    engine.manager.flush();
    expect(server.peers).toHaveLength(0);
    expect(reconnectWaits(requested)).toHaveLength(1);
    expect(errorMessages(engine, id)).toHaveLength(1);
    expect(engine.states(id).at(-1)).toBe('closed');
    expect((await engine.info(id)).state).toBe('closed');
  });

  it('close() during a reconnect attempt in flight cancels it and the socket; nothing follows', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const port = await hangingPort();
    const handlesBefore = tcpHandles();
    // The connect timeout (scaled to 500 ms) fails the first connect; attempt 1 then hangs.
    const first = await engine.open(client(port, { initialDelayMs: 1000 }, { connectTimeoutMs: 10_000 }));
    expect(!first.ok && first.error.code).toBe('ETIMEDOUT');
    const id = await engine.onlySessionId();
    const trying = await engine.waitFor(async () => {
      const info = await engine.info(id);
      return info.reconnect?.nextAt === undefined && info.reconnect;
    });
    const closed = await engine.manager.close({ sessionId: id });
    expect(closed.ok && closed.value.state).toBe('closed');
    expect(closed.ok && closed.value.reconnect).toBeUndefined();
    await engine.waitFor(() => tcpHandles() === handlesBefore, 2000, 'the connecting socket to close');
    await sleep(700);
    engine.manager.flush();
    expect(reconnectWaits(requested, 10_000)).toHaveLength(trying.attempt);
    expect(errorMessages(engine, id)).toHaveLength(trying.attempt);
    expect(engine.ofType('error', (e) => e.sessionId === id).every((e) => e.error.code === 'ETIMEDOUT')).toBe(true);
    expect((await engine.info(id)).state).toBe('closed');
  });

  it('remove during the wait stops it too', async () => {
    const { clock } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    await engine.open(client(port, {}));
    const id = await engine.onlySessionId();
    expect((await engine.manager.remove({ sessionId: id })).ok).toBe(true);
    const server = await listenOn(port);
    await sleep(400);
    expect(server.peers).toHaveLength(0);
  });

  it("the user's disconnect or close is not a loss: no reconnect", async () => {
    const { clock } = scaledClock();
    const engine = startEngine({ clock });
    const server = await listenPeer();
    const reset = await engine.openOk(client(server.port, {}));
    const graceful = await engine.openOk(client(server.port, {}));
    const closing = await engine.openOk(client(server.port, {}));
    await engine.waitFor(() => server.peers.length === 3);
    expect((await engine.manager.disconnect({ sessionId: reset.id, mode: 'reset' })).ok).toBe(true);
    expect((await engine.manager.disconnect({ sessionId: graceful.id, mode: 'graceful' })).ok).toBe(true);
    expect((await engine.manager.close({ sessionId: closing.id })).ok).toBe(true);
    await engine.waitFor(
      async () => (await engine.info(reset.id)).state === 'closed' && (await engine.info(graceful.id)).state === 'closed',
    );
    await sleep(400);
    expect(server.peers).toHaveLength(3);
    for (const id of [reset.id, graceful.id, closing.id]) {
      const info = await engine.info(id);
      expect(info.state).toBe('closed');
      expect(info.reconnect).toBeUndefined();
    }
  });

  it('without reconnect enabled nothing reconnects, after a failed connect or a lost connection', async () => {
    const { clock, requested } = scaledClock();
    const engine = startEngine({ clock });
    const port = await freePort();
    const failed = await engine.open(client(port, { enabled: false }));
    expect(!failed.ok && failed.error.code).toBe('ECONNREFUSED');
    const failedId = await engine.onlySessionId();
    expect(await engine.info(failedId)).toMatchObject({ state: 'error', error: { code: 'ECONNREFUSED' } });
    const late = await listenOn(port);

    const server = await listenPeer();
    const info = await engine.openOk(client(server.port, { enabled: false }));
    (await server.next()).socket.end();
    await engine.waitFor(async () => (await engine.info(info.id)).state === 'closed');
    await sleep(400);
    engine.manager.flush();
    expect(late.peers).toHaveLength(0);
    expect(server.peers).toHaveLength(1);
    expect(reconnectWaits(requested)).toEqual([]);
    expect(engine.states(failedId)).toEqual(['opening', 'error']);
    expect(engine.states(info.id)).toEqual(['opening', 'open', 'closed']);
    expect(engine.ofType('error')).toEqual([]);
    expect((await engine.info(failedId)).reconnect).toBeUndefined();
  });
});
