import { EVENTS_CHANNEL, type EventBatch } from '@shared/contract';

/** The part of a window's webContents that events go to. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, batch: EventBatch): void;
}

/**
 * The engine's batch sink: one IPC message per flush, to the window while it exists. Electron's
 * send() says nothing about a renderer that lags, so no `sinkBehind` here: the engine's flush
 * interval and per-flush budget are what bound the traffic to the window.
 */
export function forwardEvents(target: () => EventTarget | undefined): (batch: EventBatch) => void {
  return (batch) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENTS_CHANNEL, batch);
  };
}
