import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { buildApi } from '@shared/api-object';
import { EVENTS_CHANNEL, HOST_METHOD_NAMES, ipcChannel, METHOD_NAMES } from '@shared/channels';
import type { ElectronBridge, EventBatch } from '@shared/contract';

/** The part of ipcRenderer the bridge uses, so tests can drive it over a stand-in. */
export type RendererIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * `window.inspector` over Electron IPC: one function per API and host method, each invoking its
 * own channel with exactly one argument, plus an event subscription that hands listeners the
 * batch and never the IPC event. Raw ipcRenderer never reaches the page.
 */
export function createIpcBridge(ipc: RendererIpc): ElectronBridge {
  return buildApi<ElectronBridge>(
    [...METHOD_NAMES, ...HOST_METHOD_NAMES],
    (method, args) => ipc.invoke(ipcChannel(method), args),
    (listener) => {
      const forward = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
      ipc.on(EVENTS_CHANNEL, forward);
      return () => {
        ipc.removeListener(EVENTS_CHANNEL, forward);
      };
    },
  );
}
