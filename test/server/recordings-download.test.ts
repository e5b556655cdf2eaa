/**
 * Browser mode's recordings: a real server with a real recorder, a session that received a real
 * datagram, and its recording downloaded over HTTP in each format.
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Recorder } from '@recorder/recorder';
import type { BrowserServer } from '@server/browser-server';
import { argSchemas } from '@shared/contract';
import { until } from '../support/until';
import { recordingServer, TOKEN } from '../support/browser-server';
import { readTranscript } from '../support/collect';

let server: BrowserServer;
let recorder: Recorder;

beforeEach(async () => {
  ({ server, recorder } = await recordingServer());
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(pathAndQuery: string, headers: Record<string, string> = { cookie: `si_token=${TOKEN}` }, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: pathAndQuery, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A UDP session recorded while it received one datagram. */
async function recordedSession(): Promise<{ sessionId: string; file: string }> {
  const opened = await server.manager.open(argSchemas.open.parse({ config: { kind: 'udp', host: '127.0.0.1', port: 0 } }));
  if (!opened.ok) throw new Error(opened.error.message);
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.send('downloaded bytes', opened.value.local!.port, '127.0.0.1', () => resolve()));
  peer.close();
  const sessionId = opened.value.id;
  await until(() => (recorder.status(sessionId)?.records ?? 0) >= 4, 'the datagram on disk');
  return { sessionId, file: recorder.recordingFile(sessionId)! };
}

describe('GET /recordings/<session>', () => {
  it('downloads the JSON Lines as an attachment named after the recording, while it is still recording', async () => {
    const { sessionId, file } = await recordedSession();
    const reply = await get(`/recordings/${sessionId}?format=jsonl`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-ndjson');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="${path.basename(file, '.sirec')}.jsonl"`);
    const { header, records, outcome } = readTranscript(new Uint8Array(reply.body));
    expect(outcome.problem).toBeUndefined();
    expect(records.some((r) => r.type === 'data' && Buffer.from(r.bytes).toString() === 'downloaded bytes')).toBe(true);
    // The recording (version 3, bytes raw) goes out as version-2 JSON Lines: every line JSON text, the same records.
    expect(header?.version).toBe(2);
    for (const line of reply.body.toString('utf8').split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    const recorded = readTranscript(new Uint8Array(await readFile(file)));
    expect(recorded.header?.version).toBe(3);
    expect(records).toEqual(recorded.records.slice(0, records.length));
  });

  it.each([
    ['text', 'text/plain; charset=utf-8', '.txt', (body: Buffer) => expect(body.toString()).toContain('downloaded bytes')],
    ['pcapng', 'application/vnd.tcpdump.pcap', '.pcapng', (body: Buffer) => expect(body.readUInt32LE(0)).toBe(0x0a0d0d0a)],
  ] as const)('converts to %s on the way out', async (format, type, ext, check) => {
    const { sessionId, file } = await recordedSession();
    const reply = await get(`/recordings/${sessionId}?format=${format}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="${path.basename(file, '.sirec')}${ext}"`);
    check(reply.body);
  });

  it('keeps the format when a token in the address is traded for the cookie', async () => {
    const { sessionId } = await recordedSession();
    const reply = await get(`/recordings/${sessionId}?token=${TOKEN}&format=pcapng`, {});
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe(`/recordings/${sessionId}?format=pcapng`);
  });

  it.each([
    ['no token', `/recordings/s1?format=jsonl`, {}, 401, /Missing or wrong token/],
    ['an unknown format', `/recordings/s1?format=exe`, undefined, 400, /Unknown format "exe": use jsonl, text or pcapng/],
    ['an unknown session', `/recordings/s99?format=jsonl`, undefined, 404, /Session s99 has no recording to download: start recording it/],
    ['a path for a session', `/recordings/..%2F..%2Fetc%2Fpasswd?format=jsonl`, undefined, 404, /has no recording/],
    ['broken URL encoding', `/recordings/%E0%A4%A?format=jsonl`, undefined, 400, /not valid URL encoding/],
  ])('refuses %s', async (_name, url, headers, status, message) => {
    await recordedSession();
    const reply = await get(url, headers);
    expect(reply.status).toBe(status);
    expect(reply.body.toString()).toMatch(message);
  });

  it('answers 404 for a session that never recorded', async () => {
    const opened = await server.manager.open(argSchemas.open.parse({ config: { kind: 'udp', host: '127.0.0.1', port: 0, record: false } }));
    const reply = await get(`/recordings/${opened.ok ? opened.value.id : ''}`);
    expect(reply.status).toBe(404);
  });
});
