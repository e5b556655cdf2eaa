/**
 * Automation in the engine against real peers: auto-reply rules on framed TCP requests checked
 * byte for byte by a python3 client, regex captures, hex patterns over UDP, two auto-responders
 * answering each other under their rate limits, a failing rule that leaves the others running,
 * heartbeats per connection, liveness (a silent python3 device marked stale, then reconnected),
 * and repeat runs timed by the engine that stop at once.
 */
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas, type AutomationInput, type MethodArgs } from '@shared/contract';
import { connectPeer, disposeAll, onCleanup, startEngine, textPayload, track, type Engine } from '../support/engine';
import { bindPeer } from '../support/udp';

afterEach(disposeAll);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function python(script: string): { lines: AsyncIterator<string>; done: Promise<number | null> } {
  const child = spawn('python3', ['-c', script]);
  onCleanup(() => {
    child.kill();
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(Buffer.concat(stderr));
  });
  return { lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), done };
}

function repeat(engine: Engine, args: MethodArgs<'repeat'>) {
  return engine.manager.repeat(argSchemas.repeat.parse(args));
}

async function parsedAutomate(engine: Engine, sessionId: string, automation: AutomationInput) {
  return engine.manager.automate(argSchemas.automate.parse({ sessionId, automation } satisfies MethodArgs<'automate'>));
}

/** A fresh engine with a listener on 127.0.0.1, automated from the start when `automation` is given. */
async function listener(automation?: AutomationInput) {
  const engine = startEngine();
  const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, ...(automation ? { automation } : {}) });
  return { engine, session };
}

const PING_RULE = {
  id: 'ping',
  name: 'PING',
  match: { on: 'text', kind: 'regex', pattern: '^PING (?<n>\\d+)$' },
  reply: { format: 'text', value: 'PONG {{$n}}\\n' },
} as const;

