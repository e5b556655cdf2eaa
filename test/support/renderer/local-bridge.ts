/**
 * A real InspectorBridge in-process: the engine's SessionManager behind the same dispatch every
 * transport uses, so component tests drive real sockets on loopback. Arguments, results and
 * event batches are structured-cloned, as Electron IPC would, so the renderer never shares an
 * object with the engine.
 */
import type { RecorderPort } from '@ports/recorder';
import type { SessionManager } from '@engine/session-manager';
import { createHost } from '@host/create-host';
import { batchListeners, buildApi } from '@shared/api-object';
import { METHOD_NAMES, type EventBatch, type InspectorBridge, type MethodName } from '@shared/contract';
import { dispatch } from '@shared/dispatch';

export interface LocalBridge {
  bridge: InspectorBridge;
  manager: SessionManager;
  /** Every batch delivered so far, for assertions on the event stream. */
  batches: EventBatch[];
  /** Every call made through the bridge, in order. */
  calls: { method: MethodName; args: unknown }[];
  dispose(): Promise<void>;
}

export interface LocalBridgeOptions {
  /** Wraps each delivery, e.g. in React's act(), so state updates land inside it. */
  deliver?: (run: () => void) => void;
  /** Records sessions, as the desktop app and the server do; without one, nothing is recorded. */
  recorder?: RecorderPort;
  /** Keeps saved sessions' private keys here, as the desktop app and the server do in their folders; none: in memory only. */
  keyFolder?: string;
}

export function createLocalBridge(options: LocalBridgeOptions = {}): LocalBridge {
  const events = batchListeners();
  const batches: EventBatch[] = [];
  const calls: { method: MethodName; args: unknown }[] = [];
  const deliver = options.deliver ?? ((run) => run());
  let disposed = false;

  const host = createHost({
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.keyFolder !== undefined ? { keyFolder: options.keyFolder } : {}),
    onBatch: (batch) => {
      if (disposed) return;
      batches.push(batch);
      // One copy for every listener, as Electron deserializes one message for all of them.
      deliver(() => events.deliver(structuredClone(batch)));
    },
  });

  const manager = host.engine;
  const bridge = buildApi<InspectorBridge>(
    METHOD_NAMES,
    async (method, args) => {
      calls.push({ method, args });
      return structuredClone(await dispatch(manager, method, structuredClone(args)));
    },
    events.onEvents,
  );

  return {
    bridge,
    manager,
    batches,
    calls,
    async dispose() {
      await host.dispose();
      disposed = true;
      events.clear();
    },
  };
}
