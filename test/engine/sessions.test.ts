import { describe, it, expect, afterEach } from 'vitest';
import { AppCode } from '@shared/errors';
import { disposeAll, startEngine, textPayload } from '../support/engine';

afterEach(disposeAll);

describe('many sessions at once', () => {
  it('20 listeners and 20 clients open together, exchange data, close, and are removed', async () => {
    const engine = startEngine();
    const PAIRS = 20;
    const listeners = await Promise.all(
      Array.from({ length: PAIRS }, () => engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 })),
    );
    const ports = new Set(listeners.map((l) => l.local!.port));
    expect(ports.size).toBe(PAIRS);
    const clients = await Promise.all(listeners.map((l) => engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: l.local!.port })));
    expect(clients.every((c) => c.state === 'open')).toBe(true);

    // Each pair talks both ways with its own words.
    await Promise.all(clients.map((c, i) => engine.send(c.id, textPayload(`ping ${i}`))));
    await engine.waitFor(() => listeners.every((l) => engine.ofType('connection-opened', (e) => e.sessionId === l.id).length === 1));
    await Promise.all(listeners.map((l, i) => engine.send(l.id, textPayload(`pong ${i}`))));
    await engine.waitFor(() =>
      listeners.every((l, i) => {
        const lc = engine.ofType('connection-opened', (e) => e.sessionId === l.id)[0]!.conn.connId;
        const cc = clients[i]!.connections[0]!.connId;
        return (
          engine.dataBytes(l.id, lc, 'rx').toString() === `ping ${i}` &&
          engine.dataBytes(clients[i]!.id, cc, 'rx').toString() === `pong ${i}`
        );
      }),
    );
    const listed = await engine.manager.list({});
    expect(listed.ok && listed.value.length).toBe(2 * PAIRS);

    // Close all at once: clients and listeners.
    const all = [...listeners, ...clients];
    const closed = await Promise.all(all.map((s) => engine.manager.close({ sessionId: s.id })));
    expect(closed.every((r) => r.ok && r.value.state === 'closed' && r.value.connections.length === 0)).toBe(true);
    const afterClose = await engine.manager.list({});
    expect(afterClose.ok && afterClose.value.map((s) => s.state)).toEqual(Array(2 * PAIRS).fill('closed'));
    // Counters survive the close.
    for (const [i, s] of afterClose.ok ? afterClose.value.entries() : []) {
      expect(s.counters.rxBytes, `session ${i}`).toBe(5 + String(i % PAIRS).length);
    }

    // Remove them all: gone from the list, each announced once.
    const removed = await Promise.all(all.map((s) => engine.manager.remove({ sessionId: s.id })));
    expect(removed.every((r) => r.ok)).toBe(true);
    const empty = await engine.manager.list({});
    expect(empty.ok && empty.value).toEqual([]);
    await engine.waitFor(() => engine.ofType('session-removed').length === 2 * PAIRS);
    expect(new Set(engine.ofType('session-removed').map((e) => e.sessionId))).toEqual(new Set(all.map((s) => s.id)));
    const again = await engine.manager.remove({ sessionId: all[0]!.id });
    expect(!again.ok && again.error.code).toBe(AppCode.NotFound);
  });

  it('remove() of an open listener closes it first', async () => {
    const engine = startEngine();
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: listener.local!.port });
    expect((await engine.manager.remove({ sessionId: listener.id })).ok).toBe(true);
    await engine.waitFor(() => engine.ofType('session-removed')[0]);
    expect(engine.states(listener.id)).toEqual(['opening', 'open', 'closing', 'closed']);
    // The client saw the listener's side go away (session close destroys: FIN).
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.sessionId === client.id && e.by === 'peer')[0]);
    const missing = await engine.manager.close({ sessionId: listener.id });
    expect(!missing.ok && missing.error.code).toBe(AppCode.NotFound);
  });
});

describe('session state machine', () => {
  it('listener: opening → open → closing → closed, each event carrying the session', async () => {
    const engine = startEngine();
    const listener = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    await engine.manager.close({ sessionId: listener.id });
    await engine.waitFor(() => engine.states(listener.id).at(-1) === 'closed');
    expect(engine.states(listener.id)).toEqual(['opening', 'open', 'closing', 'closed']);
    const open = engine.ofType('session', (e) => e.session.state === 'open')[0]!;
    expect(open.session).toMatchObject({
      id: listener.id,
      kind: 'tcp-server',
      local: { address: '127.0.0.1', port: listener.local!.port, family: 'IPv4' },
    });
    expect(open.session.config).toMatchObject({ host: '127.0.0.1', port: 0, ipv6Only: false, noDelay: true });
  });

  it('error state carries the error and reopening clears it', async () => {
    const engine = startEngine();
    const first = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const clash = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: first.local!.port });
    expect(clash.ok).toBe(false);
    const id = (await engine.waitFor(() => engine.ofType('session', (e) => e.session.state === 'error')[0])).session.id;
    expect(engine.states(id)).toEqual(['opening', 'error']);
    const errorEvent = engine.ofType('session', (e) => e.session.id === id && e.session.state === 'error')[0]!;
    expect(errorEvent.session.error?.code).toBe('EADDRINUSE');
    // Still in conflict: error again, with the error.
    const retry = await engine.manager.reopen({ sessionId: id });
    expect(!retry.ok && retry.error.code).toBe('EADDRINUSE');
    await engine.manager.close({ sessionId: first.id });
    const ok = await engine.manager.reopen({ sessionId: id });
    expect(ok.ok && ok.value.state).toBe('open');
    expect(ok.ok && ok.value.error).toBeUndefined();
    await engine.waitFor(() => engine.states(id).length === 6);
    expect(engine.states(id)).toEqual(['opening', 'error', 'opening', 'error', 'opening', 'open']);
    // The opening event after an error no longer carries it.
    const reopening = engine.ofType('session', (e) => e.session.id === id && e.session.state === 'opening')[2]!;
    expect(reopening.session.error).toBeUndefined();
  });

  it('an unknown session is NOT_FOUND for every call', async () => {
    const engine = startEngine();
    const sessionId = 's404';
    const answers = await Promise.all([
      engine.manager.close({ sessionId }),
      engine.manager.reopen({ sessionId }),
      engine.manager.remove({ sessionId }),
      engine.send(sessionId, textPayload('x')),
      engine.manager.disconnect({ sessionId, mode: 'graceful' }),
    ]);
    for (const answer of answers) expect(!answer.ok && answer.error.code).toBe(AppCode.NotFound);
  });
});
