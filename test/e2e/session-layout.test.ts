/**
 * How a session view shares the window's height, in real Chromium over browser mode with a
 * listener holding ten real TCP clients: at 1024×700 the connections section shows two whole
 * rows above the log's 40%, whether the page opened at that size or was made that small from
 * 1280×800; made large again, a folded section stays a heading and the rows stay in sight.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eHarness, listenerWithClients, screenshot } from '../support/chromium';

const h = e2eHarness();

/**
 * The connection rows wholly inside what the section shows of its table, below the column names
 * (none while the section is folded or the table is not drawn). Read in one go in the page, so
 * that a table not there answers 0 rather than waiting for it.
 */
const wholeRowsInSight = (page: Page) =>
  page.getByRole('region', { name: 'Connections', exact: true }).evaluate((section) => {
    const head = section.querySelector('table thead');
    if (!head || head.getClientRects().length === 0) return 0;
    const top = head.getBoundingClientRect().bottom;
    const bottom = section.getBoundingClientRect().bottom;
    return [...section.querySelectorAll('table tbody tr')].filter((row) => {
      const box = row.getBoundingClientRect();
      return box.height > 0 && box.top >= top - 1 && box.bottom <= bottom + 1;
    }).length;
  });

/** Every connection row's Disconnect button wholly inside the section's width, with no sideways scroll. */
const disconnectsInSight = (page: Page) =>
  page.getByRole('region', { name: 'Connections', exact: true }).evaluate((section) => {
    const right = section.getBoundingClientRect().right;
    const buttons = [...section.querySelectorAll('table tbody button[aria-haspopup="menu"]')];
    return buttons.length > 0 && buttons.every((button) => button.getBoundingClientRect().right <= right + 1);
  });

/** What the log and the composer keep: the log its 40%, the composer what a send needs, in sight. */
async function expectLogAndComposer(page: Page, height: number) {
  const log = (await page.getByRole('region', { name: 'Log' }).boundingBox())!;
  expect(log.height).toBeGreaterThanOrEqual(0.4 * height - 1);
  const composer = page.getByRole('region', { name: 'Send' });
  for (const control of [composer.getByRole('textbox', { name: 'Payload' }), composer.getByRole('button', { name: 'Send', exact: true })]) {
    const box = (await control.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(height + 1);
  }
}

describe('the session view in a short window', () => {
  it('shows two whole connection rows at 1024×700 as the page opens there', async () => {
    const page = await h.app();
    await page.setViewportSize({ width: 1024, height: 700 });
    await listenerWithClients(page, 10, h.cleanups);
    await screenshot(page, 'session-layout-opened-1024');
    expect(await wholeRowsInSight(page)).toBeGreaterThanOrEqual(2);
    expect(await disconnectsInSight(page)).toBe(true);
    await expectLogAndComposer(page, 700);
  });

  it('shows two whole connection rows once a 1280×800 window is made 1024×700, and keeps each section whole at 1920×1080', async () => {
    const page = await h.app();
    await listenerWithClients(page, 10, h.cleanups);
    await screenshot(page, 'session-layout-1280');
    expect(await wholeRowsInSight(page)).toBeGreaterThanOrEqual(1);
    const automation = page.getByRole('region', { name: 'Automation' });
    // A taller window goes to the log: the folded automation section stays its heading, not a band
    // of hidden contents, and the connections keep their row.
    const taller = async () => {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await expect.poll(async () => (await automation.boundingBox())!.height).toBe(30);
      await expect.poll(() => wholeRowsInSight(page)).toBeGreaterThanOrEqual(1);
      await expectLogAndComposer(page, 1080);
    };
    await taller();
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.setViewportSize({ width: 1024, height: 700 });
    await expect.poll(() => wholeRowsInSight(page)).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'session-layout-resized-1024');
    await expectLogAndComposer(page, 700);

    await taller();
    await screenshot(page, 'session-layout-resized-1920');
  });
});
