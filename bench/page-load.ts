/**
 * Page load: from navigation to a first screen a user can act on, in browser mode, in Chromium
 * with an empty cache each time (a new browser context per load), as a user opening the page.
 * "Can act on" is the start screen's quick-send form drawn with its Send button; the figure is
 * the page's own clock (performance.now(), from its navigation start) read on the first frame
 * that has it, so Playwright's polling adds nothing.
 */
import { newToken } from '@server/access';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import type { Browser } from 'playwright-core';
import { checkBuild, launchChromium, STATIC_ROOT } from './browser';
import type { Figure } from './figure';

const LOAD_LIMIT_MS = 500;
const FIRST_SCREEN = 'form[aria-label="Send to a host and port"] button[type="submit"]';

async function timeLoad(browser: Browser, url: string): Promise<{ firstScreen: number; script: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction((selector) => (document.querySelector(selector) ? performance.now() : 0), FIRST_SCREEN, {
      polling: 'raf',
      timeout: 30_000,
    });
    const firstScreen = (await handle.jsonValue()) as number;
    const script = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js'))
        .reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).decodedBodySize, 0),
    );
    return { firstScreen, script };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function pageLoad(quick: boolean): Promise<Figure[]> {
  const stale = await checkBuild();
  if (stale) process.stdout.write(`Warning: ${stale}\n`);
  const loads = quick ? 3 : 7;
  let server: BrowserServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startBrowserServer({ host: '127.0.0.1', port: 0, token: newToken(), staticRoot: STATIC_ROOT, version: 'bench' });
    browser = await launchChromium();
    // One load first, untimed: Chromium's own start-up (its first renderer process) is not the page's.
    await timeLoad(browser, server.url);
    const timed: { firstScreen: number; script: number }[] = [];
    for (let i = 0; i < loads; i += 1) timed.push(await timeLoad(browser, server.url));
    const times = timed.map((load) => load.firstScreen);
    return [
      {
        key: 'page.load',
        name: 'Page load to the first screen (browser mode)',
        value: median(times),
        unit: 'ms',
        baseline: undefined,
        target: { of: 'value', op: '<=', limit: LOAD_LIMIT_MS },
        notes: `median of ${loads} loads, each in a new context (empty cache); ${(timed[0]!.script / 1e6).toFixed(2)} MB of script`,
        details: { loadsMs: times, scriptBytes: timed[0]!.script },
      },
    ];
  } finally {
    await browser?.close();
    await server?.close();
  }
}
