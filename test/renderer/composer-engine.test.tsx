/**
 * The composer on the real engine: what it sends is checked as bytes arriving at Node sockets
 * on loopback. Sessions are opened through the bridge, so these tests depend on the composer
 * only.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tcpPeerServer } from '../support/peers';
import { realEngine } from '../support/renderer/real-engine';
import { renderApp } from '../support/renderer/render-app';

const engine = realEngine();
const { cleanups } = engine;
// Renders of the whole app in jsdom are slow when test files run side by side.
const SLOW = { timeout: 15_000 };

const composer = () => within(screen.getByRole('region', { name: 'Send' }));

/** The app with a TCP client session connected to a fresh peer server. */
async function connectedClient() {
  const peer = await tcpPeerServer(cleanups);
  const app = renderApp(engine.local.bridge);
  const opened = await engine.local.bridge.open({ config: { kind: 'tcp-client', host: '127.0.0.1', port: peer.port } });
  expect(opened.ok).toBe(true);
  await waitFor(() => expect(peer.sockets).toHaveLength(1));
  await waitFor(() => expect(composer().queryByText('The session is not open; reopen it to send.')).not.toBeInTheDocument());
  return { ...app, peer };
}

async function typeAndSend(user: ReturnType<typeof renderApp>['user'], text: string) {
  const field = composer().getByRole('textbox', { name: 'Payload' });
  await user.clear(field);
  await user.type(field, text);
  await user.click(composer().getByRole('button', { name: 'Send' }));
}

async function choose(user: ReturnType<typeof renderApp>['user'], combobox: string, option: string) {
  await user.click(composer().getByRole('combobox', { name: combobox }));
  await user.click(screen.getByRole('option', { name: option }));
}

describe('composer on the real engine', () => {
  it('sends 你好 as GBK c4 e3 ba c3 and as UTF-16LE 60 4f 7d 59', async () => {
    const { user, peer } = await connectedClient();
    await choose(user, 'Encoding', 'GBK');
    await typeAndSend(user, '你好');
    await waitFor(() => expect(peer.received().toString('hex')).toBe('c4e3bac3'));
    await choose(user, 'Encoding', 'UTF-16LE');
    await choose(user, 'Line ending', 'CRLF (\\r\\n)');
    await typeAndSend(user, '你好');
    // UTF-16LE text takes its line ending as UTF-16LE characters too.
    await waitFor(() => expect(peer.received().toString('hex')).toBe('c4e3bac3' + '604f7d59' + '0d000a00'));
    await choose(user, 'Encoding', 'GB18030');
    await choose(user, 'Line ending', 'LF (\\n)');
    await typeAndSend(user, '网络调试助手😀');
    await waitFor(() => expect(peer.received().subarray(12).toString('hex')).toBe('cdf8c2e7b5f7cad4d6facad6' + '9439fc36' + '0a'));
  });

  it('streams a 1 MiB file byte for byte', async () => {
    const { user, peer } = await connectedClient();
    const bytes = randomBytes(1024 * 1024);
    await user.click(within(composer().getByRole('group', { name: 'Payload format' })).getByRole('button', { name: 'File' }));
    await user.upload(composer().getByLabelText('File to send'), new File([bytes], 'firmware.bin', { type: 'application/octet-stream' }));
    expect(composer().getByTestId('composer-file')).toHaveTextContent('firmware.bin · 1,048,576 bytes');
    await user.click(composer().getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(composer().getByRole('status')).toHaveTextContent('Sent firmware.bin: 1,048,576 bytes.'), SLOW);
    await waitFor(() => expect(peer.received().length).toBe(bytes.length), SLOW);
    expect(peer.received().equals(bytes)).toBe(true);
    // Streamed in 256 KiB chunks, each one send.
    expect(engine.local.calls.filter((call) => call.method === 'send')).toHaveLength(4);
  });

  it('repeats 5 times every 10 ms, and Stop halts an endless repeat', async () => {
    const { user, peer } = await connectedClient();
    await user.click(composer().getByRole('switch', { name: 'Repeat' }));
    const every = composer().getByRole('textbox', { name: 'Every (ms)' });
    await user.clear(every);
    await user.type(every, '10');
    await user.type(composer().getByRole('textbox', { name: 'Times' }), '5');
    await choose(user, 'Line ending', 'LF (\\n)');
    await typeAndSend(user, 'tick');
    await waitFor(() => expect(composer().getByRole('status')).toHaveTextContent('Sent 5 times.'), SLOW);
    await waitFor(() => expect(peer.received().toString()).toBe('tick\n'.repeat(5)), SLOW);

    await user.clear(composer().getByRole('textbox', { name: 'Times' }));
    await typeAndSend(user, 'tock');
    await waitFor(() => expect(peer.received().toString().split('tock\n').length - 1).toBeGreaterThanOrEqual(3), SLOW);
    await user.click(composer().getByRole('button', { name: 'Stop' }));
    // The engine times the run and reports its end as an event.
    await waitFor(() => expect(composer().getByRole('status')).toHaveTextContent(/Stopped after \d+ send/), SLOW);
    const status = composer().getByRole('status').textContent ?? '';
    const sent = Number(/Stopped after (\d+) send/.exec(status)?.[1]);
    await waitFor(() => expect(peer.received().toString().split('tock\n').length - 1).toBe(sent), SLOW);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(peer.received().toString().split('tock\n').length - 1).toBe(sent);
  });

  it('sends from a listener to exactly the chosen clients', async () => {
    const { user } = renderApp(engine.local.bridge);
    const opened = await engine.local.bridge.open({ config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    if (!opened.ok || !opened.value.local) throw new Error('listener did not open');
    const port = opened.value.local.port;
    const clients = await Promise.all(
      [0, 1, 2].map(async () => {
        const socket = connect({ host: '127.0.0.1', port });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        cleanups.push(() => {
          socket.destroy();
        });
        await once(socket, 'connect');
        return { socket, received: () => Buffer.concat(chunks).toString() };
      }),
    );
    const option = (index: number) =>
      screen.getByRole('option', { name: new RegExp(`\\(127\\.0\\.0\\.1:${clients[index]!.socket.localPort}\\)$`) });
    await user.click(composer().getByRole('combobox', { name: 'Send to' }));
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(4));
    await user.click(option(0));
    await user.click(option(2));
    await user.keyboard('{Escape}');
    await typeAndSend(user, 'only you two');
    await waitFor(() => expect(clients[0]!.received()).toBe('only you two'));
    await waitFor(() => expect(clients[2]!.received()).toBe('only you two'));
    await waitFor(() => expect(composer().getByRole('status')).toHaveTextContent('Sent 12 B to 2 targets.'), SLOW);
    expect(clients[1]!.received()).toBe('');
  });
});
