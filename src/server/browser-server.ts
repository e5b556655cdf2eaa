import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatEndpoint } from '@shared/address';
import { TRANSCRIPT_FORMATS, type EventBatch, type TranscriptFormat } from '@shared/contract';
import { dispatch } from '@shared/dispatch';
import { answerCall, CALL_SHAPE, readCall, readCallText, refusal, type CallRead } from '@shared/envelope';
import { MAX_COMMAND_BYTES, SINK_BEHIND_BYTES } from '@shared/limits';
import { assetSegments, CONTENT_SECURITY_POLICY, entryPage, isEntryPage, mimeType, NONCE_BYTES } from '@shared/web-assets';
import { decodeCallFrame, encodeAnswer, encodeBatchFrame, encodeWire } from '@shared/wire';
import type { SessionManager } from '@engine/session-manager';
import { exportedPem } from '@engine/key-store';
import { createHost } from '@host/create-host';
import { convertTranscript } from '@recorder/convert';
import type { Recorder } from '@recorder/recorder';
import { savedFileName } from '@recorder/recording-names';
import { hostAllowed, originAllowed, requestToken, sameToken, TOKEN_COOKIE } from './access';

export interface BrowserServerOptions {
  host: string;
  port: number;
  token: string;
  /** The built renderer (out/renderer). */
  staticRoot: string;
  version: string;
  /** Records sessions, and serves their recordings as downloads; without one, nothing is recorded. */
  recorder?: Recorder;
  /** Where the private keys of saved sessions are kept (owner-only files); without one, keys live in memory only. */
  keyFolder?: string;
}

export interface BrowserServer {
  /** The address to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly manager: SessionManager;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

/** ws hands a message over as one Buffer unless told otherwise; fragments are joined here just in case. */
const toBuffer = (data: Buffer | ArrayBuffer | Buffer[]): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

/** A binary frame is a call that carries bytes, in the batch frame's layout (@shared/wire). */
function readCallFrame(frame: Buffer): CallRead {
  let value: unknown;
  try {
    value = decodeCallFrame(frame);
  } catch (err) {
    return {
      ok: false,
      answer: refusal(`A binary frame must be a call frame (${err instanceof Error ? err.message : String(err)}): ${CALL_SHAPE}.`),
    };
  }
  return readCall(value);
}
const UNAUTHORIZED = 'Missing or wrong token: open the exact URL that "npm run serve" printed (it ends in ?token=…).';

function reply(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers });
  response.end(text);
}

const RECORDING_PATH = /^\/recordings\/([^/]+)$/;
/** The user's "Export certificate and key…" in a browser: the download is the export (docs/security.md § TLS). */
const KEY_EXPORT_PATH = /^\/keys\/(key-[0-9a-f]{32})$/;

const DOWNLOAD_TYPES: Readonly<Record<TranscriptFormat, string>> = {
  jsonl: 'application/x-ndjson',
  text: 'text/plain; charset=utf-8',
  pcapng: 'application/vnd.tcpdump.pcap',
};

const isFormat = (value: string): value is TranscriptFormat => (TRANSCRIPT_FORMATS as readonly string[]).includes(value);

