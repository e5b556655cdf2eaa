/**
 * A relay in real Chromium: opened from the dialog between a Node client and a Node server,
 * both directions in the log with their direction named, the pair in the connection table; a
 * UDP relay's mapping closed by hand from its row.
 */
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { tcpPeerClient, tcpPeerServer, udpPeer } from '../support/peers';
import { until } from '../support/until';
import { boundPort, e2eHarness, openSession, screenshot } from '../support/chromium';

const h = e2eHarness();

describe('relay', () => {
  it('relays a client to its server and shows both directions', async () => {
    const page = await h.app();
    const upstream = await tcpPeerServer(h.cleanups, (socket) =>
      socket.on('data', (chunk: Buffer) => socket.write(`pong:${chunk.toString()}`)),
    );
    await openSession(page, 'Relay', '127.0.0.1', 0, upstream.port);
    const port = await boundPort(page);
    const client = await tcpPeerClient(port, h.cleanups);
    await page
      .getByRole('table', { name: 'Connections' })
      .getByText(`127.0.0.1:${client.socket.localPort} ⇄ 127.0.0.1:${upstream.port}`)
      .waitFor();
    client.socket.write('ping');
    await until(() => client.received().toString() === 'pong:ping', 'the answer through the relay');
    const flows = page.getByTestId('log-flow');
    await expect.poll(() => flows.allTextContents()).toEqual(['client → server', 'server → client']);
    await expect.poll(() => page.getByTestId('log-payload').allTextContents()).toEqual(['ping', 'pong:ping']);
    await screenshot(page, 'relay-both-directions');

    // Hold the server's answers: the next one waits in the held panel until released.
    await page.getByRole('switch', { name: 'Hold server → client' }).check();
    client.socket.write('again');
    const held = page.getByRole('listitem', { name: /^Held message h\d+ of c1, server → client$/ });
    await held.waitFor();
    expect(await held.textContent()).toContain('pong:again');
    await screenshot(page, 'relay-held');
    expect(client.received().toString()).toBe('pong:ping');
    await page.getByRole('button', { name: 'Release all' }).click();
    await until(() => client.received().toString() === 'pong:pingpong:again', 'the released answer');
  });

  it("closes a UDP relay's mapping from its row, and the client's next datagram opens a new one", async () => {
    const page = await h.app();
    const upstream = await udpPeer(h.cleanups);
    upstream.on('message', (bytes, from) => upstream.send(Buffer.concat([Buffer.from('echo:'), bytes]), from.port, from.address));
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByRole('button', { name: 'Relay', exact: true }).click();
    await dialog.getByRole('group', { name: 'Relay over' }).getByRole('button', { name: 'UDP' }).click();
    await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
    await dialog.getByRole('textbox', { name: 'Upstream port', exact: true }).fill(String(upstream.address().port));
    await dialog.getByRole('button', { name: 'Start relay', exact: true }).click();
    const port = await boundPort(page);

    const client = await udpPeer(h.cleanups);
    const ping = async () => {
      const answer = once(client, 'message');
      client.send('ping', port, '127.0.0.1');
      return String((await answer)[0]);
    };
    expect(await ping()).toBe('echo:ping');
    const table = page.getByRole('table', { name: 'Connections' });
    const pair = `127.0.0.1:${client.address().port} ⇄ 127.0.0.1:${upstream.address().port}`;
    await table.getByRole('button', { name: `Disconnect ${pair}` }).click();
    // A mapping has no FIN or RST to send: one way to end it, not the TCP modes.
    const menu = page.getByRole('menu');
    await expect
      .poll(() => menu.getByRole('menuitem').allTextContents())
      .toEqual(['Close the mapping: forget the client, free its upstream port', 'Reset its counters']);
    await menu.getByRole('menuitem', { name: /^Close the mapping/ }).click();
    await table.getByRole('button', { name: `Disconnect ${pair}` }).waitFor({ state: 'detached' });
    await page
      .getByRole('region', { name: 'Log' })
      .getByText(/^Pair closed on the client side: closed here/)
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    expect(await ping()).toBe('echo:ping');
    await table.getByRole('button', { name: `Disconnect ${pair}` }).waitFor();
    await expect.poll(() => table.getByText(/^c\d+$/).allTextContents()).toContain('c2');
  });
});
