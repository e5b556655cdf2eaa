/**
 * One API, three transports: the same calls over Electron IPC, the browser mode's WebSocket and
 * stdio must open the same real sockets, carry the same bytes and events, refuse the same input
 * with the same typed errors, and answer every call exactly once.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, type InspectorEvent, type SessionInfo } from '@shared/contract';
import type { Result } from '@shared/result';
import { DEPTH, engineJsonCases, jsonDeepLiterals, jsonHostileLiterals, polluted, prototypeKeys } from '../support/hostile-input';
import { tcpPeerClient, tcpPeerServer, udpPeer, type Cleanups } from '../support/peers';
import { LEGS, type TransportClient } from '../support/transports';
import { until } from '../support/until';

const prototypeBefore = prototypeKeys();

function expectRefused(result: Result<unknown>, label: string, mentions?: string | RegExp, code = 'INVALID_ARGUMENT'): void {
  expect(result.ok, `${label} should be refused`).toBe(false);
  if (result.ok) return;
  expect(Object.keys(result).sort(), label).toEqual(['error', 'ok']);
  expect(Object.keys(result.error).sort(), label).toEqual(['code', 'hint', 'i18n', 'message']);
  expect(result.error.code, label).toBe(code);
  expect(result.error.hint.length, label).toBeGreaterThan(10);
  expect(result.error.message.length, `${label}: the message stays readable`).toBeLessThan(2000);
  if (typeof mentions === 'string') expect(result.error.message, label).toContain(mentions);
  else if (mentions) expect(result.error.message, label).toMatch(mentions);
}

function opened(result: Result<unknown>): SessionInfo {
  if (!result.ok) throw new Error(`open failed: ${result.error.code} ${result.error.message}`);
  return result.value as SessionInfo;
}

const isData = (sessionId: string, dir: 'rx' | 'tx', text: string) => (event: InspectorEvent) =>
  event.type === 'data' && event.sessionId === sessionId && event.dir === dir && Buffer.from(event.bytes).toString('latin1') === text;

const text = (value: string) => ({ format: 'text', value });

describe.each(LEGS)('$name', (leg) => {
  let client: TransportClient;
  const cleanups: Cleanups = [];

  beforeAll(async () => {
    client = await leg.open();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    // Each test leaves the engine as it found it: no session left open.
    const listed = await client.call('list', {});
    for (const session of listed.ok ? (listed.value as SessionInfo[]) : []) await client.call('remove', { sessionId: session.id });
  });

  afterAll(async () => {
    await client.close();
    expect(prototypeKeys()).toEqual(prototypeBefore);
    expect(polluted()).toBe(false);
  });

  it('listens on TCP, carries bytes both ways with a real peer, and reports it in events', async () => {
    const server = opened(await client.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } }));
    expect(server).toMatchObject({ kind: 'tcp-server', state: 'open' });
    await client.nextEvent((e) => e.type === 'session' && e.session.id === server.id && e.session.state === 'open', 'the session event');
    const peer = await tcpPeerClient(server.local!.port, cleanups);
    await client.nextEvent((e) => e.type === 'connection-opened' && e.sessionId === server.id, 'connection-opened');
    peer.socket.write('ping\0\xff', 'latin1');
    await client.nextEvent(isData(server.id, 'rx', 'ping\0\xff'), 'the received bytes');
    const sent = await client.call('send', { sessionId: server.id, payload: text('pong\\x00\\xff') });
    expect(sent).toEqual({ ok: true, value: { bytes: 6, targets: 1 } });
    await until(() => peer.received().toString('latin1') === 'pong\0\xff', 'the peer to get the reply');
    await client.nextEvent(isData(server.id, 'tx', 'pong\0\xff'), 'the sent bytes');
    expect(await client.call('close', { sessionId: server.id })).toMatchObject({ ok: true, value: { state: 'closed' } });
  });

  it('connects out over TCP and exchanges bytes with a real server', async () => {
    const peer = await tcpPeerServer(cleanups, (socket) => socket.write('hello'));
    const session = opened(await client.call('open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: peer.port } }));
    await client.nextEvent(isData(session.id, 'rx', 'hello'), 'the greeting');
    expect(await client.call('send', { sessionId: session.id, payload: { format: 'hex', value: 'de ad be ef' } })).toMatchObject({
      ok: true,
      value: { bytes: 4 },
    });
    await until(() => peer.received().equals(Buffer.from([0xde, 0xad, 0xbe, 0xef])), 'the server to get the bytes');
  });

  it('binds UDP, receives a datagram and answers its sender', async () => {
    const session = opened(await client.call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0 } }));
    const peer = await udpPeer(cleanups);
    const got: Buffer[] = [];
    peer.on('message', (message: Buffer) => got.push(message));
    peer.send(Buffer.from('dgram'), session.local!.port, '127.0.0.1');
    await client.nextEvent(isData(session.id, 'rx', 'dgram'), 'the datagram');
    expect(await client.call('send', { sessionId: session.id, payload: text('back'), to: { type: 'last-sender' } })).toMatchObject({
      ok: true,
      value: { bytes: 4, targets: 1 },
    });
    await until(() => got.some((m) => m.toString() === 'back'), 'the sender to get the answer');
  });

  it('refuses an unknown method, arguments naming the field, and no session, all with typed errors', async () => {
    if (client.surface) {
      // The page gets an object: a method the API lacks is not there to call.
      expect([...client.surface].sort()).toEqual(expect.arrayContaining([...METHOD_NAMES].sort()));
      expect(client.surface).not.toContain('explode');
    } else {
      expectRefused(await client.call('explode', {}), 'explode', 'Unknown method "explode".');
      expectRefused(await client.call('__proto__', {}), '__proto__', 'Unknown method');
    }
    expectRefused(
      await client.call('open', { config: { kind: 'tcp-server', host: '', port: 70000 } }),
      'bad open',
      /config\.host: Host is empty.*config\.port: Port 70000 is out of range/,
    );
    expectRefused(
      await client.call('send', { sessionId: 's1', payload: { format: 'morse', value: 'x' } }),
      'bad format',
      'Invalid arguments for send: payload.format',
    );
    expectRefused(await client.call('list', null), 'list(null)', 'Invalid arguments for list');
    expectRefused(await client.call('close', { sessionId: 'nope' }), 'unknown session', 'nope', 'NOT_FOUND');
  });

  it('refuses sending on a closed session, a port in use and a refused connect', async () => {
    const session = opened(await client.call('open', { config: { kind: 'udp', host: '127.0.0.1', port: 0 } }));
    await client.call('close', { sessionId: session.id });
    const closed = await client.call('send', {
      sessionId: session.id,
      payload: text('x'),
      to: { type: 'address', host: '127.0.0.1', port: 9 },
    });
    expect(closed).toMatchObject({ ok: false, error: { code: 'BAD_STATE' } });

    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = (holder.address() as { port: number }).port;
    const inUse = await client.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port } });
    expect(inUse).toMatchObject({ ok: false, error: { code: 'EADDRINUSE', message: expect.stringContaining(String(port)) } });

    // A port just let go of on loopback: nothing listens there now.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const refusedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = await client.call('open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: refusedPort } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ECONNREFUSED' } });
  });

  it('refuses every field of every method spelled as each hostile JSON value, or given a poison key', async () => {
    const cases = engineJsonCases(jsonHostileLiterals()).filter((c) => c.where !== undefined);
    expect(new Set(cases.map((c) => c.method))).toEqual(new Set(METHOD_NAMES));
    expect(cases.length).toBeGreaterThan(500);
    // Answered by id, so all may be in flight at once.
    const answers = await Promise.all(cases.map((c) => client.callText(c.method, c.argsText)));
    cases.forEach((c, i) => expectRefused(answers[i]!, c.name, `Invalid arguments for ${c.method}${c.where ? `: ${c.where}` : ''}`));
    expect(await client.call('list', {})).toEqual({ ok: true, value: [] });
  });

  it(`refuses arguments nested ${DEPTH} levels deep, whole or in a field, without overflowing a stack`, async () => {
    for (const [name, deep] of jsonDeepLiterals()) {
      for (const [method, argsText, where] of [
        ['list', deep, ''],
        ['open', `{"config":${deep}}`, 'config'],
        ['send', `{"sessionId":"s1","payload":${deep}}`, 'payload'],
      ] as const) {
        const label = `${method} ${name}`;
        if (client.surface) {
          // An API object in the page (IPC): contextBridge refuses the value before main sees it.
          await expect(client.callText(method, argsText), label).rejects.toThrow(/contextBridge recursion depth exceeded/);
        } else {
          expectRefused(await client.callText(method, argsText), label, `Invalid arguments for ${method}${where ? `: ${where}` : ''}`);
        }
      }
    }
    expect(await client.call('list', {})).toEqual({ ok: true, value: [] });
  });

  it('answers every call exactly once, many at a time, good and bad alike', async () => {
    const before = client.answers.length;
    const calls: [string, unknown][] = [];
    for (let i = 0; i < 60; i++) {
      calls.push(
        ['list', {}],
        ['explode', {}],
        ['close', { sessionId: `s${1000 + i}` }],
        ['open', { config: { kind: 'udp', host: '127.0.0.1', port: 70000 } }],
        ['list', { extra: i }],
      );
    }
    // Over IPC the page cannot name a method the API lacks.
    const made = client.surface ? calls.filter(([method]) => client.surface!.includes(method)) : calls;
    const results = await Promise.all(made.map(([method, args]) => client.call(method, args)));
    expect(results.filter((r) => r.ok)).toHaveLength(60);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fresh = client.answers.slice(before);
    expect(client.answers.length - before, 'no answer came twice, or late').toBe(made.length);
    const perId = new Map<unknown, number>();
    for (const answer of fresh) perId.set(answer.id, (perId.get(answer.id) ?? 0) + 1);
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
    expect(perId.size).toBe(made.length);
  });

  it('reads every envelope by the same rules: ids, unknown fields, args left out, frames that are no call', async () => {
    const raw = client.raw;
    if (!raw) return;
    // Ids: whole numbers and strings of up to 64 characters, echoed as given.
    for (const id of [7, -3, 0, '', 'job-1', 'i'.repeat(64)]) {
      expect(await raw(JSON.stringify({ id, method: 'list', args: {} }), id)).toEqual({ id, result: { ok: true, value: [] } });
    }
    // Left out, args means {}.
    expect(await raw('{"id":"no-args","method":"list"}', 'no-args')).toEqual({ id: 'no-args', result: { ok: true, value: [] } });
    // An unknown field refuses the call, under its id.
    for (const [extra, named] of [
      ['"extra":true', '"extra"'],
      ['"__proto__":{"polluted":true}', '"__proto__"'],
      ['"constructor":{"prototype":{"polluted":true}}', '"constructor"'],
    ] as const) {
      const answer = await raw(`{"id":"x","method":"list","args":{},${extra}}`, 'x');
      expectRefused(answer.result, extra, `unknown field ${named}`);
    }
    // No id to answer under: one answer without one.
    for (const [frame, mentions] of [
      ['not json', /is not JSON/],
      ['{"id":1,"method":"list","args":{}', /is not JSON/],
      ['[]', /must be an object/],
      ['null', /must be an object/],
      [`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`, /must be an object/],
      ...['1.5', '1e400', '9007199254740993', 'null', '[]', '{}', 'true', `"${'i'.repeat(65)}"`].map((id): [string, RegExp] => [
        `{"id":${id},"method":"list","args":{}}`,
        /"id" must be a whole number or a string of at most 64 characters/,
      ]),
    ] as const) {
      const answer = await raw(frame);
      expect(answer.id, frame.slice(0, 40)).toBeUndefined();
      expectRefused(answer.result, frame.slice(0, 40), mentions);
    }
    expect(await client.call('list', {})).toEqual({ ok: true, value: [] });
  });
});
