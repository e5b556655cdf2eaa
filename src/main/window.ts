import { BrowserWindow } from 'electron';
import path from 'node:path';
import { APP_ENTRY } from './app-protocol';
import { hardenWebContents, secureWebPreferences } from './security';

/** electron-vite sets this while developing; the built app loads its bundle instead. */
export const devServerUrl = (): string | undefined => process.env['ELECTRON_RENDERER_URL'];

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Socket Inspector',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl() ?? APP_ENTRY);
  return window;
}
