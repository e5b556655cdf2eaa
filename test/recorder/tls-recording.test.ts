/**
 * A TLS session's recording: plaintext data records, the handshake on the connection's open
 * record, no private key anywhere in the file, and the same through pcapng (read back by our
 * reader and by tshark) and the text dump.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas } from '@shared/contract';
import { readPcapng } from '@shared/transcript/pcapng-reader';
import { convertTranscriptFile } from '@recorder/convert';
import { cleanups, disposeAll, textPayload } from '../support/engine';
import { engineWithRecorder, readRecording, recordedBytes } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { opensslClient } from '../support/tls-peers';

const run = promisify(execFile);
afterEach(disposeAll);

describe('recording a TLS listener', () => {
  it('keeps the plaintext, the handshake details and no key, in JSON Lines, text and pcapng', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const { cert, keyRef } = made.value;
    const info = await engine.openOk({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      record: true,
      tls: { cert, keyRef, alpn: ['x-rec'] },
    });
    const client = opensslClient(info.local!.port, ['-alpn', 'x-rec', '-quiet'], cleanups);
    const opened = await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === info.id)[0], 15_000, 'the client');
    const connId = opened.conn.connId;
    client.child.stdin!.write('secret request\n');
    await engine.waitFor(() => engine.dataBytes(info.id, connId, 'rx').toString() === 'secret request\n', 15_000, 'the request');
    await engine.send(info.id, textPayload('secret answer\n'));
    await engine.waitFor(() => client.output().includes('secret answer'), 15_000, 'the answer');
    const stopped = await engine.manager.record({ sessionId: info.id, action: 'stop' });
    if (!stopped.ok) throw new Error(stopped.error.message);

    const raw = await readFile(stopped.value.path, 'utf8');
    expect(raw).not.toContain('PRIVATE KEY');
    const file = await readRecording(stopped.value.path);
    expect(file.outcome.problem).toBeUndefined();
    expect(file.header!.config).toMatchObject({ tls: { cert, alpn: ['x-rec'] } });
    const open = file.records.find((r) => r.type === 'open');
    expect(open).toMatchObject({ conn: connId, tls: { protocol: 'TLSv1.3', alpn: 'x-rec', peerCertificates: [] } });
    expect(recordedBytes(file, (r) => r.dir === 'rx').toString()).toBe('secret request\n');
    expect(recordedBytes(file, (r) => r.dir === 'tx').toString()).toBe('secret answer\n');

    const pcapng = path.join(dir, 'out.pcapng');
    await convertTranscriptFile(stopped.value.path, 'pcapng', pcapng);
    const back = readPcapng(new Uint8Array(await readFile(pcapng)));
    expect(back.records.find((r) => r.type === 'open')).toMatchObject({ tls: open!.type === 'open' ? open!.tls : {} });
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir };
    const follow = await run('/usr/bin/tshark', ['-r', pcapng, '-q', '-z', 'follow,tcp,ascii,0'], { env, encoding: 'utf8' });
    expect(follow.stdout).toContain('secret request');
    expect(follow.stdout).toContain('secret answer');
    const comments = await run('/usr/bin/tshark', ['-r', pcapng, '-T', 'fields', '-e', 'frame.comment'], { env, encoding: 'utf8' });
    expect(comments.stdout).toContain('tls={"protocol":"TLSv1.3"');

    const text = path.join(dir, 'out.txt');
    await convertTranscriptFile(stopped.value.path, 'text', text);
    expect(await readFile(text, 'utf8')).toMatch(/tls TLSv1\.3 TLS_\w+, ALPN x-rec; peer not verified/);
  });
});
