/**
 * A recording says who sent what: bytes an auto-reply rule or the heartbeat sent carry their
 * origin in the JSON Lines file, in its text dump, and through pcapng (a packet comment tshark
 * shows) back again; bytes sent by hand carry none; a version-1 file, written before origins
 * existed, still reads.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { convertTranscriptFile } from '@recorder/convert';
import { readPcapng } from '@shared/transcript/pcapng-reader';
import { TRANSCRIPT_VERSION } from '@shared/transcript/records';
import type { Result } from '@shared/result';
import { formatTextHeader, formatTextRecord } from '@shared/transcript/text-dump';
import { connectPeer, disposeAll, textPayload } from '../support/engine';
import { dataRecords, engineWithRecorder, readRecording } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { encodeAll, header, tcpRecords, writeTranscript } from '../support/transcript-fixtures';

const run = promisify(execFile);

afterEach(disposeAll);

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('the origin of sent bytes in a recording', () => {
  it('names the rule and the heartbeat in JSON Lines, the text dump and pcapng, and nothing for a send by hand', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    const server = await engine.openOk({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      record: true,
      automation: {
        framing: { mode: 'delimiter', delimiter: '0a' },
        rules: [
          {
            id: 'ping',
            name: 'PING',
            match: { on: 'text', kind: 'exact', pattern: 'PING' },
            reply: { format: 'text', value: 'PONG\\n' },
          },
        ],
        heartbeat: { intervalMs: 50, payload: textPayload('HB') },
      },
    });
    const peer = await connectPeer(server.local!.port);
    const connId = (await engine.waitFor(() => engine.ofType('connection-opened')[0], 5000, 'accepted')).conn.connId;
    peer.socket.write('PING\n');
    await engine.waitFor(() => peer.received().includes('PONG\n') && peer.received().includes('HB'), 5000, 'a reply and a heartbeat');
    value(await engine.send(server.id, textPayload('by hand'), { type: 'connections', connIds: [connId] }));
    await engine.waitFor(() => peer.received().includes('by hand'), 5000, 'the hand-sent bytes');
    const stopped = value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));

    const file = await readRecording(stopped.path);
    expect(file.outcome.problem).toBeUndefined();
    expect(file.header?.version).toBe(TRANSCRIPT_VERSION);
    const sent = dataRecords(file, (r) => r.dir === 'tx');
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
    expect(sent.find((r) => text(r.bytes) === 'PONG\n')?.origin).toEqual({ kind: 'rule', ruleId: 'ping', name: 'PING' });
    expect(sent.find((r) => text(r.bytes) === 'HB')?.origin).toEqual({ kind: 'heartbeat' });
    expect(sent.find((r) => text(r.bytes) === 'by hand')).not.toHaveProperty('origin');
    expect(dataRecords(file, (r) => r.dir === 'rx').every((r) => r.origin === undefined)).toBe(true);

    const raw = await readFile(stopped.path, 'utf8');
    expect(raw).toContain('"origin":{"kind":"rule","ruleId":"ping","name":"PING"}');
    const dump = formatTextHeader(file.header!) + file.records.map(formatTextRecord).join('');
    expect(dump).toContain('sent by rule "PING"');
    expect(dump).toContain('sent by the heartbeat');

    const pcapng = path.join(dir, 'saved.pcapng');
    expect((await convertTranscriptFile(stopped.path, 'pcapng', pcapng)).problem).toBeUndefined();
    const back = readPcapng(new Uint8Array(await readFile(pcapng)));
    const originsBack = back.records.flatMap((r) => (r.type === 'data' && r.dir === 'tx' ? [[text(r.bytes), r.origin]] : []));
    expect(originsBack).toEqual(sent.map((r) => [text(r.bytes), r.origin]));
    // Wireshark users see it too: the comment is on the packet that carries the reply.
    const { stdout } = await run('tshark', ['-r', pcapng, '-Y', 'tcp.payload == 50:4f:4e:47:0a', '-T', 'fields', '-e', 'frame.comment'], {
      env: { ...process.env, HOME: dir },
    });
    expect(stdout).toContain('origin={"kind":"rule","ruleId":"ping","name":"PING"}');
  });

  it('still reads a version-1 file, which has no origins', async () => {
    const dir = await tempDir();
    const [, ...body] = tcpRecords({ end: true });
    const file = await writeTranscript(dir, 'v1.jsonl', encodeAll([header('tcp-server', { version: 1 }), ...body]));
    const recording = await readRecording(file);
    expect(recording.outcome.problem).toBeUndefined();
    expect(recording.header?.version).toBe(1);
    expect(dataRecords(recording).length).toBeGreaterThan(0);
  });
});
