/**
 * The recorder behind a real engine: real loopback sockets, real files in a temp folder, read
 * back with the transcript reader.
 */
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '@shared/address';
import type { Result } from '@shared/result';
import { bindPeer } from '../support/udp';
import { connectPeer, disposeAll, pseudoRandomBytes, writeAll } from '../support/engine';
import { until } from '../support/until';
import { APP, dataRecords, engineWithRecorder, readRecording, recordedBytes, recordingEvents } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

const b64 = (bytes: Uint8Array) => ({ format: 'base64' as const, value: Buffer.from(bytes).toString('base64') });
const port = (endpoint: Endpoint | undefined) => endpoint?.port;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('a TCP server with two real clients', () => {
  it('records every chunk both ways, the half-close, the reset, the states and the end, seq without gaps', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
    const listenPort = server.local!.port;

    const a = await connectPeer(listenPort, '127.0.0.1', { allowHalfOpen: true });
    const connA = (await engine.waitFor(() => engine.ofType('connection-opened')[0], 5000, 'A accepted')).conn.connId;
    const b = await connectPeer(listenPort);
    const clientPorts = new Map([
      [a, a.socket.localPort],
      [b, b.socket.localPort],
    ]);
    const connB = (await engine.waitFor(() => engine.ofType('connection-opened')[1], 5000, 'B accepted')).conn.connId;

    const fromA = pseudoRandomBytes(300_000, 11);
    const fromB = pseudoRandomBytes(120_000, 22);
    const toA = pseudoRandomBytes(200_000, 33);
    const toB = Buffer.from('hello B\r\n\0\xff', 'latin1');
    const afterFin = Buffer.from('still talking after your FIN');
    await Promise.all([writeAll(a.socket, fromA), writeAll(b.socket, fromB)]);
    value(await engine.send(server.id, b64(toA), { type: 'connections', connIds: [connA] }));
    value(await engine.send(server.id, b64(toB), { type: 'connections', connIds: [connB] }));
    await until(() => a.received().length === toA.length && b.received().length === toB.length, 'the replies');
    await engine.waitFor(
      () =>
        engine.dataBytes(server.id, connA, 'rx').length === fromA.length &&
        engine.dataBytes(server.id, connB, 'rx').length === fromB.length,
      5000,
      'both uploads',
    );

    a.socket.end();
    await engine.waitFor(() => engine.ofType('half-closed', (e) => e.connId === connA && e.by === 'peer')[0], 5000, 'A FIN');
    value(await engine.send(server.id, b64(afterFin), { type: 'connections', connIds: [connA] }));
    await until(() => a.received().length === toA.length + afterFin.length, 'bytes after the FIN');
    value(await engine.manager.disconnect({ sessionId: server.id, connId: connA, mode: 'graceful' }));
    b.socket.resetAndDestroy();
    await engine.waitFor(() => engine.ofType('connection-closed').length === 2, 5000, 'both closes');

    const stopped = value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));
    expect(stopped).toMatchObject({ active: false, records: expect.any(Number) });
    expect(stopped.error).toBeUndefined();
    const file = await readRecording(stopped.path);

    expect(file.outcome.problem).toBeUndefined();
    expect(file.outcome.ended).toBe(true);
    expect(file.all.map((r) => r.seq)).toEqual(file.all.map((_, i) => i));
    expect(stopped.records).toBe(file.all.length);

    expect(file.header).toMatchObject({
      type: 'header',
      session: server.id,
      kind: 'tcp-server',
      app: APP,
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true },
      connections: [],
    });

    expect(file.records.filter((r) => r.type === 'state').map((r) => r.type === 'state' && [r.state, port(r.local)])).toEqual([
      ['opening', undefined],
      ['open', listenPort],
    ]);
    expect(file.records.filter((r) => r.type === 'open')).toEqual([
      expect.objectContaining({
        conn: connA,
        local: expect.objectContaining({ port: listenPort }),
        remote: { address: '127.0.0.1', port: clientPorts.get(a), family: 'IPv4' },
      }),
      expect.objectContaining({ conn: connB, remote: expect.objectContaining({ port: clientPorts.get(b) }) }),
    ]);

    expect(recordedBytes(file, (r) => r.conn === connA && r.dir === 'rx').equals(fromA)).toBe(true);
    expect(recordedBytes(file, (r) => r.conn === connB && r.dir === 'rx').equals(fromB)).toBe(true);
    expect(recordedBytes(file, (r) => r.conn === connA && r.dir === 'tx').equals(Buffer.concat([toA, afterFin]))).toBe(true);
    expect(recordedBytes(file, (r) => r.conn === connB && r.dir === 'tx').equals(toB)).toBe(true);
    // Chunks are kept as the sockets delivered them, not merged as the display merges them.
    expect(dataRecords(file, (r) => r.conn === connA && r.dir === 'rx').length).toBeGreaterThan(1);
    for (const record of dataRecords(file)) {
      const client = record.conn === connA ? a : b;
      expect(record.local).toEqual({ address: '127.0.0.1', port: listenPort, family: 'IPv4' });
      expect(record.remote).toEqual({ address: '127.0.0.1', port: clientPorts.get(client), family: 'IPv4' });
    }

    const types = file.records.map((r) => r.type);
    const halfCloses = file.records.filter((r) => r.type === 'half-close');
    expect(halfCloses.map((r) => r.type === 'half-close' && [r.conn, r.by])).toEqual([
      [connA, 'peer'],
      [connA, 'local'],
    ]);
    const lastRxOfA = file.records.findLastIndex((r) => r.type === 'data' && r.conn === connA && r.dir === 'rx');
    expect(file.records.indexOf(halfCloses[0]!)).toBeGreaterThan(lastRxOfA);
    expect(file.records.filter((r) => r.type === 'close').map((r) => r.type === 'close' && [r.conn, r.reason])).toEqual(
      expect.arrayContaining([
        [connA, 'peer-closed'],
        [connB, 'peer-reset'],
      ]),
    );
    expect(file.records.find((r) => r.type === 'error')).toMatchObject({ conn: connB, error: { code: 'ECONNRESET' } });
    expect(types.at(-1)).toBe('end');
    expect(file.records.at(-1)).toMatchObject({ type: 'end', reason: 'stopped' });
  });
});

