/**
 * A relay's recording holds both legs of each pair, and its pcapng shows them with their real
 * addresses: tshark reads the client's connection to the relay and the relay's connection to the
 * server as two TCP streams (or the datagrams of both legs), the bytes of each, and a reset
 * passed on as a reset.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { convertTranscriptFile } from '@recorder/convert';
import { loadTranscript } from '@renderer/transcripts/load-transcript';
import { connectPeer, disposeAll, listenPeer, openRelay, textPayload, type Engine } from '../support/engine';
import { dataRecords, engineWithRecorder, readRecording } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { bindPeer } from '../support/udp';

afterEach(disposeAll);

const run = promisify(execFile);

async function stopAndConvert(engine: Engine, sessionId: string, folder: string): Promise<{ recording: string; pcapng: string }> {
  const stopped = await engine.manager.record({ sessionId, action: 'stop' });
  if (!stopped.ok) throw new Error(stopped.error.message);
  const pcapng = join(folder, 'relay.pcapng');
  await convertTranscriptFile(stopped.value.path, 'pcapng', pcapng);
  return { recording: stopped.value.path, pcapng };
}

async function tshark(folder: string, pcapng: string, ...fields: string[]): Promise<string[][]> {
  const { stdout } = await run('tshark', ['-r', pcapng, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])], {
    env: { ...process.env, HOME: folder, XDG_CONFIG_HOME: folder },
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'));
}

describe('relay recordings', () => {
  it('hold both TCP legs, which tshark reads as two streams with their real ports, bytes and FINs', async () => {
    const folder = await tempDir('si-relay-rec-');
    const { engine } = engineWithRecorder({ folder });
    const upstream = await listenPeer('127.0.0.1', { allowHalfOpen: true });
    const { session, port } = await openRelay(engine, upstream.port, { holdToServer: true, record: true });
    const client = await connectPeer(port, '127.0.0.1', { allowHalfOpen: true });
    const clientPort = String(client.socket.localPort);
    const server = await upstream.next();
    client.socket.write('request');
    const [held] = await engine.heldMessages(session.id, (messages) => messages.length === 1);
    await engine.held({ sessionId: session.id, action: 'edit', id: held!.id, payload: textPayload('edited') });
    await engine.manager.hold({ sessionId: session.id, flow: 'to-server', hold: false });
    await engine.waitFor(() => server.received().toString() === 'edited');
    server.socket.write('response');
    await engine.waitFor(() => client.received().toString() === 'response');
    client.socket.end();
    await engine.waitFor(() => server.ended);
    server.socket.end();
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id).length === 1);
    const info = engine.ofType(
      'session',
      (e) => e.session.id === session.id && e.session.connections[0]?.relay?.upstreamLocal !== undefined,
    )[0]!.session.connections[0]!;
    const { recording: file, pcapng } = await stopAndConvert(engine, session.id, folder);

    const recording = await readRecording(file);
    expect(recording.header?.kind).toBe('relay');
    const legs = dataRecords(recording).map((r) => [r.conn, r.dir, Buffer.from(r.bytes).toString()]);
    expect(legs).toEqual([
      [info.connId, 'rx', 'request'],
      [`${info.connId}/server`, 'tx', 'edited'],
      [`${info.connId}/server`, 'rx', 'response'],
      [info.connId, 'tx', 'response'],
    ]);

    const relayPort = String(port);
    const upLocal = String(info.relay!.upstreamLocal!.port);
    const upPort = String(upstream.port);
    const packets = await tshark(folder, pcapng, 'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.flags.str', 'tcp.payload');
    const streams = new Map<string, Set<string>>();
    for (const [stream, src, dst] of packets) streams.set(stream!, (streams.get(stream!) ?? new Set()).add(`${src}>${dst}`));
    expect([...streams.values()].map((s) => [...s].sort())).toEqual([
      [`${clientPort}>${relayPort}`, `${relayPort}>${clientPort}`].sort(),
      [`${upLocal}>${upPort}`, `${upPort}>${upLocal}`].sort(),
    ]);
    const payload = (src: string, dst: string) =>
      Buffer.from(
        packets
          .filter((p) => p[1] === src && p[2] === dst && p[4])
          .map((p) => p[4])
          .join(''),
        'hex',
      ).toString();
    expect(payload(clientPort, relayPort)).toBe('request');
    expect(payload(upLocal, upPort)).toBe('edited');
    expect(payload(upPort, upLocal)).toBe('response');
    expect(payload(relayPort, clientPort)).toBe('response');
    // The client's SYN opens the first stream, ours the second; each leg ends with FINs both ways.
    const syns = packets.filter((p) => p[3]!.includes('S') && !p[3]!.includes('A')).map((p) => `${p[1]}>${p[2]}`);
    expect(syns).toEqual([`${clientPort}>${relayPort}`, `${upLocal}>${upPort}`]);
    const fins = packets.filter((p) => p[3]!.includes('F')).map((p) => `${p[1]}>${p[2]}`);
    expect(fins.sort()).toEqual(
      [`${clientPort}>${relayPort}`, `${relayPort}>${clientPort}`, `${upLocal}>${upPort}`, `${upPort}>${upLocal}`].sort(),
    );
  });

  it('show a client reset passed on to the server as a reset on each leg', async () => {
    const folder = await tempDir('si-relay-rst-');
    const { engine } = engineWithRecorder({ folder });
    const upstream = await listenPeer('127.0.0.1');
    const { session, port } = await openRelay(engine, upstream.port, { record: true });
    const client = await connectPeer(port);
    const clientPort = client.socket.localPort!;
    const server = await upstream.next();
    client.socket.write('x');
    await engine.waitFor(() => server.received().length === 1);
    client.socket.resetAndDestroy();
    await engine.waitFor(() => server.error?.code === 'ECONNRESET');
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id).length === 1);
    const { pcapng } = await stopAndConvert(engine, session.id, folder);
    const resets = (await tshark(folder, pcapng, 'tcp.srcport', 'tcp.dstport', 'tcp.flags.str')).filter((p) => p[2]!.includes('R'));
    const upLocal = engine.ofType('session', (e) => e.session.connections[0]?.relay?.upstreamLocal !== undefined)[0]!.session
      .connections[0]!.relay!.upstreamLocal!.port;
    expect(resets.map((p) => `${p[0]}>${p[1]}`)).toEqual([`${clientPort}>${port}`, `${upLocal}>${upstream.port}`]);
  });

  it('hold both UDP legs as datagrams with their real addresses', async () => {
    const folder = await tempDir('si-relay-udp-');
    const { engine } = engineWithRecorder({ folder });
    const server = await bindPeer('udp4', '127.0.0.1');
    server.socket.on('message', (msg, rinfo) => server.socket.send(Buffer.concat([Buffer.from('re:'), msg]), rinfo.port, rinfo.address));
    const { session, port } = await openRelay(engine, server.port, { transport: 'udp', record: true });
    const client = await bindPeer('udp4', '127.0.0.1');
    await client.send(Buffer.from('ping'), port, '127.0.0.1');
    await engine.waitFor(() => client.received.length === 1);
    const mapping = (await engine.info(session.id)).connections[0]!;
    const { recording, pcapng } = await stopAndConvert(engine, session.id, folder);
    await server.close();
    await client.close();
    const rows = await tshark(folder, pcapng, 'udp.srcport', 'udp.dstport', 'udp.payload');
    const relay = String(port);
    const up = String(mapping.relay!.upstreamLocal!.port);
    expect(rows.map(([src, dst, data]) => [src, dst, Buffer.from(data!, 'hex').toString()])).toEqual([
      [String(client.port), relay, 'ping'],
      [up, String(server.port), 'ping'],
      [String(server.port), up, 're:ping'],
      [relay, String(client.port), 're:ping'],
    ]);

    // Reopened in the page, either file shows the pair once a direction, as the live log did: the
    // client's datagram and its copy to the server are one client → server row, the answer one back.
    const live = engine
      .ofType('data', (e) => e.sessionId === session.id)
      .filter((e) => e.dir === 'rx')
      .map((e) => [e.connId, e.relay?.flow, Buffer.from(e.bytes).toString()]);
    expect(live).toEqual([
      [mapping.connId, 'to-server', 'ping'],
      [mapping.connId, 'to-client', 're:ping'],
    ]);
    for (const [file, source] of [
      [recording, 'recording'],
      [pcapng, 'pcapng'],
    ] as const) {
      const load = loadTranscript('t1', file, new Uint8Array(await readFile(file)), {
        maxLogEntries: 100,
        maxLogBytes: 1 << 20,
        maxErrors: 10,
      });
      if (!load.ok) throw new Error(`${source}: ${load.refusal.type}`);
      expect(load.transcript.source).toBe(source);
      expect(load.transcript.kind).toBe('relay');
      expect(
        load.transcript.connections.map((c) => [c.connId, c.remote.port]),
        source,
      ).toEqual([
        [mapping.connId, client.port],
        [`${mapping.connId}/server`, server.port],
      ]);
      const rows = [...load.transcript.log.entries]
        .filter((e) => e.lifecycle === undefined)
        .map((e) => [e.connId, e.relay?.flow, e.relay?.held ?? false, Buffer.from(e.bytes).toString()]);
      expect(rows, source).toEqual([
        [mapping.connId, 'to-server', false, 'ping'],
        [mapping.connId, 'to-client', false, 're:ping'],
      ]);
    }
  });
});
