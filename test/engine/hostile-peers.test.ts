/**
 * Hostile peers against the real engine: real loopback sockets, every session recorded into a
 * fresh temp folder and read back with the transcript reader. Each case checks that the engine
 * stays up, that a second, healthy session keeps working, that what happened is told once, and
 * that the recording holds every byte that arrived.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppCode } from '@shared/errors';
import { MAX_SEND_BYTES, MAX_SEND_QUEUE_BYTES, MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6 } from '@shared/limits';
import type { Result } from '@shared/result';
import { dataRecords, engineWithRecorder, readRecording, recordedBytes, type Recording } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';
import { startLimitedCli, type Line } from '../support/limited-cli';
import {
  connectPeer,
  disposeAll,
  listenPeer,
  onCleanup,
  pseudoRandomBytes,
  sha256,
  track,
  type Engine,
  type Peer,
} from '../support/engine';
import { bindPeer, type Peer as UdpPeer } from '../support/udp';

afterEach(disposeAll);

const b64 = (bytes: Uint8Array) => ({ format: 'base64' as const, value: Buffer.from(bytes).toString('base64') });

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function recordingEngine(): Promise<Engine> {
  return engineWithRecorder({ folder: await tempDir('si-hostile-') }).engine;
}

/** Stop the session's recording and read the file back; it must be whole. */
async function recordingOf(engine: Engine, sessionId: string): Promise<Recording> {
  const stopped = value(await engine.manager.record({ sessionId, action: 'stop' }));
  expect(stopped.error).toBeUndefined();
  const file = await readRecording(stopped.path);
  expect(file.outcome.problem).toBeUndefined();
  expect(file.all.map((r) => r.seq)).toEqual(file.all.map((_, i) => i));
  return file;
}

const errorsOf = (engine: Engine, sessionId: string) => engine.ofType('error', (e) => e.sessionId === sessionId);

/**
 * A second listener with one well-behaved client: `roundTrip` proves both directions still work
 * while (or after) another session is being abused.
 */
async function healthySession(engine: Engine): Promise<{ roundTrip(label: string): Promise<void> }> {
  const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
  const peer = await connectPeer(info.local!.port);
  const { conn } = await engine.waitFor(
    () => engine.ofType('connection-opened', (e) => e.sessionId === info.id)[0],
    5000,
    'the healthy client',
  );
  let rounds = 0;
  return {
    async roundTrip(label) {
      rounds += 1;
      const up = `ping ${rounds} ${label}`;
      const down = `pong ${rounds} ${label}`;
      const rxBefore = engine.dataBytes(info.id, conn.connId, 'rx').length;
      const txBefore = peer.received().length;
      peer.socket.write(up);
      await engine.waitFor(
        () => engine.dataBytes(info.id, conn.connId, 'rx').subarray(rxBefore).toString() === up,
        5000,
        `the healthy session to receive "${up}"`,
      );
      value(await engine.send(info.id, b64(Buffer.from(down))));
      await until(() => peer.received().subarray(txBefore).toString() === down, `the healthy client to receive "${down}"`);
      expect(errorsOf(engine, info.id)).toEqual([]);
    },
  };
}

/** The peer that reset: it must be named, with what happened, in the one error the session shows. */
function expectOneResetError(engine: Engine, sessionId: string, peerPort: number): void {
  const errors = errorsOf(engine, sessionId);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.error.code).toBe('ECONNRESET');
  expect(errors[0]!.error.message).toContain(`127.0.0.1:${peerPort}`);
  expect(errors[0]!.error.message).toContain('the peer reset the connection');
  expect(errors[0]!.error.hint).toMatch(/reset the connection/);
}

