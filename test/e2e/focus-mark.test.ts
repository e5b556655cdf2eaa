/**
 * The keyboard focus can be seen on every control of a session's page in real Chromium: Tab walks
 * the page, and each stop is marked by a 2px outline (buttons, chips, toggles, checkboxes,
 * switches, the log) or by an outlined field's 2px border.
 */
import { describe, expect, it } from 'vitest';
import { boundPort, e2eHarness, openSession, screenshot } from '../support/chromium';

const h = e2eHarness();

/** Tab stops to walk: more than a session's page has, so the walk comes round to the start. */
const MAX_TABS = 120;

describe('the focus mark', () => {
  it('is a visible 2px line on every control Tab reaches', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    await boundPort(page);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const unmarked: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < MAX_TABS; i += 1) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return undefined;
        const name = `${element.tagName.toLowerCase()}[${element.getAttribute('role') ?? ''}] ${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? ''}`;
        const lined = (box: Element | null, side: 'outline' | 'border') => {
          if (!box) return false;
          const style = getComputedStyle(box);
          const width = parseFloat(side === 'outline' ? style.outlineWidth : style.borderTopWidth);
          const kind = side === 'outline' ? style.outlineStyle : style.borderTopStyle;
          return kind !== 'none' && width >= 2;
        };
        const marked =
          lined(element, 'outline') ||
          lined(element.closest('.MuiButtonBase-root'), 'outline') ||
          lined(element.closest('.MuiInputBase-root.Mui-focused')?.querySelector('.MuiOutlinedInput-notchedOutline') ?? null, 'border');
        return { name, marked };
      });
      if (!stop) continue;
      if (seen.has(stop.name)) break;
      seen.add(stop.name);
      if (!stop.marked) unmarked.push(stop.name);
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(unmarked).toEqual([]);
    await page.keyboard.press('Alt+l');
    await screenshot(page, 'focus-mark-log');
    await page.getByRole('separator', { name: 'Resize Send' }).focus();
    await screenshot(page, 'focus-mark-separator');
  });
});
