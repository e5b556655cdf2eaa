/**
 * Issue 15 in real Chromium over browser mode: the log keeps its room at 1024×700 and 1280×800
 * with a listener, ten clients and an error showing; connections come and go as rows of the
 * log and stay listed once closed; lines are rows of their own.
 */
import { describe, expect, it } from 'vitest';
import { listenerWithClients, screenshot, e2eHarness, WINDOW_SIZES } from '../support/chromium';

const h = e2eHarness();

describe('the log-first workspace, end to end', () => {
  for (const size of WINDOW_SIZES) {
    it(`keeps the log at 40% of a ${size.width}×${size.height} window with ten clients and an error, with nothing overlapping`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const clients = await listenerWithClients(page, 10, h.cleanups);
      for (const [index, client] of clients.entries()) client.socket.write(`hello from ${index}\nline two\r\nthird\n`);
      // One peer closes with FIN, one resets: a close row each, and an error for the reset.
      clients[0]!.socket.end();
      clients[1]!.socket.resetAndDestroy();
      const main = page.getByRole('main');
      await main.getByRole('region', { name: 'Recent errors' }).waitFor();
      const log = page.getByRole('region', { name: 'Log' });
      await expect.poll(async () => (await log.getByTestId('log-event').allTextContents()).join('\n')).toMatch(/Closed: reset by the peer/);
      // The peer's FIN at once; its close once the half-close linger (5 s) has run out.
      await expect.poll(async () => (await log.getByTestId('log-event').allTextContents()).join('\n')).toMatch(/Peer sent FIN/);
      await expect
        .poll(async () => (await log.getByTestId('log-event').allTextContents()).join('\n'), { timeout: 15_000 })
        .toMatch(/Closed: peer closed/);

      const logBox = (await log.boundingBox())!;
      expect(logBox.height).toBeGreaterThanOrEqual(0.4 * size.height - 1);
      // The log's toolbar is one row, and the log, its status line and the composer do not overlap.
      const toolbar = (await log.getByRole('toolbar', { name: 'Log controls' }).boundingBox())!;
      expect(toolbar.height).toBeLessThan(56);
      const status = (await log.locator('footer').boundingBox())!;
      const composerRegion = page.getByRole('region', { name: 'Send' });
      const composer = (await composerRegion.boundingBox())!;
      expect(status.y + status.height).toBeLessThanOrEqual(composer.y + 1);
      expect(logBox.y + logBox.height).toBeLessThanOrEqual(composer.y + 1);
      // What a send needs is in sight in the composer as it starts, not scrolled out of it.
      const composerBottom = Math.min(size.height, composer.y + composer.height);
      for (const control of [
        composerRegion.getByRole('textbox', { name: 'Payload' }),
        composerRegion.getByRole('button', { name: 'Send', exact: true }),
      ]) {
        const box = (await control.boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(composerBottom + 1);
      }

      // Closed connections stay listed, greyed, with how they ended.
      const table = page.getByRole('table', { name: 'Connections' });
      await expect.poll(() => table.locator('tr[data-closed="true"]').count()).toBe(2);
      await screenshot(page, `log-workspace-${size.width}`);

      // Maximized, the log fills the window; Esc gives the layout back.
      await log.getByRole('button', { name: 'Maximize the log' }).click();
      await expect.poll(async () => (await log.boundingBox())!.height).toBe(size.height);
      await page.keyboard.press('Escape');
      await expect.poll(async () => (await log.boundingBox())!.height).toBeLessThan(size.height);
    });
  }

  for (const size of WINDOW_SIZES) {
    it(`shows one row per line, LF, CRLF or CR, each with its own time, at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      // The connections section starts with its client's row in sight (its text; the border may fall under the splitter).
      const section = (await page.getByRole('region', { name: 'Connections', exact: true }).boundingBox())!;
      const firstRow = (await page.getByRole('table', { name: 'Connections' }).locator('tbody tr').first().boundingBox())!;
      expect(firstRow.y + firstRow.height * 0.75).toBeLessThanOrEqual(section.y + section.height);
      client!.socket.write('one\ntwo\r\nthr');
      const log = page.getByRole('region', { name: 'Log' });
      await expect.poll(() => log.getByTestId('log-payload').count()).toBe(1);
      await log.getByRole('button', { name: 'Log settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Log settings' });
      await settings.getByRole('combobox', { name: 'Framing' }).click();
      await page.getByRole('option', { name: 'Lines (LF, CRLF or CR)' }).click();
      await page.keyboard.press('Escape');
      await expect.poll(() => log.getByTestId('log-payload').allTextContents()).toEqual(['one', 'two', 'thr']);
      // A CR at the end of one read and the LF at the start of the next are one break.
      client!.socket.write('ee\r');
      await expect.poll(() => log.getByTestId('log-payload').allTextContents()).toEqual(['one', 'two', 'three']);
      client!.socket.write('\nfour\n');
      await expect.poll(() => log.getByTestId('log-payload').allTextContents()).toEqual(['one', 'two', 'three', 'four']);
      // Each line is timed: a time column on every row.
      expect(
        await log
          .getByTestId('log-entry')
          .evaluateAll((rows) => rows.map((row) => row.querySelector('[data-testid="log-time"]')?.textContent ?? '')),
      ).toEqual(Array.from({ length: 4 }, () => expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/)));
      await screenshot(page, `log-lines-${size.width}`);
    });
  }
});
