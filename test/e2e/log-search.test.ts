/**
 * Issue 15, search and control, in real Chromium over browser mode with a real TCP peer: matches
 * marked inside rows with a count and next / previous that scroll to them, in text, hex and
 * line views; a bad hex query explained; capture paused and resumed; counters reset.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listenerWithClients, screenshot, e2eHarness, WINDOW_SIZES } from '../support/chromium';

const h = e2eHarness();

const ROWS = 40;

/** How many entries the log keeps, as its status line says. */
async function kept(page: Page): Promise<number> {
  const text = (await page.getByRole('region', { name: 'Log' }).locator('footer').textContent()) ?? '';
  return Number(/Kept: (\d+)/.exec(text)?.[1] ?? -1);
}

/** Rows one read each: the next is written once the last is in the log, so TCP cannot join them. */
async function writeRows(page: Page, socket: { write(text: string): unknown }, texts: readonly string[]): Promise<void> {
  const start = await kept(page);
  for (const [index, text] of texts.entries()) {
    socket.write(text);
    await expect.poll(() => kept(page), { timeout: 10_000 }).toBe(start + index + 1);
  }
}

describe('search and control in the log, end to end', () => {
  for (const size of WINDOW_SIZES) {
    it(`marks matches, counts them and goes to each at ${size.width}×${size.height}; explains a bad hex query`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      const log = page.getByRole('region', { name: 'Log' });
      // The first and the last row match, with many rows between: going to the first scrolls up.
      const texts = Array.from({ length: ROWS }, (_, i) => (i === 0 ? 'first OK here\n' : i === ROWS - 1 ? 'last ok, ok\n' : `row ${i}\n`));
      await writeRows(page, client!.socket, texts);

      const toolbar = log.getByRole('toolbar', { name: 'Log controls' });
      const search = toolbar.getByRole('searchbox', { name: 'Search' });
      await search.fill('ok');
      const count = toolbar.getByTestId('log-match-count');
      await expect.poll(() => count.textContent()).toBe('3 matches');
      // Marked inside the row: the mark holds the matched text alone.
      await expect.poll(() => log.getByTestId('log-mark').allTextContents()).toContain('ok');
      await expect
        .poll(() =>
          log
            .getByTestId('log-mark')
            .first()
            .evaluate((node) => node.parentElement?.tagName),
        )
        .toBe('PRE');
      // The toolbar stays one row with the search, its count and its buttons in it.
      const bar = (await toolbar.boundingBox())!;
      expect(bar.height).toBeLessThan(56);
      // Nothing falls off its end: the last control is still inside the window.
      const maximize = (await toolbar.getByRole('button', { name: 'Maximize the log' }).boundingBox())!;
      expect(maximize.x + maximize.width).toBeLessThanOrEqual(Math.min(bar.x + bar.width, size.width) + 1);

      await search.press('Enter');
      await expect.poll(() => count.textContent()).toBe('1 of 3');
      // The first row was out of sight: the list scrolled to it, the mark is current and visible.
      const current = log.locator('mark[data-current="true"]');
      await expect.poll(() => current.textContent()).toBe('OK');
      const list = (await log.getByRole('list', { name: 'Traffic log' }).boundingBox())!;
      const mark = (await current.boundingBox())!;
      expect(mark.y).toBeGreaterThanOrEqual(list.y - 1);
      expect(mark.y + mark.height).toBeLessThanOrEqual(list.y + list.height + 1);
      await search.press('Shift+Enter');
      await expect.poll(() => count.textContent()).toBe('3 of 3');
      await page.keyboard.press('F3');
      await expect.poll(() => count.textContent()).toBe('1 of 3');
      await page.keyboard.press('F3');
      await expect.poll(() => count.textContent()).toBe('2 of 3');
      await expect.poll(() => current.textContent()).toBe('ok');
      await toolbar.getByRole('button', { name: /^Next match/ }).click();
      await expect.poll(() => count.textContent()).toBe('3 of 3');
      if (size.width === 1280) await screenshot(page, 'log-search-marks-1280');

      // Hex: the same bytes found by their hex, marked in the hex dump's both columns.
      await toolbar.getByRole('button', { name: 'Filters' }).click();
      await page
        .getByRole('dialog', { name: 'Filters' })
        .getByRole('group', { name: 'Search as' })
        .getByRole('button', { name: 'Hex' })
        .click();
      await page.keyboard.press('Escape');
      await search.fill('6f 6b');
      // Bytes are bytes: 'OK' is 4f 4b, so only the two lowercase ones match.
      await expect.poll(() => count.textContent()).toBe('2 matches');
      await toolbar.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Hex', exact: true }).click();
      await expect.poll(async () => await log.getByTestId('log-mark').allTextContents()).toEqual(['6f 6b', '6f 6b', 'ok', 'ok']);
      // A query that is not hex is explained as the composer explains it, with the place marked.
      await search.fill('6f zz');
      await expect
        .poll(() => log.getByText("Cannot be searched for. Unexpected character 'z' at position 3: hex uses 0-9 and a-f.").count())
        .toBe(1);
      await expect.poll(() => log.getByTestId('payload-problem-at').textContent()).toBe('z');
    });

    it(`pauses capture and resets counters at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      const log = page.getByRole('region', { name: 'Log' });
      client!.socket.write('before the pause\n');
      await expect.poll(() => log.getByTestId('log-payload').allTextContents()).toEqual(['before the pause\\n']);

      await log.getByRole('button', { name: 'Pause capture' }).click();
      const banner = log.getByTestId('log-capture-paused');
      await expect.poll(() => banner.textContent()).toMatch(/Capture paused — 0 entries held back/);
      client!.socket.write('while paused, one\n');
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toMatch(/Capture paused — [1-9]\d* (entry|entries) held back/);
      client!.socket.write('while paused, two\n');
      // The sockets go on: the session's counters count both while the view stays still.
      const footer = log.locator('footer');
      await expect.poll(() => footer.textContent(), { timeout: 10_000 }).toMatch(/↓ 53 B \(3\)/);
      expect(await log.getByTestId('log-payload').allTextContents()).toEqual(['before the pause\\n']);
      await screenshot(page, `log-capture-paused-${size.width}`);

      // The pause button's tooltip covers the banner while the pointer rests on it.
      await page.mouse.move(0, 0);
      await banner.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => banner.count()).toBe(0);
      await expect
        .poll(async () => (await log.getByTestId('log-payload').allTextContents()).join(''))
        .toBe('before the pause\\nwhile paused, one\\nwhile paused, two\\n');

      // Reset: the session's and the connection's counters start again from zero; the socket goes on.
      await footer.getByRole('button', { name: 'Reset the counters of this session and its connections' }).click();
      await expect.poll(() => footer.textContent()).toMatch(/↓ 0 B \(0\) · ↑ 0 B \(0\)/);
      const table = page.getByRole('table', { name: 'Connections' });
      await expect.poll(() => table.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe('0');
      client!.socket.write('after');
      await expect.poll(() => footer.textContent(), { timeout: 10_000 }).toMatch(/↓ 5 B \(1\)/);
      await expect.poll(() => table.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe('5');
    });
  }
});
