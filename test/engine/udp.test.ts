import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas } from '@shared/contract';
import { MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6 } from '@shared/limits';
import { pattern, Rig } from '../support/udp';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

let rig: Rig;

afterEach(async () => {
  await rig.dispose();
});

function newRig(): Rig {
  rig = new Rig();
  return rig;
}

/** A loopback port that nothing holds: bound for a moment, then released. */
async function freePort(): Promise<number> {
  const probe = await rig.peer('udp4', '127.0.0.1');
  await probe.close();
  return probe.port;
}

describe('UDP session: binding', () => {
  it('binds an ephemeral port on 127.0.0.1 and reports each sender with its family', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    expect(s.state).toBe('open');
    expect(s.kind).toBe('udp');
    expect(s.local).toEqual({ address: '127.0.0.1', port: expect.any(Number), family: 'IPv4' });
    expect(s.local.port).toBeGreaterThan(0);
    expect(s.memberships).toEqual([]);
    expect(s.lastSender).toBeUndefined();

    const peer = await r.peer('udp4', '127.0.0.1');
    await peer.send(text('hello'), s.local.port, '127.0.0.1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the datagram');
    expect(rx!.peer).toEqual({ address: '127.0.0.1', port: peer.port, family: 'IPv4' });
    expect(rx!.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(rx!.bytes).toString()).toBe('hello');
    expect((await r.info(s.id)).lastSender).toEqual({ address: '127.0.0.1', port: peer.port, family: 'IPv4' });
  });

  it('binds an ephemeral port on ::1 and receives from an IPv6 peer', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::1', port: 0 });
    expect(s.local).toEqual({ address: '::1', port: expect.any(Number), family: 'IPv6' });
    const peer = await r.peer('udp6', '::1');
    await peer.send(text('over six'), s.local.port, '::1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the datagram');
    expect(rx!.peer).toEqual({ address: '::1', port: peer.port, family: 'IPv6' });
    expect(Buffer.from(rx!.bytes).toString()).toBe('over six');
  });

  it('binds a host name after looking it up (localhost)', async () => {
    const r = newRig();
    const s = await r.bound({ host: 'localhost', port: 0 });
    expect(['127.0.0.1', '::1']).toContain(s.local.address);
    expect(s.local.family).toBe(s.local.address === '::1' ? 'IPv6' : 'IPv4');
  });

  it('on :: (dual-stack) receives from an IPv4 peer, reports it as IPv4, and replies over IPv4', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0 });
    expect(s.local).toEqual({ address: '::', port: expect.any(Number), family: 'IPv6' });
    const v4 = await r.peer('udp4', '127.0.0.1');
    const v6 = await r.peer('udp6', '::1');

    await v4.send(text('from v4'), s.local.port, '127.0.0.1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the IPv4 datagram');
    expect(rx!.peer).toEqual({ address: '127.0.0.1', port: v4.port, family: 'IPv4' });

    const reply = await r.send(s.id, text('back to v4'), { type: 'last-sender' });
    expect(reply).toEqual({ ok: true, value: { bytes: 10, targets: 1 } });
    const got = await r.until(() => v4.received[0], 'the reply at the IPv4 peer');
    expect(got.bytes.toString()).toBe('back to v4');
    expect(got.rinfo.port).toBe(s.local.port);

    // An IPv4 literal named as the target: the socket needs ::ffff:127.0.0.1 underneath.
    const direct = await r.send(s.id, text('named v4'), { type: 'address', host: '127.0.0.1', port: v4.port });
    expect(direct.ok).toBe(true);
    await r.until(() => v4.received.length === 2, 'the named send');
    expect(r.data(s.id, 'tx').at(-1)!.peer).toEqual({ address: '127.0.0.1', port: v4.port, family: 'IPv4' });

    // The same socket still speaks IPv6.
    await v6.send(text('from v6'), s.local.port, '::1');
    await r.until(() => r.data(s.id, 'rx').length === 2, 'the IPv6 datagram');
    expect(r.data(s.id, 'rx')[1]!.peer).toEqual({ address: '::1', port: v6.port, family: 'IPv6' });
    expect((await r.send(s.id, text('v6 back'), { type: 'last-sender' })).ok).toBe(true);
    expect((await r.until(() => v6.received[0], 'the IPv6 reply')).rinfo.port).toBe(s.local.port);
  });

  it('with ipv6Only refuses an IPv4 destination with a clear message', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0, ipv6Only: true });
    const result = await r.send(s.id, text('x'), { type: 'address', host: '127.0.0.1', port: 9 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_ARGUMENT');
    expect(result.error.message).toMatch(/IPv6-only/);
    expect((await r.info(s.id)).state).toBe('open');
  });

  it('bound to ::ffff:127.0.0.1 talks IPv4 only', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::ffff:127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    expect((await r.send(s.id, text('mapped'), { type: 'address', host: '127.0.0.1', port: peer.port })).ok).toBe(true);
    const got = await r.until(() => peer.received[0], 'the datagram from the mapped socket');
    expect(got.rinfo.port).toBe(s.local.port);
    const six = await r.send(s.id, text('x'), { type: 'address', host: '::1', port: 9 });
    expect(six.ok || six.error.code).toBe('INVALID_ARGUMENT');
  });

  it('an IPv4 socket refuses an IPv6 destination with a clear message', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const result = await r.send(s.id, text('x'), { type: 'address', host: '::1', port: 9 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_ARGUMENT');
    expect(result.error.message).toMatch(/IPv4 \(bound to 127\.0\.0\.1:\d+\)/);
    expect(r.data(s.id, 'tx')).toHaveLength(0);
  });

  it('reports EADDRINUSE when a port is held, and opens again once it is free', async () => {
    const r = newRig();
    const holder = await r.peer('udp4', '127.0.0.1');
    const result = await r.open({ host: '127.0.0.1', port: holder.port });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EADDRINUSE');
    expect(result.error.message).toBe(`Binding to 127.0.0.1:${holder.port} failed: the address is already in use (EADDRINUSE).`);
    expect(result.error.hint).toMatch(/holds this port/);

    r.manager.flush();
    const [session] = await r.sessions();
    expect(session).toMatchObject({ state: 'error', error: { code: 'EADDRINUSE' } });
    const states = r.ofType('session', session!.id).map((e) => e.session.state);
    expect(states).toEqual(['opening', 'error']);

    await holder.close();
    const again = await r.manager.reopen({ sessionId: session!.id });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.value.state).toBe('open');
    expect(again.value.local?.port).toBe(holder.port);
    expect(again.value.error).toBeUndefined();
  });

  it('lets two sessions share a port with reuseAddress', async () => {
    const r = newRig();
    const first = await r.bound({ host: '127.0.0.1', port: 0, reuseAddress: true });
    const second = await r.bound({ host: '127.0.0.1', port: first.local.port, reuseAddress: true });
    expect(second.local.port).toBe(first.local.port);
    expect(second.state).toBe('open');

    // The kernel picks which of the two gets a unicast datagram; one of them must.
    const peer = await r.peer('udp4', '127.0.0.1');
    await peer.send(text('shared'), first.local.port, '127.0.0.1');
    await r.until(() => r.data(first.id, 'rx').length + r.data(second.id, 'rx').length === 1, 'the datagram at one of them');
  });

  it('reports an option the OS refuses as a failed open, naming the option', async () => {
    const r = newRig();
    // An IPv6 address as the interface of an IPv4 socket: the OS refuses it (Linux: ENOPROTOOPT).
    const result = await r.open({ host: '127.0.0.1', port: 0, multicastInterface: '::1' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toMatch(/^E[A-Z]+$/);
    expect(result.error.message).toMatch(
      /^Setting an option on 127\.0\.0\.1:\d+ failed: .*\(E[A-Z]+\)\. The option was multicastInterface = "::1"\.$/,
    );
    const [info] = await r.sessions();
    expect(info!.state).toBe('error');
  });

  it('applies multicast and buffer options that the OS accepts', async () => {
    const r = newRig();
    const s = await r.bound({
      host: '127.0.0.1',
      port: 0,
      multicastTtl: 1,
      multicastLoopback: false,
      multicastInterface: '127.0.0.1',
      recvBufferSize: 256 * 1024,
      sendBufferSize: 256 * 1024,
    });
    expect(s.state).toBe('open');
  });
});

