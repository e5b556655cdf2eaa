/** What the new-session dialog starts with for each kind, what it folds away, and what a retrying client says. */
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '@shared/result';
import { errorOf } from '../support/errors';
import { createFakeBridge, sessionInfo } from '../support/renderer/fake-bridge';
import { openDialog, openSession } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

const closed = () => waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

describe('new-session dialog defaults', () => {
  it('suggests a listener port, asks a client for its server’s, and folds the advanced options', async () => {
    const { user } = renderApp(createFakeBridge().bridge);
    const d = await openDialog(user);
    expect(d.getByRole('button', { name: 'TCP server' })).toHaveAttribute('aria-pressed', 'true');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('9000');
    expect(d.queryByRole('textbox', { name: 'Connection limit' })).not.toBeInTheDocument();
    expect(d.getByRole('button', { name: 'Advanced options' })).toHaveAttribute('aria-expanded', 'false');

    await user.click(d.getByRole('button', { name: 'TCP client' }));
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveAttribute('placeholder', "The server's port");
    await user.click(d.getByRole('button', { name: 'Connect' }));
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveAccessibleDescription(/Port must be a number/);

    await user.click(d.getByRole('button', { name: 'Advanced options' }));
    expect(d.getByRole('checkbox', { name: 'Reconnect automatically' })).not.toBeChecked();
    await user.click(d.getByRole('checkbox', { name: 'Reconnect automatically' }));
    expect(d.getByRole('button', { name: 'Hide advanced options' })).toHaveAttribute('aria-expanded', 'true');
    await user.click(d.getByRole('button', { name: 'Hide advanced options' }));
    expect(d.getByRole('button', { name: 'Advanced options (1 changed)' })).toBeInTheDocument();
  });

  it('remembers the last endpoint of each kind for the next session of that kind', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1', port: 4242 })));
    const { user } = renderApp(fake.bridge);
    await openSession(user, 'TCP server', '0.0.0.0', '4242');
    await closed();
    const d = await openDialog(user);
    expect(d.getByRole('combobox', { name: 'Host' })).toHaveValue('0.0.0.0');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('4242');
    expect(d.getByRole('combobox', { name: 'Host' })).toHaveAccessibleDescription(/Every IPv4 address of this machine/);
    await user.click(d.getByRole('button', { name: 'UDP' }));
    expect(d.getByRole('combobox', { name: 'Host' })).toHaveValue('127.0.0.1');
    expect(d.getByRole('textbox', { name: 'Port' })).toHaveValue('9000');
  });

  it('closes on a client that goes on retrying, and says so', async () => {
    const fake = createFakeBridge();
    const retrying = {
      ...sessionInfo({ id: 'c1', kind: 'tcp-client', state: 'opening', port: 7001 }),
      reconnect: { attempt: 1, nextAt: Date.now() + 1000 },
      error: errorOf('ECONNREFUSED', 'Connecting to 127.0.0.1:7001 failed: the connection was refused (ECONNREFUSED).', 'Nothing listens.'),
    };
    fake.answer('open', ok(retrying));
    const { user } = renderApp(fake.bridge);
    await openSession(user, 'TCP client', '127.0.0.1', '7001');
    await closed();
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Not connected yet; the session goes on retrying');
    expect(notice).toHaveTextContent('the connection was refused');
    expect(fake.spies.open).toHaveBeenCalledWith(expect.objectContaining({ keepIfFailed: false }));
    expect(within(notice).getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });
});