describe('a peer that resets mid-stream', () => {
  it('to a listener: one reset notice naming the peer, the listener keeps accepting, every byte before the RST recorded', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(server.local!.port);
    const peerPort = peer.socket.localPort!;
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0], 5000, 'the peer');

    // Half of a length-prefixed message, then RST instead of the rest.
    const part = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00]), pseudoRandomBytes(40_000, 1)]);
    peer.socket.write(part);
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === part.length, 5000, 'the partial message');
    peer.socket.resetAndDestroy();
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 5000, 'the close');
    expect(closed.reason).toBe('peer-reset');
    expectOneResetError(engine, server.id, peerPort);
    await healthy.roundTrip('after the reset');

    // The listener is unharmed: the next client is accepted and heard.
    const next = await connectPeer(server.local!.port);
    const second = await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[1],
      5000,
      'the next client',
    );
    next.socket.write('next');
    await engine.waitFor(
      () => engine.dataBytes(server.id, second.conn.connId, 'rx').toString() === 'next',
      5000,
      "the next client's bytes",
    );
    expect((await engine.info(server.id)).state).toBe('open');

    const file = await recordingOf(engine, server.id);
    expect(sha256(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx'))).toBe(sha256(part));
    expect(file.records.filter((r) => r.type === 'close' && r.conn === conn.connId)).toEqual([
      expect.objectContaining({ reason: 'peer-reset' }),
    ]);
    expect(file.records.filter((r) => r.type === 'error')).toEqual([
      expect.objectContaining({ conn: conn.connId, error: expect.objectContaining({ code: 'ECONNRESET' }) }),
    ]);
  });

  it('right after writing: the recording holds exactly the bytes counted as received, a prefix of what was sent', async () => {
    const engine = await recordingEngine();
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const sent = pseudoRandomBytes(200_000, 2);
    const peers: Peer[] = [];
    for (let i = 0; i < 5; i++) {
      const peer = await connectPeer(server.local!.port);
      peers.push(peer);
      peer.socket.write(sent);
      peer.socket.resetAndDestroy();
    }
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === server.id).length === 5, 5000, 'five closes');
    const conns = engine.ofType('connection-opened', (e) => e.sessionId === server.id).map((e) => e.conn.connId);
    // One notice per reset connection at most, never one per chunk.
    for (const connId of conns) expect(engine.ofType('error', (e) => e.connId === connId).length).toBeLessThanOrEqual(1);
    expect((await engine.info(server.id)).state).toBe('open');

    const file = await recordingOf(engine, server.id);
    for (const connId of conns) {
      const counted = engine.ofType('connection-closed', (e) => e.connId === connId)[0]!.counters.rxBytes;
      const recorded = recordedBytes(file, (r) => r.conn === connId && r.dir === 'rx');
      expect(recorded.length).toBe(counted);
      expect(sha256(sent.subarray(0, recorded.length))).toBe(sha256(recorded));
    }
  });

  it('to a TCP client session: the session ends in error once, names the server, and can reconnect', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const remote = await listenPeer();
    const client = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: remote.port });
    const peer = await remote.next();
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === client.id)[0], 5000, 'connected');

    const part = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<html>only the start');
    peer.socket.write(part);
    await engine.waitFor(() => engine.dataBytes(client.id, conn.connId, 'rx').equals(part), 5000, 'the partial reply');
    peer.socket.resetAndDestroy();
    await engine.waitFor(async () => (await engine.info(client.id)).state === 'error', 5000, 'the client in error');
    expectOneResetError(engine, client.id, remote.port);
    expect(engine.ofType('connection-closed', (e) => e.sessionId === client.id)).toEqual([
      expect.objectContaining({ reason: 'peer-reset' }),
    ]);
    const info = await engine.info(client.id);
    expect(info.error).toMatchObject({ code: 'ECONNRESET' });
    await healthy.roundTrip('after the client was reset');

    value(await engine.manager.reopen({ sessionId: client.id }));
    const again = await remote.next();
    again.socket.write('second life');
    const reopened = await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === client.id)[1],
      5000,
      'reconnected',
    );
    await engine.waitFor(
      () => engine.dataBytes(client.id, reopened.conn.connId, 'rx').toString() === 'second life',
      5000,
      'bytes after reconnecting',
    );

    const file = await recordingOf(engine, client.id);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(part);
    expect(recordedBytes(file, (r) => r.conn === reopened.conn.connId && r.dir === 'rx').toString()).toBe('second life');
  });

  it('while the app sends a large payload: one notice naming the peer, the connection and its queue gone', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(server.local!.port);
    const peerPort = peer.socket.localPort!;
    peer.socket.pause();
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0], 5000, 'the peer');
    const request = Buffer.from('GET /firmware.bin\r\n');
    peer.socket.write(request);
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').equals(request), 5000, 'the request');

    const payload = pseudoRandomBytes(16 * 1024 * 1024, 3);
    value(await engine.send(server.id, b64(payload)));
    await engine.waitFor(async () => (await engine.info(server.id)).connections[0]?.blocked, 5000, 'the send to wait on the peer');
    peer.socket.resume();
    await until(() => peer.received().length > 1024 * 1024, 'the peer to read a megabyte');
    peer.socket.resetAndDestroy();

    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 5000, 'the close');
    expect(closed.reason).toBe('peer-reset');
    const errors = errorsOf(engine, server.id);
    expect(errors).toHaveLength(1);
    // Which side of the socket saw the RST first decides the wording; both name the peer.
    expect(errors[0]!.error.message).toMatch(
      new RegExp(
        `^(Sending to|The connection with) 127\\.0\\.0\\.1:${peerPort} failed: the peer reset the connection \\(ECONNRESET\\)\\.$`,
      ),
    );
    expect((await engine.info(server.id)).connections).toEqual([]);
    await healthy.roundTrip('after the reset during a send');

    const file = await recordingOf(engine, server.id);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(request);
  });
});

