import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import { decodeServerFrame, encodeCallFrame, type ServerMessage } from '@shared/wire';
import type { SessionInfo } from '@shared/contract';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, writeAll } from '../support/engine';
import { tempDirForAll } from '../support/temp-dir';
import { until } from '../support/until';

const TOKEN = 'test-token-0123456789abcdef';
const folder = tempDirForAll('si-static-');
let root: string;
let server: BrowserServer | undefined;

beforeAll(async () => {
  // A stand-in bundle: these tests are about access, not about the page. It sits one level down
  // so that the file beside it, which no request may reach, is inside the temp folder too.
  root = path.join(folder(), 'bundle');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Socket Inspector</title>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'export {};');
  await writeFile(path.join(root, '..', 'secret.txt'), 'outside the bundle');
});

afterEach(async () => {
  await disposeAll();
  await server?.close();
  server = undefined;
});

async function start(host = '127.0.0.1'): Promise<BrowserServer> {
  server = await startBrowserServer({ host, port: 0, token: TOKEN, staticRoot: root, version: 'test' });
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: pathAndQuery, method, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const cookie = `si_token=${TOKEN}`;

/** Every message a socket got, kept from its first moment so none slips past a late listener. */
const inbox = new WeakMap<WebSocket, { messages: ServerMessage[]; wake: () => void }>();

function openSocket(
  port: number,
  headers: Record<string, string>,
  query = '',
): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
    const box = { messages: [] as ServerMessage[], wake: () => undefined };
    inbox.set(ws, box);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      box.messages.push(decodeServerFrame(isBinary ? data : data.toString()) as ServerMessage);
      box.wake();
    });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    ws.once('error', () => undefined);
  });
}

async function nextMessage(ws: WebSocket, match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  const box = inbox.get(ws)!;
  for (;;) {
    const found = box.messages.findIndex(match);
    if (found !== -1) return box.messages.splice(found, 1)[0]!;
    await new Promise<void>((resolve) => {
      box.wake = resolve;
    });
  }
}

