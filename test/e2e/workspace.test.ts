/**
 * The workspace of issue 4 in real Chromium over browser mode: per-client sends on a listener,
 * framing switched on a length-prefixed stream cut where TCP might cut it, and a saved payload
 * that survives a reload.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tcpPeerClient } from '../support/peers';
import { until } from '../support/until';
import { boundPort, listenerWithClients, logPayloads, openSession, screenshot, sendFromComposer, e2eHarness } from '../support/chromium';

const h = e2eHarness();

async function choose(page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string | RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

describe('the workspace, end to end', () => {
  it('sends to one chosen client of three and to no other', async () => {
    const page = await h.app();
    const peers = await listenerWithClients(page, 3, h.cleanups);

    const composer = page.getByRole('region', { name: 'Send' });
    await choose(page, composer, 'Send to', new RegExp(`\\(127\\.0\\.0\\.1:${peers[1]!.socket.localPort}\\)$`));
    await page.keyboard.press('Escape');
    await sendFromComposer(page, 'Text', 'only you\\n');
    await until(() => peers[1]!.received().toString() === 'only you\n', 'the chosen client to get its message');
    await composer.getByText('Sent 9 B to 1 target.').waitFor();
    expect(peers[0]!.received().length + peers[2]!.received().length).toBe(0);
    await screenshot(page, 'workspace-per-client-send');
  });

  it('frames a length-prefixed stream split across TCP chunks and marks the partial frame', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const peer = await tcpPeerClient(await boundPort(page), h.cleanups);
    const chunks = [[0x00], [0x03, 0x61, 0x62, 0x63, 0x00], [0x02, 0x64, 0x65, 0x00, 0x05, 0x78], [0x79]];
    // One write at a time, each shown before the next: four chunks, the sticky-packet problem in miniature.
    for (const [index, chunk] of chunks.entries()) {
      peer.socket.write(Buffer.from(chunk));
      await expect.poll(() => logPayloads(page).count()).toBe(index + 1);
    }
    const log = page.getByRole('region', { name: 'Log' });
    await log.getByRole('button', { name: 'Log settings' }).click();
    await choose(page, page.getByRole('dialog', { name: 'Log settings' }), 'Framing', 'Length-prefixed');
    await page.keyboard.press('Escape');
    await expect.poll(() => log.getByTestId('log-framing').textContent()).toContain('2-byte big-endian length at offset 0');
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['\\0\\x03abc', '\\0\\x02de', '\\0\\x05xy']);
    await log.getByText('partial').waitFor();
    // MUI fades its menu out after the listbox is gone; the screenshot should not catch the fade.
    await page.locator('.MuiPopover-root').waitFor({ state: 'detached' });
    await screenshot(page, 'workspace-framing');

    peer.socket.write(Buffer.from('zzz'));
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['\\0\\x03abc', '\\0\\x02de', '\\0\\x05xyzzz']);
    expect(await log.getByText('partial').count()).toBe(0);
  });

  it('keeps a saved payload across a reload and sends it again', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const composer = page.getByRole('region', { name: 'Send' });
    await composer.getByRole('textbox', { name: 'Payload' }).fill('AT+GMR\\r\\n');
    await composer.getByRole('button', { name: 'Save payload' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save payload' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Firmware version');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    // The listener lives in the server's engine, so it is still there after the reload.
    const port = await boundPort(page);
    const peer = await tcpPeerClient(port, h.cleanups);
    await page.getByRole('table', { name: 'Connections' }).getByText(`127.0.0.1:${peer.socket.localPort}`).waitFor();
    const after = page.getByRole('region', { name: 'Send' });
    await expect.poll(() => after.getByRole('textbox', { name: 'Payload' }).inputValue()).toBe('');
    await after.getByRole('button', { name: 'Saved payloads (1)' }).click();
    await page.getByRole('button', { name: 'Load Firmware version' }).click();
    await expect.poll(() => after.getByRole('textbox', { name: 'Payload' }).inputValue()).toBe('AT+GMR\\r\\n');
    await after.getByRole('button', { name: 'Send', exact: true }).click();
    await until(() => peer.received().toString() === 'AT+GMR\r\n', 'the saved payload to arrive');
  });
});
