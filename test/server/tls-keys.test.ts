/**
 * Browser mode keeps TLS private keys in its own process: over a TLS listener's whole life —
 * a certificate generated, the listener opened by the key's reference, a client connected, the
 * session saved (its key kept in the server's folder, owner-only), the server restarted and the
 * listener opened again from the saved reference — no frame the page receives (results, event
 * batches, binary or text) holds a private key. Forgetting the saved session frees the key.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserServer, WS_PATH, type BrowserServer } from '@server/browser-server';
import type { GeneratedCertificate, SessionInfo } from '@shared/contract';
import type { Result } from '@shared/result';
import { decodeServerFrame, type ServerMessage } from '@shared/wire';
import { tempDir } from '../support/temp-dir';
import { opensslClient } from '../support/tls-peers';
import { until } from '../support/until';

const TOKEN = 'tls-keys-token-0123456789abcdef';
const PEM_KEY = '-----BEGIN' + ' PRIVATE KEY';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/** Every frame the page gets, as bytes, and its calls. */
interface Page {
  frames: Buffer[];
  events: ServerMessage[];
  call<T>(method: string, args: unknown): Promise<Result<T>>;
}

async function pageOn(server: BrowserServer): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, {
    headers: { origin: `http://127.0.0.1:${server.port}`, cookie: `si_token=${TOKEN}` },
  });
  cleanups.push(() => ws.close());
  const frames: Buffer[] = [];
  const events: ServerMessage[] = [];
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    frames.push(Buffer.from(data));
    const message = decodeServerFrame(isBinary ? data : data.toString()) as ServerMessage;
    if (message.kind === 'result' && typeof message.id === 'number') waiting.get(message.id)?.(message.result);
    else events.push(message);
  });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  let count = 0;
  return {
    frames,
    events,
    call: <T>(method: string, args: unknown) =>
      new Promise<Result<T>>((resolve) => {
        const id = ++count;
        waiting.set(id, (result) => resolve(result as Result<T>));
        ws.send(JSON.stringify({ id, method, args }));
      }),
  };
}

async function server(staticRoot: string, keyFolder: string): Promise<BrowserServer> {
  const started = await startBrowserServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticRoot, version: 'test', keyFolder });
  cleanups.push(() => started.close());
  return started;
}

/** A GET as a browser sends it, with the Sec-Fetch headers given (fetch() would set its own). */
function getAs(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject);
  });
}

const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

/** An openssl s_client that trusts the generated certificate says `line`; resolves once the listener shows it. */
async function clientSays(page: Page, port: number, caFile: string, line: string): Promise<void> {
  const client = opensslClient(port, ['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost'], cleanups);
  await until(() => page.frames.some((frame) => frame.includes('connection-opened')), 'the client connected', 15_000);
  client.child.stdin!.write(line);
  await until(() => page.frames.some((frame) => frame.includes(line.trim())), `"${line.trim()}" in a data event`, 15_000);
  await until(() => client.output().includes('Verify return code: 0 (ok)'), 's_client trusting the certificate', 15_000);
}

describe('TLS private keys in browser mode', () => {
  it('never reach the page over a listener’s life, survive a restart for a saved session, and go when it is forgotten', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Socket Inspector</title>');
    const keyFolder = path.join(await tempDir(), 'keys');
    const first = await server(root, keyFolder);
    const page = await pageOn(first);

    const made = value(await page.call<GeneratedCertificate>('certificate', {}));
    expect(made.keyRef).toMatch(/^key-[0-9a-f]{32}$/);
    const caFile = path.join(root, 'ca.pem');
    await writeFile(caFile, made.cert);
    const config = { kind: 'tcp-server', host: '127.0.0.1', port: 0, tls: { cert: made.cert, keyRef: made.keyRef } };
    const opened = value(await page.call<SessionInfo>('open', { config }));
    expect(opened.config).toMatchObject({ tls: { keyRef: made.keyRef } });
    await clientSays(page, opened.local!.port, caFile, 'before the restart\n');

    // Saved in the workspace: the page asks main to keep the key it names.
    value(await page.call('keys', { action: 'keep', keyRef: made.keyRef }));
    const file = path.join(keyFolder, `${made.keyRef}.json`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(keyFolder)).mode & 0o777).toBe(0o700);
    expect(await readFile(file, 'utf8')).toContain('PRIVATE KEY');
    value(await page.call('list', {}));
    await first.close();

    const second = await server(root, keyFolder);
    const again = await pageOn(second);
    const reopened = value(await again.call<SessionInfo>('open', { config }));
    await clientSays(again, reopened.local!.port, caFile, 'after the restart\n');
    value(await again.call('list', {}));

    // The user's export, in a browser a download from the server: the certificate and the key, behind the token.
    const exportUrl = `http://127.0.0.1:${second.port}/keys/${made.keyRef}`;
    const cookie = `si_token=${TOKEN}`;
    const asUser = { cookie, 'sec-fetch-mode': 'navigate' };
    const exported = await getAs(exportUrl, asUser);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-disposition']).toBe('attachment; filename="certificate-and-key.pem"');
    expect(exported.headers['cache-control']).toBe('no-store');
    expect(exported.body.startsWith(made.cert.trimEnd())).toBe(true);
    expect(exported.body).toContain(PEM_KEY);
    expect((await getAs(exportUrl, { 'sec-fetch-mode': 'navigate' })).status).toBe(401);
    // A script of the page fetching it (mode cors or same-origin, which it cannot change) could read the answer: refused.
    expect((await getAs(exportUrl, { cookie, 'sec-fetch-mode': 'same-origin' })).status).toBe(403);
    expect((await getAs(exportUrl, { cookie, 'sec-fetch-mode': 'cors' })).status).toBe(403);
    expect((await getAs(exportUrl, { cookie })).status).toBe(403);
    expect((await getAs(`http://127.0.0.1:${second.port}/keys/key-${'0'.repeat(32)}`, asUser)).status).toBe(404);

    // Deleted from the workspace: once no session uses the key, it is gone from memory and disk.
    value(await again.call('remove', { sessionId: reopened.id }));
    value(await again.call('keys', { action: 'forget', keyRef: made.keyRef }));
    expect(await readdir(keyFolder)).toEqual([]);
    const refused = await again.call('open', { config });
    expect(!refused.ok && refused.error.code).toBe('NOT_FOUND');

    const frames = [...page.frames, ...again.frames];
    expect(frames.length).toBeGreaterThan(10);
    for (const frame of frames) expect(frame.includes(PEM_KEY)).toBe(false);
    for (const frame of frames) expect(frame.includes('PRIVATE KEY')).toBe(false);
  }, 60_000);
});
