/**
 * The whole app in real Chromium: browser mode serves the built renderer and carries the API
 * over its WebSocket; the engine opens real sockets on loopback; peers are Node sockets.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tcpPeerClient, tcpPeerServer, udpPeer } from '../support/peers';
import { until } from '../support/until';
import {
  boundPort,
  listenerWithClients,
  logPayloads,
  openSession,
  screenshot,
  sendFromComposer,
  startServer,
  e2eHarness,
} from '../support/chromium';

const h = e2eHarness();

describe('browser mode, end to end', () => {
  it("listens, shows a real client's bytes as text and hex, and replies byte-exact from the composer", async () => {
    const page = await h.app();
    const peers = await listenerWithClients(page, 3, h.cleanups);

    peers[0]!.socket.write(Buffer.from('GET / HTTP/1.0\r\n\r\n', 'latin1'));
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['GET / HTTP/1.0\\r\\n\\r\\n']);
    peers[1]!.socket.write(Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff, 0x3c, 0x62, 0x3e]));
    await expect.poll(() => logPayloads(page).count()).toBe(2);
    expect(await page.locator('main b').count()).toBe(0);
    await screenshot(page, 'listener-three-connections');

    await page
      .getByRole('region', { name: 'Log' })
      .getByRole('group', { name: 'Payload view' })
      .getByRole('button', { name: 'Hex', exact: true })
      .click();
    await expect
      .poll(() => logPayloads(page).allTextContents())
      .toEqual([
        '00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 30 0d 0a  |GET / HTTP/1.0..|\n00000010  0d 0a                                             |..|',
        '00000000  00 01 7f 80 ff 3c 62 3e                           |.....<b>|',
      ]);
    await screenshot(page, 'log-hex');

    await sendFromComposer(page, 'Hex', '48 54 54 50 0x2f,31 2e 30 20 32 30 30 0d 0a');
    await until(() => peers.every((p) => p.received().toString('latin1') === 'HTTP/1.0 200\r\n'), 'every client to get the reply');
    await expect.poll(() => logPayloads(page).count()).toBe(5);
  });

  it('connects a TCP client to a server the test runs, both ways', async () => {
    const page = await h.app();
    const { port, received } = await tcpPeerServer(h.cleanups, (socket) => socket.write('welcome\n'));

    await openSession(page, 'TCP client', '127.0.0.1', port);
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['welcome\\n']);
    await sendFromComposer(page, 'Text', 'ping\\x00\\r\\n');
    await until(() => received().equals(Buffer.from('ping\x00\r\n', 'latin1')), 'the server to get ping');
  });

  it('binds UDP, shows the sender, and replies to it from the bound port', async () => {
    const page = await h.app();
    await openSession(page, 'UDP', '127.0.0.1', 0);
    const port = await boundPort(page);
    const peer = await udpPeer(h.cleanups);
    const replies: { data: Buffer; port: number }[] = [];
    peer.on('message', (data, rinfo) => replies.push({ data, port: rinfo.port }));
    peer.send('hello udp', port, '127.0.0.1');

    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['hello udp']);
    const senderPort = peer.address().port;
    await page.getByText(`127.0.0.1:${senderPort}`).first().waitFor();

    const composer = page.getByRole('region', { name: 'Send' });
    await composer.getByRole('checkbox', { name: 'Reply to last sender' }).check();
    await sendFromComposer(page, 'Text', 'pong');
    await until(() => replies.length === 1, 'the UDP reply');
    expect(replies[0]).toEqual({ data: Buffer.from('pong'), port });
  });

  it('shows a port already in use, with its hint', async () => {
    const page = await h.app();
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    h.cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const port = (holder.address() as { port: number }).port;

    await openSession(page, 'TCP server', '127.0.0.1', port);
    const alert = page.getByRole('alert').filter({ hasText: 'EADDRINUSE' }).first();
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`127.0.0.1:${port}`);
    expect(await alert.textContent()).toContain('Pick another port');
    await screenshot(page, 'error-port-in-use');
  });

  it('says when the server goes away, and recovers when it comes back', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    await boundPort(page);
    const { port } = h.server!;
    const token = new URL(h.server!.url).searchParams.get('token')!;

    await h.server!.close();
    const banner = page.getByRole('alert').filter({ hasText: 'Disconnected from the Socket Inspector server' });
    await banner.waitFor();
    await screenshot(page, 'disconnected');

    h.server = await startServer({ port, token });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    // A restarted server has none of the old sessions; the page says so rather than showing ghosts.
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: 'Open sessions' })
          .getByText(/^127\.0\.0\.1:/)
          .count(),
      )
      .toBe(0);
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    expect(await boundPort(page)).toBeGreaterThan(0);
  });

  it('looks right in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await h.app(scheme);
      await openSession(page, 'TCP server', '127.0.0.1', 0);
      const port = await boundPort(page);
      const peer = await tcpPeerClient(port, h.cleanups);
      peer.socket.write('{"temp": 21.5, "unit": "C"}\r\n');
      await expect.poll(() => logPayloads(page).count()).toBe(1);
      await sendFromComposer(page, 'Text', 'ACK\\r\\n');
      await expect.poll(() => logPayloads(page).count()).toBe(2);
      await page.getByText('Sent 5 B to 1 target.').waitFor();
      await screenshot(page, `workspace-${scheme}`);
      for (const clean of h.cleanups.splice(0).reverse()) await clean();
      await h.server!.close();
    }
  });
});
