/** Each kind's options reach api.open exactly as the contract spells them. */
import { screen, waitFor, within } from '@testing-library/react';
import { failWith } from '../support/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '@shared/result';
import { DEFAULT_MAX_CONNECTIONS } from '@shared/limits';
import { createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { dialog, fillEndpoint, openDialog, openSession, retype } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

const closed = () => waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

describe('new-session dialog options', () => {
  it('sends a TCP server with a connection limit, IPv6-only, no Nagle off, half-open and keep-alive with its delay', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1', host: '::', port: 9000 })));
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'TCP server', '::', '9000');
    const d = dialog();
    expect(d.getByRole('textbox', { name: 'Connection limit' })).toHaveValue(String(DEFAULT_MAX_CONNECTIONS));
    await retype(user, d.getByRole('textbox', { name: 'Connection limit' }), '250');
    await retype(user, d.getByRole('textbox', { name: 'Reply window after the peer’s FIN' }), '750');
    await retype(user, d.getByRole('textbox', { name: 'Close when idle for' }), '30000');
    await user.click(d.getByRole('checkbox', { name: 'IPv6 only (on ::, refuse IPv4)' }));
    await user.click(d.getByRole('checkbox', { name: 'No delay (disable Nagle)' }));
    await user.click(d.getByRole('checkbox', { name: 'Stay half-open after the peer’s FIN' }));
    await user.click(d.getByRole('checkbox', { name: 'Keep-alive' }));
    await retype(user, await d.findByRole('textbox', { name: 'Keep-alive initial delay' }), '1500');
    await user.click(d.getByRole('button', { name: 'Listen' }));
    expect(fake.spies.open.mock.calls).toEqual([
      [
        {
          keepIfFailed: false,
          config: {
            kind: 'tcp-server',
            host: '::',
            port: 9000,
            maxConnections: 250,
            ipv6Only: true,
            noDelay: false,
            halfOpen: true,
            halfCloseLingerMs: 750,
            idleTimeoutMs: 30000,
            keepAlive: true,
            keepAliveInitialDelayMs: 1500,
          },
        },
      ],
    ]);
    await closed();
  });

  it('refuses a connection limit of 0 next to the field, sending nothing', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'TCP server', '127.0.0.1', '0');
    const d = dialog();
    await retype(user, d.getByRole('textbox', { name: 'Connection limit' }), '0');
    await user.click(d.getByRole('button', { name: 'Listen' }));
    expect(await d.findByText('Connection limit must be at least 1.')).toBeInTheDocument();
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('sends a TCP client with local address and port, connect timeout and auto-reconnect with backoff', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 'c1', kind: 'tcp-client', port: 7000 })));
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'TCP client', '127.0.0.1', '7000');
    const d = dialog();
    await retype(user, d.getByRole('textbox', { name: 'Local address' }), '127.0.0.1');
    await retype(user, d.getByRole('textbox', { name: 'Local port' }), '5555');
    await retype(user, d.getByRole('textbox', { name: 'Connect timeout' }), '2500');
    await user.click(d.getByRole('checkbox', { name: 'Reconnect automatically' }));
    await retype(user, await d.findByRole('textbox', { name: 'First delay' }), '100');
    await retype(user, d.getByRole('textbox', { name: 'Longest delay' }), '2000');
    await retype(user, d.getByRole('textbox', { name: 'Attempts (0 = no limit)' }), '5');
    await user.click(d.getByRole('button', { name: 'Connect' }));
    expect(fake.spies.open.mock.calls).toEqual([
      [
        {
          keepIfFailed: false,
          config: {
            kind: 'tcp-client',
            host: '127.0.0.1',
            port: 7000,
            localAddress: '127.0.0.1',
            localPort: 5555,
            connectTimeoutMs: 2500,
            noDelay: true,
            halfOpen: false,
            halfCloseLingerMs: 5000,
            keepAlive: false,
            keepAliveInitialDelayMs: 0,
            reconnect: { enabled: true, initialDelayMs: 100, maxDelayMs: 2000, maxAttempts: 5 },
          },
        },
      ],
    ]);
    await closed();
  });

  it('sends UDP with its socket options and default remote, then joins the multicast group', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 'u1', kind: 'udp', host: '0.0.0.0', port: 0 })));
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'UDP', '0.0.0.0', '0');
    const d = dialog();
    await user.click(d.getByRole('checkbox', { name: 'Reuse address' }));
    await user.click(d.getByRole('checkbox', { name: 'Broadcast' }));
    await user.click(d.getByRole('checkbox', { name: 'Connect to the remote (only its datagrams arrive)' }));
    await retype(user, d.getByRole('textbox', { name: 'Receive buffer' }), '65536');
    await retype(user, d.getByRole('textbox', { name: 'Send buffer' }), '32768');
    await retype(user, d.getByRole('textbox', { name: 'TTL (hop limit)' }), '9');
    await retype(user, d.getByRole('textbox', { name: 'Multicast TTL' }), '4');
    await retype(user, d.getByRole('textbox', { name: 'Multicast interface' }), '0.0.0.0');
    await retype(user, d.getByRole('textbox', { name: 'Join multicast group' }), '239.1.2.3');
    await retype(user, d.getByRole('textbox', { name: 'Default remote host' }), '127.0.0.1');
    await retype(user, d.getByRole('textbox', { name: 'Default remote port' }), '9999');
    await user.click(d.getByRole('combobox', { name: 'Multicast loopback' }));
    await user.click(screen.getByRole('option', { name: 'Off' }));
    await user.click(d.getByRole('button', { name: 'Bind' }));
    expect(fake.spies.open.mock.calls).toEqual([
      [
        {
          keepIfFailed: false,
          config: {
            kind: 'udp',
            host: '0.0.0.0',
            port: 0,
            ipv6Only: false,
            reuseAddress: true,
            broadcast: true,
            connect: true,
            recvBufferSize: 65536,
            sendBufferSize: 32768,
            ttl: 9,
            multicastTtl: 4,
            multicastLoopback: false,
            multicastInterface: '0.0.0.0',
            remote: { host: '127.0.0.1', port: 9999 },
          },
        },
      ],
    ]);
    await waitFor(() => expect(fake.spies.multicast.mock.calls).toEqual([[{ sessionId: 'u1', action: 'join', group: '239.1.2.3' }]]));
    await closed();
  });

  it('says when the session opened but the group could not be joined, and offers no second open', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 'u1', kind: 'udp' })));
    fake.answer(
      'multicast',
      failWith('EADDRNOTAVAIL', 'Joining 239.9.9.9 failed (EADDRNOTAVAIL).', 'Name the interface that has a multicast route.'),
    );
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'UDP', '127.0.0.1', '0');
    await retype(user, dialog().getByRole('textbox', { name: 'Join multicast group' }), '239.9.9.9');
    await user.click(dialog().getByRole('button', { name: 'Bind' }));
    const alert = await dialog().findByRole('alert');
    expect(alert).toHaveTextContent('The session is open, but joining the multicast group failed');
    expect(alert).toHaveTextContent('What to do: Name the interface that has a multicast route.');
    expect(dialog().queryByRole('button', { name: 'Bind' })).not.toBeInTheDocument();
    await user.click(dialog().getByRole('button', { name: 'Done' }));
    await closed();
    expect(fake.spies.open).toHaveBeenCalledTimes(1);
  });

  it('offers endpoints opened before, newest first, and fills kind, host and port from one', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1' })));
    const { user } = renderApp(fake.bridge);
    await openSession(user, 'TCP server', '127.0.0.1', '4242');
    await closed();
    await openSession(user, 'TCP client', 'localhost', '7000');
    await closed();

    const d = await openDialog(user);
    const recent = within(d.getByRole('region', { name: 'Recent endpoints' }));
    expect(recent.getAllByRole('button').map((chip) => chip.getAttribute('aria-label'))).toEqual([
      'Use TCP client localhost:7000',
      'Use TCP server 127.0.0.1:4242',
    ]);
    await user.click(recent.getByRole('button', { name: 'Use TCP client localhost:7000' }));
    expect(d.getByRole('button', { name: 'TCP client' })).toHaveAttribute('aria-pressed', 'true');
    expect(d.getByRole('combobox', { name: 'Host' })).toHaveValue('localhost');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('7000');

    await user.clear(d.getByRole('combobox', { name: 'Host' }));
    await user.click(d.getByRole('combobox', { name: 'Host' }));
    const options = await screen.findAllByRole('option');
    // A client connects somewhere, so the every-address wildcards are not offered to it.
    expect(options.map((o) => o.firstChild?.textContent)).toEqual(['localhost', '127.0.0.1', '::1', '192.168.1.20']);
  });

  it('duplicates a session: the dialog starts from its settings', async () => {
    const fake = createFakeBridge();
    const source = sessionInfo({ id: 'c9', kind: 'tcp-client', host: '::1', port: 5020 });
    fake.answer('list', ok([source]));
    const { user } = renderApp(fake.bridge);
    await user.click(await screen.findByRole('button', { name: 'More actions for TCP client [::1]:5020' }));
    await user.click(screen.getByRole('menuitem', { name: 'Duplicate…' }));
    const d = within(await screen.findByRole('dialog', { name: 'New session' }));
    expect(d.getByRole('button', { name: 'TCP client' })).toHaveAttribute('aria-pressed', 'true');
    expect(d.getByRole('combobox', { name: 'Host' })).toHaveValue('::1');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('5020');
    fake.answer('open', ok(sessionInfo({ id: 'c10', kind: 'tcp-client', host: '::1', port: 5020 })));
    await user.click(d.getByRole('button', { name: 'Connect' }));
    expect(fake.spies.open).toHaveBeenCalledWith({ keepIfFailed: false, config: source.config });
    fake.emit(sessionEvent(sessionInfo({ id: 'c10', kind: 'tcp-client', host: '::1', port: 5020 })));
    await closed();
  });
});