/**
 * Browser mode: the engine in plain Node, the built renderer over HTTP, and the API over one
 * WebSocket per page. Every request needs the token; Host and Origin are checked too.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const clients = new Set<WebSocket>();
  // Batches go as binary frames (their bytes as bytes, see encodeBatchFrame); hello and results as JSON text.
  const broadcast = (batch: EventBatch) => {
    const frame = encodeBatchFrame(batch);
    for (const client of clients) if (client.readyState === client.OPEN) client.send(frame, { binary: true });
  };
  const host = createHost({
    onBatch: broadcast,
    // Every page gets every batch, so the slowest page paces the display (never the engine's memory).
    sinkBehind: () => [...clients].some((client) => client.bufferedAmount > SINK_BEHIND_BYTES),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.keyFolder !== undefined ? { keyFolder: options.keyFolder } : {}),
  });
  const manager = host.engine;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_COMMAND_BYTES });
  const root = path.resolve(options.staticRoot);
  let port = options.port;
  const instance = randomUUID();

  const authorize = (request: IncomingMessage): { ok: boolean; status: number; message: string; url: URL; fromQuery: boolean } => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const host = request.headers.host;
    if (!hostAllowed(host, options.host, port)) {
      return { ok: false, status: 403, message: `Host "${host ?? ''}" is not this server; open the printed URL.`, url, fromQuery: false };
    }
    if (!originAllowed(request.headers.origin, host)) {
      return { ok: false, status: 403, message: `Origin ${request.headers.origin} may not use this server.`, url, fromQuery: false };
    }
    const { token, fromQuery } = requestToken(request, url);
    if (!sameToken(token, options.token)) return { ok: false, status: 401, message: UNAUTHORIZED, url, fromQuery };
    return { ok: true, status: 200, message: '', url, fromQuery };
  };

  const http = createServer((request, response) => {
    void serveFile(request, response).catch(() => reply(response, 500, 'The file could not be read.'));
  });

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const access = authorize(request);
    if (!access.ok) return reply(response, access.status, access.message);
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'Only GET and HEAD.', { Allow: 'GET, HEAD' });
    if (access.fromQuery) {
      // Keep the token out of the address bar, history and logs: a cookie carries it from here.
      const rest = new URLSearchParams(access.url.searchParams);
      rest.delete('token');
      const query = rest.toString();
      response.writeHead(303, {
        Location: query ? `${access.url.pathname}?${query}` : access.url.pathname,
        'Set-Cookie': `${TOKEN_COOKIE}=${options.token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      response.end();
      return;
    }
    const recording = RECORDING_PATH.exec(access.url.pathname);
    if (recording) return serveRecording(recording[1]!, access.url, request, response);
    const exported = KEY_EXPORT_PATH.exec(access.url.pathname);
    if (exported) return serveKeyExport(exported[1]!, request, response);
    const segments = assetSegments(access.url.pathname);
    if (!segments) return reply(response, 404, 'Not found.');
    const file = path.join(root, ...segments);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return reply(response, 404, 'Not found.');
    const page = isEntryPage(segments) ? entryPage(await readFile(file, 'utf8'), randomBytes(NONCE_BYTES)) : undefined;
    response.writeHead(200, {
      'Content-Type': mimeType(file),
      'Content-Length': String(page ? Buffer.byteLength(page.html) : info.size),
      'Content-Security-Policy': page?.policy ?? CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    if (request.method === 'HEAD') return void response.end();
    if (page) return void response.end(page.html);
    createReadStream(file).pipe(response);
  }

  /**
   * A session's recording as a download, converted on the fly. The page names a session, never
   * a path: the recorder knows which file that is.
   */
  async function serveRecording(rawId: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const format = url.searchParams.get('format') ?? 'jsonl';
    if (!isFormat(format)) return reply(response, 400, `Unknown format "${format.slice(0, 32)}": use jsonl, text or pcapng.`);
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(rawId);
    } catch {
      return reply(response, 400, 'The session id in the address is not valid URL encoding.');
    }
    const source = options.recorder?.recordingFile(sessionId);
    const found = source && (await stat(source).catch(() => undefined))?.isFile();
    if (!source || !found) {
      return reply(
        response,
        404,
        `Session ${sessionId.slice(0, 64)} has no recording to download: start recording it, then download again.`,
      );
    }
    response.writeHead(200, {
      'Content-Type': DOWNLOAD_TYPES[format],
      'Content-Disposition': `attachment; filename="${savedFileName(source, format)}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    if (request.method === 'HEAD') return void response.end();
    try {
      await convertTranscript(source, format, response);
      response.end();
    } catch {
      // The status is sent already: cutting the connection tells the browser the download failed.
      response.destroy();
    }
  }

  /** A certificate and its key as a download, straight from the key store to the browser's downloads: the page's script never reads it. */
  async function serveKeyExport(keyRef: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only a navigation (the link the user clicked): a script's fetch of the same origin could
    // read the answer, and browsers do not let a script set Sec-Fetch-Mode itself.
    if (request.headers['sec-fetch-mode'] !== 'navigate') {
      return reply(response, 403, 'A key is exported only by the user: use "Export certificate and key…" in the TLS settings.');
    }
    const held = await manager.heldKey(keyRef);
    if (!held.ok) return reply(response, 404, `${held.error.message} ${held.error.hint}`);
    const pem = exportedPem(held.value);
    response.writeHead(200, {
      'Content-Type': 'application/x-pem-file',
      'Content-Disposition': 'attachment; filename="certificate-and-key.pem"',
      'Content-Length': String(Buffer.byteLength(pem)),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : pem);
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const access = authorize(request);
    if (access.url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!access.ok) {
      const status = access.status === 401 ? '401 Unauthorized' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${access.message}`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      ws.send(encodeWire({ kind: 'hello', instance, version: options.version }));
      ws.on('close', () => clients.delete(ws));
      // A frame ws refuses (invalid UTF-8, too large) comes as an error after ws has closed the
      // socket with the matching code; unheard, that error would end the whole server.
      ws.on('error', () => undefined);
      ws.on('message', (data, isBinary) => void answer(ws, toBuffer(data), isBinary));
    });
  });

  async function answer(ws: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    const read: CallRead = isBinary ? readCallFrame(data) : readCallText(data.toString());
    const { id, result } = await answerCall(read, (method, args) => dispatch(manager, method, args));
    if (ws.readyState === ws.OPEN) ws.send(encodeAnswer({ kind: 'result', ...(id === undefined ? {} : { id }), result }));
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host: options.host, port: options.port }, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `http://${formatEndpoint(shownHost, port)}/?token=${options.token}`;

  return {
    url,
    port,
    manager,
    async close() {
      for (const client of clients) client.close(1001, 'Server shutting down');
      await host.dispose();
      sockets.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