describe('a peer that half-closes and keeps reading', () => {
  it('half-open listener: the FIN shown once, the app still sends to it, then a clean close, all recorded', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
    const peer = await connectPeer(server.local!.port, '127.0.0.1', { allowHalfOpen: true });
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0], 5000, 'the peer');

    const request = Buffer.from('REQUEST everything you have\n');
    peer.socket.end(request);
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === conn.connId)[0], 5000, 'the FIN');
    const connection = (await engine.info(server.id)).connections[0]!;
    expect(connection).toMatchObject({ peerEnded: true, localEnded: false });

    // The peer still reads: several answers go out after its FIN.
    const answers = [Buffer.from('part 1\n'), pseudoRandomBytes(100_000, 4), Buffer.from('done\n')];
    for (const answer of answers) value(await engine.send(server.id, b64(answer), { type: 'connections', connIds: [conn.connId] }));
    const answer = Buffer.concat(answers);
    await until(() => peer.received().length === answer.length, 'the answers after the FIN');
    expect(sha256(peer.received())).toBe(sha256(answer));
    await healthy.roundTrip('while half-closed');

    value(await engine.manager.disconnect({ sessionId: server.id, connId: conn.connId, mode: 'graceful' }));
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 5000, 'the close');
    expect(closed.reason).toBe('peer-closed');
    await until(() => peer.closed, 'the peer to see our FIN');
    expect(peer.log).toEqual(['end', 'close']);
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId).map((e) => e.by)).toEqual(['peer', 'local']);
    expect(errorsOf(engine, server.id)).toEqual([]);

    const file = await recordingOf(engine, server.id);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(request);
    expect(sha256(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'tx'))).toBe(sha256(answer));
    expect(
      file.records
        .filter((r) => r.type === 'half-close' || r.type === 'close')
        .map((r) => (r.type === 'half-close' ? `half-close:${r.by}` : r.type === 'close' && `close:${r.reason}`)),
    ).toEqual(['half-close:peer', 'half-close:local', 'close:peer-closed']);
  });

  it('a client with a half-close linger of 0 answers the FIN with its own: shown once, closed cleanly, nothing lost', async () => {
    const engine = await recordingEngine();
    const remote = await listenPeer('127.0.0.1', { allowHalfOpen: true });
    const client = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port: remote.port, halfCloseLingerMs: 0 });
    const peer = await remote.next();
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === client.id)[0], 5000, 'connected');

    const banner = Buffer.from('220 bye now\r\n');
    peer.socket.end(banner);
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 5000, 'the close');
    expect(closed.reason).toBe('peer-closed');
    await until(() => peer.ended, 'the peer to read our answering FIN');
    expect(engine.ofType('half-closed', (e) => e.connId === conn.connId).map((e) => e.by)).toEqual(['peer', 'local']);
    expect(errorsOf(engine, client.id)).toEqual([]);
    expect((await engine.info(client.id)).state).toBe('closed');
    const late = await engine.send(client.id, b64(Buffer.from('too late')));
    expect(late.ok || late.error).toMatchObject({ code: 'BAD_STATE', message: expect.stringContaining('closed') });

    const file = await recordingOf(engine, client.id);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(banner);
  });
});

