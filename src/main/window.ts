import { BrowserWindow } from 'electron';
import path from 'node:path';
import icon from '../../build/icon.png?asset';
import { APP_ENTRY } from './app-protocol';
import { hardenWebContents } from './security';

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
    // Linux takes a window's icon from here (a packaged app's .desktop file names one too, a dev run has none).
    icon,
    // Written out here, not built by a helper, so Electronegativity's static checks can see it.
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would otherwise open links in new windows, bypassing will-navigate.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl() ?? APP_ENTRY);
  return window;
}
