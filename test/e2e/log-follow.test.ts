/**
 * The log under a flood, in real Chromium (jsdom has no layout, so it cannot tell a list that
 * fell behind from one that follows): it keeps showing the newest rows until the reader
 * scrolls up, and a reader who scrolls up is left alone.
 */
import type { Socket } from 'node:dgram';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { udpPeer } from '../support/peers';
import { boundPort, e2eHarness, openSession } from '../support/chromium';

const h = e2eHarness();

/** `count` datagrams at about `perSecond`, each saying its number, from one socket. */
async function flood(peer: Socket, port: number, count: number, perSecond: number): Promise<void> {
  const perTick = Math.ceil(perSecond / 100);
  for (let sent = 0; sent < count;) {
    for (let i = 0; i < perTick && sent < count; i++, sent++) peer.send(`#${sent}`.padEnd(64, '.'), port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Entries the log keeps, from its status line. */
async function kept(page: Page): Promise<number> {
  const text = (await page.locator('footer[aria-label="Log status"]').textContent()) ?? '';
  return Number(/Kept: ([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN);
}

/** Whether the log's newest row is drawn inside the list's visible area. */
async function newestInSight(page: Page): Promise<boolean> {
  const total = await kept(page);
  return page.evaluate((n) => {
    const list = document.querySelector('[role="list"][aria-label="Traffic log"]');
    const scroller = list?.closest('[data-virtuoso-scroller]');
    const row = list?.querySelector(`[aria-posinset="${n}"]`);
    if (!scroller || !row) return false;
    const view = scroller.getBoundingClientRect();
    const box = row.getBoundingClientRect();
    return box.bottom > view.top && box.top < view.bottom;
  }, total);
}

async function settledCount(page: Page): Promise<number> {
  let last = -1;
  for (;;) {
    const now = await kept(page);
    if (now === last) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

describe('the log under a flood', () => {
  it('keeps following 10,000 datagrams a second, then stops for the reader who scrolls up', async () => {
    const page = await h.app();
    await openSession(page, 'UDP', '127.0.0.1', 0);
    const port = await boundPort(page);
    const peer = await udpPeer(h.cleanups);

    const log = page.getByRole('region', { name: 'Log' });
    const pauseButton = log.getByRole('button', { name: 'Pause autoscroll' });
    const pausedChip = log.getByRole('button', { name: /^Autoscroll paused with/ });
    const flooding = flood(peer, port, 20_000, 10_000);
    let looks = 0;
    let done = false;
    void flooding.finally(() => (done = true));
    while (!done) {
      // The list may lag a frame or two behind; it must never have stopped following.
      expect(await pausedChip.count()).toBe(0);
      looks += 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(looks).toBeGreaterThan(5);
    const total = await settledCount(page);
    expect(total).toBeGreaterThan(10_000);
    await expect.poll(() => newestInSight(page)).toBe(true);
    expect(await pauseButton.count()).toBe(1);

    // The reader's wheel, up over the list: it stops, and more traffic leaves the view alone.
    const list = page.getByRole('list', { name: 'Traffic log' });
    await list.hover();
    await page.mouse.wheel(0, -2000);
    await pausedChip.waitFor();
    const firstInSight = () => list.locator('[role="listitem"]').first().getAttribute('aria-posinset');
    const before = await firstInSight();
    await flood(peer, port, 2_000, 10_000);
    await settledCount(page);
    expect(await firstInSight()).toBe(before);
    expect(await newestInSight(page)).toBe(false);

    // Jumping to the newest follows again.
    await pausedChip.click();
    await expect.poll(() => newestInSight(page)).toBe(true);
    await pauseButton.waitFor();
  });
});
