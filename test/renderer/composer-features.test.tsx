/**
 * The composer's modes, errors, encodings, repeat, history and saved payloads, on a scripted
 * bridge; composer-engine.test.tsx checks the bytes on real sockets.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPayloadLibrary, PAYLOAD_LIBRARY_STORAGE_KEY, saveBytesAsPayload } from '@renderer/composer/payload-library';
import { createSendHistory, SEND_HISTORY_STORAGE_KEY } from '@renderer/composer/send-history';
import type { RepeatStatus } from '@shared/contract';
import { ok } from '@shared/result';
import { errorOf, failWith } from '../support/errors';
import { connectionInfo, createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

function setup(
  kind: 'tcp-server' | 'tcp-client' | 'udp' = 'tcp-client',
  connections = kind === 'tcp-server' ? [connectionInfo('c1', 50001), connectionInfo('c2', 50002)] : [],
) {
  const fake = createFakeBridge();
  const app = renderApp(fake.bridge);
  fake.emit(sessionEvent(sessionInfo({ id: 's1', kind, connections })));
  const composer = within(screen.getByRole('region', { name: 'Send' }));
  const payload = () => composer.getByRole('textbox', { name: 'Payload' });
  const sendButton = composer.getByRole('button', { name: 'Send' });
  // The format buttons are disabled while a send is in flight, as a user would see them.
  const chooseFormat = async (name: 'Text' | 'Hex' | 'File') => {
    const button = within(composer.getByRole('group', { name: 'Payload format' })).getByRole('button', { name });
    await waitFor(() => expect(button).toBeEnabled());
    await app.user.click(button);
  };
  const choose = async (combobox: string, option: string | RegExp) => {
    await app.user.click(composer.getByRole('combobox', { name: combobox }));
    await app.user.click(screen.getByRole('option', { name: option }));
  };
  const marked = () => screen.getByTestId('payload-problem-at').textContent;
  return { fake, ...app, composer, payload, sendButton, chooseFormat, choose, marked };
}

/** A closing dialog hides the rest of the page from the accessibility tree until it is gone. */
const dialogsClosed = () => waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

const lastPayload = (fake: ReturnType<typeof createFakeBridge>) => (fake.spies.send.mock.lastCall?.[0] as { payload: unknown }).payload;

describe('Composer errors are marked where they are', () => {
  it('marks an odd hex group under the field, at its first digit', async () => {
    const { user, payload, sendButton, chooseFormat, marked } = setup();
    await chooseFormat('Hex');
    await user.type(payload(), 'de ad b');
    expect(payload()).toHaveAccessibleDescription(/Odd number of hex digits in 'b' at position 6/);
    expect(marked()).toBe('b');
    expect(screen.getByTestId('payload-problem-marker')).toHaveTextContent('de ad b');
    expect(sendButton).toBeDisabled();
    await user.type(payload(), 'e');
    expect(screen.queryByTestId('payload-problem-marker')).not.toBeInTheDocument();
    expect(sendButton).toBeEnabled();
  });

  it('marks an invalid escape at its backslash, on its own line', async () => {
    const { user, payload, sendButton, marked } = setup();
    await user.type(payload(), 'first line{Enter}ok \\q');
    expect(payload()).toHaveAccessibleDescription(/Invalid escape \\q at position 14/);
    expect(marked()).toBe('\\');
    expect(screen.getByTestId('payload-problem-marker')).toHaveTextContent(/^ok \\q$/);
    expect(sendButton).toBeDisabled();
  });

  it('marks the end of a text that ends in a lone backslash', async () => {
    const { user, payload, marked } = setup();
    await user.type(payload(), 'abc\\');
    expect(payload()).toHaveAccessibleDescription(/Invalid escape \\ at position 3/);
    expect(marked()).toBe('\\');
  });

  it('marks a character Latin-1 cannot write', async () => {
    const { user, payload, choose, sendButton, marked } = setup();
    await choose('Encoding', 'Latin-1');
    await user.type(payload(), 'café 中');
    expect(payload()).toHaveAccessibleDescription("Character '中' at position 5 cannot be written in Latin-1; use UTF-8 or a \\xNN escape");
    expect(marked()).toBe('中');
    expect(sendButton).toBeDisabled();
  });

  it('marks a character GBK cannot write, and takes it in GB18030', async () => {
    const { user, fake, payload, choose, sendButton, marked } = setup();
    await choose('Encoding', 'GBK');
    await user.type(payload(), '你好😀');
    expect(payload()).toHaveAccessibleDescription(/Character '😀' at position 2 cannot be written in GBK/);
    expect(marked()).toBe('😀');
    expect(sendButton).toBeDisabled();
    await choose('Encoding', 'GB18030');
    expect(payload()).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(sendButton);
    expect(lastPayload(fake)).toEqual({ format: 'text', value: '你好😀', encoding: 'gb18030', escapes: true, lineEnding: 'none' });
  });
});

