/** The new-session dialog checks every field with the contract's schemas before anything is sent. */
import { screen, waitFor } from '@testing-library/react';
import { failWith } from '../support/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '@shared/result';
import { DEFAULT_MAX_CONNECTIONS } from '@shared/limits';
import { createFakeBridge, sessionInfo } from '../support/renderer/fake-bridge';
import { dialog, fillEndpoint, openDialog, retype } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

async function submitServer(user: ReturnType<typeof renderApp>['user'], host: string, port: string) {
  await openDialog(user);
  await fillEndpoint(user, 'TCP server', host, port);
  await user.click(dialog().getByRole('button', { name: 'Listen' }));
  return { hostInput: dialog().getByRole('combobox', { name: 'Host' }), portInput: dialog().getByRole('textbox', { name: 'Port' }) };
}

describe('new-session dialog validation', () => {
  it.each([
    ['70000', /Port 70000 is out of range/],
    ['-1', /Port -1 is out of range/],
    ['1.5', /Port 1.5 is not a whole number/],
    ['abc', /Port must be a number/],
    ['', /Port must be a number/],
  ])('port %j shows the schema message next to the field and calls nothing', async (port, message) => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    const { portInput, hostInput } = await submitServer(user, '127.0.0.1', port);
    expect(portInput).toHaveAttribute('aria-invalid', 'true');
    expect(portInput).toHaveAccessibleDescription(message);
    expect(hostInput).not.toHaveAttribute('aria-invalid', 'true');
    expect(fake.spies.open).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'New session' })).toBeInTheDocument();
  });

  it.each([
    ['', /Host is empty/],
    ['1.2.3.256', /"1.2.3.256" is not a valid IPv4 address/],
    ['[::1]', /Write the IPv6 address without brackets: ::1/],
    ['bad host!', /is not a valid host name/],
  ])('host %j shows the schema message next to the field and calls nothing', async (host, message) => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    const { hostInput } = await submitServer(user, host, '0');
    expect(hostInput).toHaveAttribute('aria-invalid', 'true');
    expect(hostInput).toHaveAccessibleDescription(message);
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('refuses port 0 for a TCP client, which has to connect somewhere', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'TCP client', '127.0.0.1', '0');
    await user.click(dialog().getByRole('button', { name: 'Connect' }));
    expect(dialog().getByRole('textbox', { name: 'Port' })).toHaveAccessibleDescription(/Port 0 cannot be connected/);
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('marks a reconnect delay below the contract minimum next to its field, and the other bad options too', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'TCP client', '127.0.0.1', '7000');
    const d = dialog();
    await user.click(d.getByRole('checkbox', { name: 'Reconnect automatically' }));
    await retype(user, d.getByRole('textbox', { name: 'First delay' }), '5');
    await retype(user, d.getByRole('textbox', { name: 'Attempts (0 = no limit)' }), '2.5');
    await retype(user, d.getByRole('textbox', { name: 'Connect timeout' }), '0');
    await retype(user, d.getByRole('textbox', { name: 'Local address' }), '1.2.3.256');
    await user.click(d.getByRole('button', { name: 'Connect' }));
    expect(d.getByRole('textbox', { name: 'First delay' })).toHaveAccessibleDescription('Reconnect delay must be at least 10.');
    expect(d.getByRole('textbox', { name: 'Attempts (0 = no limit)' })).toHaveAccessibleDescription(
      'Reconnect attempts must be a whole number.',
    );
    expect(d.getByRole('textbox', { name: 'Connect timeout' })).toHaveAccessibleDescription('Connect timeout must be at least 1.');
    expect(d.getByRole('textbox', { name: 'Local address' })).toHaveAccessibleDescription(/"1.2.3.256" is not a valid IPv4 address/);
    expect(d.getByRole('textbox', { name: 'Longest delay' })).not.toHaveAttribute('aria-invalid', 'true');
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('checks UDP options: buffer sizes, TTL, the multicast group and the default remote', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    await fillEndpoint(user, 'UDP', '127.0.0.1', '0');
    const d = dialog();
    await retype(user, d.getByRole('textbox', { name: 'Receive buffer' }), '10');
    await retype(user, d.getByRole('textbox', { name: 'Multicast TTL' }), '256');
    await retype(user, d.getByRole('textbox', { name: 'Join multicast group' }), '10.0.0.1');
    await retype(user, d.getByRole('textbox', { name: 'Default remote port' }), '9000');
    await user.click(d.getByRole('button', { name: 'Bind' }));
    expect(d.getByRole('textbox', { name: 'Receive buffer' })).toHaveAccessibleDescription('Receive buffer size must be at least 1024.');
    expect(d.getByRole('textbox', { name: 'Multicast TTL' })).toHaveAccessibleDescription('Multicast TTL must be at most 255.');
    expect(d.getByRole('textbox', { name: 'Join multicast group' })).toHaveAccessibleDescription(/Not a multicast group/);
    expect(d.getByRole('textbox', { name: 'Default remote host' })).toHaveAccessibleDescription(/Host is empty/);
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('clears a mark once the value is corrected, and opens with the typed values', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1', port: 4242 })));
    const { user } = renderApp(fake.bridge);
    const { portInput } = await submitServer(user, '::1', '70000');
    expect(portInput).toHaveAttribute('aria-invalid', 'true');
    await retype(user, portInput, '4242');
    expect(portInput).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(dialog().getByRole('button', { name: 'Listen' }));
    expect(fake.spies.open).toHaveBeenCalledTimes(1);
    expect(fake.spies.open).toHaveBeenCalledWith({
      keepIfFailed: false,
      config: {
        kind: 'tcp-server',
        host: '::1',
        port: 4242,
        maxConnections: DEFAULT_MAX_CONNECTIONS,
        ipv6Only: false,
        noDelay: true,
        halfOpen: false,
        halfCloseLingerMs: 5000,
        keepAlive: false,
        keepAliveInitialDelayMs: 0,
      },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it("offers every address of the machine and this machine's own, each explained", async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await openDialog(user);
    const hostInput = dialog().getByRole('combobox', { name: 'Host' });
    await waitFor(() => expect(fake.spies.addresses).toHaveBeenCalled());
    await user.clear(hostInput);
    await user.click(hostInput);
    const options = await screen.findAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([
      '0.0.0.0Every IPv4 address of this machine: reachable from other machines on the network',
      '::Every IPv6 address, and IPv4 too unless IPv6 only is on: reachable from the network',
      '127.0.0.1Loopback (lo): only this machine can reach it',
      '::1Loopback (lo): only this machine can reach it',
      '192.168.1.20Interface eth0: reachable on its network',
      'localhostThis machine by name: its loopback addresses',
    ]);
    await user.click(screen.getByRole('option', { name: /^::\s*Every IPv6/ }));
    expect(hostInput).toHaveValue('::');
  });

  it('keeps the dialog open on an API error and shows its message and hint there', async () => {
    const fake = createFakeBridge();
    fake.answer('open', failWith('EACCES', 'Listening on 127.0.0.1:80 failed: permission denied (EACCES).', 'Use a port above 1023.'));
    const { user } = renderApp(fake.bridge);
    await submitServer(user, '127.0.0.1', '80');
    const alert = await dialog().findByRole('alert');
    expect(alert).toHaveTextContent('Could not open the session');
    expect(alert).toHaveTextContent('Listening on 127.0.0.1:80 failed: permission denied (EACCES).');
    expect(alert).toHaveTextContent('What to do: Use a port above 1023.');
    expect(fake.spies.open).toHaveBeenCalledTimes(1);
    expect(dialog().getByRole('textbox', { name: 'Port' })).toHaveValue('80');
    expect(dialog().getByRole('button', { name: 'Listen' })).toBeEnabled();
  });
});
