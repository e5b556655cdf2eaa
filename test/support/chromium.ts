import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Recorder } from '@recorder/recorder';
import { newToken } from '@server/access';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import { tcpPeerClient, type Cleanups } from './peers';

export const STATIC_ROOT = path.resolve('out/renderer');
export const ARTIFACTS = path.resolve('artifacts/screenshots');

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium, or a clear failure saying how to get one — never a silent skip. */
export function chromiumPath(): string {
  const found = CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!found) {
    throw new Error(
      'No Chromium found for the end-to-end tests. Install it (Debian/Ubuntu: apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
  return found;
}

/** The two window sizes the workspace is held to in e2e: the smallest it must fit, and a common laptop's. */
export const WINDOW_SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
] as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

export interface ServerOptions {
  port?: number;
  token?: string;
  /** Record sessions into this folder, as "npm run serve -- --record-dir DIR" does; none: no recorder. */
  recordDir?: string;
  /** Keep saved sessions' private keys in this folder, as the server does in its configuration folder; none: in memory only. */
  keyFolder?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<BrowserServer> {
  if (!existsSync(path.join(STATIC_ROOT, 'index.html'))) {
    throw new Error(`The built page is missing at ${STATIC_ROOT}: run "npm run build" before the end-to-end tests.`);
  }
  const recorder =
    options.recordDir === undefined
      ? undefined
      : new Recorder({ folder: options.recordDir, app: { name: 'Socket Inspector', version: 'e2e' } });
  return startBrowserServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    token: options.token ?? newToken(),
    staticRoot: STATIC_ROOT,
    version: 'e2e',
    ...(recorder ? { recorder } : {}),
    ...(options.keyFolder !== undefined ? { keyFolder: options.keyFolder } : {}),
  });
}

export async function openApp(
  browser: Browser,
  server: BrowserServer,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-US',
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Finished, not caught halfway: a button just enabled fades in over MUI's 250 ms transition.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

type SessionKind = 'TCP server' | 'TCP client' | 'UDP' | 'Relay';
const SUBMIT: Record<SessionKind, string> = { 'TCP server': 'Listen', 'TCP client': 'Connect', UDP: 'Bind', Relay: 'Start relay' };

/** Open a session as a user would: New session, then kind, host and port in the dialog. */
/** `upstreamPort`: a relay's server (on 127.0.0.1). */
export async function openSession(
  page: Page,
  kind: SessionKind,
  host: string,
  port: number | string,
  upstreamPort?: number,
): Promise<void> {
  await page.getByRole('button', { name: 'New session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByRole('button', { name: kind, exact: true }).click();
  await dialog.getByRole('combobox', { name: 'Host' }).fill(host);
  await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill(String(port));
  if (upstreamPort !== undefined) await dialog.getByRole('textbox', { name: 'Upstream port', exact: true }).fill(String(upstreamPort));
  await dialog.getByRole('button', { name: SUBMIT[kind], exact: true }).click();
}

/** The port the newest session bound, read from the session list as a user would. */
export async function boundPort(page: Page, index = 0): Promise<number> {
  const endpoint = page
    .getByRole('list', { name: 'Open sessions' })
    .getByText(/^127\.0\.0\.1:[1-9]\d*$/)
    .nth(index);
  await endpoint.waitFor();
  return Number((await endpoint.textContent())!.split(':')[1]);
}

export async function sendFromComposer(page: Page, format: 'Text' | 'Hex', value: string): Promise<void> {
  const composer = page.getByRole('region', { name: 'Send' });
  await composer.getByRole('group', { name: 'Payload format' }).getByRole('button', { name: format }).click();
  await composer.getByRole('textbox', { name: 'Payload' }).fill(value);
  await composer.getByRole('button', { name: 'Send', exact: true }).click();
}

/** A TCP listener opened in the page with `count` Node clients, each waited for in its Connections table. */
export async function listenerWithClients(
  page: Page,
  count: number,
  cleanups: Cleanups,
): Promise<Awaited<ReturnType<typeof tcpPeerClient>>[]> {
  await openSession(page, 'TCP server', '127.0.0.1', 0);
  const port = await boundPort(page);
  const clients: Awaited<ReturnType<typeof tcpPeerClient>>[] = [];
  for (let i = 0; i < count; i++) clients.push(await tcpPeerClient(port, cleanups));
  const table = page.getByRole('table', { name: 'Connections' });
  for (const client of clients) await table.getByText(`127.0.0.1:${client.socket.localPort}`).waitFor();
  return clients;
}

export const logPayloads = (page: Page) => page.getByTestId('log-payload');

/**
 * One Chromium for a test file, a fresh browser-mode server and page per test, and cleanups run
 * after each test (newest first). `server` may be replaced by a test that restarts it.
 */
export function e2eHarness() {
  let browser: Browser | undefined;
  const harness = {
    server: undefined as BrowserServer | undefined,
    cleanups: [] as (() => unknown)[],
    async app(colorScheme: 'light' | 'dark' = 'light', serverOptions: ServerOptions = {}): Promise<Page> {
      const server = await startServer(serverOptions);
      harness.server = server;
      const { context, page } = await openApp(browser!, server, { colorScheme });
      harness.cleanups.push(() => context.close());
      return page;
    },
  };
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const clean of harness.cleanups.splice(0).reverse()) await clean();
    await harness.server?.close();
  });
  return harness;
}
