import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from './ipc-bridge';

contextBridge.exposeInMainWorld('inspector', createIpcBridge(ipcRenderer));
