import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import path from 'node:path';
import { answerBundleRequest, APP_ORIGIN, APP_SCHEME } from './app-protocol';
import { createHost } from '@host/create-host';
import { Recorder } from '@recorder/recorder';
import { forwardEvents } from './ipc/forward-events';
import { registerApi, registerHost } from './ipc/register-api';
import { fileDialogs, type Dialogs } from './file-dialogs';
import { appSenderCheck, urlOrigin } from './ipc/sender-check';
import { denyPermissions, hardenWebContents } from './security';
import { createMainWindow, devServerUrl } from './window';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | undefined;

const host = createHost({
  onBatch: forwardEvents(() => mainWindow?.webContents),
  recorder: new Recorder({
    folder: path.join(app.getPath('documents'), 'Socket Inspector', 'Recordings'),
    settingsFile: path.join(app.getPath('userData'), 'recorder.json'),
    app: { name: app.getName(), version: app.getVersion() },
  }),
  // The private keys of saved sessions, owner-only, beside the app's other settings.
  keyFolder: path.join(app.getPath('userData'), 'keys'),
});

function serveBundle(): void {
  const root = path.join(__dirname, '../renderer');
  protocol.handle(APP_SCHEME, (request) => answerBundleRequest(root, request.url, (fileUrl) => net.fetch(fileUrl)));
}

function allowedOrigins(): string[] {
  const dev = devServerUrl();
  const devOrigin = dev ? urlOrigin(dev) : undefined;
  return devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

app.whenReady().then(() => {
  denyPermissions(session.defaultSession);
  serveBundle();
  const trusted = appSenderCheck({ windowContentsId: () => mainWindow?.webContents.id, allowedOrigins: allowedOrigins() });
  registerApi(ipcMain, host.engine, trusted);
  // Dialogs are modal to the window, so the user sees which window asked.
  const dialogs: Dialogs = {
    showSaveDialog: (options) => (mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options)),
    showOpenDialog: (options) => (mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options)),
  };
  registerHost(
    ipcMain,
    fileDialogs(dialogs, { recorder: host.recorder, openPath: (folder) => shell.openPath(folder), keys: host.engine }),
    trusted,
  );
  mainWindow = createMainWindow();
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed) return;
  // Close every socket before the process goes, so peers see a clean close, not a vanished host.
  event.preventDefault();
  void host.dispose().finally(() => {
    disposed = true;
    app.quit();
  });
});
