import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { SessionManager } from '@engine/session-manager';
import { argSchemas, udpConfigSchema, type InspectorEvent, type ParsedArgs, type SendTarget, type SessionInfo } from '@shared/contract';
import type { Result } from '@shared/result';

type DataEvent = Extract<InspectorEvent, { type: 'data' }>;

export interface Datagram {
  bytes: Buffer;
  rinfo: RemoteInfo;
}

/** A real UDP socket playing the device at the other end. */
export interface Peer {
  socket: Socket;
  port: number;
  received: Datagram[];
  send(bytes: Uint8Array, port: number, host: string): Promise<void>;
  close(): Promise<void>;
}

/** Poll until `check` returns something truthy; `tick` runs first each time (a manager flush). */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  what: string,
  tick?: () => void,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    tick?.();
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function bindPeer(type: SocketType, host: string, options: { port?: number; reuseAddr?: boolean } = {}): Promise<Peer> {
  const socket = createSocket({ type, ...(options.reuseAddr ? { reuseAddr: true } : {}) });
  const received: Datagram[] = [];
  socket.on('message', (bytes, rinfo) => received.push({ bytes, rinfo }));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let closed = false;
  return {
    socket,
    port: socket.address().port,
    received,
    send: (bytes, port, to) => new Promise((resolve, reject) => socket.send(bytes, port, to, (err) => (err ? reject(err) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}

/** The manager under test with every event it delivers, and the peers to close afterwards. */
export class Rig {
  readonly events: InspectorEvent[] = [];
  readonly manager = new SessionManager({ onBatch: (batch) => this.events.push(...batch.events) });
  private readonly peers: Peer[] = [];

  async peer(type: SocketType, host: string, options?: { port?: number; reuseAddr?: boolean }): Promise<Peer> {
    const peer = await bindPeer(type, host, options);
    this.peers.push(peer);
    return peer;
  }

  open(config: Record<string, unknown>): Promise<Result<SessionInfo>> {
    return this.manager.open({ config: udpConfigSchema.parse({ kind: 'udp', ...config }) });
  }

  /** Open and insist it worked; returns the session with its bound endpoint. */
  async bound(config: Record<string, unknown>): Promise<SessionInfo & { local: NonNullable<SessionInfo['local']> }> {
    const result = await this.open(config);
    if (!result.ok) throw new Error(`open failed: ${result.error.message}`);
    const local = result.value.local;
    if (!local) throw new Error('open gave no local endpoint');
    return { ...result.value, local };
  }

  send(sessionId: string, bytes: Uint8Array, to?: SendTarget) {
    const args: ParsedArgs<'send'> = argSchemas.send.parse({
      sessionId,
      payload: { format: 'base64', value: Buffer.from(bytes).toString('base64') },
      ...(to ? { to } : {}),
    });
    return this.manager.send(args);
  }

  async sessions(): Promise<SessionInfo[]> {
    const list = await this.manager.list({});
    if (!list.ok) throw new Error(list.error.message);
    return list.value;
  }

  async info(sessionId: string): Promise<SessionInfo> {
    const found = (await this.sessions()).find((s) => s.id === sessionId);
    if (!found) throw new Error(`no session ${sessionId}`);
    return found;
  }

  data(sessionId: string, dir: 'rx' | 'tx'): DataEvent[] {
    return this.events.filter((e): e is DataEvent => e.type === 'data' && e.sessionId === sessionId && e.dir === dir);
  }

  ofType<T extends InspectorEvent['type']>(type: T, sessionId: string): Extract<InspectorEvent, { type: T }>[] {
    return this.events.filter(
      (e): e is Extract<InspectorEvent, { type: T }> =>
        e.type === type && ('sessionId' in e ? e.sessionId : e.type === 'session' ? e.session.id : '') === sessionId,
    );
  }

  /** Flush the manager until `check` holds. */
  until<T>(check: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T> {
    return waitFor(check, what, () => this.manager.flush(), timeoutMs);
  }

  async dispose(): Promise<void> {
    await this.manager.dispose();
    await Promise.all(this.peers.map((p) => p.close()));
  }
}

/** Bytes that differ position by position, so a shifted or truncated copy is caught. */
export function pattern(length: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}