describe('HTTP access', () => {
  it('refuses a request without the token, with a message that says what to do', async () => {
    const { port } = await start();
    const reply = await get(port, '/');
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('open the exact URL that "npm run serve" printed');
    expect((await get(port, '/assets/app.js')).status).toBe(401);
    expect((await get(port, '/?token=wrong-token-0123456789ab')).status).toBe(401);
    expect((await get(port, '/', { cookie: 'si_token=nope' })).status).toBe(401);
  });

  it('trades the URL token for a cookie and a clean address, then serves with the CSP', async () => {
    const { port, url } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`);
    const first = await get(port, `/?token=${TOKEN}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/^si_token=test-token-0123456789abcdef; HttpOnly; SameSite=Strict; Path=\//);
    const page = await get(port, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Socket Inspector</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get(port, '/assets/app.js', { cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-security-policy']).toContain("script-src 'self'");
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside the bundle and only GET/HEAD', async () => {
    const { port } = await start();
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/nope.js']) {
      expect((await get(port, p, { cookie })).status, p).toBe(404);
    }
    expect((await get(port, '/', { cookie }, 'POST')).status).toBe(405);
    const head = await get(port, '/', { cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses a Host it does not serve (DNS rebinding) and a foreign Origin', async () => {
    const { port } = await start();
    expect((await get(port, '/', { cookie, host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, '/', { cookie, host: `localhost:${port}` })).status).toBe(200);
    expect((await get(port, '/', { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(port, '/', { cookie, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });
});

describe('WebSocket access and calls', () => {
  it('refuses an upgrade without the token with 401 and a message, and runs nothing', async () => {
    const { port, manager } = await start();
    const refused = await openSocket(port, { origin: `http://127.0.0.1:${port}` });
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('Missing or wrong token');
    expect(await manager.list({})).toEqual({ ok: true, value: [] });
  });

  it('refuses a page of another origin even with the cookie (cross-site WebSocket hijacking)', async () => {
    const { port } = await start();
    const refused = await openSocket(port, { origin: 'http://evil.example', cookie });
    expect(refused.status).toBe(403);
  });

  it('greets, answers calls with typed results, and pushes event batches with bytes', async () => {
    const { port } = await start();
    const { ws } = await openSocket(port, { origin: `http://127.0.0.1:${port}`, cookie });
    expect(ws).toBeDefined();
    const socket = ws!;
    const hello = await nextMessage(socket, (m) => m.kind === 'hello');
    expect(hello).toMatchObject({ kind: 'hello', version: 'test' });

    socket.send(JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'udp', host: '127.0.0.1', port: 0 } } }));
    const opened = await nextMessage(socket, (m) => m.kind === 'result' && m.id === 1);
    expect(opened.kind === 'result' && opened.result.ok).toBe(true);
    const session = (opened as { result: { value: SessionInfo } }).result.value;

    const { createSocket } = await import('node:dgram');
    const peer = createSocket('udp4');
    const events = nextMessage(socket, (m) => m.kind === 'events' && m.batch.events.some((e) => e.type === 'data'));
    peer.send(Buffer.from([0, 1, 2, 255]), session.local!.port, '127.0.0.1');
    const batch = await events;
    const data = batch.kind === 'events' ? batch.batch.events.find((e) => e.type === 'data') : undefined;
    expect(data && data.type === 'data' && [...data.bytes]).toEqual([0, 1, 2, 255]);
    peer.close();

    socket.send(JSON.stringify({ id: 2, method: 'open', args: { config: { kind: 'udp', host: '127.0.0.1', port: 70000 } } }));
    const bad = await nextMessage(socket, (m) => m.kind === 'result' && m.id === 2);
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });

    socket.send('not json');
    const garbage = await nextMessage(socket, (m) => m.kind === 'result' && m.id === undefined);
    expect(garbage).toMatchObject({ result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    socket.close();
  });

  it('carries batches as binary frames whose bytes arrive intact: all 256 byte values, and batches near the 1 MiB a flush carries', async () => {
    const { port } = await start();
    const { ws } = await openSocket(port, { origin: `http://127.0.0.1:${port}`, cookie });
    const socket = ws!;
    const frames: { binary: boolean; size: number; kind: string }[] = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const { kind } = decodeServerFrame(isBinary ? data : data.toString()) as ServerMessage;
      frames.push({ binary: isBinary, size: data.byteLength, kind });
    });
    await nextMessage(socket, (m) => m.kind === 'hello');
    socket.send(JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } }));
    const opened = await nextMessage(socket, (m) => m.kind === 'result' && m.id === 1);
    const session = (opened as { result: { value: SessionInfo } }).result.value;

    // Each part in one go, under a flush's 1 MiB, so the page is shown all of it.
    const every = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i));
    const parts = [every, ...[1, 2, 3].map((seed) => pseudoRandomBytes(900 * 1024, seed))];
    const peer = await connectPeer(session.local!.port);
    for (const part of parts) {
      await writeAll(peer.socket, part);
      const received: Uint8Array[] = [];
      let total = 0;
      while (total < part.length) {
        const batch = await nextMessage(socket, (m) => m.kind === 'events');
        for (const event of batch.kind === 'events' ? batch.batch.events : []) {
          if (event.type !== 'data') continue;
          expect(event.bytes).toBeInstanceOf(Uint8Array);
          received.push(event.bytes);
          total += event.bytes.byteLength;
        }
      }
      expect(sha256(Buffer.concat(received))).toBe(sha256(part));
    }
    // Every batch came as one binary frame, and only batches did.
    expect(frames.some((f) => f.kind === 'events')).toBe(true);
    for (const frame of frames) expect(frame.binary).toBe(frame.kind === 'events');
    expect(frames.some((f) => f.binary && f.size > 512 * 1024)).toBe(true);
    peer.socket.destroy();
    socket.close();
  });

  it('takes a send of bytes as a binary call frame and refuses one that is not a frame', async () => {
    const { port } = await start();
    const { ws } = await openSocket(port, { origin: `http://127.0.0.1:${port}`, cookie });
    const socket = ws!;
    await nextMessage(socket, (m) => m.kind === 'hello');
    socket.send(JSON.stringify({ id: 1, method: 'open', args: { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } } }));
    const opened = await nextMessage(socket, (m) => m.kind === 'result' && m.id === 1);
    const session = (opened as { result: { value: SessionInfo } }).result.value;
    const peer = await connectPeer(session.local!.port);
    await nextMessage(socket, (m) => m.kind === 'events' && m.batch.events.some((e) => e.type === 'connection-opened'));

    const bytes = Buffer.concat([Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)), pseudoRandomBytes(256 * 1024, 7)]);
    socket.send(encodeCallFrame({ id: 2, method: 'send', args: { sessionId: session.id, bytes } }), { binary: true });
    const sent = await nextMessage(socket, (m) => m.kind === 'result' && m.id === 2);
    expect(sent).toMatchObject({ result: { ok: true, value: { bytes: bytes.length, targets: 1 } } });
    await until(() => peer.received().length >= bytes.length, 'the peer to get every byte', 10_000);
    expect(sha256(peer.received())).toBe(sha256(bytes));

    socket.send(Buffer.from([9, 9, 9]), { binary: true });
    const refused = await nextMessage(socket, (m) => m.kind === 'result' && m.id === undefined);
    expect(refused).toMatchObject({
      result: { ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/call frame/) } },
    });
    peer.socket.destroy();
    socket.close();
  });
});
