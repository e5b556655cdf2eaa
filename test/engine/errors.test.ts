import { describe, it, expect, afterEach } from 'vitest';
import { AppCode, hintFor } from '@shared/errors';
import { english } from '@shared/phrase';
import { socketError } from '@engine/socket-errors';
import { connectPeer, disposeAll, listenPeer, startEngine, textPayload, type Engine } from '../support/engine';

afterEach(disposeAll);

const FALLBACK = english(hintFor('NOT_A_REAL_CODE'));
const CODES = [
  'EADDRINUSE',
  'EACCES',
  'EADDRNOTAVAIL',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EMSGSIZE',
  'EHOSTUNREACH',
  'EMFILE',
  'ECONNABORTED',
  'EHOSTDOWN',
  'ENETDOWN',
  'EAFNOSUPPORT',
  'ENOTCONN',
];

function osError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`raw node text for ${code}`);
  err.code = code;
  return err;
}

async function onlyFailedSession(engine: Engine, excluding: string[] = []) {
  const list = await engine.manager.list({});
  if (!list.ok) throw new Error(list.error.message);
  const found = list.value.filter((s) => !excluding.includes(s.id));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('socketError', () => {
  it.each(CODES)('%s: names address:port and code, in plain words, with a specific hint', (code) => {
    const v4 = socketError(osError(code), 'connect', { address: '127.0.0.1', port: 8080 });
    expect(v4.code).toBe(code);
    expect(v4.message).toContain('127.0.0.1:8080');
    expect(v4.message).toContain(`(${code})`);
    expect(v4.message).not.toContain('raw node text');
    expect(v4.hint.length).toBeGreaterThan(20);
    expect(v4.hint).not.toBe(FALLBACK);
    expect(v4.hint).toBe(english(hintFor(code)));

    const v6 = socketError(osError(code), 'listen', { address: '::1', port: 9 });
    expect(v6.message).toContain('[::1]:9');
    expect(v6.message).toMatch(/^Listening on \[::1\]:9 failed: .+ \(\w+\)\.$/);
  });

  it('keeps Node’s own text for a code it has no words for, with the fallback hint', () => {
    const odd = socketError(osError('EWHATEVER'), 'bind', { address: '0.0.0.0', port: 1 });
    expect(odd.message).toBe('Binding to 0.0.0.0:1 failed: raw node text for EWHATEVER (EWHATEVER).');
    expect(odd.hint).toBe(FALLBACK);
  });

  it('says a system call’s error it has no words for in its own, the code kept: Node’s words say no more', () => {
    const err = osError('EPROTO');
    err.syscall = 'connect';
    const odd = socketError(err, 'connect', { address: '10.0.0.1', port: 80 });
    expect(odd.message).toBe('Connecting to 10.0.0.1:80 failed: the OS reported an error (EPROTO).');
    expect(odd.i18n.message).toMatchObject({ params: { text: { params: { what: { key: 'os.other' }, code: 'EPROTO' } } } });
  });

  it('turns a thrown non-error into INTERNAL and an address without a port into just the address', () => {
    const weird = socketError('boom', 'join', { address: '239.1.2.3' });
    expect(weird.code).toBe(AppCode.Internal);
    expect(weird.message).toBe('Joining multicast group 239.1.2.3 failed: boom (INTERNAL).');
  });
});

describe('real socket errors on loopback', () => {
  it('EADDRINUSE: the second listener fails cleanly, is in error state, and the first still works', async () => {
    const engine = startEngine();
    const first = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const port = first.local!.port;
    const second = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('EADDRINUSE');
    expect(second.error.message).toContain(`127.0.0.1:${port}`);
    expect(second.error.message).toContain('already in use');
    expect(second.error.hint).toBe(english(hintFor('EADDRINUSE')));
    const failed = await onlyFailedSession(engine, [first.id]);
    expect(failed.state).toBe('error');
    expect(failed.error).toEqual(second.error);
    const errorStates = await engine.waitFor(
      () => engine.ofType('session', (e) => e.session.id === failed.id && e.session.state === 'error')[0],
    );
    expect(errorStates.session.error?.code).toBe('EADDRINUSE');

    // The first listener is unharmed.
    const peer = await connectPeer(port);
    const conn = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === first.id)[0]);
    expect((await engine.send(first.id, textPayload('still here'))).ok).toBe(true);
    await engine.waitFor(() => peer.received().toString() === 'still here');
    expect(conn.conn.remote.port).toBe(peer.socket.localPort);
    // The failed one can be retried on a free port.
    const { sessionId } = { sessionId: failed.id };
    await engine.manager.close({ sessionId: first.id });
    const retried = await engine.manager.reopen({ sessionId });
    expect(retried.ok && retried.value.state).toBe('open');
    expect(retried.ok && retried.value.error).toBeUndefined();
  });

  it('EADDRNOTAVAIL: binding to an address this machine does not have (no packets are sent)', async () => {
    const engine = startEngine();
    // TEST-NET-2: documentation only, never assigned here. Binding sends nothing.
    const result = await engine.open({ kind: 'tcp-server', host: '198.51.100.1', port: 0 });
    expect(!result.ok && result.error.code).toBe('EADDRNOTAVAIL');
    if (result.ok) return;
    expect(result.error.message).toContain('198.51.100.1:0');
    expect(result.error.hint).toBe(english(hintFor('EADDRNOTAVAIL')));
    expect((await onlyFailedSession(engine)).state).toBe('error');
  });

  it('EADDRNOTAVAIL: a client whose local address is not ours fails before connecting', async () => {
    const engine = startEngine();
    const server = await listenPeer();
    const result = await engine.open({ kind: 'tcp-client', host: '127.0.0.1', port: server.port, localAddress: '198.51.100.1' });
    expect(!result.ok && result.error.code).toBe('EADDRNOTAVAIL');
    if (!result.ok) expect(result.error.message).toContain(`127.0.0.1:${server.port}`);
    expect(server.peers).toHaveLength(0);
  });

  it('ENOTFOUND (or EAI_AGAIN without a resolver): a .invalid name never resolves', async () => {
    const engine = startEngine();
    const result = await engine.open({ kind: 'tcp-client', host: 'nonexistent.invalid', port: 80 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(result.error.code);
    expect(result.error.message).toContain('nonexistent.invalid:80');
    expect(result.error.hint).toBe(english(hintFor(result.error.code)));
    expect(result.error.hint).not.toBe(FALLBACK);
    const session = await onlyFailedSession(engine);
    expect(session.state).toBe('error');
    expect(session.connections).toEqual([]);
  });

  const isRoot = process.getuid?.() === 0;
  // As root, port 80 is allowed: there is no EACCES to provoke on loopback without traffic.
  it.runIf(!isRoot)('EACCES: a port below 1024 without privileges', async () => {
    const engine = startEngine();
    const result = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: 80 });
    expect(!result.ok && result.error.code).toBe('EACCES');
    if (!result.ok) expect(result.error.message).toContain('127.0.0.1:80');
  });
});
