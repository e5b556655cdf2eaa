import type { IpcMainInvokeEvent } from 'electron';
import type { HandlerRegistry } from '@main/ipc/register-api';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Stands in for ipcMain: records handlers and lets a test invoke them with forged events. */
export class FakeIpcMain implements HandlerRegistry {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export const WINDOW_ID = 7;

export function forgedEvent(options: { senderId?: number; url?: string; subframe?: boolean; noFrame?: boolean } = {}): IpcMainInvokeEvent {
  const frame = options.noFrame
    ? null
    : { url: options.url ?? 'app://bundle/index.html', parent: options.subframe ? { url: 'app://bundle/index.html' } : null };
  return { sender: { id: options.senderId ?? WINDOW_ID }, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}