describe('a peer that trickles one byte at a time', () => {
  it('every byte arrives and is recorded in order, and the connection is never timed out', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(server.local!.port);
    peer.socket.setNoDelay(true);
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0], 5000, 'the peer');

    const message = Buffer.from('AT+CGMI\r\nOK\x00\xff\x1b[0m\xc3\xa9!', 'latin1');
    expect(message.length).toBe(20);
    for (const [i, byte] of message.entries()) {
      peer.socket.write(Buffer.of(byte));
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (i === 10) await healthy.roundTrip('during the trickle');
    }
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === message.length, 5000, 'all twenty bytes');
    expect(engine.dataBytes(server.id, conn.connId, 'rx')).toEqual(message);
    const info = await engine.info(server.id);
    expect(info.connections.map((c) => c.connId)).toEqual([conn.connId]);
    expect(info.connections[0]!.counters).toMatchObject({ rxBytes: message.length });
    expect(engine.ofType('connection-closed', (e) => e.sessionId === server.id)).toEqual([]);
    expect(errorsOf(engine, server.id)).toEqual([]);
    expect(peer.closed).toBe(false);

    const file = await recordingOf(engine, server.id);
    const records = file.records.filter((r) => r.type === 'data' && r.conn === conn.connId);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(message);
    // One byte a write, and the recorder keeps each chunk as it came.
    expect(records.length).toBeGreaterThan(1);
  });
});

