/**
 * The API object the page calls (`window.inspector`), built the same way over every transport
 * from one call function. Types only from the contract: the sandboxed preload bundles this file
 * and must not pull in the schema library. docs/architecture.md § The transport kit.
 */
import type { EventBatch } from './contract';

export type BatchListener = (batch: EventBatch) => void;
export type OnEvents = (listener: BatchListener) => () => void;

/** The method names of an API object: every key but onEvents. */
export type MethodOf<Api> = Exclude<keyof Api & string, 'onEvents'>;

/**
 * One function per method, each passing exactly one argument on (extra ones are dropped, so a
 * page cannot smuggle a second), plus the event subscription; nothing else.
 */
export function buildApi<Api extends { onEvents: OnEvents }>(
  methods: readonly MethodOf<Api>[],
  call: (method: MethodOf<Api>, args: unknown) => Promise<unknown>,
  onEvents: OnEvents,
): Api {
  const api: Record<string, unknown> = Object.fromEntries(methods.map((method) => [method, (args: unknown) => call(method, args)]));
  api.onEvents = onEvents;
  // The methods listed are the API's own, each bound to `call`: the shape is Api's.
  return api as Api;
}

/** Event listeners for a bridge that delivers batches itself (the WebSocket, the test bridges). */
export function batchListeners(): { onEvents: OnEvents; deliver(batch: EventBatch): void; clear(): void } {
  const listeners = new Set<BatchListener>();
  return {
    onEvents(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    // A copy, so a listener that unsubscribes while it runs does not skip the next one.
    deliver: (batch) => {
      for (const listener of [...listeners]) listener(batch);
    },
    clear: () => listeners.clear(),
  };
}