describe('Composer encodings and line endings', () => {
  it('sends the chosen encoding and line ending with the text', async () => {
    const { user, fake, payload, choose, sendButton } = setup();
    await choose('Encoding', 'UTF-16LE');
    await choose('Line ending', 'CR (\\r)');
    await user.type(payload(), '你好');
    await user.click(sendButton);
    expect(lastPayload(fake)).toEqual({ format: 'text', value: '你好', encoding: 'utf-16le', escapes: true, lineEnding: 'cr' });
  });

  it('offers every encoding, and none for hex', async () => {
    const { user, composer, chooseFormat } = setup();
    await user.click(composer.getByRole('combobox', { name: 'Encoding' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['UTF-8', 'GBK', 'GB18030', 'Latin-1', 'UTF-16LE']);
    await user.keyboard('{Escape}');
    await chooseFormat('Hex');
    expect(composer.queryByRole('combobox', { name: 'Encoding' })).not.toBeInTheDocument();
    expect(composer.getByRole('combobox', { name: 'Line ending' })).toBeInTheDocument();
  });

  it('sends a line ending alone, and nothing for an empty payload without one', async () => {
    const { fake, user, choose, sendButton } = setup();
    expect(sendButton).toBeDisabled();
    await choose('Line ending', 'CRLF (\\r\\n)');
    await user.click(sendButton);
    expect(lastPayload(fake)).toEqual({ format: 'text', value: '', encoding: 'utf-8', escapes: true, lineEnding: 'crlf' });
  });
});

describe('Composer targets', () => {
  it('sends a listener payload to exactly the chosen connections, or to all again', async () => {
    const { user, fake, composer, payload, sendButton } = setup('tcp-server', [
      connectionInfo('c1', 50001),
      connectionInfo('c2', 50002),
      connectionInfo('c3', 50003),
    ]);
    await user.click(composer.getByRole('combobox', { name: 'Send to' }));
    await user.click(screen.getByRole('option', { name: 'c1 (127.0.0.1:50001)' }));
    await user.click(screen.getByRole('option', { name: 'c3 (127.0.0.1:50003)' }));
    expect(screen.getByRole('option', { name: 'c1 (127.0.0.1:50001)' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('option', { name: 'All connections' })).toHaveAttribute('aria-selected', 'false');
    await user.keyboard('{Escape}');
    expect(composer.getByRole('combobox', { name: 'Send to' })).toHaveTextContent('2 connections');
    await user.type(payload(), 'x');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'connections', connIds: ['c1', 'c3'] } }));

    await user.click(composer.getByRole('combobox', { name: 'Send to' }));
    await user.click(screen.getByRole('option', { name: 'All connections' }));
    await user.keyboard('{Escape}');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'all' } }));
  });

  it('drops a chosen connection once it has closed', async () => {
    const { user, fake, composer, payload, sendButton } = setup('tcp-server');
    await user.click(composer.getByRole('combobox', { name: 'Send to' }));
    await user.click(screen.getByRole('option', { name: 'c1 (127.0.0.1:50001)' }));
    await user.click(screen.getByRole('option', { name: 'c2 (127.0.0.1:50002)' }));
    await user.keyboard('{Escape}');
    fake.emit({
      type: 'connection-closed',
      at: 1,
      sessionId: 's1',
      connId: 'c1',
      reason: 'peer-closed',
      counters: { rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 },
    });
    await user.type(payload(), 'x');
    await user.click(sendButton);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'connections', connIds: ['c2'] } }));
  });
});

