/**
 * Issue 15 in real Chromium over browser mode with real TCP peers: how rows are drawn (wrap,
 * timestamps, deltas, text size) as log options kept across a reload; the connection events
 * filtered out and back; the sidebar folded and unfolded, and a splitter's size kept across a reload.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { listenerWithClients, screenshot, e2eHarness, WINDOW_SIZES } from '../support/chromium';

const h = e2eHarness();

const LONG = `${'wide '.repeat(120)}end`;

async function visible(locator: Locator): Promise<boolean[]> {
  return locator.evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).offsetParent !== null));
}

async function payloadStyle(page: Page): Promise<{ whiteSpace: string; fontSize: string; height: number }> {
  return page
    .getByRole('region', { name: 'Log' })
    .getByTestId('log-payload')
    .first()
    .evaluate((node) => {
      const style = getComputedStyle(node);
      return { whiteSpace: style.whiteSpace, fontSize: style.fontSize, height: node.getBoundingClientRect().height };
    });
}

describe('log options and layout, end to end', () => {
  for (const size of WINDOW_SIZES) {
    it(`draws rows wrapped or not, with or without times, at the chosen text size, and keeps the choice at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      client!.socket.write(LONG);
      const log = page.getByRole('region', { name: 'Log' });
      await expect.poll(() => log.getByTestId('log-payload').count()).toBe(1);
      // By default: wrapped, 12 px, with the time and the delta.
      const wrapped = await payloadStyle(page);
      expect(wrapped.whiteSpace).toBe('pre-wrap');
      expect(wrapped.fontSize).toBe('12px');
      expect(await visible(log.getByTestId('log-time'))).not.toContain(false);
      expect(await visible(log.getByTestId('log-delta'))).not.toContain(false);

      await log.getByRole('button', { name: 'Log settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Log settings' });
      await settings.getByRole('checkbox', { name: 'Wrap long lines' }).uncheck();
      await settings.getByRole('checkbox', { name: 'Timestamps' }).uncheck();
      await settings.getByRole('checkbox', { name: 'Time since the row above' }).uncheck();
      await settings.getByRole('textbox', { name: 'Text size (px)' }).fill('18');
      await page.keyboard.press('Escape');

      await expect.poll(async () => (await payloadStyle(page)).whiteSpace).toBe('pre');
      const unwrapped = await payloadStyle(page);
      expect(unwrapped.fontSize).toBe('18px');
      // One line of 18 px text, scrolled sideways, is lower than the same text wrapped at 12 px.
      expect(unwrapped.height).toBeLessThan(wrapped.height);
      expect(await visible(log.getByTestId('log-time'))).not.toContain(true);
      expect(await visible(log.getByTestId('log-delta'))).not.toContain(true);
      await screenshot(page, `log-options-${size.width}`);

      await page.reload();
      await expect.poll(() => log.getByTestId('log-payload').count()).toBe(1);
      const kept = await payloadStyle(page);
      expect([kept.whiteSpace, kept.fontSize]).toEqual(['pre', '18px']);
      expect(await visible(log.getByTestId('log-time'))).not.toContain(true);
    });

    it(`hides the connection events and shows them again, the traffic staying, at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [client] = await listenerWithClients(page, 1, h.cleanups);
      client!.socket.write('hello\n');
      const log = page.getByRole('region', { name: 'Log' });
      await expect.poll(() => log.getByTestId('log-payload').allTextContents()).toEqual(['hello\\n']);
      const events = log.getByTestId('log-event');
      await expect
        .poll(async () => (await events.allTextContents()).join('\n'))
        .toMatch(/Listening on 127\.0\.0\.1:\d+[\s\S]*Connected from/);

      const toolbar = log.getByRole('toolbar', { name: 'Log controls' });
      await toolbar.getByRole('button', { name: 'Filters' }).click();
      const filters = page.getByRole('dialog', { name: 'Filters' });
      await filters.getByRole('checkbox', { name: 'Connection events' }).uncheck();
      await expect.poll(() => events.count()).toBe(0);
      expect(await log.getByTestId('log-payload').allTextContents()).toEqual(['hello\\n']);
      await filters.getByRole('checkbox', { name: 'Connection events' }).check();
      await expect.poll(async () => (await events.allTextContents()).join('\n')).toMatch(/Listening on[\s\S]*Connected from/);
    });

    it(`folds the sidebar to a strip and back, and keeps a splitter's size across a reload, at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      await listenerWithClients(page, 1, h.cleanups);
      const sidebar = page.getByRole('complementary', { name: 'Sessions' });
      const log = page.getByRole('region', { name: 'Log' });
      const open = (await sidebar.boundingBox())!;
      const logOpen = (await log.boundingBox())!;

      await page.getByRole('button', { name: 'Collapse the sidebar' }).click();
      await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeLessThan(50);
      // The room goes to the workspace: the log is wider by what the sidebar gave up.
      await expect.poll(async () => (await log.boundingBox())!.width).toBeGreaterThan(logOpen.width + open.width - 60);
      await page.getByRole('button', { name: 'Expand the sidebar' }).click();
      await expect.poll(async () => Math.round((await sidebar.boundingBox())!.width)).toBe(Math.round(open.width));

      // The splitter moved by keyboard, as by the mouse: the new width is the user's, and kept.
      const splitter = page.getByRole('separator', { name: 'Resize the sidebar' });
      await splitter.focus();
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeGreaterThan(open.width + 20);
      const moved = Math.round((await sidebar.boundingBox())!.width);
      await page.reload();
      await log.waitFor();
      await expect.poll(async () => Math.round((await sidebar.boundingBox())!.width)).toBe(moved);
    });
  }
});
