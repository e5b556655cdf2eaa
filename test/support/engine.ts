/**
 * Engine test harness: a real SessionManager over real loopback sockets, with every event of
 * every batch recorded, and helpers for Node peers. Ports are always 0; addresses loopback only.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  argSchemas,
  type Direction,
  type EventBatch,
  type HeldMessage,
  type InspectorEvent,
  type MethodArgs,
  type SessionInfo,
} from '@shared/contract';
import type { Result } from '@shared/result';
import type { Clock } from '@ports/clock';
import { SessionManager, type ManagerOptions } from '@engine/session-manager';
import type { Cleanups } from './peers';

export type EventOf<T extends InspectorEvent['type']> = Extract<InspectorEvent, { type: T }>;

export interface Engine {
  manager: SessionManager;
  /** Every event of every batch, in delivery order. */
  events: InspectorEvent[];
  batches: EventBatch[];
  /** performance.now() when each batch arrived, index for index with `batches`. */
  batchTimes: number[];
  /** Poll until `pred` holds, flushing the manager's queue each time; throws on timeout. */
  waitFor<T>(
    pred: () => T | undefined | false | null | Promise<T | undefined | false | null>,
    timeoutMs?: number,
    what?: string,
  ): Promise<T>;
  /** Poll like waitFor but never flush: for tests of the batcher's own timing. */
  until<T>(pred: () => T | undefined | false | null, timeoutMs?: number, what?: string): Promise<T>;
  /** The concatenated bytes of the data events of one connection in one direction. */
  dataBytes(sessionId: string, connId: string, dir: Direction): Buffer;
  /** Events of one type, optionally narrowed further. */
  ofType<T extends InspectorEvent['type']>(type: T, where?: (e: EventOf<T>) => boolean): EventOf<T>[];
  /** open() with the contract's defaults applied; throws unless it succeeded. */
  openOk(config: MethodArgs<'open'>['config']): Promise<SessionInfo>;
  open(config: MethodArgs<'open'>['config']): Promise<Result<SessionInfo>>;
  /** send() with a parsed payload. */
  send(sessionId: string, payload: MethodArgs<'send'>['payload'], to?: MethodArgs<'send'>['to']): ReturnType<SessionManager['send']>;
  /** A relay's inject() and held() with their arguments parsed as the API parses them (a payload gets its defaults). */
  inject(args: MethodArgs<'inject'>): ReturnType<SessionManager['inject']>;
  held(args: MethodArgs<'held'>): ReturnType<SessionManager['held']>;
  /** Poll the relay's held messages until `ready` holds for them; returns them. */
  heldMessages(sessionId: string, ready: (messages: HeldMessage[]) => boolean): Promise<HeldMessage[]>;
  info(sessionId: string): Promise<SessionInfo>;
  /** The id of the test's one session, for an open() that failed and so answered no id. */
  onlySessionId(): Promise<string>;
  /** The session as each of its session events told it, in order. */
  sessionEvents(sessionId: string): SessionInfo[];
  /** The states those events went through. */
  states(sessionId: string): string[];
  dispose(): Promise<void>;
}

const engines = new Set<Engine>();
/** What disposeAll undoes, in reverse order: hand it to the helpers that take a Cleanups list (tls-peers.ts, peers.ts). */
export const cleanups: Cleanups = [];

/** Run after each test: close every peer socket and server the test made, then the engines. */
export async function disposeAll(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  for (const cleanup of pending) await cleanup();
  await Promise.all([...engines].map((engine) => engine.dispose()));
  engines.clear();
}

/** Close this when the test ends. */
export function track<T extends Socket | Server>(thing: T): T {
  cleanups.push(() => {
    if ('destroy' in thing) {
      thing.destroy();
    } else {
      (thing as Server).close();
    }
  });
  return thing;
}

