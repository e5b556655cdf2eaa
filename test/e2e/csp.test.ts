/**
 * The page's Content-Security-Policy in real Chromium: no 'unsafe-inline' anywhere, a fresh style
 * nonce per load, and MUI's run-time <style> elements carrying it, so the whole UI is styled
 * without a single violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserServer } from '@server/browser-server';
import { boundPort, launchBrowser, openSession, startServer } from '../support/chromium';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

declare global {
  interface Window {
    cspViolations?: Violation[];
  }
}

let browser: Browser;
let server: BrowserServer | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
  await server?.close();
});

const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1];

/** A page that records every CSP violation, as events in the page and as console errors, from its first byte. */
async function watchedPage(): Promise<{ page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US' });
  cleanups.push(() => context.close());
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations!.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
    });
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
  });
  return { page, consoleErrors };
}

/** Loads the app; answers the page's CSP header and the nonce the page itself sees. */
async function load(page: Page, url: string): Promise<{ policy: string; pageNonce: string | undefined }> {
  const response = await page.goto(url);
  await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
  const policy = (await response!.allHeaders())['content-security-policy'] ?? '';
  const pageNonce = await page.evaluate(() => document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce);
  return { policy, pageNonce };
}

describe('the CSP in the browser', () => {
  it('styles the whole UI through the nonce, with no violation and no unsafe-inline', async () => {
    server = await startServer();
    const { page, consoleErrors } = await watchedPage();
    const { policy, pageNonce } = await load(page, server.url);

    expect(policy).not.toMatch(/unsafe-/);
    const nonce = nonceOf(policy);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(pageNonce).toBe(nonce);

    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.waitFor();
    // MUI's styles really apply: the dialog floats above the page, a contained button is filled.
    expect(await dialog.evaluate((paper) => getComputedStyle(paper.closest('.MuiDialog-root')!).position)).toBe('fixed');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    await boundPort(page);

    const background = await page
      .getByRole('button', { name: 'New session', exact: true })
      .evaluate((button) => getComputedStyle(button).backgroundColor);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    const styles = await page.evaluate(() =>
      [...document.querySelectorAll('style')].map((style) => ({ nonce: style.nonce, rules: style.sheet?.cssRules.length ?? 0 })),
    );
    expect(styles.length).toBeGreaterThan(0);
    expect(styles.every((style) => style.nonce === nonce)).toBe(true);
    expect(styles.reduce((sum, style) => sum + style.rules, 0)).toBeGreaterThan(50);

    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('refuses an inline style without the nonce, and one with the nonce of an earlier load', async () => {
    server = await startServer();
    const { page } = await watchedPage();
    const first = await load(page, server.url);
    const second = await load(page, server.url);
    expect(first.pageNonce).toBeDefined();
    expect(second.pageNonce).not.toBe(first.pageNonce);
    expect(nonceOf(second.policy)).toBe(second.pageNonce);

    // What injected markup could try: no nonce, and the nonce a previous page load published.
    const applied = await page.evaluate((stale) => {
      const current = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')!.nonce;
      const probe = document.createElement('div');
      document.body.append(probe);
      const attempt = (nonce: string | undefined) => {
        const style = document.createElement('style');
        if (nonce) style.nonce = nonce;
        style.textContent = '#csp-probe { margin-left: 7px; }';
        probe.id = 'csp-probe';
        document.head.append(style);
        const width = getComputedStyle(probe).marginLeft;
        style.remove();
        return width;
      };
      return { current: attempt(current), none: attempt(undefined), stale: attempt(stale) };
    }, first.pageNonce);
    expect(applied).toEqual({ current: '7px', none: '0px', stale: '0px' });
    // Reported once per policy that refused it: the header's and the page's meta tag's.
    await expect.poll(() => page.evaluate(() => window.cspViolations!.map((v) => v.directive))).toEqual(Array(4).fill('style-src-elem'));
  });
});
