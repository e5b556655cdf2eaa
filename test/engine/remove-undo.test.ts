import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@shared/contract';
import { dispatch } from '@shared/dispatch';
import { AppCode } from '@shared/errors';
import { MAX_REMOVE_UNDO_MS } from '@shared/limits';
import { disposeAll, textPayload } from '../support/engine';
import { engineWithRecorder, readRecording } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

/** Binds the port with a plain Node server, as another program would: the proof that nothing holds it. */
async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const outcome = await Promise.race([once(server, 'listening').then(() => true), once(server, 'error').then(() => false)]);
  if (outcome) await new Promise((resolve) => server.close(resolve));
  return outcome;
}

describe('remove with keepForUndoMs', () => {
  it('closes a listener at once (its port free, its client ended), keeps it out of reach, and restore brings it back closed with its settings and recording', async () => {
    const folder = await tempDir();
    const { engine } = engineWithRecorder({ folder });
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, record: true, maxConnections: 7 });
    const port = listener.local!.port;
    const client: Socket = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const ended = once(client, 'close');
    client.write('before');
    await engine.waitFor(() => engine.dataBytes(listener.id, engine.ofType('connection-opened')[0]!.conn.connId, 'rx').length === 6);

    const removed = await dispatch(engine.manager, 'remove', { sessionId: listener.id, keepForUndoMs: 30_000 });
    expect(removed).toEqual({ ok: true, value: null });
    await ended;
    expect(await bindable(port)).toBe(true);
    // Out of reach of every method but restore and remove …
    const sent = await engine.send(listener.id, textPayload('x'));
    expect(!sent.ok && sent.error.code).toBe(AppCode.NotFound);
    const reopened = await engine.manager.reopen({ sessionId: listener.id });
    expect(!reopened.ok && reopened.error.code).toBe(AppCode.NotFound);
    // … and listed as removing, so a page that reloads hides it too.
    const listed = await engine.manager.list({});
    expect(listed.ok && listed.value.map((s) => [s.id, s.state, s.removing !== undefined])).toEqual([[listener.id, 'closed', true]]);
    await engine.waitFor(() => engine.sessionEvents(listener.id).some((s) => s.removing));
    expect(engine.ofType('session-removed')).toEqual([]);

    const restored = await dispatch(engine.manager, 'restore', { sessionId: listener.id });
    expect(restored).toMatchObject({
      ok: true,
      value: { id: listener.id, state: 'closed', config: { maxConnections: 7 }, recording: { active: true } },
    });
    const info = restored.ok ? (restored.value as SessionInfo) : undefined;
    expect(info?.removing).toBeUndefined();
    const back = await engine.manager.reopen({ sessionId: listener.id });
    expect(back.ok && back.value.state).toBe('open');
    // The recording went on across the removal: one file, with the data from before.
    const path = info!.recording!.path;
    await engine.manager.record({ sessionId: listener.id, action: 'stop' });
    const recording = await readRecording(path);
    expect(recording.records.some((r) => r.type === 'data')).toBe(true);
    expect(engine.ofType('session-removed')).toEqual([]);
  });

  it('forgets the session when the time is up: the page is told, restore finds nothing, the recording ends as removed', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const client = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0, record: true });
    expect((await dispatch(engine.manager, 'remove', { sessionId: client.id, keepForUndoMs: 150 })).ok).toBe(true);
    expect((await engine.manager.list({})).ok).toBe(true);
    await engine.waitFor(() => engine.ofType('session-removed', (e) => e.sessionId === client.id).length === 1, 5000, 'the removal');
    expect(await engine.manager.list({})).toEqual({ ok: true, value: [] });
    const late = await dispatch(engine.manager, 'restore', { sessionId: client.id });
    expect(!late.ok && late.error.code).toBe(AppCode.NotFound);
    const recording = await readRecording(client.recording!.path);
    expect(recording.records.at(-1)).toMatchObject({ type: 'end', reason: 'removed' });
  });

  it('remove again while kept forgets at once; restore of a live session is refused as nothing to restore; the keep is bounded', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const one = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    await dispatch(engine.manager, 'remove', { sessionId: one.id, keepForUndoMs: 30_000 });
    expect(await dispatch(engine.manager, 'remove', { sessionId: one.id })).toEqual({ ok: true, value: null });
    await engine.waitFor(() => engine.ofType('session-removed').length === 1);

    const two = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const notRemoved = await dispatch(engine.manager, 'restore', { sessionId: two.id });
    expect(!notRemoved.ok && notRemoved.error).toMatchObject({ code: AppCode.BadState, i18n: { message: { key: 'session.notRemoving' } } });
    const tooLong = await dispatch(engine.manager, 'remove', { sessionId: two.id, keepForUndoMs: MAX_REMOVE_UNDO_MS + 1 });
    expect(!tooLong.ok && tooLong.error.code).toBe(AppCode.InvalidArgument);
    expect((await engine.manager.list({})).ok && (await engine.manager.list({}))).toMatchObject({ value: [{ id: two.id, state: 'open' }] });
  });
});
