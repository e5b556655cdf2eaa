/**
 * The composer's text ⇄ hex switch, its escapes toggle, why Send is off, the quick-send and
 * history lists and Ctrl+Enter from any control, on a scripted bridge; the bytes on real
 * sockets are in test/e2e/composer.test.ts.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '@shared/result';
import { connectionInfo, createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

type Kind = 'tcp-server' | 'tcp-client' | 'udp';

function setup(kind: Kind = 'tcp-client', connections = kind === 'tcp-server' ? [connectionInfo('c1', 50001)] : []) {
  const fake = createFakeBridge();
  fake.answer('send', ok({ bytes: 1, targets: 1 }));
  const app = renderApp(fake.bridge);
  fake.emit(sessionEvent(sessionInfo({ id: 's1', kind, connections })));
  const composer = () => within(screen.getByRole('region', { name: 'Send' }));
  const payload = () => composer().getByRole('textbox', { name: 'Payload' });
  const sendButton = () => composer().getByRole('button', { name: 'Send' });
  const chooseFormat = async (name: 'Text' | 'Hex' | 'File') => {
    const button = within(composer().getByRole('group', { name: 'Payload format' })).getByRole('button', { name });
    await waitFor(() => expect(button).toBeEnabled());
    await app.user.click(button);
  };
  const escapes = () => composer().getByRole('switch', { name: 'Escapes' });
  const status = () => composer().getByRole('status');
  const sent = () => fake.spies.send.mock.calls.map((call) => (call[0] as { payload: unknown }).payload);
  return { fake, ...app, composer, payload, sendButton, chooseFormat, escapes, status, sent };
}

const text = (value: string, fields: Record<string, unknown> = {}) => ({
  format: 'text',
  value,
  encoding: 'utf-8',
  escapes: true,
  lineEnding: 'none',
  ...fields,
});

describe('switching text and hex converts the payload', () => {
  it('shows the bytes of AB\\r\\n as hex, and them as the same text again', async () => {
    const { user, payload, chooseFormat, sendButton, sent } = setup();
    await user.type(payload(), 'AB\\r\\n');
    await chooseFormat('Hex');
    expect(payload()).toHaveValue('41 42 0d 0a');
    expect(payload()).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(sendButton());
    expect(sent().at(-1)).toEqual(text('41 42 0d 0a', { format: 'hex' }));
    await chooseFormat('Text');
    expect(payload()).toHaveValue('AB\\r\\n');
  });

  it('writes the text in the chosen encoding', async () => {
    const { user, payload, chooseFormat, composer } = setup();
    await user.click(composer().getByRole('combobox', { name: 'Encoding' }));
    await user.click(screen.getByRole('option', { name: 'GBK' }));
    await user.type(payload(), '你好');
    await chooseFormat('Hex');
    expect(payload()).toHaveValue('c4 e3 ba c3');
    await chooseFormat('Text');
    expect(payload()).toHaveValue('你好');
  });

  it('stays hex when the hex cannot be read, names the position, and says how to go on', async () => {
    const { user, payload, chooseFormat, status } = setup();
    await chooseFormat('Hex');
    await user.type(payload(), 'de ad b');
    await chooseFormat('Text');
    expect(payload()).toHaveValue('de ad b');
    expect(within(screen.getByRole('group', { name: 'Payload format' })).getByRole('button', { name: 'Hex' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(payload()).toHaveAccessibleDescription(/Odd number of hex digits in 'b' at position 6: each byte needs two digits/);
    expect(status()).toHaveTextContent('Still Hex: these characters cannot become bytes');
    expect(status()).toHaveTextContent('Fix what is marked below the field, then switch again.');
  });

  it('turns escapes on, and says so, when bytes have no plain-text form', async () => {
    const { user, payload, chooseFormat, escapes, status } = setup();
    await user.click(escapes());
    await chooseFormat('Hex');
    await user.type(payload(), '68 69 0d 0a');
    await chooseFormat('Text');
    expect(payload()).toHaveValue('hi\\r\\n');
    expect(escapes()).toBeChecked();
    expect(status()).toHaveTextContent(/^Escapes turned on: some of these bytes have no plain-text form/);
  });
});

describe('the escapes toggle', () => {
  it('sends a backslash as typed with escapes off, and converts it as itself', async () => {
    const { user, payload, escapes, sendButton, sent, chooseFormat } = setup();
    expect(escapes()).toBeChecked();
    await user.click(escapes());
    await user.type(payload(), 'C:\\temp');
    expect(payload()).toHaveAccessibleDescription(/^Escapes off: sent as typed/);
    await user.click(sendButton());
    expect(sent().at(-1)).toEqual(text('C:\\temp', { escapes: false }));
    await chooseFormat('Hex');
    expect(payload()).toHaveValue('43 3a 5c 74 65 6d 70');
    await chooseFormat('Text');
    expect(payload()).toHaveValue('C:\\temp');
    expect(escapes()).not.toBeChecked();
  });

  it('is kept with the session’s draft while another session is shown', async () => {
    const { fake, user, payload, escapes } = setup();
    fake.emit(sessionEvent(sessionInfo({ id: 's2', kind: 'tcp-client', port: 7001 })));
    const sessions = within(screen.getByRole('list', { name: 'Open sessions' }));
    const item = (port: number) => sessions.getByRole('button', { name: new RegExp(`^TCP client Open 127\\.0\\.0\\.1:${port} `) });
    await user.click(item(7000));
    await user.click(escapes());
    await user.type(payload(), 'C:\\temp');
    await user.click(item(7001));
    expect(payload()).toHaveValue('');
    expect(escapes()).toBeChecked();
    await user.click(item(7000));
    expect(payload()).toHaveValue('C:\\temp');
    expect(escapes()).not.toBeChecked();
  });
});

describe('a disabled Send says why', () => {
  it('names a listener without clients', () => {
    const { sendButton } = setup('tcp-server', []);
    expect(sendButton()).toBeDisabled();
    expect(sendButton()).toHaveAccessibleDescription('No client is connected to this listener yet: connect one, then send.');
  });

  it('names an empty payload, then invalid hex at its position, and says nothing once it can send', async () => {
    const { user, payload, sendButton, chooseFormat } = setup();
    expect(sendButton()).toHaveAccessibleDescription('The payload is empty: type something, or choose a line ending to send it alone.');
    await chooseFormat('Hex');
    await user.type(payload(), '01 0g');
    expect(sendButton()).toHaveAccessibleDescription('Invalid hex at position 4: fix the marked character below the field.');
    await user.type(payload(), '{Backspace}f');
    expect(sendButton()).toBeEnabled();
    expect(sendButton()).toHaveAccessibleDescription('');
  });

  it('names a closed session', () => {
    const fake = createFakeBridge();
    renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-client', state: 'closed' })));
    const send = within(screen.getByRole('region', { name: 'Send' })).getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    expect(send).toHaveAccessibleDescription('The session is not open; reopen it to send.');
  });

  it('names a UDP send with no target port', async () => {
    const { user, payload, sendButton } = setup('udp');
    await user.type(payload(), 'ping');
    expect(sendButton()).toHaveAccessibleDescription('Type the target port (and host), or tick “Reply to last sender”.');
  });

  it('names a missing file', async () => {
    const { sendButton, chooseFormat } = setup();
    await chooseFormat('File');
    expect(sendButton()).toHaveAccessibleDescription('Choose a file to send.');
  });
});

describe('saved payloads as a quick-send list', () => {
  it('sends one with one click to the chosen target, leaving what is typed alone', async () => {
    const { stores, user, payload, composer, sent, status } = setup('tcp-server', [
      connectionInfo('c1', 50001),
      connectionInfo('c2', 50002),
    ]);
    stores.payloads
      .getState()
      .save('Modbus read', { format: 'hex', value: '01 03 00 00', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    await user.type(payload(), 'draft');
    const quick = within(await composer().findByRole('group', { name: 'Quick send' }));
    await user.click(quick.getByRole('button', { name: 'Send Modbus read' }));
    expect(sent().at(-1)).toEqual(text('01 03 00 00', { format: 'hex' }));
    expect(await status()).toHaveTextContent('Sent “Modbus read”: 1 B to 1 target.');
    expect(payload()).toHaveValue('draft');
    expect(stores.sendHistory.getState().entries.at(-1)).toMatchObject({ format: 'hex', value: '01 03 00 00' });
  });

  it('sends the first nine with Alt+Shift and their digit from anywhere, and says so on each', async () => {
    const { stores, user, payload, composer, sent, status } = setup();
    const save = (name: string, value: string) =>
      stores.payloads.getState().save(name, { format: 'text', value, encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    // Newest first: p1 is saved last to be the first chip.
    for (let n = 10; n >= 1; n -= 1) save(`p${n}`, `payload ${n}`);
    const quick = within(await composer().findByRole('group', { name: 'Quick send' }));
    expect(quick.getByRole('button', { name: 'Send p2' })).toHaveAttribute('aria-keyshortcuts', 'Alt+Shift+2');
    expect(quick.getByRole('button', { name: 'Send p10' })).not.toHaveAttribute('aria-keyshortcuts');
    await user.type(payload(), 'draft');
    await user.keyboard('{Alt>}{Shift>}2{/Shift}{/Alt}');
    expect(sent()).toEqual([text('payload 2')]);
    expect(await status()).toHaveTextContent('Sent “p2”');
    expect(payload()).toHaveValue('draft');
    await user.click(document.body);
    await user.keyboard('{Alt>}{Shift>}9{/Shift}{/Alt}');
    expect(sent().at(-1)).toEqual(text('payload 9'));
    await user.keyboard('{Alt>}2{/Alt}{Control>}{Shift>}2{/Shift}{/Control}');
    expect(sent()).toHaveLength(2);
    await user.hover(quick.getByRole('button', { name: 'Send p3' }));
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Alt+Shift+3 sends it');
  });

  it('adds what it sends to the history that ↑ and the History list recall', async () => {
    const { stores, user, payload, composer } = setup();
    stores.payloads.getState().save('p2', { format: 'hex', value: '02', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    stores.payloads.getState().save('p1', { format: 'text', value: 'one', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    const quick = within(await composer().findByRole('group', { name: 'Quick send' }));
    await user.click(quick.getByRole('button', { name: 'Send p1' }));
    await user.keyboard('{Alt>}{Shift>}2{/Shift}{/Alt}');
    await user.type(payload(), 'draft');
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('02');
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('one');
    await user.click(composer().getByRole('button', { name: 'History (2)' }));
    const list = within(screen.getByRole('list', { name: 'Sent payloads, newest first' }));
    expect(list.getAllByRole('button', { name: /^Load / }).map((row) => row.getAttribute('aria-label'))).toEqual(['Load 02', 'Load one']);
  });

  it('is off, with the reason, while the target cannot take a send', () => {
    const fake = createFakeBridge();
    const { stores } = renderApp(fake.bridge);
    stores.payloads.getState().save('ping', { format: 'text', value: 'ping', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    fake.emit(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-server' })));
    const chip = within(screen.getByRole('group', { name: 'Quick send' })).getByRole('button', { name: 'Send ping' });
    expect(chip).toHaveAttribute('aria-disabled', 'true');
    expect(chip).toHaveAccessibleDescription('No client is connected to this listener yet: connect one, then send.');
  });

  it('sends from the saved payloads dialog, with a preview of each', async () => {
    const { stores, user, composer, sent } = setup();
    stores.payloads
      .getState()
      .save('hello', { format: 'text', value: 'hello\\r\\n', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    await user.click(await composer().findByRole('button', { name: 'Saved payloads (1)' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Saved payloads' }));
    expect(dialog.getByRole('button', { name: 'Load hello' })).toHaveTextContent('hello\\r\\n · Text · UTF-8 · None');
    await user.click(dialog.getByRole('button', { name: 'Send hello now' }));
    expect(sent().at(-1)).toEqual(text('hello\\r\\n'));
  });
});

describe('the send history list', () => {
  it('lists sends newest first; a click loads one, Send again resends it', async () => {
    const { user, payload, sendButton, composer, sent } = setup();
    await user.type(payload(), 'first');
    await user.click(sendButton());
    await user.clear(payload());
    await user.type(payload(), 'second');
    await user.click(sendButton());
    await user.clear(payload());

    await user.click(composer().getByRole('button', { name: 'History (2)' }));
    const list = within(screen.getByRole('list', { name: 'Sent payloads, newest first' }));
    const rows = list.getAllByRole('button', { name: /^Load / });
    expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual(['Load second', 'Load first']);
    await user.click(list.getByRole('button', { name: 'Send first again' }));
    expect(sent().at(-1)).toEqual(text('first'));
    await user.click(list.getByRole('button', { name: 'Load second' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(payload()).toHaveValue('second');
  });
});

describe('Ctrl+Enter', () => {
  it('sends from a select without opening it, and from a button without pressing it', async () => {
    const { user, payload, composer, sent } = setup();
    await user.type(payload(), 'ping');
    const encoding = composer().getByRole('combobox', { name: 'Encoding' });
    encoding.focus();
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(sent()).toEqual([text('ping')]);
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    composer().getByRole('button', { name: 'Save payload' }).focus();
    await user.keyboard('{Meta>}{Enter}{/Meta}');
    expect(sent()).toHaveLength(2);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
