import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENTS_CHANNEL, HOST_METHOD_NAMES, ipcChannel, METHOD_NAMES } from '@shared/channels';
import type { ElectronBridge, EventBatch, HostApi, InspectorApi } from '@shared/contract';

/**
 * `window.inspector`: one function per API method plus an event subscription. Raw ipcRenderer
 * never reaches the page, and each function passes exactly one argument on.
 */
const methods = Object.fromEntries(
  [...METHOD_NAMES, ...HOST_METHOD_NAMES].map((method) => [method, (args: unknown) => ipcRenderer.invoke(ipcChannel(method), args)]),
) as unknown as InspectorApi & HostApi;

const bridge: ElectronBridge = {
  ...methods,
  onEvents(listener) {
    const forward = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(EVENTS_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENTS_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('inspector', bridge);
