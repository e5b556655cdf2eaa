import { batchListeners, buildApi } from '@shared/api-object';
import { METHOD_NAMES, type InspectorBridge, type MethodName } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail, type Result } from '@shared/result';
import { carriesBytes, decodeServerFrame, encodeCallFrame, encodeWire, type ServerMessage } from '@shared/wire';
import type { Link, LinkState } from './link';

/** Waits between reconnect attempts: quick at first, then every few seconds. */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000];

export interface WebSocketBridge {
  bridge: InspectorBridge;
  link: Link;
  dispose(): void;
}

function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'hello' || kind === 'result' || kind === 'events';
}

const disconnected = (method: string): Result<never> =>
  fail(AppCode.Disconnected, phrase('page.disconnected', { method }), hintFor(AppCode.Disconnected));

/**
 * The API over the browser mode's WebSocket. Calls made while disconnected, or cut off by a
 * disconnect, answer DISCONNECTED at once rather than hang; the socket reconnects by itself.
 */
export function createWebSocketBridge(url: string, createSocket: (url: string) => WebSocket = (u) => new WebSocket(u)): WebSocketBridge {
  const pending = new Map<number, { method: MethodName; resolve: (result: Result<unknown>) => void }>();
  const events = batchListeners();
  const linkListeners = new Set<() => void>();
  let state: LinkState = 'connecting';
  let instance: string | undefined;
  let socket: WebSocket | undefined;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const setState = (next: LinkState) => {
    if (state === next) return;
    state = next;
    for (const listener of linkListeners) listener();
  };

  const failPending = () => {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.resolve(disconnected(call.method));
  };

  const receive = (message: ServerMessage) => {
    if (message.kind === 'hello') {
      instance = message.instance;
      attempt = 0;
      setState('open');
    } else if (message.kind === 'result') {
      // The page numbers every call, so an answer without a number of its own is no one's.
      if (typeof message.id !== 'number') return;
      const call = pending.get(message.id);
      pending.delete(message.id);
      call?.resolve(message.result);
    } else {
      events.deliver(message.batch);
    }
  };

  const connect = () => {
    retryTimer = undefined;
    if (disposed) return;
    setState('connecting');
    const ws = createSocket(url);
    // Batches come as binary frames, read in place: their bytes become views of the frame.
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data !== 'string' && !(data instanceof ArrayBuffer)) return;
      let message: unknown;
      try {
        message = decodeServerFrame(typeof data === 'string' ? data : new Uint8Array(data));
      } catch {
        return;
      }
      if (isServerMessage(message)) receive(message);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      failPending();
      setState('closed');
      if (disposed) return;
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
      attempt += 1;
      retryTimer = setTimeout(connect, delay);
    };
  };

  const call = (method: MethodName, args: unknown): Promise<Result<unknown>> => {
    if (state !== 'open' || !socket) return Promise.resolve(disconnected(method));
    const id = nextId++;
    const ws = socket;
    return new Promise((resolve) => {
      pending.set(id, { method, resolve });
      // Bytes (a file's chunks) go as they are, in a binary frame; everything else as JSON text.
      ws.send(carriesBytes(args) ? encodeCallFrame({ id, method, args }) : encodeWire({ id, method, args }));
    });
  };

  const bridge = buildApi<InspectorBridge>(METHOD_NAMES, call, events.onEvents);
  const link: Link = {
    state: () => state,
    instance: () => instance,
    subscribe(listener) {
      linkListeners.add(listener);
      return () => {
        linkListeners.delete(listener);
      };
    },
  };

  connect();
  return {
    bridge,
    link,
    dispose() {
      disposed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      socket?.close();
      failPending();
    },
  };
}
