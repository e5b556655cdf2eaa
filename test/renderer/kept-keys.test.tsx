/**
 * The page keeps main's key store in step with the saved sessions, against a real engine with a
 * key folder: a workspace saved when keys were kept inline has each key moved into main at load
 * (the saved session keeps its reference, localStorage no key), the key is kept in main's folder,
 * a saved session opens by its reference, deleting the saved session forgets the key, and an
 * older workspace file opened later has its inline key moved into main the same way. An inline
 * key main cannot read is left where it was, and the page says so once, in English and 简体中文.
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Language } from '@renderer/i18n/languages';
import { createWorkspaceStore } from '@renderer/workspace/workspace-store';
import { realEngine } from '../support/renderer/real-engine';
import { renderAppWith } from '../support/renderer/render-app';
import { tempDir } from '../support/temp-dir';
import { makeCertificates } from '../support/tls-peers';

let keyFolder = '';
const engine = realEngine(async () => {
  keyFolder = path.join(await tempDir(), 'keys');
  return { keyFolder };
});

const listed = () => readdir(keyFolder).catch(() => [] as string[]);

describe('saved sessions and the keys main keeps for them', () => {
  it('moves an inline key of an older workspace into main, keeps it there, opens by reference, and forgets it on delete', async () => {
    const certs = makeCertificates(await tempDir());
    const before = createWorkspaceStore(localStorage);
    before.getState().saveSession('old listener', {
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      ipv6Only: false,
      maxConnections: 10_000,
      noDelay: true,
      halfCloseLingerMs: 5000,
      halfOpen: false,
      keepAlive: false,
      keepAliveInitialDelayMs: 0,
      tls: { cert: certs.serverCertPem, key: certs.serverKeyPem, requestCert: false, verify: true, keyLog: false },
    });
    expect(localStorage.getItem('socket-inspector.workspace')).toContain('PRIVATE KEY');

    const { stores } = renderAppWith(engine.local.bridge);
    const savedTls = () => {
      const config = stores.workspace.getState().savedSessions[0]?.config;
      return config?.kind === 'tcp-server' ? config.tls : undefined;
    };
    await waitFor(() => expect(savedTls()?.keyRef).toMatch(/^key-[0-9a-f]{32}$/));
    const keyRef = savedTls()!.keyRef!;
    expect(savedTls()?.key).toBeUndefined();
    expect(localStorage.getItem('socket-inspector.workspace')).not.toContain('PRIVATE KEY');
    await waitFor(async () => expect(await listed()).toEqual([`${keyRef}.json`]));

    const opened = await engine.local.bridge.open({ config: stores.workspace.getState().savedSessions[0]!.config });
    expect(opened.ok && opened.value.state).toBe('open');
    await engine.local.bridge.remove({ sessionId: opened.ok ? opened.value.id : '' });

    stores.workspace.getState().deleteSession(stores.workspace.getState().savedSessions[0]!.id);
    await waitFor(async () => expect(await listed()).toEqual([]));
    const again = await engine.local.bridge.open({
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, tls: { cert: certs.serverCertPem, keyRef } },
    });
    expect(!again.ok && again.error.code).toBe('NOT_FOUND');

    // An older workspace file opened now: its inline key goes to main too.
    const state = stores.workspace.getState();
    state.replace({ savedSessions: before.getState().savedSessions, recentEndpoints: [], theme: state.theme, language: state.language });
    await waitFor(() => expect(savedTls()?.keyRef).toMatch(/^key-[0-9a-f]{32}$/));
    expect(savedTls()?.keyRef).not.toBe(keyRef);
    expect(localStorage.getItem('socket-inspector.workspace')).not.toContain('PRIVATE KEY');
    await waitFor(async () => expect(await listed()).toEqual([`${savedTls()!.keyRef!}.json`]));
  }, 60_000);

  // PEM in shape, so the workspace and the call's schema take it, but no key OpenSSL can read.
  const UNREADABLE_KEY = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n';
  const savedWithUnreadableKey = async () => {
    const certs = makeCertificates(await tempDir());
    const before = createWorkspaceStore(localStorage);
    const listener = (key: string) =>
      ({
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        ipv6Only: false,
        maxConnections: 10_000,
        noDelay: true,
        halfCloseLingerMs: 5000,
        halfOpen: false,
        keepAlive: false,
        keepAliveInitialDelayMs: 0,
        tls: { cert: certs.serverCertPem, key, requestCert: false, verify: true, keyLog: false },
      }) as const;
    before.getState().saveSession('good listener', listener(certs.serverKeyPem));
    before.getState().saveSession('broken listener', listener(UNREADABLE_KEY));
    return certs;
  };
  /** The notices about `name`: an alert has no name of its own, so they are told by their words. */
  const noticesAbout = (name: string) => screen.queryAllByRole('alert').filter((alert) => alert.textContent?.includes(name));
  const imports = () =>
    engine.local.calls.filter((call) => call.method === 'keys' && (call.args as { action: string }).action === 'import').length;

  it('says once which saved session keeps an inline key main refused, and why, and moves the others', async () => {
    await savedWithUnreadableKey();
    const { stores, user } = renderAppWith(engine.local.bridge);
    await waitFor(() => expect(noticesAbout('broken listener')).toHaveLength(1));
    const notice = noticesAbout('broken listener')[0]!;
    expect(notice).toHaveTextContent('The private key of the saved session broken listener stays in this page’s storage');
    expect(notice).toHaveTextContent('The TLS settings cannot be used:');
    expect(notice).toHaveTextContent('What to do: Choose the certificate');
    expect(within(notice).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    const tlsOf = (name: string) => {
      const config = stores.workspace.getState().savedSessions.find((saved) => saved.name === name)?.config;
      return config?.kind === 'tcp-server' ? config.tls : undefined;
    };
    await waitFor(() => expect(tlsOf('good listener')?.keyRef).toMatch(/^key-[0-9a-f]{32}$/));
    expect(tlsOf('broken listener')?.key).toBe(UNREADABLE_KEY);
    const asked = imports();

    // Another change of the saved sessions: the refused key is not offered again, nor said twice.
    const good = stores.workspace.getState().savedSessions.find((saved) => saved.name === 'good listener')!;
    stores.workspace.getState().renameSession(good.id, 'good listener, renamed');
    await waitFor(async () => expect(await listed()).toHaveLength(1));
    expect(imports()).toBe(asked);
    expect(noticesAbout('broken listener')).toHaveLength(1);
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(noticesAbout('broken listener')).toHaveLength(0));
  }, 60_000);

  it('says it in 简体中文', async () => {
    await savedWithUnreadableKey();
    renderAppWith(engine.local.bridge, { language: 'zh-CN' satisfies Language });
    await waitFor(() => expect(noticesAbout('broken listener')).toHaveLength(1));
    const notice = noticesAbout('broken listener')[0]!;
    expect(notice).toHaveTextContent('已保存的会话 broken listener 的私钥仍保存在此页面的存储中');
    expect(notice).toHaveTextContent('无法使用这些 TLS 设置');
    expect(within(notice).getByRole('button', { name: '关闭' })).toBeInTheDocument();
  }, 60_000);
});