describe('UDP session: sending', () => {
  it('sends to a named address, and to the configured remote when no target is named', async () => {
    const r = newRig();
    const peer = await r.peer('udp4', '127.0.0.1');
    const s = await r.bound({ host: '127.0.0.1', port: 0, remote: { host: '127.0.0.1', port: peer.port } });

    const named = await r.send(s.id, text('named'), { type: 'address', host: '127.0.0.1', port: peer.port });
    expect(named).toEqual({ ok: true, value: { bytes: 5, targets: 1 } });
    const byDefault = await r.send(s.id, text('default'));
    expect(byDefault).toEqual({ ok: true, value: { bytes: 7, targets: 1 } });
    const byName = await r.send(s.id, text('by name'), { type: 'address', host: 'localhost', port: peer.port });
    expect(byName.ok).toBe(true);

    await r.until(() => peer.received.length === 3, 'three datagrams at the peer');
    expect(peer.received.map((d) => d.bytes.toString()).sort()).toEqual(['by name', 'default', 'named']);
    for (const d of peer.received) expect(d.rinfo.port).toBe(s.local.port);

    const tx = await r.until(() => r.data(s.id, 'tx').length === 3 && r.data(s.id, 'tx'), 'three tx events');
    for (const e of tx) expect(e.peer).toEqual({ address: '127.0.0.1', port: peer.port, family: 'IPv4' });
  });

  it('replies to the last sender, arriving at its port from the bound port', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    await peer.send(text('ping'), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 1, 'the ping');

    const result = await r.send(s.id, text('pong'), { type: 'last-sender' });
    expect(result).toEqual({ ok: true, value: { bytes: 4, targets: 1 } });
    const got = await r.until(() => peer.received[0], 'the pong');
    expect(got.bytes.toString()).toBe('pong');
    expect(got.rinfo.port).toBe(s.local.port);
    expect(got.rinfo.address).toBe('127.0.0.1');
  });

  it('announces a new last sender once, not on every datagram', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const a = await r.peer('udp4', '127.0.0.1');
    const b = await r.peer('udp4', '127.0.0.1');
    for (let i = 0; i < 3; i += 1) await a.send(text(`a${i}`), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 3, 'three from a');
    await b.send(text('b0'), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 4, 'one from b');
    await a.send(text('a3'), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 5, 'a again');

    const senders = r
      .ofType('session', s.id)
      .map((e) => e.session.lastSender?.port)
      .filter((p) => p !== undefined);
    expect(senders).toEqual([a.port, b.port, a.port]);
  });

  it('carries a zero-length datagram both ways', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');

    await peer.send(new Uint8Array(0), s.local.port, '127.0.0.1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the empty datagram');
    expect(rx!.bytes.byteLength).toBe(0);
    expect(rx!.peer?.port).toBe(peer.port);

    const result = await r.send(s.id, new Uint8Array(0), { type: 'last-sender' });
    expect(result).toEqual({ ok: true, value: { bytes: 0, targets: 1 } });
    const got = await r.until(() => peer.received[0], 'the empty reply');
    expect(got.bytes.byteLength).toBe(0);
    expect(got.rinfo.port).toBe(s.local.port);

    const info = await r.info(s.id);
    expect(info.counters).toEqual({ rxBytes: 0, rxMessages: 1, txBytes: 0, txMessages: 1 });
  });

  it(`carries ${MAX_UDP_PAYLOAD_IPV4} bytes both ways byte-exact over IPv4`, async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    const inbound = pattern(MAX_UDP_PAYLOAD_IPV4, 1);
    const outbound = pattern(MAX_UDP_PAYLOAD_IPV4, 2);

    await peer.send(inbound, s.local.port, '127.0.0.1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the large datagram');
    expect(Buffer.from(rx!.bytes).equals(Buffer.from(inbound))).toBe(true);

    const result = await r.send(s.id, outbound, { type: 'last-sender' });
    expect(result).toEqual({ ok: true, value: { bytes: MAX_UDP_PAYLOAD_IPV4, targets: 1 } });
    const got = await r.until(() => peer.received[0], 'the large reply');
    expect(got.bytes.equals(Buffer.from(outbound))).toBe(true);
  });

  it(`refuses ${MAX_UDP_PAYLOAD_IPV4 + 1} bytes over IPv4 with EMSGSIZE and sends nothing`, async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');

    const result = await r.send(s.id, pattern(MAX_UDP_PAYLOAD_IPV4 + 1), { type: 'address', host: '127.0.0.1', port: peer.port });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EMSGSIZE');
    expect(result.error.message).toBe(
      `The datagram is 65,508 bytes, but UDP over IPv4 carries at most 65,507; nothing was sent to 127.0.0.1:${peer.port}.`,
    );
    expect(result.error.hint).toMatch(/65,507 bytes over IPv4/);

    // A marker sent after it is the only thing that arrives.
    expect((await r.send(s.id, text('marker'), { type: 'address', host: '127.0.0.1', port: peer.port })).ok).toBe(true);
    await r.until(() => peer.received.length === 1, 'the marker');
    expect(peer.received[0]!.bytes.toString()).toBe('marker');
    r.manager.flush();
    expect(r.data(s.id, 'tx')).toHaveLength(1);
    expect((await r.info(s.id)).counters).toMatchObject({ txBytes: 6, txMessages: 1 });
    expect((await r.info(s.id)).state).toBe('open');
  });

  it(`carries ${MAX_UDP_PAYLOAD_IPV6} bytes to ::1 and refuses ${MAX_UDP_PAYLOAD_IPV6 + 1}`, async () => {
    const r = newRig();
    const s = await r.bound({ host: '::1', port: 0 });
    const peer = await r.peer('udp6', '::1');
    const outbound = pattern(MAX_UDP_PAYLOAD_IPV6, 3);
    const inbound = pattern(MAX_UDP_PAYLOAD_IPV6, 4);

    const result = await r.send(s.id, outbound, { type: 'address', host: '::1', port: peer.port });
    expect(result).toEqual({ ok: true, value: { bytes: MAX_UDP_PAYLOAD_IPV6, targets: 1 } });
    const got = await r.until(() => peer.received[0], 'the IPv6 jumbo-less maximum');
    expect(got.bytes.equals(Buffer.from(outbound))).toBe(true);

    await peer.send(inbound, s.local.port, '::1');
    const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the inbound maximum');
    expect(Buffer.from(rx!.bytes).equals(Buffer.from(inbound))).toBe(true);

    const tooBig = await r.send(s.id, pattern(MAX_UDP_PAYLOAD_IPV6 + 1), { type: 'last-sender' });
    expect(tooBig.ok).toBe(false);
    if (tooBig.ok) return;
    expect(tooBig.error.code).toBe('EMSGSIZE');
    expect(tooBig.error.message).toMatch(/65,528 bytes, but UDP over IPv6 carries at most 65,527; nothing was sent to \[::1\]:\d+/);
  });

  it('on a dual-stack socket holds IPv4 destinations to the IPv4 limit', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    const tooBig = await r.send(s.id, pattern(MAX_UDP_PAYLOAD_IPV4 + 1), { type: 'address', host: '127.0.0.1', port: peer.port });
    expect(tooBig.ok).toBe(false);
    if (tooBig.ok) return;
    expect(tooBig.error.code).toBe('EMSGSIZE');
    expect(tooBig.error.message).toMatch(/UDP over IPv4 carries at most 65,507/);

    const max = pattern(MAX_UDP_PAYLOAD_IPV4, 5);
    expect((await r.send(s.id, max, { type: 'address', host: '127.0.0.1', port: peer.port })).ok).toBe(true);
    const got = await r.until(() => peer.received[0], 'the maximum IPv4 datagram');
    expect(got.bytes.equals(Buffer.from(max))).toBe(true);
  });

  it('refuses to send without a target when no remote is configured (NO_TARGET)', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const result = await r.send(s.id, text('nowhere'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('NO_TARGET');
    expect(result.error.message).toMatch(/no remote configured/);
  });

  it('refuses to reply to the last sender before any datagram (NO_TARGET)', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const result = await r.send(s.id, text('hello?'), { type: 'last-sender' });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'NO_TARGET', message: 'No datagram received yet, so there is no last sender to reply to.' }),
    });
  });

  it('refuses connection targets, which UDP does not have (NO_TARGET)', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const all = await r.send(s.id, text('x'), { type: 'all' });
    const some = await r.send(s.id, text('x'), { type: 'connections', connIds: ['c1'] });
    expect(all.ok || all.error.code).toBe('NO_TARGET');
    expect(some.ok || some.error.code).toBe('NO_TARGET');
  });

  it('sending to a port where nothing listens does not disturb the session', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const closedPort = await freePort();
    const peer = await r.peer('udp4', '127.0.0.1');

    // Any ICMP port-unreachable comes back at once on loopback; a round trip afterwards shows the socket still works.
    for (let i = 0; i < 3; i += 1) {
      const result = await r.send(s.id, text(`void ${i}`), { type: 'address', host: '127.0.0.1', port: closedPort });
      if (process.platform === 'linux') expect(result.ok).toBe(true);
    }
    await peer.send(text('still there?'), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 1, 'the datagram after the unanswered sends');
    expect((await r.send(s.id, text('yes'), { type: 'last-sender' })).ok).toBe(true);
    await r.until(() => peer.received.length === 1, 'the reply');
    const info = await r.info(s.id);
    expect(info.state).toBe('open');
    expect(info.error).toBeUndefined();
  });
});

