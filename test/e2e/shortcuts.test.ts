/**
 * The page's keys in real Chromium: Ctrl+S saves the workspace with the open sessions in it and
 * says what it saved, Alt+C and Alt+L move focus to the payload field and the log, and the
 * shortcuts button lists them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundPort, e2eHarness, openSession } from '../support/chromium';
import { tempDir } from '../support/temp-dir';

const h = e2eHarness();

describe('keyboard shortcuts', () => {
  it('saves the workspace on Ctrl+S with the open sessions in it, and says what it saved', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    await boundPort(page);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const downloading = page.waitForEvent('download');
    await page.keyboard.press('Control+s');
    const download = await downloading;
    const file = path.join(await tempDir(), 'workspace.json');
    await download.saveAs(file);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { sessions: { name: string; config: { kind: string; host: string } }[] };
    expect(saved.sessions.map((one) => [one.config.kind, one.config.host])).toEqual([['tcp-server', '127.0.0.1']]);
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'Workspace saved' }).textContent())
      .toContain('1 saved session (1 of them open now), 0 payloads, 0 sequences, the theme and the language.');
  });

  it('moves focus to the payload field on Alt+C and to the log on Alt+L, and lists the keys', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const payload = page.getByRole('region', { name: 'Send' }).getByRole('textbox', { name: 'Payload' });
    await payload.waitFor();
    expect(await payload.getAttribute('aria-keyshortcuts')).toBe('Alt+C');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Alt+c');
    await expect.poll(() => payload.evaluate((field) => field === document.activeElement)).toBe(true);
    await page.keyboard.press('Alt+l');
    await expect.poll(() => page.evaluate(() => document.activeElement?.hasAttribute('data-virtuoso-scroller') ?? false)).toBe(true);
    // Typing a letter with Alt in the payload field moves, and types nothing.
    await page.keyboard.press('Alt+c');
    await page.keyboard.press('Alt+c');
    expect(await payload.inputValue()).toBe('');

    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const keys of ['Ctrl+S (⌘+S)', 'Alt+C (⌥C)', 'Alt+L (⌥L)', 'Ctrl+Enter (⌘+Enter)', 'Alt+Shift+1…9 (⌥⇧1…9)'])
      await expect.poll(() => list.textContent()).toContain(keys);
  });
});