export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export function startEngine(options: Partial<Omit<ManagerOptions, 'onBatch'>> & { clock?: Clock } = {}): Engine {
  const events: InspectorEvent[] = [];
  const batches: EventBatch[] = [];
  const batchTimes: number[] = [];
  const manager = new SessionManager({
    ...options,
    onBatch: (batch) => {
      batches.push(batch);
      batchTimes.push(performance.now());
      events.push(...batch.events);
    },
  });
  let disposed: Promise<void> | undefined;

  const engine: Engine = {
    manager,
    events,
    batches,
    batchTimes,
    async waitFor(pred, timeoutMs = 5000, what = 'condition') {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        manager.flush();
        const value = await pred();
        if (value) return value;
        if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async until(pred, timeoutMs = 5000, what = 'condition') {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const value = pred();
        if (value) return value;
        if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    dataBytes(sessionId, connId, dir) {
      const parts: Buffer[] = [];
      for (const e of events) {
        if (e.type === 'data' && e.sessionId === sessionId && e.connId === connId && e.dir === dir) {
          parts.push(Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength));
        }
      }
      return Buffer.concat(parts);
    },
    ofType(type, where) {
      return events.filter((e): e is EventOf<typeof type> => e.type === type && (!where || where(e as EventOf<typeof type>)));
    },
    open(config) {
      return manager.open(argSchemas.open.parse({ config }));
    },
    async openOk(config) {
      const result = await engine.open(config);
      if (!result.ok) throw new Error(`open failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    send(sessionId, payload, to) {
      return manager.send(argSchemas.send.parse({ sessionId, payload, ...(to ? { to } : {}) }));
    },
    inject(args) {
      return manager.inject(argSchemas.inject.parse(args));
    },
    held(args) {
      return manager.held(argSchemas.held.parse(args));
    },
    heldMessages(sessionId, ready) {
      return engine.waitFor(async () => {
        const list = await engine.held({ sessionId, action: 'list' });
        return list.ok && ready(list.value) ? list.value : undefined;
      });
    },
    async info(sessionId) {
      const list = await manager.list({});
      if (!list.ok) throw new Error(list.error.message);
      const found = list.value.find((s) => s.id === sessionId);
      if (!found) throw new Error(`no session ${sessionId}`);
      return found;
    },
    async onlySessionId() {
      const list = await manager.list({});
      if (!list.ok || list.value.length !== 1) throw new Error('expected exactly one session');
      return list.value[0]!.id;
    },
    sessionEvents(sessionId) {
      return engine.ofType('session', (e) => e.session.id === sessionId).map((e) => e.session);
    },
    states(sessionId) {
      return engine.sessionEvents(sessionId).map((s) => s.state);
    },
    dispose() {
      disposed ??= manager.dispose();
      return disposed;
    },
  };
  engines.add(engine);
  return engine;
}

/** A relay listening on 127.0.0.1, a free port, for the upstream on 127.0.0.1 `upstreamPort`; `extra`: the rest of its config. */
export async function openRelay(engine: Engine, upstreamPort: number, extra: Record<string, unknown> = {}) {
  const session = await engine.openOk({
    kind: 'relay',
    host: '127.0.0.1',
    port: 0,
    upstream: { host: '127.0.0.1', port: upstreamPort },
    ...extra,
  });
  return { session, port: session.local!.port };
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Deterministic pseudo-random bytes (xorshift32), fast enough for tens of megabytes. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A Node client that records what it receives and how it ended. */
export interface Peer {
  socket: Socket;
  received(): Buffer;
  ended: boolean;
  closed: boolean;
  error: NodeJS.ErrnoException | undefined;
  /** Order of 'end', 'error:<code>' and 'close' as they happened. */
  log: string[];
}

export function watchPeer(socket: Socket): Peer {
  const chunks: Buffer[] = [];
  const peer: Peer = {
    socket,
    received: () => Buffer.concat(chunks),
    ended: false,
    closed: false,
    error: undefined,
    log: [],
  };
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => {
    peer.ended = true;
    peer.log.push('end');
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    peer.error = err;
    peer.log.push(`error:${err.code}`);
  });
  socket.on('close', () => {
    peer.closed = true;
    peer.log.push('close');
  });
  return peer;
}

/** Connect a Node client and wait until it is connected. */
export function connectPeer(port: number, host = '127.0.0.1', options: { allowHalfOpen?: boolean } = {}): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = track(connect({ port, host, allowHalfOpen: options.allowHalfOpen ?? false }));
    const peer = watchPeer(socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(peer);
    });
    socket.once('error', reject);
  });
}

/** Connect and report how the attempt ended, without throwing. */
export function tryConnect(port: number, host: string): Promise<{ ok: true; socket: Socket } | { ok: false; code: string | undefined }> {
  return new Promise((resolve) => {
    const socket = track(connect({ port, host }));
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code }));
  });
}

/** A Node server on loopback port 0 that records its accepted sockets. */
export async function listenPeer(
  host = '127.0.0.1',
  options: { allowHalfOpen?: boolean } = {},
): Promise<{ server: Server; port: number; peers: Peer[]; next(): Promise<Peer> }> {
  const peers: Peer[] = [];
  const waiting: ((peer: Peer) => void)[] = [];
  const server = track(
    createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
      track(socket);
      const peer = watchPeer(socket);
      peers.push(peer);
      waiting.shift()?.(peer);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  let taken = 0;
  return {
    server,
    port: address.port,
    peers,
    next: () =>
      new Promise((resolve) => {
        const index = taken++;
        if (peers[index]) resolve(peers[index]);
        else waiting.push(resolve);
      }),
  };
}

/** A loopback port that nobody listens on: bound to 0, then released. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no address');
  return address.port;
}

/** Resolve when the socket has drained its write queue into the kernel. */
export function writeAll(socket: Socket, data: Uint8Array, chunkSize = 64 * 1024): Promise<void> {
  return new Promise((resolve, reject) => {
    let at = 0;
    const pump = () => {
      while (at < data.byteLength) {
        const end = Math.min(at + chunkSize, data.byteLength);
        const more = socket.write(data.subarray(at, end));
        at = end;
        if (!more) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.write(new Uint8Array(0), (err) => (err ? reject(err) : resolve()));
    };
    socket.once('error', reject);
    pump();
  });
}

export const textPayload = (value: string) => ({ format: 'text' as const, value, escapes: false });

/**
 * A loopback port where a connect hangs: a child process listens with a backlog of 1 and never
 * accepts (its event loop is blocked), and two connections fill its accept queue. Linux then
 * drops further SYNs, so a connect neither succeeds nor is refused: a real connect timeout,
 * no firewall needed.
 */
export async function hangingPort(): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('net').createServer();
       s.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
         process.stdout.write(s.address().port + '\\n');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`listener child exited with ${code}`)));
  });
  let connected = 0;
  for (let i = 0; i < 3; i++) {
    const socket = track(connect({ host: '127.0.0.1', port }));
    socket.on('error', () => {});
    socket.once('connect', () => (connected += 1));
  }
  const deadline = performance.now() + 5000;
  while (connected < 2) {
    if (performance.now() > deadline) throw new Error('could not fill the accept queue');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return port;
}

/** Live TCP socket handles of this process, to see that a socket was really destroyed. */
export const tcpHandles = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