describe('UDP session: broadcast on loopback', () => {
  it('with broadcast sends to 127.255.255.255 and a receiver on 0.0.0.0 gets it', async () => {
    const r = newRig();
    const receiver = await r.peer('udp4', '0.0.0.0');
    const s = await r.bound({ host: '127.0.0.1', port: 0, broadcast: true });
    const result = await r.send(s.id, text('to all on lo'), { type: 'address', host: '127.255.255.255', port: receiver.port });
    expect(result).toEqual({ ok: true, value: { bytes: 12, targets: 1 } });
    const got = await r.until(() => receiver.received[0], 'the broadcast');
    expect(got.bytes.toString()).toBe('to all on lo');
    expect(got.rinfo).toMatchObject({ address: '127.0.0.1', port: s.local.port });
  });

  it('without broadcast the send fails with EACCES, is reported, and the session stays open', async () => {
    const r = newRig();
    const receiver = await r.peer('udp4', '0.0.0.0');
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const result = await r.send(s.id, text('refused'), { type: 'address', host: '127.255.255.255', port: receiver.port });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EACCES');
    expect(result.error.message).toBe(`Sending to 127.255.255.255:${receiver.port} failed: permission denied (EACCES).`);
    expect(result.error.hint).toMatch(/broadcast/);

    const [reported] = await r.until(() => r.ofType('error', s.id).length === 1 && r.ofType('error', s.id), 'the error event');
    expect(reported!.error).toEqual(result.error);
    expect((await r.info(s.id)).state).toBe('open');
    expect(r.data(s.id, 'tx')).toHaveLength(0);

    // Still usable.
    expect((await r.send(s.id, text('unicast'), { type: 'address', host: '127.0.0.1', port: receiver.port })).ok).toBe(true);
    await r.until(() => receiver.received.length === 1, 'the unicast datagram');
  });
});

