/**
 * The TCP idle timeout (`idleTimeoutMs`, socat's -T): a connection that sends and receives
 * nothing that long is closed with FIN, and the session says why, then and afterwards.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPeer, disposeAll, onCleanup, startEngine, textPayload } from '../support/engine';

afterEach(disposeAll);

const IDLE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TCP idle timeout', () => {
  it('closes a silent client with FIN after the timeout, saying why', async () => {
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, idleTimeoutMs: IDLE_MS });
    const started = Date.now();
    const peer = await connectPeer(session.local!.port);
    await engine.waitFor(() => peer.ended, 3_000, 'the FIN from the idle timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(peer.log[0]).toBe('end');
    const [notice] = engine.ofType('error', (event) => event.sessionId === session.id);
    expect(notice!.error.code).toBe('IDLE_TIMEOUT');
    expect(notice!.error.message).toMatch(/sent and received nothing for 300 ms \(the idle timeout\), so it is being closed with FIN/);
    expect(notice!.error.hint).toMatch(/idle timeout/);

    await engine.waitFor(
      () => engine.ofType('connection-closed', (event) => event.sessionId === session.id).length === 1,
      3_000,
      'the close',
    );
    const refused = await engine.send(session.id, textPayload('late'), { type: 'connections', connIds: [notice!.connId!] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/nothing was sent or received for 300 ms \(the idle timeout\)/);
  });

  it('counts from the last byte either way: a talking client stays connected', async () => {
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, idleTimeoutMs: IDLE_MS });
    const peer = await connectPeer(session.local!.port);
    for (let i = 0; i < 8; i++) {
      peer.socket.write('tick');
      await sleep(IDLE_MS / 3);
    }
    expect(peer.ended).toBe(false);
    await engine.waitFor(() => peer.ended, 3_000, 'the FIN once the client went quiet');
  });

  it('closes a TCP client session’s connection to a silent python3 server', async () => {
    const server = spawn('python3', [
      '-c',
      'import socket, time\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen()\nprint(s.getsockname()[1], flush=True)\nc, _ = s.accept()\nprint("eof" if c.recv(1) == b"" else "data", flush=True)',
    ]);
    onCleanup(() => {
      server.kill();
    });
    const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
    const port = Number((await lines.next()).value);
    const engine = startEngine();
    await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port, idleTimeoutMs: IDLE_MS });
    // The server reads until our FIN: an empty read is what the idle timeout sent.
    expect((await lines.next()).value).toBe('eof');
  });

  it('leaves quiet connections alone when it is not set', async () => {
    const engine = startEngine();
    const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(session.local!.port);
    await sleep(IDLE_MS * 2);
    expect(peer.ended).toBe(false);
    expect(engine.ofType('error', (event) => event.sessionId === session.id)).toEqual([]);
  });
});
