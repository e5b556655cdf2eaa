/**
 * UDP connect (`connect: true` with a remote), as socat's UDP-CONNECT: the session hears only its
 * peer, sends only to it, and a peer that is gone shows as ECONNREFUSED from the OS.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Rig } from '../support/udp';

let rig: Rig;

afterEach(async () => {
  await rig.dispose();
});

const text = (value: string) => new TextEncoder().encode(value);

describe('UDP connect', () => {
  it('takes datagrams from the connected peer only, and sends to it without a target', async () => {
    rig = new Rig();
    const peer = await rig.peer('udp4', '127.0.0.1');
    const stranger = await rig.peer('udp4', '127.0.0.1');
    const session = await rig.bound({ host: '127.0.0.1', port: 0, connect: true, remote: { host: '127.0.0.1', port: peer.port } });

    await stranger.send(text('not for you'), session.local.port, '127.0.0.1');
    await peer.send(text('hello'), session.local.port, '127.0.0.1');
    const [first] = await rig.until(() => rig.data(session.id, 'rx').length > 0 && rig.data(session.id, 'rx'), 'the peer’s datagram');
    expect(Buffer.from(first!.bytes).toString()).toBe('hello');
    // The stranger's datagram went out first; had the kernel let it through it would be here.
    expect(rig.data(session.id, 'rx').map((event) => Buffer.from(event.bytes).toString())).toEqual(['hello']);

    const sent = await rig.send(session.id, text('reply'));
    expect(sent).toMatchObject({ ok: true, value: { bytes: 5, targets: 1 } });
    await rig.until(() => peer.received.length > 0, 'the reply at the peer');
    expect(peer.received[0]!.bytes.toString()).toBe('reply');
  });

  it('refuses a send to anyone else, saying where it is connected', async () => {
    rig = new Rig();
    const peer = await rig.peer('udp4', '127.0.0.1');
    const other = await rig.peer('udp4', '127.0.0.1');
    const session = await rig.bound({ host: '127.0.0.1', port: 0, connect: true, remote: { host: '127.0.0.1', port: peer.port } });
    const refused = await rig.send(session.id, text('x'), { type: 'address', host: '127.0.0.1', port: other.port });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('BAD_STATE');
      expect(refused.error.message).toContain(`connected to 127.0.0.1:${peer.port} and sends only there`);
    }
    expect(other.received).toEqual([]);
  });

  it('talks to socat as its one peer: socat echoes what the session sends without a target', async () => {
    rig = new Rig();
    // A port for socat: taken from the OS, let go, then bound by socat.
    const probe = await rig.peer('udp4', '127.0.0.1');
    const port = probe.port;
    await probe.close();
    const socat = spawn('socat', [`UDP-LISTEN:${port},bind=127.0.0.1`, 'EXEC:cat']);
    try {
      const session = await rig.bound({ host: '127.0.0.1', port: 0, connect: true, remote: { host: 'localhost', port } });
      expect(session.config).toMatchObject({ connect: true });
      // socat may not be listening yet: send until its echo comes back.
      await rig.until(() => {
        if (rig.data(session.id, 'rx').length > 0) return true;
        void rig.send(session.id, text('ping'));
        return false;
      }, 'socat’s echo');
      const echo = rig.data(session.id, 'rx')[0]!;
      // cat reads socat's pipe, not datagrams: pings that reach it together come back as one.
      expect(Buffer.from(echo.bytes).toString()).toMatch(/^(ping)+$/);
      expect(echo.peer).toMatchObject({ address: '127.0.0.1', port });
    } finally {
      socat.kill();
    }
  });

  it('reports the OS’s port unreachable as ECONNREFUSED once the peer is gone', async () => {
    rig = new Rig();
    const peer = await rig.peer('udp4', '127.0.0.1');
    const session = await rig.bound({ host: '127.0.0.1', port: 0, connect: true, remote: { host: '127.0.0.1', port: peer.port } });
    await peer.close();
    // The first send draws the ICMP reply; the OS hands it to the connected socket's next operation.
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await rig.send(session.id, text('anyone?')));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const errors = rig.ofType('error', session.id).map((event) => event.error.code);
    const codes = [...results.flatMap((result) => (result.ok ? [] : [result.error.code])), ...errors];
    expect(codes).toContain('ECONNREFUSED');
  });

  it('refuses connect without a remote, saying what it needs', async () => {
    rig = new Rig();
    const opened = await rig.open({ host: '127.0.0.1', port: 0, connect: true });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.message).toMatch(/connect needs a remote/);
  });
});