describe('UDP session: multicast membership', () => {
  const multicast = (sessionId: string, action: 'join' | 'leave', group: string, iface?: string) =>
    rig.manager.multicast(argSchemas.multicast.parse({ sessionId, action, group, ...(iface ? { interface: iface } : {}) }));

  it('joins and leaves 239.255.0.1 on the loopback interface, refusing a second join and a stray leave', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });

    const joined = await multicast(s.id, 'join', '239.255.0.1', '127.0.0.1');
    expect(joined.ok).toBe(true);
    if (!joined.ok) return;
    expect(joined.value.memberships).toEqual(['239.255.0.1']);
    r.manager.flush();
    expect(r.ofType('session', s.id).at(-1)!.session.memberships).toEqual(['239.255.0.1']);

    const twice = await multicast(s.id, 'join', '239.255.0.1', '127.0.0.1');
    expect(twice.ok || twice.error).toMatchObject({
      code: 'BAD_STATE',
      message: `Session ${s.id} has already joined 239.255.0.1 on interface 127.0.0.1.`,
    });

    const left = await multicast(s.id, 'leave', '239.255.0.1', '127.0.0.1');
    expect(left.ok && left.value.memberships).toEqual([]);
    r.manager.flush();
    expect(r.ofType('session', s.id).at(-1)!.session.memberships).toEqual([]);

    const stray = await multicast(s.id, 'leave', '239.255.0.1', '127.0.0.1');
    expect(stray.ok || stray.error).toMatchObject({ code: 'BAD_STATE' });
    expect(stray.ok || stray.error.message).toBe(
      `Session ${s.id} has not joined 239.255.0.1 on interface 127.0.0.1, so it cannot leave it. It has joined no groups.`,
    );
    expect((await r.info(s.id)).state).toBe('open');
  });

  it('reports an OS refusal with its code and keeps the session open', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    // An IPv6 interface address for an IPv4 group: Linux answers EINVAL.
    const result = await multicast(s.id, 'join', '239.255.0.1', '::1');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EINVAL');
    expect(result.error.message).toBe(
      'Joining multicast group 239.255.0.1 on interface ::1 failed: the OS called the request invalid (an interface that does not fit the group, or no such interface) (EINVAL).',
    );
    expect(result.error.hint).toMatch(/^Give the interface by name \(lo, eth0/);
    const info = await r.info(s.id);
    expect(info.memberships).toEqual([]);
    expect(info.state).toBe('open');
  });

  it('refuses a group of the other family with a clear message', async () => {
    const r = newRig();
    const v4 = await r.bound({ host: '127.0.0.1', port: 0 });
    const v6 = await r.bound({ host: '::1', port: 0 });

    const sixOnFour = await multicast(v4.id, 'join', 'ff15::1');
    expect(sixOnFour.ok || sixOnFour.error.code).toBe('INVALID_ARGUMENT');
    expect(sixOnFour.ok || sixOnFour.error.message).toMatch(/IPv4 \(bound to 127\.0\.0\.1:\d+\), so it cannot join the IPv6 group ff15::1/);

    const fourOnSix = await multicast(v6.id, 'join', '239.255.0.1', '127.0.0.1');
    expect(fourOnSix.ok || fourOnSix.error.code).toBe('INVALID_ARGUMENT');
    expect(fourOnSix.ok || fourOnSix.error.message).toMatch(
      /IPv6 and bound to \[::1\]:\d+, which carries no IPv4, so it cannot join the IPv4 group 239\.255\.0\.1/,
    );
  });

  it('lets a dual-stack socket join an IPv4 group', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0 });
    const joined = await multicast(s.id, 'join', '239.255.0.1', '127.0.0.1');
    expect(joined.ok && joined.value.memberships).toEqual(['239.255.0.1']);
  });
});

