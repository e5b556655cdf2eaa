/**
 * Issue 15's framing in real Chromium over browser mode with real TCP peers: the delimiter
 * shortcuts, frames in the order their first bytes arrived across two connections, a frame
 * completed by its connection's end and marked so, the log following the newest frame after a
 * flood, and a frame completed by silence alone in gap mode.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listenerWithClients, screenshot, e2eHarness, WINDOW_SIZES } from '../support/chromium';

const h = e2eHarness();

const PARTIAL = '[aria-label="Partial frame: more bytes are needed to complete it"]';
const ENDED = '[aria-label="Frame ended by the connection closing"]';

/** Each row of the log as [payload, its marks]: p partial, e ended by close. */
async function rows(page: Page): Promise<string[]> {
  return page
    .getByRole('region', { name: 'Log' })
    .getByTestId('log-entry')
    .evaluateAll(
      (nodes, marks) =>
        nodes.map((node) => {
          const text = node.querySelector('[data-testid="log-payload"]')?.textContent ?? '';
          const flags = `${node.querySelector(marks.partial) ? 'p' : ''}${node.querySelector(marks.ended) ? 'e' : ''}`;
          return flags === '' ? text : `${text} [${flags}]`;
        }),
      { partial: PARTIAL, ended: ENDED },
    );
}

async function chooseFraming(page: Page, mode: string): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('region', { name: 'Log' }).getByRole('button', { name: 'Log settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Log settings' });
  await settings.getByRole('combobox', { name: 'Framing' }).click();
  await page.getByRole('option', { name: mode, exact: true }).click();
  return settings;
}

describe('framing, end to end', () => {
  for (const size of WINDOW_SIZES) {
    it(`frames in arrival order, ends a frame with its connection and follows the newest at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [one, two, three] = await listenerWithClients(page, 3, h.cleanups);
      const log = page.getByRole('region', { name: 'Log' });

      const settings = await chooseFraming(page, 'Delimiter');
      const delimiter = settings.getByRole('textbox', { name: 'Delimiter (hex)' });
      await delimiter.fill('7e');
      await settings.getByRole('button', { name: 'Use \\r\\n (CRLF) as the delimiter' }).click();
      await expect.poll(() => delimiter.inputValue()).toBe('0d 0a');
      await expect.poll(() => log.getByTestId('log-framing').textContent()).toBe('Framing: split after 0d 0a, delimiter kept');
      await settings.getByRole('button', { name: 'Use \\n (LF) as the delimiter' }).click();
      await expect.poll(() => delimiter.inputValue()).toBe('0a');
      await expect.poll(() => log.getByTestId('log-framing').textContent()).toBe('Framing: split after 0a, delimiter kept');
      await settings.getByRole('button', { name: 'Use \\r\\n (CRLF) as the delimiter' }).click();
      await page.keyboard.press('Escape');

      one!.socket.write('one\r\ntw');
      await expect.poll(() => rows(page)).toEqual(['one\\r\\n', 'tw [p]']);
      // The second connection's line came after "tw" began: it waits behind it, not before it.
      two!.socket.write('x\r\n');
      await expect.poll(() => rows(page)).toEqual(['one\\r\\n', 'tw [p]', 'x\\r\\n']);
      one!.socket.write('o\r\n');
      await expect.poll(() => rows(page)).toEqual(['one\\r\\n', 'two\\r\\n', 'x\\r\\n']);
      // "two" is timed by its first byte, where it sits: no time goes back down the log.
      for (const delta of await log.getByTestId('log-delta').allTextContents()) expect(delta).toMatch(/^(\+.*)?$/);

      // A frame its connection ends is complete, and says how it ended; the close row follows it.
      one!.socket.write('tail');
      await expect.poll(() => rows(page)).toEqual(['one\\r\\n', 'two\\r\\n', 'x\\r\\n', 'tail [p]']);
      one!.socket.resetAndDestroy();
      await expect.poll(() => rows(page)).toEqual(['one\\r\\n', 'two\\r\\n', 'x\\r\\n', 'tail [e]']);
      await expect.poll(async () => (await log.getByTestId('log-event').allTextContents()).at(-1)).toMatch(/Closed: reset by the peer/);
      await screenshot(page, `log-framing-ended-${size.width}`);

      // A flood of lines from one connection while another's frame stays open: the open frame
      // keeps its place, and the log ends on the newest frame, in sight.
      three!.socket.write('pending');
      await expect.poll(async () => (await rows(page)).at(-1)).toBe('pending [p]');
      const flood = Array.from({ length: 300 }, (_, i) => `line ${String(i).padStart(3, '0')}\r\n`).join('');
      two!.socket.write(flood);
      const list = log.getByRole('list', { name: 'Traffic log' });
      const last = log.getByTestId('log-payload').last();
      await expect.poll(() => last.textContent(), { timeout: 10_000 }).toBe('line 299\\r\\n');
      await expect
        .poll(async () => {
          const box = (await list.boundingBox())!;
          const row = (await last.boundingBox())!;
          return row.y + row.height <= box.y + box.height + 1 && row.y >= box.y - 1;
        })
        .toBe(true);
    });

    it(`completes a frame after the silence has lasted, with no more bytes, in gap mode at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      const settings = await chooseFraming(page, 'Gap of silence');
      await settings.getByRole('textbox', { name: 'Silence (ms)' }).fill('1500');
      await page.keyboard.press('Escape');
      const log = page.getByRole('region', { name: 'Log' });
      await expect.poll(() => log.getByTestId('log-framing').textContent()).toBe('Framing: a new frame after 1,500 ms of silence');

      client!.socket.write('ab');
      await new Promise((resolve) => setTimeout(resolve, 100));
      client!.socket.write('cd');
      // Within the gap the frame is open; once 1.5 s have passed in silence it is complete.
      await expect.poll(() => rows(page), { timeout: 1_000, interval: 50 }).toEqual(['abcd [p]']);
      await expect.poll(() => rows(page), { timeout: 5_000 }).toEqual(['abcd']);
      client!.socket.write('ef');
      await expect.poll(() => rows(page)).toEqual(['abcd', 'ef [p]']);
      await expect.poll(() => rows(page), { timeout: 5_000 }).toEqual(['abcd', 'ef']);
    });
  }
});
