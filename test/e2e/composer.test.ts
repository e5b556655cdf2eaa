/**
 * The composer in real Chromium against real loopback peers: text ⇄ hex with the bytes
 * unchanged, escapes on and off, Ctrl+Enter from the field and from a select, a disabled Send
 * that says why, a saved payload sent with one click, and the send history kept across a page
 * reload, recalled with ↑/↓ and listed in the History dialog in the order it was sent.
 */
import { describe, expect, it } from 'vitest';
import { tcpPeerClient, tcpPeerServer } from '../support/peers';
import { until } from '../support/until';
import { boundPort, e2eHarness, openSession, screenshot, sendFromComposer } from '../support/chromium';

const h = e2eHarness();

describe('the composer', () => {
  it('converts text to hex and back, sends with escapes off and on, and sends with Ctrl+Enter from a select', async () => {
    const page = await h.app();
    const peer = await tcpPeerServer(h.cleanups);
    await openSession(page, 'TCP client', '127.0.0.1', peer.port);
    await until(() => peer.sockets.length === 1, 'the client to connect', 10_000);

    const composer = page.getByRole('region', { name: 'Send' });
    const field = composer.getByRole('textbox', { name: 'Payload' });
    const format = composer.getByRole('group', { name: 'Payload format' });
    await field.fill('AB\\r\\n');
    await format.getByRole('button', { name: 'Hex' }).click();
    await expect.poll(() => field.inputValue()).toBe('41 42 0d 0a');
    await format.getByRole('button', { name: 'Text' }).click();
    await expect.poll(() => field.inputValue()).toBe('AB\\r\\n');
    await field.press('Control+Enter');
    await until(() => peer.received().equals(Buffer.from('AB\r\n')), 'AB CR LF at the peer', 10_000);

    // Escapes off: a Windows path goes as typed, its \t a backslash and a t.
    await composer.getByRole('switch', { name: 'Escapes' }).click();
    await field.fill('C:\\temp');
    await composer.getByRole('combobox', { name: 'Encoding' }).focus();
    await page.keyboard.press('Control+Enter');
    await until(() => peer.received().equals(Buffer.from('AB\r\nC:\\temp')), 'the path, backslash and all', 10_000);
    await expect.poll(() => page.getByRole('listbox').count()).toBe(0);

    await format.getByRole('button', { name: 'Hex' }).click();
    await expect.poll(() => field.inputValue()).toBe('43 3a 5c 74 65 6d 70');
    await field.fill('de ad b');
    await format.getByRole('button', { name: 'Text' }).click();
    await expect.poll(() => field.inputValue()).toBe('de ad b');
    await expect.poll(() => composer.getByRole('status').textContent()).toContain('Still Hex');
    await expect
      .poll(() =>
        composer
          .getByRole('button', { name: 'Send', exact: true })
          .getAttribute('aria-describedby')
          .then((id) => page.locator(`[id="${id}"]`).textContent()),
      )
      .toBe('Invalid hex at position 6: fix the marked character below the field.');
  });

  it('says why Send is off until a client connects, then sends a saved payload with one click', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const port = await boundPort(page);
    const composer = page.getByRole('region', { name: 'Send' });
    const send = composer.getByRole('button', { name: 'Send', exact: true });
    const field = composer.getByRole('textbox', { name: 'Payload' });
    await field.fill('PING\\n');
    await expect.poll(() => send.isDisabled()).toBe(true);
    const reason = composer.getByText('No client is connected to this listener yet: connect one, then send.');
    await reason.waitFor();
    expect(await page.locator(`[id="${await send.getAttribute('aria-describedby')}"]`).textContent()).toBe(await reason.textContent());

    await composer.getByRole('button', { name: 'Save payload' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save payload' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('ping');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await field.fill('typed, not sent');

    const client = await tcpPeerClient(port, h.cleanups);
    await page.getByRole('table', { name: 'Connections' }).getByText(`127.0.0.1:${client.socket.localPort}`).waitFor();
    await expect.poll(() => send.isEnabled()).toBe(true);
    await expect.poll(() => reason.count()).toBe(0);

    await composer.getByRole('group', { name: 'Quick send' }).getByRole('button', { name: 'Send ping' }).click();
    await until(() => client.received().equals(Buffer.from('PING\n')), 'the saved payload at the client', 10_000);
    await expect.poll(() => composer.getByRole('status').textContent()).toBe('Sent “ping”: 5 B to 1 target.');
    expect(await field.inputValue()).toBe('typed, not sent');

    await composer.getByRole('button', { name: 'History (1)' }).click();
    await page.getByRole('dialog', { name: 'History' }).getByRole('button', { name: 'Send PING\\n again' }).click();
    await until(() => client.received().equals(Buffer.from('PING\nPING\n')), 'the payload sent again from the history', 10_000);
    await page.getByRole('dialog', { name: 'History' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog', { name: 'History' }).waitFor({ state: 'detached' });

    // The composer at 1280×800: its rows whole, the log keeping at least 40% of the height.
    await screenshot(page, 'composer-quick-send');
    const logHeight = await page
      .locator('[data-panel][id="log"], #log')
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(logHeight).toBeGreaterThanOrEqual(0.4 * 800 - 1);
    const fits = await composer.evaluate((el) => el.scrollHeight <= el.parentElement!.clientHeight + 1);
    expect(fits).toBe(true);
  });

  it('keeps the send history across a page reload: ↑ recalls the payloads newest first, format and all, and History lists them', async () => {
    const page = await h.app();
    const peer = await tcpPeerServer(h.cleanups);
    await openSession(page, 'TCP client', '127.0.0.1', peer.port);
    await until(() => peer.sockets.length === 1, 'the client to connect', 10_000);
    await sendFromComposer(page, 'Text', 'HELLO');
    await until(() => peer.received().equals(Buffer.from('HELLO')), 'the first payload at the peer', 10_000);
    await sendFromComposer(page, 'Hex', 'de ad be ef');
    await until(() => peer.received().length === 9, 'the hex payload at the peer', 10_000);
    await sendFromComposer(page, 'Text', 'two\nlines');
    const sent = Buffer.concat([Buffer.from('HELLO'), Buffer.from([0xde, 0xad, 0xbe, 0xef]), Buffer.from('two\nlines')]);
    await until(() => peer.received().equals(sent), 'all three payloads at the peer', 10_000);

    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    const composer = page.getByRole('region', { name: 'Send' });
    const field = composer.getByRole('textbox', { name: 'Payload' });
    const format = composer.getByRole('group', { name: 'Payload format' });
    const pressed = async () =>
      (await format.getByRole('button', { name: 'Hex' }).getAttribute('aria-pressed')) === 'true' ? 'hex' : 'text';
    await field.fill('');
    const recalled: { value: string; format: string }[] = [];
    for (let i = 0; i < 4; i++) {
      await field.press('ArrowUp');
      recalled.push({ value: await field.inputValue(), format: await pressed() });
    }
    expect(recalled).toEqual([
      { value: 'two\nlines', format: 'text' },
      { value: 'de ad be ef', format: 'hex' },
      { value: 'HELLO', format: 'text' },
      // The oldest stays: there is nothing before it.
      { value: 'HELLO', format: 'text' },
    ]);
    await field.press('ArrowDown');
    expect(await field.inputValue()).toBe('de ad be ef');

    await composer.getByRole('button', { name: 'History (3)' }).click();
    const dialog = page.getByRole('dialog', { name: 'History' });
    const rows = dialog.getByRole('list', { name: 'Sent payloads, newest first' }).getByRole('button', { name: /^Load / });
    await expect
      .poll(() => rows.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label'))))
      .toEqual(['Load two⏎lines', 'Load de ad be ef', 'Load HELLO']);
    // Recalled after the reload, sent as it was the first time.
    await dialog.getByRole('button', { name: 'Send HELLO again' }).click();
    await until(() => peer.received().equals(Buffer.concat([sent, Buffer.from('HELLO')])), 'HELLO again at the peer', 10_000);
  });
});
