/**
 * Macros, checksums and sequences in real Chromium against the python3 Modbus-RTU-like device:
 * a hex payload with a counter and a CRC appended, previewed and sent (the device checks the
 * CRC); the log verifying each reply's CRC, ✓ and ✗, and the bad-only filter; a sequence made
 * in the editor that passes, then fails at its named step on the corrupted reply.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { e2eHarness, logPayloads, openSession, screenshot } from '../support/chromium';
import { modbusCrcHex, startModbusDevice } from '../support/modbus-device';
import { until } from '../support/until';

const h = e2eHarness();

async function chooseChecksum(page: Page, where: Locator, algorithm: string): Promise<void> {
  await where.getByRole('combobox', { name: 'Checksum' }).click();
  await page.getByRole('option', { name: algorithm, exact: true }).click();
}

/** Opens one of the log toolbar's popovers (Filters, Log settings). */
async function logPopover(page: Page, name: string): Promise<Locator> {
  await page.getByRole('region', { name: 'Log' }).getByRole('button', { name }).click();
  return page.getByRole('dialog', { name });
}

describe('protocol tools, end to end', () => {
  it('sends a counter with a CRC-16/MODBUS, verifies replies in the log, and runs sequences', async () => {
    const device = await startModbusDevice((fn) => h.cleanups.push(fn));
    const page = await h.app();
    await openSession(page, 'TCP client', '127.0.0.1', device.port);
    const composer = page.getByRole('region', { name: 'Send' });
    await composer.getByText('The session is not open; reopen it to send.').waitFor({ state: 'detached' });

    await composer.getByRole('group', { name: 'Payload format' }).getByRole('button', { name: 'Hex' }).click();
    await composer.getByRole('textbox', { name: 'Payload' }).fill('01 03 00 {{counter start=16 bytes=1}} 00 01');
    await chooseChecksum(page, composer, 'CRC-16/MODBUS');
    const first = `0103001000 01${modbusCrcHex('010300100001')}`.replace(/ /g, '');
    const spaced = (hex: string) => hex.match(/../g)!.join(' ');
    await expect.poll(() => composer.getByLabel('Next send').textContent()).toBe(`Next send: 8 B: ${spaced(first)}`);
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    await until(() => device.lines.length === 1, 'the device to get the request');
    expect(device.lines).toEqual([`rx ${first} crc ok`]);
    // After the send the preview shows the counter's next value.
    const second = `010300110001${modbusCrcHex('010300110001')}`;
    await expect.poll(() => composer.getByLabel('Next send').textContent()).toBe(`Next send: 8 B: ${spaced(second)}`);

    // The log's checksum is a setting, behind the toolbar's Log settings.
    await chooseChecksum(page, await logPopover(page, 'Log settings'), 'CRC-16/MODBUS');
    await page.keyboard.press('Escape');
    const marks = page.getByTestId('log-checksum');
    await expect.poll(() => marks.allTextContents()).toEqual([expect.stringMatching(/^✓ CRC-16\/MODBUS [0-9A-F]{4}$/)]);

    await composer.getByRole('button', { name: 'Sequences' }).click();
    const sequences = page.getByRole('dialog', { name: 'Sequences' });
    // While the dialog is open the page behind it is aria-hidden: the run's state is found by its test id.
    const runState = page.getByTestId('sequence-state');
    await sequences.getByRole('button', { name: 'New' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit sequence' });
    await editor.getByRole('button', { name: 'Save' }).click();
    await sequences.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => runState.textContent(), { timeout: 10_000 }).toBe('Passed: "Read registers", 2 steps.');

    // The same sequence on register 0x63, whose reply the device corrupts.
    await sequences.getByRole('button', { name: 'Edit' }).click();
    const json = editor.getByRole('textbox', { name: 'Sequence (JSON)' });
    await json.fill(
      (await json.inputValue()).replace('01 03 00 00 00 02', '01 03 00 63 00 02').replace('"name": "reply"', '"name": "faulty reply"'),
    );
    await editor.getByRole('button', { name: 'Save' }).click();
    await sequences.getByRole('button', { name: 'Run' }).click();
    const alert = sequences.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 10_000 })
      .toMatch(
        /Sequence failed.*Sequence "Read registers" failed at step 2 "faulty reply": a message matched, but its CRC-16\/MODBUS is wrong: expected [0-9A-F]{4}, received [0-9A-F]{4}\./,
      );
    await screenshot(page, 'sequence-failed');
    await sequences.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => runState.textContent()).toMatch(/^Sequence failed: Sequence "Read registers" failed at step 2 "faulty reply"/);

    // The log is virtualized, and the last rows are the second run's request and its corrupted reply.
    await expect
      .poll(() => marks.filter({ hasText: '✗' }).textContent())
      .toMatch(/^✗ CRC-16\/MODBUS: expected [0-9A-F]{4}, received [0-9A-F]{4}$/);
    // The bad-only filter is one of the log's Filters.
    await (await logPopover(page, 'Filters')).getByRole('checkbox', { name: 'Bad checksums only' }).check();
    await page.keyboard.press('Escape');
    await expect
      .poll(() => marks.allTextContents())
      .toEqual([expect.stringMatching(/^✗ CRC-16\/MODBUS: expected [0-9A-F]{4}, received [0-9A-F]{4}$/)]);
    expect(await logPayloads(page).allTextContents()).toEqual(['\\x01\\x03\\x04\\x01c\\x01d\\xf4\\xaa']);
  });
});