describe('UDP session: multicast interface by name or by address', () => {
  const multicast = (sessionId: string, action: 'join' | 'leave', group: string, iface?: string) =>
    rig.manager.multicast(argSchemas.multicast.parse({ sessionId, action, group, ...(iface ? { interface: iface } : {}) }));

  /** A datagram to the group, sent out of the loopback interface: it arrives only if the join took. */
  async function sendToGroup(type: 'udp4' | 'udp6', group: string, port: number, viaLo: string): Promise<void> {
    const sender = await rig.peer(type, type === 'udp4' ? '127.0.0.1' : '::');
    sender.socket.setMulticastInterface(viaLo);
    await sender.send(text(`to ${group}`), port, group);
  }

  it('joins an IPv4 group on "lo" by name, receives on it, and leaves it by the interface address', async () => {
    const r = newRig();
    const s = await r.bound({ host: '0.0.0.0', port: 0 });
    const joined = await multicast(s.id, 'join', '239.255.7.1', 'lo');
    expect(joined.ok && joined.value.memberships).toEqual(['239.255.7.1']);
    await sendToGroup('udp4', '239.255.7.1', s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 1, 'the group datagram');

    const again = await multicast(s.id, 'join', '239.255.7.1', '127.0.0.1');
    expect(again.ok || again.error).toMatchObject({
      code: 'BAD_STATE',
      message: `Session ${s.id} has already joined 239.255.7.1 on interface 127.0.0.1.`,
    });
    const left = await multicast(s.id, 'leave', '239.255.7.1', '127.0.0.1');
    expect(left.ok && left.value.memberships).toEqual([]);
  });

  it('joins an IPv6 group on "lo" by name, as ::%lo', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0, ipv6Only: true });
    const joined = await multicast(s.id, 'join', 'ff15::7:1', 'lo');
    expect(joined.ok && joined.value.memberships).toEqual(['ff15::7:1']);
    const byForm = await multicast(s.id, 'join', 'ff15::7:1', '::%lo');
    expect(byForm.ok || byForm.error.message).toBe(`Session ${s.id} has already joined ff15::7:1 on interface ::%lo.`);
    expect((await multicast(s.id, 'leave', 'ff15::7:1', 'lo')).ok).toBe(true);
  });

  it('sends to an IPv6 group on "lo": delivered where lo carries IPv6 multicast, otherwise refused in the multicast’s words', async () => {
    const r = newRig();
    const s = await r.bound({ host: '::', port: 0, ipv6Only: true, multicastInterface: 'lo' });
    expect((await multicast(s.id, 'join', 'ff15::7:2', 'lo')).ok).toBe(true);
    const sent = await r.send(s.id, text('to the group'), { type: 'address', host: 'ff15::7:2', port: s.local.port });
    if (sent.ok) {
      // A loopback with the multicast flag and an ff00::/8 route (not Linux's default): the
      // session hears its own datagram, multicast loopback being on by default.
      const [rx] = await r.until(() => r.data(s.id, 'rx').length === 1 && r.data(s.id, 'rx'), 'the group datagram');
      expect(Buffer.from(rx!.bytes).toString()).toBe('to the group');
      return;
    }
    // Linux's default lo: no MULTICAST flag, and the only ff00::/8 route is on another interface.
    expect(sent.error).toMatchObject({
      code: 'ENETUNREACH',
      message: `Sending to multicast group [ff15::7:2]:${s.local.port} failed: the OS has no multicast route for the group on the interface the session sends on (ENETUNREACH).`,
      hint: expect.stringMatching(
        /^Set the session's multicast interface \(multicastInterface\) to one that carries multicast.*ip link set lo multicast on/,
      ),
    });
  });

  it('refuses an unknown interface name, listing the ones the machine has', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const result = await multicast(s.id, 'join', '239.255.7.2', 'nosuch0');
    expect(result.ok || result.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^There is no network interface "nosuch0" on this machine; its interfaces are: .*\blo\b.*\.$/),
      hint: 'Name one of those interfaces, or give one of its addresses (127.0.0.1, or ::%lo for IPv6).',
    });
    expect((await r.info(s.id)).memberships).toEqual([]);
  });

  it('says a repeated join is a membership, not a port in use, for IPv4 and IPv6', async () => {
    const r = newRig();
    // The same interface spelled two ways the app cannot tell apart: 127.0.0.2 is on lo too, ::%1 is lo's index.
    for (const [host, group, first, second] of [
      ['127.0.0.1', '239.255.7.3', '127.0.0.1', '127.0.0.2'],
      ['::', 'ff15::7:3', 'lo', '::%1'],
    ] as const) {
      const s = await r.bound({ host, port: 0, ...(host === '::' ? { ipv6Only: true } : {}) });
      expect((await multicast(s.id, 'join', group, first)).ok).toBe(true);
      const twice = await multicast(s.id, 'join', group, second);
      expect(twice.ok || twice.error).toMatchObject({
        code: 'EADDRINUSE',
        message: `Joining multicast group ${group} on interface ${second} failed: this socket is already a member of that group on that interface (EADDRINUSE).`,
        hint: expect.stringMatching(
          /^The socket is already a member of this group on this interface, perhaps joined with the interface given another way/,
        ),
      });
      expect(twice.ok || twice.error.hint).not.toMatch(/port/);
    }
  });

  it('refuses to leave a group not joined, naming what is joined', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    expect((await multicast(s.id, 'join', '239.255.7.4', 'lo')).ok).toBe(true);
    const stray = await multicast(s.id, 'leave', '239.255.7.5', 'lo');
    expect(stray.ok || stray.error).toMatchObject({
      code: 'BAD_STATE',
      message: `Session ${s.id} has not joined 239.255.7.5 on interface lo (127.0.0.1), so it cannot leave it. It has joined: 239.255.7.4 on interface lo (127.0.0.1).`,
    });
  });

  it('takes the session option multicastInterface by name, and refuses an unknown name at open', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0, multicastInterface: 'lo', multicastLoopback: true });
    expect(s.state).toBe('open');
    const unknown = await r.open({ host: '127.0.0.1', port: 0, multicastInterface: 'nosuch0' });
    expect(unknown.ok || unknown.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(
        /^There is no network interface "nosuch0" on this machine; its interfaces are: .*\. The option was multicastInterface\.$/,
      ),
    });
  });
});

