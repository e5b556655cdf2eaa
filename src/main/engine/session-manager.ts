import type { EngineApi, EventBatch, InspectorEvent, MethodResults, ParsedArgs, SessionConfig } from '../../shared/contract';
import { AppCode } from '../../shared/errors';
import { encodePayload } from '../../shared/payload';
import { fail, ok, type Result } from '../../shared/result';
import { sequentialIds, systemClock, type Clock, type EngineContext, type IdSource } from './context';
import { EventBatcher } from './event-batcher';
import type { Session } from './session';
import { TcpClient } from './tcp-client';
import { TcpListener } from './tcp-listener';
import { UdpSession } from './udp-socket';

export interface ManagerOptions {
  /** Receives every flush of the event queue. */
  onBatch: (batch: EventBatch) => void;
  clock?: Clock;
  ids?: IdSource;
  flushIntervalMs?: number;
  flushMaxBytes?: number;
}

type Answer<M extends keyof MethodResults> = Promise<Result<MethodResults[M]>>;

function createSession(id: string, config: SessionConfig, ctx: EngineContext): Session {
  switch (config.kind) {
    case 'tcp-server':
      return new TcpListener(id, config, ctx);
    case 'tcp-client':
      return new TcpClient(id, config, ctx);
    case 'udp':
      return new UdpSession(id, config, ctx);
  }
}

/**
 * Owns every session and the event batcher, and implements the API that every transport
 * (Electron IPC, WebSocket, stdio) calls after validating arguments.
 */
export class SessionManager implements EngineApi {
  private readonly sessions = new Map<string, Session>();
  private readonly batcher: EventBatcher;
  private readonly ctx: EngineContext;

  constructor(options: ManagerOptions) {
    const clock = options.clock ?? systemClock;
    this.batcher = new EventBatcher({
      clock,
      sink: options.onBatch,
      summarize: (ids) => this.summarize(ids),
      ...(options.flushIntervalMs !== undefined ? { intervalMs: options.flushIntervalMs } : {}),
      ...(options.flushMaxBytes !== undefined ? { maxBytes: options.flushMaxBytes } : {}),
    });
    this.ctx = { clock, ids: options.ids ?? sequentialIds(), emit: (event) => this.batcher.push(event) };
  }

  async open({ config }: ParsedArgs<'open'>): Answer<'open'> {
    const session = createSession(this.ctx.ids.next('s'), config, this.ctx);
    this.sessions.set(session.id, session);
    return session.open();
  }

  async close({ sessionId }: ParsedArgs<'close'>): Answer<'close'> {
    const session = this.sessions.get(sessionId);
    return session ? session.close() : this.missing(sessionId);
  }

  async reopen({ sessionId }: ParsedArgs<'reopen'>): Answer<'reopen'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    if (session.state !== 'closed' && session.state !== 'error') {
      return fail(AppCode.BadState, `Session ${sessionId} is ${session.state}; only a closed session can be reopened.`, 'Close it first.');
    }
    return session.open();
  }

  async remove({ sessionId }: ParsedArgs<'remove'>): Answer<'remove'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    if (session.state !== 'closed' && session.state !== 'error') await session.close();
    this.sessions.delete(sessionId);
    this.ctx.emit({ type: 'session-removed', at: this.ctx.clock.now(), sessionId });
    return ok(null);
  }

  async send({ sessionId, payload, to }: ParsedArgs<'send'>): Answer<'send'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    const bytes = encodePayload(payload);
    if (!bytes.ok) return bytes;
    return session.send(bytes.value, to);
  }

  async disconnect({ sessionId, connId, mode }: ParsedArgs<'disconnect'>): Answer<'disconnect'> {
    const session = this.sessions.get(sessionId);
    return session ? session.disconnect(connId, mode) : this.missing(sessionId);
  }

  async multicast({ sessionId, action, group, interface: iface }: ParsedArgs<'multicast'>): Answer<'multicast'> {
    const session = this.sessions.get(sessionId);
    return session ? session.multicast(action, group, iface) : this.missing(sessionId);
  }

  async list(_args: ParsedArgs<'list'>): Answer<'list'> {
    return ok([...this.sessions.values()].map((s) => s.info()));
  }

  /** Close every session and deliver the last events: for app quit and test teardown. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.batcher.dispose();
  }

  /** Deliver queued events now rather than at the next tick. */
  flush(): void {
    this.batcher.flush();
  }

  private summarize(ids: ReadonlySet<string>): InspectorEvent[] {
    const at = this.ctx.clock.now();
    const events: InspectorEvent[] = [];
    for (const id of ids) {
      const session = this.sessions.get(id);
      if (!session) continue;
      const info = session.info();
      events.push({
        type: 'counters',
        at,
        sessionId: id,
        counters: info.counters,
        connections: info.connections.map((c) => ({ connId: c.connId, counters: c.counters })),
      });
    }
    return events;
  }

  private missing(sessionId: string): Result<never> {
    return fail(AppCode.NotFound, `No session ${sessionId}.`, 'It may have been removed; refresh the session list.');
  }
}