describe('a UDP session', () => {
  it('records datagrams both ways, the empty one too, with the peer as the remote end', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const bound = session.local!;
    const peer = await bindPeer('udp4', '127.0.0.1');
    const incoming = [Buffer.from('ping'), Buffer.alloc(0), pseudoRandomBytes(1400, 5)];
    for (const datagram of incoming) {
      await peer.send(datagram, bound.port, '127.0.0.1');
      await engine.waitFor(
        () => engine.ofType('data', (e) => e.dir === 'rx').length === incoming.indexOf(datagram) + 1,
        5000,
        'a datagram',
      );
    }
    const outgoing = [Buffer.from('pong'), Buffer.alloc(0)];
    for (const datagram of outgoing)
      value(await engine.send(session.id, b64(datagram), { type: 'address', host: '127.0.0.1', port: peer.port }));
    await until(() => peer.received.length === outgoing.length, 'the replies');
    await peer.close();

    const stopped = value(await engine.manager.record({ sessionId: session.id, action: 'stop' }));
    const file = await readRecording(stopped.path);
    expect(file.outcome).toMatchObject({ ended: true });
    expect(file.outcome.problem).toBeUndefined();
    expect(file.header).toMatchObject({ kind: 'udp', session: session.id });
    const peerEnd = { address: '127.0.0.1', port: peer.port, family: 'IPv4' };
    const rx = dataRecords(file, (r) => r.dir === 'rx');
    const tx = dataRecords(file, (r) => r.dir === 'tx');
    expect(rx.map((r) => Buffer.from(r.bytes))).toEqual(incoming);
    expect(tx.map((r) => Buffer.from(r.bytes))).toEqual(outgoing);
    for (const record of [...rx, ...tx]) {
      expect(record.conn).toBeUndefined();
      expect(record.local).toEqual(bound);
      expect(record.remote).toEqual(peerEnd);
    }
  });
});

