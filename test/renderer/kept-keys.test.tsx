/**
 * The page keeps main's key store in step with the saved sessions, against a real engine with a
 * key folder: a workspace saved when keys were kept inline has each key moved into main at load
 * (the saved session keeps its reference, localStorage no key), the key is kept in main's folder,
 * a saved session opens by its reference, deleting the saved session forgets the key, and an
 * older workspace file opened later has its inline key moved into main the same way.
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
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
});