describe('auto-reply rules', () => {
  it('answers each framed request of a python3 client, byte for byte, and says which rule sent it', async () => {
    const { engine, session } = await listener({ rules: [PING_RULE], framing: { mode: 'delimiter', delimiter: '0a' } });
    // Requests cut badly on purpose: two in one write, one split over three writes, then a stray line.
    const peer = python(`
import socket, sys, time
s = socket.create_connection(("127.0.0.1", ${session.local!.port}))
for part in [b"PING 1\\nPING 22\\n", b"PI", b"NG 3", b"33\\n", b"HELLO\\n", b"PING 4\\n"]:
    s.sendall(part)
    time.sleep(0.05)
want = b"PONG 1\\nPONG 22\\nPONG 333\\nPONG 4\\n"
got = b""
s.settimeout(10)
while len(got) < len(want):
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
print("ok" if got == want else "bad %r" % got, flush=True)
`);
    expect((await peer.lines.next()).value).toBe('ok');
    const replies = engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx');
    expect(replies.every((e) => e.origin?.kind === 'rule' && e.origin.ruleId === 'ping' && e.origin.name === 'PING')).toBe(true);
    const info = await engine.waitFor(async () => {
      const current = await engine.info(session.id);
      return current.automation?.rules[0]?.replies === 4 ? current : undefined;
    });
    expect(info.automation!.rules[0]).toMatchObject({ id: 'ping', hits: 4, replies: 4, limited: 0, failures: 0 });
    expect(info.automation!.rules[0]!.lastHitAt).toBeGreaterThan(0);
    expect(info.config.automation?.rules).toHaveLength(1);
  });

  it('frames length-prefixed binary requests of a python3 device and echoes their wildcard bytes', async () => {
    const { session } = await listener({
      framing: { mode: 'length', size: 2, includesHeader: false },
      rules: [
        {
          id: 'read',
          match: { on: 'hex', kind: 'exact', pattern: '00 03 01 ?? ??' },
          reply: { format: 'hex', value: '00 03 81 {{$1}}' },
        },
      ],
    });
    const peer = python(`
import socket, time
s = socket.create_connection(("127.0.0.1", ${session.local!.port}))
stream = bytes([0, 3, 1, 0xde, 0xad, 0, 3, 2, 0, 0, 0, 3, 1, 0xbe, 0xef])
start = 0
for end in [1, 4, 9, 15]:
    s.sendall(stream[start:end])
    start = end
    time.sleep(0.03)
want = bytes([0, 3, 0x81, 0xde, 0xad, 0, 3, 0x81, 0xbe, 0xef])
got = b""
s.settimeout(10)
while len(got) < len(want):
    got += s.recv(100)
print("ok" if got == want else "bad " + got.hex(), flush=True)
`);
    expect((await peer.lines.next()).value).toBe('ok');
  });

  it('gap framing answers a request once the sender pauses', async () => {
    const { engine, session } = await listener({
      framing: { mode: 'gap', gapMs: 80 },
      rules: [{ id: 'whole', match: { on: 'text', kind: 'exact', pattern: 'ABCD' }, reply: { format: 'text', value: 'OK' } }],
    });
    const peer = await connectPeer(session.local!.port);
    peer.socket.write('AB');
    await sleep(10);
    peer.socket.write('CD');
    await engine.waitFor(() => peer.received().toString() === 'OK', 5_000, 'the reply after the pause');
  });

  it('first match only by default, every match when asked; a broken rule says why and the others still answer', async () => {
    const { engine, session } = await listener();
    const rules = [
      { id: 'bad', match: { on: 'text', kind: 'regex', pattern: '([a-z' }, reply: { format: 'text', value: 'never' } },
      { id: 'a', match: { on: 'text', kind: 'contains', pattern: 'x' }, reply: { format: 'text', value: 'A' } },
      { id: 'b', match: { on: 'text', kind: 'starts', pattern: 'x' }, reply: { format: 'text', value: 'B' } },
    ] as const;
    const set = await parsedAutomate(engine, session.id, { rules: [...rules] });
    expect(set.ok).toBe(true);
    if (set.ok) {
      expect(set.value.automation!.rules[0]!.error?.code).toBe('RULE_INVALID');
      expect(set.value.automation!.rules[0]!.error?.message).toMatch(
        /Rule bad cannot run\. Its match pattern: The regular expression is not valid/,
      );
    }
    const peer = await connectPeer(session.local!.port);
    peer.socket.write('x1');
    await engine.waitFor(() => peer.received().toString() === 'A', 5_000, 'the first matching rule alone');
    await parsedAutomate(engine, session.id, { rules: [...rules], everyMatch: true });
    peer.socket.write('x2');
    await engine.waitFor(() => peer.received().toString() === 'AAB', 5_000, 'both matching rules');
    await sleep(100);
    expect(peer.received().toString()).toBe('AAB');
  });

  it('replies to UDP senders from a hex pattern, echoing the wildcard bytes, after the delay', async () => {
    const engine = startEngine();
    const session = await engine.openOk({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      automation: {
        rules: [
          {
            id: 'modbus',
            match: { on: 'hex', kind: 'exact', pattern: '01 03 ?? ??' },
            reply: { format: 'hex', value: '01 83 {{$1}}' },
            delayMs: 150,
          },
        ],
      },
    });
    const peer = await bindPeer('udp4', '127.0.0.1');
    onCleanup(peer.close);
    const got = peer.received;
    const sentAt = Date.now();
    await peer.send(Uint8Array.of(1, 3, 0xbe, 0xef), session.local!.port, '127.0.0.1');
    await peer.send(Uint8Array.of(1, 4, 0, 0), session.local!.port, '127.0.0.1');
    await engine.waitFor(() => got.length === 1, 5_000, 'the reply');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(140);
    expect([...got[0]!.bytes]).toEqual([1, 0x83, 0xbe, 0xef]);
    await sleep(200);
    expect(got).toHaveLength(1);
  });

  it('two auto-responders facing each other stay within their rate limits and say so', async () => {
    const engine = startEngine();
    const echo = (id: string): AutomationInput => ({
      rules: [
        {
          id,
          match: { on: 'text', kind: 'contains', pattern: 'ball' },
          reply: { format: 'text', value: 'ball' },
          rateLimit: { replies: 5, perMs: 500 },
        },
      ],
    });
    const server = await engine.openOk({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      noDelay: true,
      automation: echo('server'),
    });
    const client = await engine.openOk({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port: server.local!.port,
      automation: echo('client'),
    });
    await engine.send(client.id, textPayload('ball'));
    await sleep(1_600);
    engine.manager.flush();
    let last = 0;
    for (const id of [server.id, client.id]) {
      const replies = engine.ofType('data', (e) => e.sessionId === id && e.dir === 'tx' && e.origin?.kind === 'rule').map((e) => e.at);
      // No 500 ms window holds more than 5 replies of one rule.
      for (const at of replies) expect(replies.filter((t) => t >= at && t - at < 500).length).toBeLessThanOrEqual(5);
      expect(replies.length).toBeGreaterThanOrEqual(4);
      last = Math.max(last, ...replies);
    }
    // The side that hit its limit first stopped answering, so the storm ended rather than going on at the limit.
    expect(Date.now() - last).toBeGreaterThan(500);
    const notices = engine.ofType('error', (e) => e.error.code === 'RULE_RATE_LIMITED');
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices[0]!.error.message).toMatch(/replied 5 times within 500 ms, its rate limit/);
    const limited = await Promise.all([server.id, client.id].map(async (id) => (await engine.info(id)).automation!.rules[0]!.limited));
    expect(limited[0]! + limited[1]!).toBeGreaterThan(0);
  });
});

