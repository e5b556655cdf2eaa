/**
 * The desktop shell as it ships: the built main and preload bundles, run under Node against a
 * stand-in for Electron (test/support/desktop-shell.ts), from the scheme registered before
 * `ready` to a TCP round trip through window.inspector and a clean quit. Needs `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_METHOD_NAMES, ipcChannel, METHOD_NAMES } from '@shared/channels';
import type { EventBatch, InspectorEvent } from '@shared/contract';
import { AppCode } from '@shared/errors';
import type { Result } from '@shared/result';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, NONCE_PLACEHOLDER } from '@shared/web-assets';
import { BUILD_DIR, preventableEvent, startDesktopShell, type DesktopShell } from '../support/desktop-shell';
import { tcpPeerServer, type Cleanups } from '../support/peers';
import { until } from '../support/until';

const ENTRY = 'app://bundle/index.html';

describe('the desktop shell as built', () => {
  let shell: DesktopShell | undefined;
  let startFailure: unknown;
  const cleanups: Cleanups = [];

  // Kept, not thrown: a failing beforeAll reports its tests as skipped, and without a build
  // every one of them must fail, saying why.
  beforeAll(async () => {
    try {
      shell = await startDesktopShell();
    } catch (err) {
      startFailure = err;
    }
  });

  afterAll(async () => {
    await shell?.quit();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const started = (): DesktopShell => {
    if (!shell) throw startFailure;
    return shell;
  };

  it('registers app:// as a privileged scheme before the app is ready', () => {
    expect(started().registrations.privilegedSchemes).toEqual([
      { beforeReady: true, schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }] },
    ]);
  });

  it('opens an isolated, sandboxed window whose preload is the built one beside main', () => {
    const { window } = started();
    const prefs = window.options.webPreferences ?? {};
    // Main names it as path.join(__dirname, '../preload/index.js'), __dirname being out/main.
    expect(prefs.preload).toBe(path.join(BUILD_DIR, 'main', '../preload/index.js'));
    expect(existsSync(prefs.preload ?? '')).toBe(true);
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
    expect(window.url).toBe(ENTRY);
    expect(window.shown).toBe(true);
  });

  it('refuses navigation, new windows and every permission', () => {
    const { window, registrations } = started();
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = preventableEvent();
      window.webContents.emit(name, event);
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const answers: boolean[] = [];
    registrations.permissions.request?.(window.webContents, 'media', (granted) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(registrations.permissions.check?.(window.webContents, 'media')).toBe(false);
  });

  it('has a handler in main for every channel the preload invokes, and no handler the preload never invokes', async () => {
    const { inspector, registrations, window } = started();
    const names = Object.keys(inspector).filter((name) => name !== 'onEvents');
    expect(names.sort()).toEqual([...METHOD_NAMES, ...HOST_METHOD_NAMES].sort());
    const bridge = inspector as unknown as Record<string, (args: unknown) => Promise<Result<unknown>>>;
    const answers = await Promise.all(names.map((name) => bridge[name]!({})));
    const invoked = [...new Set(registrations.invokedChannels)].sort();
    expect(invoked).toEqual(names.map((name) => ipcChannel(name as (typeof METHOD_NAMES)[number])).sort());
    expect([...registrations.ipcHandlers.keys()].sort()).toEqual(invoked);
    // Each call got past main's sender check to its method: a result, never a refusal.
    for (const answer of answers) expect(answer.ok ? 'ok' : answer.error.code).not.toBe(AppCode.Forbidden);
    expect(registrations.dialogs).toMatchObject([
      { kind: 'open', parent: window, options: { properties: ['openDirectory', 'createDirectory'] } },
    ]);
    expect(registrations.openedPaths).toEqual([path.join(started().appPath('documents'), 'Socket Inspector', 'Recordings')]);
  });

  it('serves the page through app:// with its CSP and a fresh nonce, and the assets it names', async () => {
    const { request } = started();
    const nonces: string[] = [];
    let html = '';
    for (let load = 0; load < 2; load++) {
      const page = await request(ENTRY);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const policy = page.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
      expect(policy).toBe(contentSecurityPolicy(nonce));
      html = await page.text();
      expect(html).toContain(`nonce="${nonce}"`);
      expect(html).not.toContain(NONCE_PLACEHOLDER);
      nonces.push(nonce);
    }
    expect(new Set(nonces).size).toBe(2);
    const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, ENTRY));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const answer = await request(asset.href);
      expect(answer.status, asset.href).toBe(200);
      expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      const onDisk = readFileSync(path.join(BUILD_DIR, 'renderer', ...asset.pathname.slice(1).split('/')));
      expect(Buffer.from(await answer.arrayBuffer()).equals(onDisk), asset.href).toBe(true);
    }
  });

  it('carries a TCP round trip from window.inspector through preload and main to a socket, and closes it on quit', async () => {
    const { inspector, quit } = started();
    const peer = await tcpPeerServer(cleanups, (socket) => socket.pipe(socket));
    const events: InspectorEvent[] = [];
    const stop = inspector.onEvents((batch: EventBatch) => events.push(...batch.events));
    cleanups.push(stop);

    const opened = await inspector.open({ config: { kind: 'tcp-client', host: '127.0.0.1', port: peer.port } });
    if (!opened.ok) throw new Error(`open failed: ${opened.error.message}`);
    const sessionId = opened.value.id;
    await until(
      () => events.some((e) => e.type === 'session' && e.session.id === sessionId && e.session.state === 'open'),
      'the session to open',
    );

    const text = 'ping through the shell\n';
    expect(await inspector.send({ sessionId, payload: { format: 'text', value: text, escapes: false } })).toMatchObject({
      ok: true,
      value: { bytes: text.length, targets: 1 },
    });
    const received = () => events.flatMap((e) => (e.type === 'data' && e.sessionId === sessionId && e.dir === 'rx' ? [e.bytes] : []));
    await until(() => Buffer.concat(received()).toString() === text, 'the echo to come back as rx data');
    // Electron's structured clone turns the engine's Buffers into plain Uint8Arrays.
    for (const bytes of received()) expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);

    // quit() settles only once main's before-quit let the app go, after the engine was disposed.
    await quit();
    await until(() => peer.sockets.length === 1 && peer.sockets[0]!.closed, 'the peer to see the connection closed');
    expect(started().window.webContents.isDestroyed()).toBe(true);
  });
});