describe('Composer repeat', () => {
  async function startRepeat(s: ReturnType<typeof setup>, interval: string, count: string) {
    await s.user.click(s.composer.getByRole('switch', { name: 'Repeat' }));
    const every = s.composer.getByRole('textbox', { name: 'Every (ms)' });
    await s.user.clear(every);
    await s.user.type(every, interval);
    const times = s.composer.getByRole('textbox', { name: 'Times' });
    await s.user.clear(times);
    if (count !== '') await s.user.type(times, count);
    await s.user.type(s.payload(), 'tick');
    await s.user.click(s.sendButton);
  }

  const run = (state: RepeatStatus['state'], sent: number, extra: Partial<RepeatStatus> = {}): RepeatStatus => ({
    state,
    sent,
    intervalMs: 5,
    startedAt: 1000,
    skipped: 0,
    ...extra,
  });
  const report = (s: ReturnType<typeof setup>, repeat: RepeatStatus) =>
    s.fake.emit({ type: 'automation', at: 1, sessionId: 's1', status: { rules: [], heartbeats: 0, repeat } });

  it('asks the engine for the run, and says when it finished', async () => {
    const s = setup();
    s.fake.answer('repeat', ok(run('running', 0, { count: 3 })));
    await startRepeat(s, '5', '3');
    expect(s.fake.spies.repeat).toHaveBeenLastCalledWith(
      expect.objectContaining({
        sessionId: 's1',
        action: 'start',
        intervalMs: 5,
        count: 3,
        payload: expect.objectContaining({ value: 'tick' }),
      }),
    );
    expect(s.fake.spies.send).not.toHaveBeenCalled();
    report(s, run('finished', 3, { count: 3 }));
    await waitFor(() => expect(s.composer.getByRole('status')).toHaveTextContent('Sent 3 times.'));
  });

  it('shows "Sent k of M" from the engine while running, and Stop asks the engine to stop', async () => {
    const s = setup();
    s.fake.answer('repeat', ok(run('running', 0, { count: 1000 })));
    await startRepeat(s, '20', '1000');
    report(s, run('running', 7, { count: 1000 }));
    await waitFor(() => expect(s.composer.getByRole('status')).toHaveTextContent(/^Sent 7 of 1,000$/));
    expect(s.sendButton).toBeDisabled();
    await s.user.click(s.composer.getByRole('button', { name: 'Stop' }));
    expect(s.fake.spies.repeat).toHaveBeenLastCalledWith({ sessionId: 's1', action: 'stop' });
    report(s, run('stopped', 9, { count: 1000 }));
    await waitFor(() => expect(s.composer.getByRole('status')).toHaveTextContent(/^Stopped after 9 sends\.$/));
    expect(s.composer.queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
  });

  it('shows the error a run failed with, and a refused start', async () => {
    const s = setup();
    s.fake.answer('repeat', ok(run('running', 0)));
    await startRepeat(s, '5', '');
    report(s, run('failed', 2, { error: errorOf('EPIPE', 'Connection c1: the peer has closed the connection.', 'Reconnect.') }));
    const alert = await s.composer.findByRole('alert');
    expect(alert).toHaveTextContent('Repeat stopped after 2 sends');
    expect(alert).toHaveTextContent('the peer has closed the connection');

    s.fake.answer('repeat', failWith('BAD_STATE', 'Session s1 is closed, not open: a repeat run needs an open session.', 'Open it first.'));
    await s.user.click(s.sendButton);
    await waitFor(() => expect(s.composer.getByRole('alert')).toHaveTextContent('a repeat run needs an open session'));
  });

  it('refuses an interval outside 1–3,600,000 ms and explains the timer limit', async () => {
    const s = setup();
    await s.user.click(s.composer.getByRole('switch', { name: 'Repeat' }));
    const every = s.composer.getByRole('textbox', { name: 'Every (ms)' });
    await s.user.type(s.payload(), 'x');
    await s.user.clear(every);
    await s.user.type(every, '0');
    expect(every).toHaveAccessibleDescription('Use a whole number from 1 to 3,600,000.');
    expect(s.sendButton).toBeDisabled();
    await s.user.clear(every);
    await s.user.type(every, '3600001');
    expect(s.sendButton).toBeDisabled();
    await s.user.clear(every);
    await s.user.type(every, '1');
    expect(s.sendButton).toBeEnabled();
    await s.user.hover(every);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/timed by the engine, not the page/);
  });
});