describe('who records', () => {
  it('with recording off by default, only a session that asks is recorded', async () => {
    const dir = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder: dir, recordByDefault: false });
    expect(recorder.recordByDefault).toBe(false);
    const asked = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, record: true });
    const plain = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    expect(asked.recording).toMatchObject({ active: true });
    expect(plain.recording).toBeUndefined();
    expect(await readdir(dir)).toEqual([asked.recording!.fileName]);
    expect(recorder.recordingFile(plain.id)).toBeUndefined();
  });

  it('with recording on by default, a session can refuse it', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    const refused = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0, record: false });
    const recorded = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    expect(refused.recording).toBeUndefined();
    expect(recorded.recording).toMatchObject({ active: true, fileName: expect.stringMatching(/_s2_udp_127\.0\.0\.1\.sirec$/) });
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('starts and stops through the API; starting again writes a new file whose header lists the open connections', async () => {
    const dir = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder: dir, recordByDefault: false });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await connectPeer(server.local!.port);
    const conn = (await engine.waitFor(() => engine.ofType('connection-opened')[0], 5000, 'accept')).conn;

    const first = value(await engine.manager.record({ sessionId: server.id, action: 'start' }));
    expect(first).toMatchObject({ active: true, records: 0, bytes: 0 });
    expect(first.fileName).toMatch(/^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.\d{3}_s1_tcp-server_127\.0\.0\.1-\d+\.sirec$/);
    expect(value(await engine.manager.record({ sessionId: server.id, action: 'start' })).path).toBe(first.path);
    client.socket.write('one');
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === 3, 5000, 'one');
    value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));
    const again = await engine.manager.record({ sessionId: server.id, action: 'stop' });
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_STATE' } });

    client.socket.write('two');
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === 6, 5000, 'two');
    const second = value(await engine.manager.record({ sessionId: server.id, action: 'start' }));
    client.socket.write('three');
    await engine.waitFor(() => engine.dataBytes(server.id, conn.connId, 'rx').length === 11, 5000, 'three');
    const secondStopped = value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));

    expect(second.path).not.toBe(first.path);
    expect(recorder.recordingFile(server.id)).toBe(second.path);
    expect((await readdir(dir)).sort()).toEqual([first.fileName, second.fileName].sort());
    const one = await readRecording(first.path);
    const two = await readRecording(second.path);
    expect(recordedBytes(one, () => true).toString()).toBe('one');
    expect(recordedBytes(two, () => true).toString()).toBe('three');
    expect(two.header?.connections).toEqual([{ conn: conn.connId, local: conn.local, remote: conn.remote, since: conn.since }]);
    expect(two.header?.local).toEqual(server.local);
    // Started mid-session, the file says the session is open before anything else happens.
    expect(two.records[0]).toMatchObject({ type: 'state', state: 'open' });
    expect(dataRecords(two)[0]).toMatchObject({ conn: conn.connId, remote: conn.remote, local: conn.local });
    expect(secondStopped.records).toBe(two.all.length);

    engine.manager.flush();
    const statuses = recordingEvents(engine, server.id);
    expect(statuses.filter((s) => !s.active).map((s) => s.path)).toEqual([first.path, second.path]);
  });

  it('ends the recording when the session is removed, and on dispose', async () => {
    const dir = await tempDir();
    const { engine, recorder } = engineWithRecorder({ folder: dir });
    const removed = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const kept = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    value(await engine.manager.remove({ sessionId: removed.id }));
    await engine.dispose();
    const removedFile = await readRecording(removed.recording!.path);
    const keptFile = await readRecording(kept.recording!.path);
    expect(removedFile.records.at(-1)).toMatchObject({ type: 'end', reason: 'removed' });
    expect(keptFile.records.at(-1)).toMatchObject({ type: 'end', reason: 'quit' });
    expect(keptFile.records.map((r) => r.type === 'state' && r.state).filter(Boolean)).toEqual(['opening', 'open', 'closing', 'closed']);
    expect(recorder.status(kept.id)).toMatchObject({ active: false });
  });
});
