import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '@shared/dispatch';
import { disposeAll, freePort, listenPeer } from '../support/engine';
import { engineWithRecorder } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

describe('open with keepIfFailed: false', () => {
  it('leaves no session and no recording file behind a listen that fails', async () => {
    const folder = await tempDir();
    const { engine } = engineWithRecorder({ folder });
    const taken = await listenPeer();
    const result = await dispatch(engine.manager, 'open', {
      config: { kind: 'tcp-server', host: '127.0.0.1', port: taken.port, record: true },
      keepIfFailed: false,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'EADDRINUSE' } });
    expect(await engine.manager.list({})).toEqual({ ok: true, value: [] });
    await engine.waitFor(() => engine.ofType('session-removed').length === 1, 5000, 'the session to be removed');
    expect(await readdir(folder)).toEqual([]);
  });

  it('keeps a client that goes on retrying, and answers ok with it opening and its error', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const port = await freePort();
    const result = await dispatch(engine.manager, 'open', {
      config: { kind: 'tcp-client', host: '127.0.0.1', port, reconnect: { enabled: true, initialDelayMs: 5000, maxDelayMs: 5000 } },
      keepIfFailed: false,
    });
    expect(result).toMatchObject({ ok: true, value: { state: 'opening', error: { code: 'ECONNREFUSED' } } });
    expect(await engine.manager.list({})).toMatchObject({ ok: true, value: [{ state: 'opening' }] });
  });

  it('keeps the failed session when left out, as scripts expect', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const result = await engine.open({ kind: 'tcp-client', host: '127.0.0.1', port: await freePort() });
    expect(result.ok).toBe(false);
    expect(await engine.manager.list({})).toMatchObject({ ok: true, value: [{ state: 'error' }] });
  });
});