describe('heartbeat and liveness', () => {
  it('a listener beats on each connection from its own start, and stops when the session closes', async () => {
    const { engine, session } = await listener({ heartbeat: { intervalMs: 50, payload: { format: 'hex', value: 'aa 55' } } });
    const first = await connectPeer(session.local!.port);
    const second = await connectPeer(session.local!.port);
    await engine.waitFor(() => first.received().length >= 6 && second.received().length >= 6, 5_000, 'three beats each');
    expect([...first.received().subarray(0, 4)]).toEqual([0xaa, 0x55, 0xaa, 0x55]);
    const beats = engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx');
    expect(beats.every((e) => e.origin?.kind === 'heartbeat')).toBe(true);
    await engine.manager.close({ sessionId: session.id });
    const count = engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx').length;
    await sleep(200);
    engine.manager.flush();
    expect(engine.ofType('data', (e) => e.sessionId === session.id && e.dir === 'tx').length).toBe(count);
  });

  it('a UDP session beats to its remote; without one and before any sender, it says once why it cannot', async () => {
    const engine = startEngine();
    const peer = await bindPeer('udp4', '127.0.0.1');
    onCleanup(peer.close);
    const got = peer.received;
    const heartbeat = { intervalMs: 30, payload: { format: 'text' as const, value: 'hb' } };
    await engine.openOk({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      remote: { host: '127.0.0.1', port: peer.port },
      automation: { heartbeat },
    });
    await engine.waitFor(() => got.length >= 3, 5_000, 'three heartbeats');
    expect(got.every((m) => m.bytes.toString() === 'hb')).toBe(true);

    const lonely = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0, automation: { heartbeat } });
    await sleep(200);
    engine.manager.flush();
    const told = engine.ofType('error', (e) => e.sessionId === lonely.id);
    expect(told).toHaveLength(1);
    expect(told[0]!.error.message).toMatch(/^Heartbeat not sent: No datagram received yet/);
    expect((await engine.info(lonely.id)).automation!.heartbeatError?.code).toBe('NO_TARGET');
  });

  it('a python3 device that goes silent is marked stale, then reconnected, and talks again', async () => {
    // Connection 1: talks, then says nothing. Connection 2: talks — the device is back.
    const device = python(`
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
c1, _ = s.accept()
c1.sendall(b"hello 1")
c2, _ = s.accept()
print("reconnected", flush=True)
c2.sendall(b"hello 2")
time.sleep(5)
`);
    const port = Number((await device.lines.next()).value);
    const engine = startEngine();
    const session = await engine.openOk({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port,
      automation: { liveness: { silenceMs: 300, action: 'reconnect' } },
    });
    const stale = await engine.waitFor(() => engine.ofType('liveness', (e) => e.sessionId === session.id && e.stale)[0], 5_000, 'stale');
    expect(stale).toMatchObject({ connId: session.connections[0]!.connId, silentMs: 300, action: 'reconnect' });
    const notice = engine.ofType('error', (e) => e.sessionId === session.id && e.error.code === 'PEER_SILENT')[0];
    expect(notice!.error.message).toMatch(/received nothing for 300 ms \(the liveness limit\), so it is being closed and connected again/);
    expect((await device.lines.next()).value).toBe('reconnected');
    const closed = engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0];
    expect(closed!.reason).toBe('local-closed');
    await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === session.id).length === 2,
      5_000,
      'the new connection',
    );
    const second = engine.ofType('connection-opened', (e) => e.sessionId === session.id)[1]!.conn.connId;
    await engine.waitFor(() => engine.dataBytes(session.id, second, 'rx').toString() === 'hello 2', 5_000, 'data on the new connection');
  });

  it('stale marks a quiet connection until data comes again; the listener shows it in the connection', async () => {
    const { engine, session } = await listener({ liveness: { silenceMs: 200, action: 'stale' } });
    const peer = await connectPeer(session.local!.port);
    await engine.waitFor(() => engine.ofType('liveness', (e) => e.stale).length === 1, 5_000, 'stale');
    const info = await engine.info(session.id);
    expect(info.connections[0]!.staleSince).toBeGreaterThan(0);
    peer.socket.write('back');
    const alive = await engine.waitFor(() => engine.ofType('liveness', (e) => !e.stale)[0], 5_000, 'live again');
    expect(alive.connId).toBe(info.connections[0]!.connId);
    expect((await engine.info(session.id)).connections[0]!.staleSince).toBeUndefined();
    expect(peer.ended).toBe(false);
  });

  it('close ends a silent connection with that reason, and a send to it says why', async () => {
    const { engine, session } = await listener({
      liveness: { silenceMs: 200, action: 'close' },
      heartbeat: { intervalMs: 50, payload: { format: 'text', value: '.' } },
    });
    const peer = await connectPeer(session.local!.port);
    // Our heartbeats keep the connection busy, but only what the peer sends counts as life.
    await engine.waitFor(() => peer.ended, 5_000, 'the FIN for silence');
    const connId = engine.ofType('connection-opened')[0]!.conn.connId;
    await engine.waitFor(() => engine.ofType('connection-closed').length === 1, 8_000, 'the close');
    const refused = await engine.send(session.id, textPayload('late'), { type: 'connections', connIds: [connId] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/nothing was received for 200 ms \(the liveness limit\)/);
    // The same words as a phrase, so the page says them in its language.
    if (!refused.ok) expect(JSON.stringify(refused.error.i18n.message)).toContain('"key":"why.liveness"');
  });

  it('a silent UDP peer: close ends the session, saying why', async () => {
    const engine = startEngine();
    const session = await engine.openOk({
      kind: 'udp',
      host: '127.0.0.1',
      port: 0,
      automation: { liveness: { silenceMs: 200, action: 'close' } },
    });
    await engine.waitFor(async () => (await engine.info(session.id)).state === 'closed', 5_000, 'the session closed');
    const stale = engine.ofType('liveness', (e) => e.sessionId === session.id)[0];
    expect(stale).toMatchObject({ stale: true, silentMs: 200, action: 'close' });
    expect(stale!.connId).toBeUndefined();
    const notice = engine.ofType('error', (e) => e.error.code === 'PEER_SILENT')[0];
    expect(notice!.error.message).toMatch(/Session s\d+ received nothing for 200 ms \(the liveness limit\), so it is being closed/);
  });

  it('refuses reconnect for a listener, naming the fix', async () => {
    const { engine, session } = await listener();
    const result = await parsedAutomate(engine, session.id, { liveness: { silenceMs: 100, action: 'reconnect' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    if (!result.ok) expect(result.error.message).toMatch(/reconnect is for TCP clients/);
  });
});

describe('repeat, timed by the engine', () => {
  async function counter(): Promise<{ port: number; bytes: () => number }> {
    let bytes = 0;
    const server = track(createServer((socket: Socket) => socket.on('data', (chunk) => (bytes += chunk.length))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : 0, bytes: () => bytes };
  }

  it('sends count times at 1 ms and reports finished', async () => {
    const peer = await counter();
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: peer.port });
    const started = await repeat(engine, {
      sessionId: session.id,
      action: 'start',
      payload: textPayload('abcd'),
      intervalMs: 1,
      count: 200,
    });
    expect(started).toMatchObject({ ok: true, value: { state: 'running', count: 200 } });
    await engine.waitFor(
      async () => (await engine.info(session.id)).automation?.repeat?.state === 'finished',
      10_000,
      'the end of the run',
    );
    await engine.waitFor(() => peer.bytes() === 800, 5_000, '200 sends at the peer');
    const info = await engine.info(session.id);
    expect(info.automation!.repeat).toMatchObject({ sent: 200, skipped: 0 });
    expect(engine.ofType('data', (e) => e.dir === 'tx').every((e) => e.origin?.kind === 'repeat')).toBe(true);
  });

  it('stop takes effect at once, and closing the session stops a run', async () => {
    const peer = await counter();
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: peer.port });
    await repeat(engine, { sessionId: session.id, action: 'start', payload: textPayload('x'), intervalMs: 5 });
    await engine.waitFor(() => peer.bytes() >= 5, 5_000, 'a few sends');
    const stopped = await engine.manager.repeat({ sessionId: session.id, action: 'stop' });
    expect(stopped).toMatchObject({ ok: true, value: { state: 'stopped' } });
    const sent = stopped.ok ? stopped.value.sent : -1;
    await sleep(100);
    expect(peer.bytes()).toBe(sent);

    await repeat(engine, { sessionId: session.id, action: 'start', payload: textPayload('y'), intervalMs: 5 });
    await engine.manager.close({ sessionId: session.id });
    const info = await engine.info(session.id);
    expect(info.automation!.repeat!.state).toBe('stopped');
  });

  it('refuses a run on a session that is not open', async () => {
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    await engine.manager.close({ sessionId: session.id });
    const result = await repeat(engine, {
      sessionId: session.id,
      action: 'start',
      payload: textPayload('x'),
      intervalMs: 10,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_STATE' } });
  });
});