describe('a peer that never reads', () => {
  it('fills the send queue to its cap, then sends are refused with SEND_QUEUE_FULL naming the fix; it drains once the peer reads', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const stuck = await connectPeer(server.local!.port);
    stuck.socket.pause();
    const stuckPort = stuck.socket.localPort!;
    const { conn } = await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0],
      5000,
      'the stuck peer',
    );
    const reader = await connectPeer(server.local!.port);
    const other = await engine.waitFor(
      () => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[1],
      5000,
      'the reading peer',
    );

    const chunk = pseudoRandomBytes(MAX_SEND_BYTES, 5);
    const payload = b64(chunk);
    const baseline = process.memoryUsage().arrayBuffers;
    let accepted = 0;
    let refusal: Result<unknown> | undefined;
    for (let i = 0; i < 10 && !refusal; i++) {
      const result = await engine.send(server.id, payload, { type: 'connections', connIds: [conn.connId] });
      if (result.ok) accepted += 1;
      else refusal = result;
    }
    const grown = process.memoryUsage().arrayBuffers - baseline;
    expect(refusal && !refusal.ok && refusal.error).toMatchObject({
      code: AppCode.QueueFull,
      message: expect.stringMatching(
        new RegExp(
          `^Connection ${conn.connId}: \\d+ bytes are still waiting for 127\\.0\\.0\\.1:${stuckPort} to read; sending ${MAX_SEND_BYTES} more would pass the ${MAX_SEND_QUEUE_BYTES}-byte limit\\.$`,
        ),
      ),
      hint: expect.stringMatching(/not reading.*Wait until it catches up.*or disconnect it/),
    });
    // The cap, give or take what the kernel's socket buffers took off the queue.
    expect(accepted * MAX_SEND_BYTES).toBeLessThanOrEqual(MAX_SEND_QUEUE_BYTES + MAX_SEND_BYTES);
    expect(accepted * MAX_SEND_BYTES).toBeGreaterThan(MAX_SEND_QUEUE_BYTES - MAX_SEND_BYTES);
    // What the engine holds for the peer (the queue, the payload and one refused decode), not more.
    expect(grown).toBeLessThan(MAX_SEND_QUEUE_BYTES + 3 * MAX_SEND_BYTES);

    // Blocked is reported once, and the session says so.
    await engine.waitFor(() => engine.ofType('backpressure', (e) => e.connId === conn.connId)[0], 5000, 'blocked');
    expect(engine.ofType('backpressure', (e) => e.connId === conn.connId).map((e) => e.blocked)).toEqual([true]);
    expect((await engine.info(server.id)).connections.find((c) => c.connId === conn.connId)).toMatchObject({ blocked: true });

    // One slow peer does not silence the rest: a send to all still reaches the reader, and names the stuck one.
    const toAll = await engine.send(server.id, b64(Buffer.from('to everyone')));
    expect(toAll.ok || toAll.error).toMatchObject({
      code: AppCode.QueueFull,
      message: expect.stringMatching(new RegExp(`^Sent to 1 of 2 connections\\. Connection ${conn.connId}: `)),
    });
    await until(() => reader.received().toString() === 'to everyone', 'the reading peer to get its bytes');
    expect(engine.ofType('connection-opened', (e) => e.conn.connId === other.conn.connId)).toHaveLength(1);
    await healthy.roundTrip('while a peer is blocked');
    expect(errorsOf(engine, server.id)).toEqual([]);

    // The peer starts reading: the queue drains, the block lifts once, and sending works again.
    stuck.socket.resume();
    const expected = Buffer.concat([...Array.from({ length: accepted }, () => chunk), Buffer.from('after the drain')]);
    await engine.waitFor(() => engine.ofType('backpressure', (e) => e.connId === conn.connId).length === 2, 20_000, 'unblocked');
    expect(engine.ofType('backpressure', (e) => e.connId === conn.connId).map((e) => e.blocked)).toEqual([true, false]);
    value(await engine.send(server.id, b64(Buffer.from('after the drain')), { type: 'connections', connIds: [conn.connId] }));
    await until(() => stuck.received().length === expected.length, 'everything accepted to arrive', 20_000);
    expect(sha256(stuck.received())).toBe(sha256(expected));
    expect((await engine.info(server.id)).connections.find((c) => c.connId === conn.connId)).toMatchObject({ blocked: false });

    const file = await recordingOf(engine, server.id);
    expect(sha256(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'tx'))).toBe(sha256(expected));
  });
});

