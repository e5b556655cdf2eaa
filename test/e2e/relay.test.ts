/**
 * A relay in real Chromium: opened from the dialog between a Node client and a Node server,
 * both directions in the log with their direction named, the pair in the connection table.
 */
import { describe, expect, it } from 'vitest';
import { tcpPeerClient, tcpPeerServer } from '../support/peers';
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
});
