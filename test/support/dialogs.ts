/**
 * The desktop app's file and recording handlers as the window reaches them: behind the real IPC
 * guard, with stand-in dialogs that answer as the user would and remember what they were asked.
 */
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { fileDialogs, type Dialogs, type Recordings } from '@main/file-dialogs';
import { registerHost } from '@main/ipc/register-api';
import { appSenderCheck } from '@main/ipc/sender-check';
import { ipcChannel, type HostMethodName } from '@shared/contract';
import type { Result } from '@shared/result';
import { FakeIpcMain, forgedEvent, WINDOW_ID } from './ipc';

export interface DialogHost {
  /** The path the user picks in the next save or open dialog; none: the user cancels. */
  answer: { save?: string; open?: string };
  asked: { save: SaveDialogOptions[]; open: OpenDialogOptions[] };
  /** Invoke a host method as the app window does, or as `event` forges it. */
  call(method: HostMethodName, arg: unknown, event?: ReturnType<typeof forgedEvent>): Promise<Result<unknown>>;
}

export function dialogHost(recordings: Recordings): DialogHost {
  const answer: DialogHost['answer'] = {};
  const asked: DialogHost['asked'] = { save: [], open: [] };
  const dialogs: Dialogs = {
    async showSaveDialog(options) {
      asked.save.push(options);
      return answer.save ? { canceled: false, filePath: answer.save } : { canceled: true, filePath: '' };
    },
    async showOpenDialog(options) {
      asked.open.push(options);
      return answer.open ? { canceled: false, filePaths: [answer.open] } : { canceled: true, filePaths: [] };
    },
  };
  const ipc = new FakeIpcMain();
  registerHost(
    ipc,
    fileDialogs(dialogs, recordings),
    appSenderCheck({ windowContentsId: () => WINDOW_ID, allowedOrigins: ['app://bundle'] }),
  );
  return {
    answer,
    asked,
    call: (method, arg, event = forgedEvent()) => ipc.invoke(ipcChannel(method), event, arg) as Promise<Result<unknown>>,
  };
}