/** What a hostile or broken device may send: every byte value and the text that fools displays. */
function nastyBytes(): Buffer {
  const parts: (string | number[])[] = [
    Array.from({ length: 256 }, (_, i) => i),
    Array.from({ length: 256 }, (_, i) => 255 - i),
    // Invalid UTF-8: a lone continuation, an overlong NUL, a UTF-16 surrogate, a cut-off sequence, bytes never valid.
    [0x80, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xe2, 0x82, 0xf8, 0x88, 0x80, 0x80, 0x80, 0xfe, 0xff, 0xf4, 0x90, 0x80, 0x80],
    // ANSI/VT escapes: clear screen, retitle the window, a hyperlink, colours, a device status query.
    '\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;https://example.invalid/\x1b\\click\x1b]8;;\x1b\\\x1b[31;1mred\x1b[0m\x1b[6n\x9b31m',
    // Bidi controls and invisible characters that reorder or hide text.
    'user\u202Etxt.exe\u202C \u2066isolate\u2069 \u200F\u200E\u061C \u200B\u2060\uFEFF',
    // Markup and script, and what breaks JSON lines or a terminal line.
    '<script>alert(1)</script><img src=x onerror=alert(document.cookie)><svg/onload=alert(1)>{{constructor.constructor("alert(1)")()}}',
    '"quotes" \\back\\slash\\ \u2028line\u2029para\r\n\r\0\0\n{"__proto__":{"polluted":true}}',
  ];
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

describe('every byte value, invalid UTF-8, escapes, bidi controls and markup', () => {
  it('pass through TCP both ways and into the recording byte for byte', async () => {
    const engine = await recordingEngine();
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = await connectPeer(server.local!.port);
    const { conn } = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === server.id)[0], 5000, 'the peer');
    const nasty = nastyBytes();

    peer.socket.write(nasty);
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === nasty.length, 5000, 'the bytes');
    expect(engine.dataBytes(server.id, conn.connId, 'rx')).toEqual(nasty);
    value(await engine.send(server.id, b64(nasty)));
    value(await engine.send(server.id, { format: 'hex', value: nasty.toString('hex') }));
    await until(() => peer.received().length === 2 * nasty.length, 'the echo');
    expect(peer.received()).toEqual(Buffer.concat([nasty, nasty]));
    expect(errorsOf(engine, server.id)).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');

    const file = await recordingOf(engine, server.id);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'rx')).toEqual(nasty);
    expect(recordedBytes(file, (r) => r.conn === conn.connId && r.dir === 'tx')).toEqual(Buffer.concat([nasty, nasty]));
  });

  it('pass through UDP as one datagram, each way, into the recording byte for byte', async () => {
    const engine = await recordingEngine();
    const udp = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const peer = await bindPeer('udp4', '127.0.0.1');
    onCleanup(() => peer.close());
    const nasty = nastyBytes();

    await peer.send(nasty, udp.local!.port, '127.0.0.1');
    const rx = await engine.waitFor(() => engine.ofType('data', (e) => e.sessionId === udp.id && e.dir === 'rx')[0], 5000, 'the datagram');
    expect(Buffer.from(rx.bytes)).toEqual(nasty);
    value(await engine.send(udp.id, b64(nasty), { type: 'last-sender' }));
    await until(() => peer.received.length === 1, 'the echo');
    expect(peer.received[0]!.bytes).toEqual(nasty);

    const file = await recordingOf(engine, udp.id);
    expect(dataRecords(file).map((r) => [r.dir, Buffer.from(r.bytes).equals(nasty)])).toEqual([
      ['rx', true],
      ['tx', true],
    ]);
  });
});

/** A client of the starved listener: whether the far end closed it before the test did. */
interface Client {
  socket: Socket;
  dropped: boolean;
}