describe('Composer history', () => {
  it('recalls sent payloads with ↑ and ↓, and brings back what was being typed', async () => {
    const { user, payload, sendButton, chooseFormat } = setup();
    await user.type(payload(), 'one');
    await user.click(sendButton);
    await chooseFormat('Hex');
    await user.clear(payload());
    await user.type(payload(), 'ab cd');
    await user.click(sendButton);
    await chooseFormat('Text');
    await user.clear(payload());
    await user.type(payload(), 'draft');

    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('ab cd');
    expect(screen.getByRole('group', { name: 'Payload format' }).querySelector('[aria-pressed="true"]')).toHaveTextContent('Hex');
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('one');
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('one');
    await user.keyboard('{ArrowDown}');
    expect(payload()).toHaveValue('ab cd');
    await user.keyboard('{ArrowDown}');
    expect(payload()).toHaveValue('draft');
  });

  it('leaves the arrows to move between lines inside a multi-line payload', async () => {
    const { user, payload, sendButton } = setup();
    await user.type(payload(), 'old');
    await user.click(sendButton);
    await user.clear(payload());
    await user.type(payload(), 'line 1{Enter}line 2');
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('line 1\nline 2');
    (payload() as HTMLTextAreaElement).setSelectionRange(2, 2);
    await user.keyboard('{ArrowUp}');
    expect(payload()).toHaveValue('old');
  });

  it('keeps the last 100 across launches', async () => {
    const { user, payload, sendButton, stores } = setup();
    for (let n = 0; n < 103; n++)
      stores.sendHistory.getState().add({ format: 'text', value: `p${n}`, encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    await user.type(payload(), 'last');
    await user.click(sendButton);
    const stored = JSON.parse(localStorage.getItem(SEND_HISTORY_STORAGE_KEY)!) as { state: { entries: { value: string }[] } };
    expect(stored.state.entries).toHaveLength(100);
    expect(stored.state.entries[0]!.value).toBe('p4');
    expect(stored.state.entries[99]!.value).toBe('last');

    // A relaunch: a new history, read from localStorage.
    expect(createSendHistory(localStorage).getState().entries).toHaveLength(100);
  });
});

describe('Composer saved payloads', () => {
  it('saves under a name, and loads it after a relaunch', async () => {
    const first = setup();
    await first.choose('Encoding', 'GBK');
    await first.choose('Line ending', 'LF (\\n)');
    await first.user.type(first.payload(), 'AT+GMR\\r');
    await first.user.click(first.composer.getByRole('button', { name: 'Save payload' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Save payload' }));
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await first.user.clear(name);
    await first.user.click(dialog.getByRole('button', { name: 'Save' }));
    expect(dialog.getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription('Enter a name.');
    await first.user.type(name, 'Firmware version');
    await first.user.click(dialog.getByRole('button', { name: 'Save' }));
    expect(localStorage.getItem(PAYLOAD_LIBRARY_STORAGE_KEY)).toContain('Firmware version');
    first.unmount();

    // A relaunch: a new app, whose library comes back from localStorage.
    const second = setup();
    expect(second.payload()).toHaveValue('');
    await second.user.click(second.composer.getByRole('button', { name: 'Saved payloads (1)' }));
    await second.user.click(screen.getByRole('button', { name: 'Load Firmware version' }));
    await dialogsClosed();
    expect(second.payload()).toHaveValue('AT+GMR\\r');
    expect(second.composer.getByRole('combobox', { name: 'Encoding' })).toHaveTextContent('GBK');
    expect(second.composer.getByRole('combobox', { name: 'Line ending' })).toHaveTextContent('LF (\\n)');
    await second.user.click(second.sendButton);
    expect(lastPayload(second.fake)).toEqual({ format: 'text', value: 'AT+GMR\\r', encoding: 'gbk', escapes: true, lineEnding: 'lf' });
  });

  it('renames and deletes saved payloads', async () => {
    const { user, composer, payload, stores } = setup();
    act(() => {
      stores.payloads.getState().save('alpha', { format: 'text', value: 'a', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
      saveBytesAsPayload(stores.payloads, 'from log', Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    });
    await user.click(composer.getByRole('button', { name: 'Saved payloads (2)' }));
    const library = within(screen.getByRole('dialog', { name: 'Saved payloads' }));
    expect(library.getByRole('button', { name: 'Load from log' })).toHaveTextContent('Hex · UTF-8 · None');
    await user.click(library.getByRole('button', { name: 'Rename alpha' }));
    const renameDialog = within(screen.getByRole('dialog', { name: 'Rename saved payload' }));
    await user.clear(renameDialog.getByRole('textbox', { name: 'Name' }));
    await user.type(renameDialog.getByRole('textbox', { name: 'Name' }), 'beta{Enter}');
    expect(library.getByRole('button', { name: 'Load beta' })).toBeInTheDocument();
    await user.click(library.getByRole('button', { name: 'Delete beta' }));
    expect(library.queryByRole('button', { name: 'Load beta' })).not.toBeInTheDocument();
    expect(stores.payloads.getState().items.map((item) => item.name)).toEqual(['from log']);
    await user.click(library.getByRole('button', { name: 'Load from log' }));
    await dialogsClosed();
    expect(payload()).toHaveValue('de ad be ef');
    expect(within(composer.getByRole('group', { name: 'Payload format' })).getByRole('button', { name: 'Hex' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('exports and imports the library, skipping malformed entries', () => {
    const library = createPayloadLibrary(localStorage);
    library.getState().save('one', { format: 'hex', value: '01', encoding: 'utf-8', escapes: true, lineEnding: 'none' });
    const exported = library.getState().exportItems();
    expect(exported).toEqual([expect.objectContaining({ name: 'one', format: 'hex', value: '01', encoding: 'utf-8', lineEnding: 'none' })]);
    const taken = library
      .getState()
      .importItems([
        ...exported,
        { id: 'x', name: 'bad encoding', format: 'text', value: '', encoding: 'ebcdic', lineEnding: 'none' },
        { id: 'y', name: 'no value', format: 'text', encoding: 'utf-8', lineEnding: 'none' },
        'nonsense',
        { ...exported[0], __proto__: { polluted: true } },
      ]);
    expect(taken).toBe(1);
    expect(library.getState().items).toEqual(exported);
    expect(library.getState().importItems('not a list')).toBe(0);
    expect(library.getState().items).toEqual([]);
  });
});

describe('Composer file mode', () => {
  it('shows the chosen file and keeps Send off until one is chosen', async () => {
    const { user, composer, chooseFormat, sendButton } = setup();
    await chooseFormat('File');
    expect(composer.getByText('No file chosen.')).toBeInTheDocument();
    expect(sendButton).toBeDisabled();
    await user.upload(composer.getByLabelText('File to send'), new File([new Uint8Array(1234)], 'frame.bin'));
    expect(composer.getByTestId('composer-file')).toHaveTextContent('frame.bin · 1,234 bytes');
    expect(sendButton).toBeEnabled();
    expect(composer.queryByRole('textbox', { name: 'Payload' })).not.toBeInTheDocument();
  });

  it('waits for room when the send queue is full, then sends the chunk again', async () => {
    const { user, fake, composer, chooseFormat, sendButton } = setup();
    fake.answer('send', failWith('SEND_QUEUE_FULL', 'Queue full', 'Wait.'));
    await chooseFormat('File');
    await user.upload(composer.getByLabelText('File to send'), new File([Uint8Array.of(1, 2, 3)], 'three.bin'));
    await user.click(sendButton);
    await waitFor(() => expect(fake.spies.send.mock.calls.length).toBeGreaterThanOrEqual(2));
    expect(composer.getByRole('progressbar', { name: 'File send progress' })).toBeInTheDocument();
    fake.answer('send', ok({ bytes: 3, targets: 1 }));
    await waitFor(() => expect(composer.getByRole('status')).toHaveTextContent('Sent three.bin: 3 bytes.'));
    // The chunk goes as bytes, no payload to render.
    const last = fake.spies.send.mock.calls.at(-1)![0] as { payload?: unknown; bytes: Uint8Array };
    expect(last.payload).toBeUndefined();
    expect([...last.bytes]).toEqual([1, 2, 3]);
  });

  it('sends a file over UDP one 1 KiB datagram at a time', async () => {
    const { user, fake, composer, chooseFormat, sendButton } = setup('udp');
    await user.type(composer.getByRole('textbox', { name: 'Target port' }), '5353');
    await chooseFormat('File');
    await user.upload(composer.getByLabelText('File to send'), new File([new Uint8Array(2500)], 'log.bin'));
    await user.click(sendButton);
    await waitFor(() => expect(composer.getByRole('status')).toHaveTextContent('Sent log.bin: 2,500 bytes.'));
    const sizes = fake.spies.send.mock.calls.map(([args]) => (args as { bytes: Uint8Array }).bytes.byteLength);
    expect(sizes).toEqual([1024, 1024, 452]);
    expect(fake.spies.send).toHaveBeenLastCalledWith(expect.objectContaining({ to: { type: 'address', host: '127.0.0.1', port: 5353 } }));
  });

  it('cancels between chunks', async () => {
    const { user, fake, composer, chooseFormat, sendButton } = setup();
    fake.answer('send', failWith('SEND_QUEUE_FULL', 'Queue full', 'Wait.'));
    await chooseFormat('File');
    await user.upload(composer.getByLabelText('File to send'), new File([new Uint8Array(600 * 1024)], 'big.bin'));
    await user.click(sendButton);
    await waitFor(() => expect(fake.spies.send).toHaveBeenCalled());
    await user.click(composer.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(composer.getByRole('status')).toHaveTextContent('Cancelled after 0 of 614,400 bytes.'));
    const calls = fake.spies.send.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.spies.send).toHaveBeenCalledTimes(calls);
  });
});