describe('UDP session: counting and volume', () => {
  it('counts bytes and messages each way, in info and in counters events', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    for (const size of [1, 2, 3]) await peer.send(pattern(size), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 3, 'three datagrams');
    for (const size of [4, 5]) expect((await r.send(s.id, pattern(size), { type: 'last-sender' })).ok).toBe(true);
    await r.until(() => peer.received.length === 2, 'two replies');

    const expected = { rxBytes: 6, rxMessages: 3, txBytes: 9, txMessages: 2 };
    expect((await r.info(s.id)).counters).toEqual(expected);
    r.manager.flush();
    const counters = r.ofType('counters', s.id);
    expect(counters.at(-1)).toMatchObject({ counters: expected, connections: [] });
  });

  it('receives 1,000 datagrams, every one of them', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    const total = 1000;
    // Stay a window ahead of what the session has taken, so a small receive buffer never overflows.
    const window = 50;
    let sent = 0;
    while (sent < total) {
      await r.until(() => sent - r.data(s.id, 'rx').length < window, `room to send past ${sent}`);
      const burst = Math.min(window, total - sent);
      await Promise.all(Array.from({ length: burst }, (_, i) => peer.send(text(String(sent + i)), s.local.port, '127.0.0.1')));
      sent += burst;
    }
    const rx = await r.until(() => r.data(s.id, 'rx').length === total && r.data(s.id, 'rx'), 'all 1,000 datagrams', 10_000);
    const seen = new Set(rx.map((e) => Number(Buffer.from(e.bytes).toString())));
    expect(seen.size).toBe(total);
    for (let i = 0; i < total; i += 1) expect(seen.has(i)).toBe(true);
    const info = await r.info(s.id);
    expect(info.counters.rxMessages).toBe(total);
  });
});