function openClient(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = track(connect({ host: '127.0.0.1', port }));
    const client: Client = { socket, dropped: false };
    socket.on('error', () => undefined);
    socket.once('close', () => (client.dropped = true));
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

const FD_LIMIT = 128;
const CLIENTS = 300;

describe('a peer that opens connections until file descriptors run out', () => {
  it('the listener says so once with the fix, keeps what it holds, accepts again when some close; the control channel answers', async () => {
    const folder = await tempDir('si-hostile-fd-');
    const cli = startLimitedCli(FD_LIMIT, ['--record-dir', folder]);
    await cli.until((lines) => lines.some((l) => l.kind === 'ready'), 'ready line');
    const opened = await cli.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
    expect(opened).toMatchObject({ ok: true, value: { state: 'open', recording: { active: true } } });
    const session = opened.value as { id: string; local: { port: number }; recording: { path: string } };
    const port = session.local.port;
    const events = (type: string, lines: Line[] = cli.lines) =>
      lines.filter((l) => l.kind === 'event' && l.type === type && l.sessionId === session.id);
    const accepted = () => events('connection-opened').length;

    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(port)));
    await cli.until(() => accepted() + clients.filter((c) => c.dropped).length === CLIENTS, 'every client accepted or dropped');
    const held = clients.filter((c) => !c.dropped);
    expect(held.length).toBe(accepted());
    expect(held.length).toBeGreaterThan(50);
    expect(held.length).toBeLessThan(FD_LIMIT);

    // Told once, not once per lost client, with the OS code and what to do; the listener checks
    // for descriptors a few milliseconds after clients arrive, so the notice may follow the drops.
    await cli.until(() => events('error').length > 0, 'the out-of-descriptors notice');
    const notices = events('error');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.error).toMatchObject({
      code: 'EMFILE',
      message: `Out of file descriptors (EMFILE) with ${held.length} connections open on 127.0.0.1:${port}: further clients are closed as soon as they connect, before the listener sees them.`,
      hint: expect.stringMatching(/ulimit -n.*connection limit/),
    });

    // The control channel answers, the listener is open, and the connections it holds still work.
    const listed = await cli.call('list', {});
    expect(listed).toMatchObject({ ok: true, value: [{ id: session.id, state: 'open' }] });
    expect((listed.value as { connections: unknown[] }[])[0]!.connections).toHaveLength(held.length);
    held[0]!.socket.write('still held');
    await cli.until(
      () => events('data').some((e) => e.bytes === Buffer.from('still held').toString('base64')),
      'bytes from a held connection',
    );
    // Nothing new can open meanwhile, and the answer says why and what to do.
    const another = await cli.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, record: false } });
    expect(another).toMatchObject({
      ok: false,
      error: {
        code: 'EMFILE',
        message: expect.stringContaining('too many open files (EMFILE)'),
        hint: expect.stringContaining('ulimit -n'),
      },
    });

    // Some clients leave: the listener says it accepts again, once, and does.
    for (const client of held.slice(1, 11)) client.socket.destroy();
    await cli.until(() => events('error').length === 2, 'the all-clear');
    expect(events('error')[1]!.error).toMatchObject({
      code: 'EMFILE',
      message: `Accepting again on 127.0.0.1:${port}: file descriptors are free again (${held.length - 1} connections open).`,
    });
    const late = await openClient(port);
    late.socket.write('after the storm');
    await cli.until(
      () => events('data').some((e) => e.bytes === Buffer.from('after the storm').toString('base64')),
      'bytes from a new client',
    );
    expect(late.dropped).toBe(false);
    expect(events('error')).toHaveLength(2);

    cli.end();
    expect(await cli.exited).toBe(0);
    const file = await readRecording(session.recording.path);
    expect(file.outcome).toMatchObject({ ended: true });
    expect(file.outcome.problem).toBeUndefined();
    expect(file.records.filter((r) => r.type === 'open')).toHaveLength(held.length + 1);
    const rx = recordedBytes(file, (r) => r.dir === 'rx').toString();
    expect(rx).toContain('still held');
    expect(rx).toContain('after the storm');
  });
});

