/**
 * The relay in the page, on the real engine: opened from the new-session dialog (its upstream
 * checked with a clear message), its pair in the connection table, both directions in the log,
 * a held message edited and released from the held panel, and an inject from the composer (its
 * macros filled in and previewed, a file as its bytes).
 */
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tcpPeerClient, tcpPeerServer } from '../support/peers';
import { realEngine } from '../support/renderer/real-engine';
import { dialog, fillEndpoint, openDialog, retype } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

const engine = realEngine();
const { cleanups } = engine;

const flows = () => screen.queryAllByTestId('log-flow').map((node) => node.textContent);
const payloads = () => screen.queryAllByTestId('log-payload').map((node) => node.textContent);

describe('relay in the page', () => {
  it('opens from the dialog, shows both directions, and edits a held message before it goes on', { timeout: 90_000 }, async () => {
    const upstream = await tcpPeerServer(cleanups);
    const { user } = renderApp(engine.local.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'Relay', '127.0.0.1', '0');
    const d = dialog();
    // A TCP relay offers TLS on each side (test/e2e/relay-tls.test.ts uses them); plain here.
    expect(d.getByRole('checkbox', { name: "End the clients' TLS here" })).not.toBeChecked();
    expect(d.getByRole('checkbox', { name: 'Use TLS to the upstream' })).not.toBeChecked();
    await retype(user, d.getByRole('textbox', { name: 'Upstream port' }), '0');
    await user.click(d.getByRole('button', { name: 'Start relay' }));
    expect(await d.findByText('Port 0 cannot be connected or sent to: use 1–65535.')).toBeInTheDocument();
    await retype(user, d.getByRole('textbox', { name: 'Upstream port' }), String(upstream.port));
    await user.click(d.getByRole('checkbox', { name: 'Hold client → server' }));
    await user.click(d.getByRole('button', { name: 'Start relay' }));

    const list = await screen.findByRole('list', { name: 'Open sessions' });
    const endpoint = await within(list).findByText(/^127\.0\.0\.1:[1-9]\d*$/);
    const port = Number(endpoint.textContent!.split(':')[1]);
    const client = await tcpPeerClient(port, cleanups);
    const table = await screen.findByRole('table', { name: 'Connections' });
    expect(await within(table).findByText(`127.0.0.1:${client.socket.localPort} ⇄ 127.0.0.1:${upstream.port}`)).toBeInTheDocument();

    client.socket.write('secret=1');
    const held = await screen.findByRole('listitem', { name: /^Held message h\d+ of c1, client → server$/ });
    expect(within(held).getByText('secret=1')).toBeInTheDocument();
    expect(screen.getByTestId('held-count')).toHaveTextContent('Held: 1 message, 8 B');
    await waitFor(() => expect(flows()).toEqual(['client → server']));
    expect(upstream.received().length).toBe(0);

    await user.click(within(held).getByRole('button', { name: 'Edit' }));
    await retype(user, within(held).getByRole('textbox', { name: /^New bytes of h\d+$/ }), 'secret=2\\n');
    await user.click(within(held).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(screen.getByTestId('held-panel')).getByText('edited')).toBeInTheDocument());
    await user.click(within(screen.getByRole('listitem', { name: /^Held message/ })).getByRole('button', { name: 'Release' }));
    await waitFor(() => expect(upstream.received().toString()).toBe('secret=2\n'));
    await waitFor(() => expect(screen.queryAllByRole('listitem', { name: /^Held message/ })).toHaveLength(0));

    upstream.sockets[0]!.write('answer');
    await waitFor(() => expect(client.received().toString()).toBe('answer'));
    await waitFor(() => expect(flows()).toEqual(['client → server', 'client → server', 'server → client']));
    expect(payloads()).toEqual(['secret=1', 'secret=2\\n', 'answer']);
    expect(screen.getAllByTestId('log-relay-mark').map((n) => n.textContent)).toEqual(['held', 'edited, sent on']);

    const composer = within(screen.getByRole('region', { name: 'Send' }));
    await user.click(composer.getByRole('combobox', { name: 'Inject' }));
    await user.click(await screen.findByRole('option', { name: 'server → client (as the server)' }));
    await user.type(composer.getByRole('textbox', { name: 'Payload' }), 'from the relay');
    await user.click(composer.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(client.received().toString()).toBe('answerfrom the relay'));
    await waitFor(() => expect(screen.getAllByTestId('log-relay-mark').map((n) => n.textContent)).toContain('injected'));
  });
  it("injects with the composer's macros filled in and previewed, and a file as its bytes", { timeout: 90_000 }, async () => {
    const upstream = await tcpPeerServer(cleanups);
    const { user } = renderApp(engine.local.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'Relay', '127.0.0.1', '0');
    const d = dialog();
    await retype(user, d.getByRole('textbox', { name: 'Upstream port' }), String(upstream.port));
    await user.click(d.getByRole('button', { name: 'Start relay' }));
    const list = await screen.findByRole('list', { name: 'Open sessions' });
    const endpoint = await within(list).findByText(/^127\.0\.0\.1:[1-9]\d*$/);
    const client = await tcpPeerClient(Number(endpoint.textContent!.split(':')[1]), cleanups);
    const table = await screen.findByRole('table', { name: 'Connections' });
    await within(table).findByText(`127.0.0.1:${client.socket.localPort} ⇄ 127.0.0.1:${upstream.port}`);

    const composer = within(screen.getByRole('region', { name: 'Send' }));
    await user.type(composer.getByRole('textbox', { name: 'Payload' }), 'n={{{{counter start=5}};');
    // The preview is the engine's: the next inject's bytes, 'n=5;'.
    await waitFor(() => expect(composer.getByLabelText('Next send')).toHaveTextContent('4 B: 6e 3d 35 3b'));
    await user.click(composer.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(upstream.received().toString()).toBe('n=5;'));
    await waitFor(() => expect(composer.getByLabelText('Next send')).toHaveTextContent('4 B: 6e 3d 36 3b'));
    await user.click(composer.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(upstream.received().toString()).toBe('n=5;n=6;'));

    const file = Uint8Array.of(0x00, 0xff, 0x7b, 0x7b, 0x0d, 0x0a);
    const formats = within(composer.getByRole('group', { name: 'Payload format' }));
    await user.click(formats.getByRole('button', { name: 'File' }));
    await user.upload(composer.getByLabelText('File to send'), new File([file], 'frame.bin'));
    await user.click(composer.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(composer.getByRole('status')).toHaveTextContent('Sent frame.bin: 6 bytes.'));
    await waitFor(() => expect([...upstream.received().subarray(8)]).toEqual([...file]));
    // The chunk went as bytes, as a normal send's does: no base64 payload to render.
    const fileInject = engine.local.calls.filter((c) => c.method === 'inject').at(-1)!.args as { payload?: unknown; bytes?: Uint8Array };
    expect(fileInject.payload).toBeUndefined();
    expect([...fileInject.bytes!]).toEqual([...file]);
    // An injected row, its bytes as the file held them (the log escapes a literal '{{').
    expect(payloads().slice(-1)).toEqual(['\\0\\xff\\{{\\r\\n']);
  });
});