describe('UDP session: closing', () => {
  it('closes, drops memberships, and reopens on a new ephemeral port that works', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const peer = await r.peer('udp4', '127.0.0.1');
    expect(
      (
        await r.manager.multicast(
          argSchemas.multicast.parse({ sessionId: s.id, action: 'join', group: '239.255.0.1', interface: '127.0.0.1' }),
        )
      ).ok,
    ).toBe(true);
    await peer.send(text('before'), s.local.port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 1, 'the first datagram');

    const closed = await r.manager.close({ sessionId: s.id });
    expect(closed.ok).toBe(true);
    if (!closed.ok) return;
    expect(closed.value.state).toBe('closed');
    expect(closed.value.memberships).toEqual([]);
    r.manager.flush();
    expect(
      r
        .ofType('session', s.id)
        .slice(-2)
        .map((e) => e.session.state),
    ).toEqual(['closing', 'closed']);

    const sendClosed = await r.send(s.id, text('x'), { type: 'last-sender' });
    expect(sendClosed.ok || sendClosed.error.code).toBe('BAD_STATE');
    // Closing twice is harmless.
    expect((await r.manager.close({ sessionId: s.id })).ok).toBe(true);

    const reopened = await r.manager.reopen({ sessionId: s.id });
    expect(reopened.ok).toBe(true);
    if (!reopened.ok) return;
    expect(reopened.value.state).toBe('open');
    expect(reopened.value.lastSender).toBeUndefined();
    const port = reopened.value.local!.port;
    expect(port).toBeGreaterThan(0);

    await peer.send(text('after'), port, '127.0.0.1');
    await r.until(() => r.data(s.id, 'rx').length === 2, 'a datagram on the new port');
    expect(Buffer.from(r.data(s.id, 'rx')[1]!.bytes).toString()).toBe('after');
    expect((await r.send(s.id, text('reply'), { type: 'last-sender' })).ok).toBe(true);
    const reply = await r.until(() => peer.received[0], 'the reply from the new port');
    expect(reply.rinfo.port).toBe(port);
  });

  it('closing while the bind is still under way cancels the open cleanly', async () => {
    const r = newRig();
    const opening = r.open({ host: 'localhost', port: 0 });
    const [session] = await r.sessions();
    expect(session!.state).toBe('opening');
    const closed = await r.manager.close({ sessionId: session!.id });
    expect(closed.ok && closed.value.state).toBe('closed');
    const result = await opening;
    expect(result.ok || result.error.code).toBe('CANCELLED');
    expect((await r.info(session!.id)).state).toBe('closed');
    const reopened = await r.manager.reopen({ sessionId: session!.id });
    expect(reopened.ok && reopened.value.state).toBe('open');
  });

  it('refuses to open a session that is already open', async () => {
    const r = newRig();
    const s = await r.bound({ host: '127.0.0.1', port: 0 });
    const again = await r.manager.reopen({ sessionId: s.id });
    expect(again.ok || again.error.code).toBe('BAD_STATE');
    expect((await r.info(s.id)).state).toBe('open');
  });
});