describe('UDP peers at every size boundary and from many source ports', () => {
  it('records datagrams of 0, 1 and the largest size over IPv4 and IPv6 whole, in order, each with its sender', async () => {
    const engine = await recordingEngine();
    const sessions = [
      { host: '127.0.0.1', type: 'udp4' as const, max: MAX_UDP_PAYLOAD_IPV4 },
      { host: '::1', type: 'udp6' as const, max: MAX_UDP_PAYLOAD_IPV6 },
    ];
    for (const { host, type, max } of sessions) {
      const udp = await engine.openOk({ kind: 'udp', host, port: 0 });
      const peer = await bindPeer(type, host);
      onCleanup(() => peer.close());
      const sizes = [0, 1, max - 1, max, 0];
      const sent = sizes.map((size, i) => pseudoRandomBytes(size, 100 + i));
      for (const [i, datagram] of sent.entries()) {
        await peer.send(datagram, udp.local!.port, host);
        await engine.waitFor(
          () => engine.ofType('data', (e) => e.sessionId === udp.id && e.dir === 'rx').length === i + 1,
          5000,
          `datagram ${i} (${datagram.length} bytes) over ${type}`,
        );
      }
      // The largest datagram goes back too; one byte more is refused before it reaches the socket.
      value(await engine.send(udp.id, b64(sent[3]!), { type: 'last-sender' }));
      const tooBig = await engine.send(udp.id, b64(pseudoRandomBytes(max + 1)), { type: 'last-sender' });
      expect(tooBig.ok || tooBig.error).toMatchObject({
        code: 'EMSGSIZE',
        message: expect.stringContaining(`carries at most ${max.toLocaleString('en-US')}`),
      });
      await until(() => peer.received.length === 1, 'the largest datagram back');
      expect(peer.received[0]!.bytes.length).toBe(max);
      expect(errorsOf(engine, udp.id)).toEqual([]);

      const file = await recordingOf(engine, udp.id);
      const rx = dataRecords(file, (r) => r.dir === 'rx');
      expect(rx.map((r) => r.bytes.length)).toEqual(sizes);
      expect(rx.map((r) => sha256(r.bytes))).toEqual(sent.map(sha256));
      expect(new Set(rx.map((r) => `${r.remote.address} ${r.remote.port}`))).toEqual(new Set([`${host} ${peer.port}`]));
    }
  });

  it('bursts from hundreds of source ports: every datagram recorded with its port, and the session keeps no list of senders', async () => {
    const engine = await recordingEngine();
    const healthy = await healthySession(engine);
    const udp = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const before = JSON.stringify(await engine.info(udp.id)).length;
    const bursts = 8;
    const perBurst = 32;
    const sent = new Map<number, Buffer>();
    for (let burst = 0; burst < bursts; burst++) {
      // Kept open to the end, so every sender has a port of its own.
      const peers: UdpPeer[] = await Promise.all(Array.from({ length: perBurst }, () => bindPeer('udp4', '127.0.0.1')));
      for (const peer of peers) onCleanup(() => peer.close());
      // Small bursts, so the kernel's receive buffer never overflows: a loss here would be the OS's, not the engine's.
      await Promise.all(
        peers.map((peer, i) => {
          const datagram = Buffer.from(`burst ${burst} peer ${i} port ${peer.port}`);
          sent.set(peer.port, datagram);
          return peer.send(datagram, udp.local!.port, '127.0.0.1');
        }),
      );
      await engine.waitFor(
        () => engine.ofType('data', (e) => e.sessionId === udp.id && e.dir === 'rx').length === (burst + 1) * perBurst,
        5000,
        `burst ${burst}`,
      );
      if (burst === bursts / 2) await healthy.roundTrip('between bursts');
    }
    expect(sent.size).toBe(bursts * perBurst);

    // What the session keeps about senders is one endpoint, however many there were.
    const info = await engine.info(udp.id);
    expect(info.counters).toMatchObject({ rxMessages: bursts * perBurst });
    expect(info.lastSender).toBeDefined();
    expect(JSON.stringify(info).length).toBeLessThan(before + 200);
    expect(errorsOf(engine, udp.id)).toEqual([]);
    await healthy.roundTrip('after the bursts');

    const file = await recordingOf(engine, udp.id);
    const rx = dataRecords(file, (r) => r.dir === 'rx');
    expect(rx).toHaveLength(sent.size);
    for (const record of rx) expect(Buffer.from(record.bytes)).toEqual(sent.get(record.remote.port));
  });
});
