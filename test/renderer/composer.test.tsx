import { screen, within } from '@testing-library/react';
import { failWith } from '../support/errors';
import { describe, expect, it } from 'vitest';
import { ok } from '@shared/result';
import { connectionInfo, createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

function setup(kind: 'tcp-server' | 'tcp-client' | 'udp' = 'tcp-server') {
  const fake = createFakeBridge();
  const app = renderApp(fake.bridge);
  const connections = kind === 'tcp-server' ? [connectionInfo('c1', 50001), connectionInfo('c2', 50002)] : [];
  fake.emit(sessionEvent(sessionInfo({ id: 's1', kind, connections })));
  const composer = within(screen.getByRole('region', { name: 'Send' }));
  const payload = composer.getByRole('textbox', { name: 'Payload' });
  const sendButton = composer.getByRole('button', { name: 'Send' });
  const chooseHex = () =>
    app.user.click(within(composer.getByRole('group', { name: 'Payload format' })).getByRole('button', { name: 'Hex' }));
  return { fake, ...app, composer, payload, sendButton, chooseHex };
}

describe('Composer', () => {
  it('marks a bad hex character with its position and keeps Send disabled', async () => {
    const { user, payload, sendButton, chooseHex } = setup();
    await chooseHex();
    await user.type(payload, '48 6z');
    expect(payload).toHaveAttribute('aria-invalid', 'true');
    expect(payload).toHaveAccessibleDescription("Unexpected character 'z' at position 4: hex uses 0-9 and a-f");
    expect(sendButton).toBeDisabled();
    await user.type(payload, '{Backspace}9');
    expect(payload).not.toHaveAttribute('aria-invalid', 'true');
    expect(sendButton).toBeEnabled();
  });

  it('reports an odd number of hex digits where the group starts', async () => {
    const { user, payload, sendButton, chooseHex } = setup();
    await chooseHex();
    await user.type(payload, '01 abc');
    expect(payload).toHaveAccessibleDescription(/Odd number of hex digits in 'abc' at position 3/);
    expect(sendButton).toBeDisabled();
  });

  it('marks an invalid text escape with its position', async () => {
    const { user, payload, sendButton } = setup();
    await user.type(payload, 'ok\\q');
    expect(payload).toHaveAccessibleDescription(/Invalid escape \\q at position 2/);
    expect(sendButton).toBeDisabled();
    await user.clear(payload);
    await user.type(payload, 'ok\\x4');
    expect(payload).toHaveAccessibleDescription(/Invalid escape \\x4 at position 2/);
  });

  it('sends with Ctrl+Enter to all connections by default', async () => {
    const { user, fake, payload, composer } = setup();
    fake.answer('send', ok({ bytes: 4, targets: 2 }));
    await user.type(payload, 'hi\\r\\n');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(fake.spies.send).toHaveBeenCalledTimes(1);
    expect(fake.spies.send).toHaveBeenCalledWith({
      sessionId: 's1',
      payload: { format: 'text', value: 'hi\\r\\n', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
      to: { type: 'all' },
    });
    expect(await composer.findByRole('status')).toHaveTextContent('Sent 4 B to 2 targets.');
  });

  it('sends with Cmd+Enter too, and Enter alone only adds a line', async () => {
    const { user, fake, payload } = setup();
    await user.type(payload, 'a{Enter}b');
    expect(fake.spies.send).not.toHaveBeenCalled();
    expect(payload).toHaveValue('a\nb');
    await user.keyboard('{Meta>}{Enter}{/Meta}');
    expect(fake.spies.send).toHaveBeenCalledTimes(1);
  });

  it('does not send on Ctrl+Enter while the payload is invalid', async () => {
    const { user, fake, payload, chooseHex } = setup();
    await chooseHex();
    await user.type(payload, 'xyz');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(fake.spies.send).not.toHaveBeenCalled();
  });

  it('sends to one chosen connection with the chosen line ending', async () => {
    const { user, fake, composer, payload, sendButton } = setup();
    await user.click(composer.getByRole('combobox', { name: 'Send to' }));
    await user.click(screen.getByRole('option', { name: 'c2 (127.0.0.1:50002)' }));
    // The target list takes several picks, so it stays open until dismissed.
    await user.keyboard('{Escape}');
    await user.click(composer.getByRole('combobox', { name: 'Line ending' }));
    await user.click(screen.getByRole('option', { name: 'CRLF (\\r\\n)' }));
    await user.type(payload, 'PING');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenCalledWith({
      sessionId: 's1',
      payload: { format: 'text', value: 'PING', encoding: 'utf-8', escapes: true, lineEnding: 'crlf' },
      to: { type: 'connections', connIds: ['c2'] },
    });
  });

  it('shows a send failure with its hint', async () => {
    const { user, fake, payload, sendButton } = setup();
    fake.answer('send', failWith('EPIPE', 'Connection c1: the peer has closed the connection.', 'Reconnect to send again.'));
    await user.type(payload, 'x');
    await user.click(sendButton);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Send failed');
    expect(alert).toHaveTextContent('Connection c1: the peer has closed the connection.');
    expect(alert).toHaveTextContent('Reconnect to send again.');
  });

  it('sends nothing while the session is not open', () => {
    const fake = createFakeBridge();
    renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1', state: 'closed' })));
    const composer = within(screen.getByRole('region', { name: 'Send' }));
    expect(composer.getByText('The session is not open; reopen it to send.')).toBeInTheDocument();
    expect(composer.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('sends UDP to a typed address, or replies to the last sender', async () => {
    const { user, fake, composer, payload, sendButton } = setup('udp');
    const port = composer.getByRole('textbox', { name: 'Target port' });
    await user.type(payload, 'hello');
    expect(sendButton).toBeDisabled();
    await user.type(port, '99999');
    expect(port).toHaveAccessibleDescription(/out of range/);
    expect(sendButton).toBeDisabled();
    await user.clear(port);
    await user.type(port, '5353');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'address', host: '127.0.0.1', port: 5353 } }));
    await user.click(composer.getByRole('checkbox', { name: 'Reply to last sender' }));
    expect(composer.getByRole('textbox', { name: 'Target host' })).toBeDisabled();
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'last-sender' } }));
  });

  it('sends a TCP client payload without a target', async () => {
    const { user, fake, composer, payload, sendButton } = setup('tcp-client');
    expect(composer.queryByRole('combobox', { name: 'Send to' })).not.toBeInTheDocument();
    await user.type(payload, 'x');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenCalledWith({
      sessionId: 's1',
      payload: { format: 'text', value: 'x', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
    });
  });
});
