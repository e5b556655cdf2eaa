import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '@shared/dispatch';
import { AppCode } from '@shared/errors';
import { connectPeer, disposeAll, startEngine, track } from '../support/engine';

afterEach(disposeAll);

/** Resolves with how the peer's socket ended: reset by the listener, or closed. */
function ending(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    socket.once('close', () => resolve('closed'));
  });
}

describe('TCP listener: connection limit', () => {
  it('resets clients beyond the limit with one notice, keeps the others, and accepts again below it', async () => {
    const engine = startEngine();
    // Linger 0: a client that leaves frees its slot at once, not after the half-close reply window.
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, maxConnections: 2, halfCloseLingerMs: 0 });
    const port = info.local!.port;
    const first = await connectPeer(port);
    const second = await connectPeer(port);
    await engine.waitFor(() => engine.ofType('connection-opened').length === 2);

    const refused = await Promise.all([1, 2, 3].map(() => ending(track(connect({ port, host: '127.0.0.1' })))));
    expect(refused).toEqual(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
    await engine.waitFor(() => engine.ofType('error').length >= 1);
    const notices = engine.ofType('error', (e) => e.error.code === AppCode.ConnectionLimit);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.error.message).toMatch(/^Refused 127\.0\.0\.1:\d+: the listener holds 2 connections, its limit/);
    expect(engine.ofType('connection-opened')).toHaveLength(2);

    // The held connections still work.
    first.socket.write('still here');
    const conn = engine.ofType('connection-opened')[0]!.conn;
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString() === 'still here');

    second.socket.destroy();
    await engine.waitFor(() => engine.ofType('error', (e) => e.error.message.startsWith('Accepting again')).length === 1);
    expect(engine.ofType('error', (e) => e.error.message.startsWith('Accepting again'))[0]!.error.message).toBe(
      'Accepting again: 3 connections were reset while the listener was at its limit.',
    );
    await connectPeer(port);
    await engine.waitFor(() => engine.ofType('connection-opened').length === 3);
  });

  it('refuses a limit outside 1–100,000 naming the field', async () => {
    const engine = startEngine();
    for (const maxConnections of [0, 100_001, 2.5]) {
      const result = await dispatch(engine.manager, 'open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, maxConnections } });
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error).toMatchObject({ code: AppCode.InvalidArgument, message: expect.stringContaining('maxConnections') });
    }
    expect((await engine.manager.list({})).ok && engine.ofType('session')).toEqual([]);
  });
});
