import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../src/shared/result';
import { createFakeBridge, sessionInfo } from './support/fake-bridge';
import { renderApp } from './support/render-app';

function form() {
  return within(screen.getByRole('form', { name: 'Open a session' }));
}

async function fillAndSubmit(user: ReturnType<typeof renderApp>['user'], host: string, port: string) {
  const f = form();
  const hostInput = f.getByRole('combobox', { name: 'Host' });
  const portInput = f.getByRole('textbox', { name: 'Port' });
  await user.clear(hostInput);
  if (host) await user.type(hostInput, host);
  await user.clear(portInput);
  if (port) await user.type(portInput, port);
  await user.click(f.getByRole('button', { name: 'Listen' }));
  return { hostInput, portInput };
}

describe('OpenSessionForm validation', () => {
  it.each([
    ['70000', /Port 70000 is out of range/],
    ['-1', /Port -1 is out of range/],
    ['1.5', /Port 1.5 is not a whole number/],
    ['abc', /Port must be a number/],
    ['', /Port must be a number/],
  ])('port %j shows the schema message next to the field and calls nothing', async (port, message) => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    const { portInput, hostInput } = await fillAndSubmit(user, '127.0.0.1', port);
    expect(portInput).toHaveAttribute('aria-invalid', 'true');
    expect(portInput).toHaveAccessibleDescription(message);
    expect(hostInput).not.toHaveAttribute('aria-invalid', 'true');
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it.each([
    ['', /Host is empty/],
    ['1.2.3.256', /"1.2.3.256" is not a valid IPv4 address/],
    // user-event reads "[" as the start of a key name; "[[" types one bracket.
    ['[[::1]', /Write the IPv6 address without brackets: ::1/],
    ['bad host!', /is not a valid host name/],
  ])('host %j shows the schema message next to the field and calls nothing', async (host, message) => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    const { hostInput } = await fillAndSubmit(user, host, '0');
    expect(hostInput).toHaveAttribute('aria-invalid', 'true');
    expect(hostInput).toHaveAccessibleDescription(message);
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('refuses port 0 for a TCP client, which has to connect somewhere', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    await user.click(form().getByRole('combobox', { name: 'Kind' }));
    await user.click(screen.getByRole('option', { name: 'TCP client' }));
    const portInput = form().getByRole('textbox', { name: 'Port' });
    await user.clear(portInput);
    await user.type(portInput, '0');
    await user.click(form().getByRole('button', { name: 'Connect' }));
    expect(portInput).toHaveAccessibleDescription(/Port 0 cannot be connected/);
    expect(fake.spies.open).not.toHaveBeenCalled();
  });

  it('clears a mark once the value is corrected, and opens with the typed values', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1', port: 4242 })));
    const { user } = renderApp(fake.bridge);
    const { portInput } = await fillAndSubmit(user, '::1', '70000');
    expect(portInput).toHaveAttribute('aria-invalid', 'true');
    await user.clear(portInput);
    await user.type(portInput, '4242');
    expect(portInput).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(form().getByRole('button', { name: 'Listen' }));
    expect(fake.spies.open).toHaveBeenCalledTimes(1);
    expect(fake.spies.open).toHaveBeenCalledWith({ config: { kind: 'tcp-server', host: '::1', port: 4242 } });
  });

  it('offers the usual addresses as suggestions', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    const hostInput = form().getByRole('combobox', { name: 'Host' });
    await user.clear(hostInput);
    await user.click(hostInput);
    const options = await screen.findAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost']);
    await user.click(screen.getByRole('option', { name: '::' }));
    expect(hostInput).toHaveValue('::');
  });

  it('shows the API error message and its hint when opening fails', async () => {
    const fake = createFakeBridge();
    fake.answer('open', fail('EACCES', 'Listening on 127.0.0.1:80 failed: permission denied (EACCES).', 'Use a port above 1023.'));
    const { user } = renderApp(fake.bridge);
    await fillAndSubmit(user, '127.0.0.1', '80');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not open the session');
    expect(alert).toHaveTextContent('Listening on 127.0.0.1:80 failed: permission denied (EACCES).');
    expect(alert).toHaveTextContent('Use a port above 1023.');
    expect(fake.spies.open).toHaveBeenCalledTimes(1);
  });
});
