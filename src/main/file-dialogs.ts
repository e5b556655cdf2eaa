import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import type { HostHandlers } from '../shared/contract';
import { AppCode } from '../shared/errors';
import { MAX_FILE_BYTES } from '../shared/limits';
import { fail, ok } from '../shared/result';

/** The two dialogs we use, so tests can answer them without a window. */
export interface Dialogs {
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

const FILE_HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'The disk is full. Free some space or save somewhere else.',
  EACCES: 'You may not write there. Choose a folder of your own.',
  EPERM: 'You may not write there. Choose a folder of your own.',
  EROFS: 'That disk is read-only. Choose another place.',
  ENOENT: 'The folder or file no longer exists. Choose again.',
};

function fileFailure(err: unknown, doing: string, file: string) {
  const code = (err as NodeJS.ErrnoException).code ?? AppCode.Internal;
  const hint = FILE_HINTS[code] ?? 'Check the file and the folder, then try again.';
  return fail(code, `${doing} ${path.basename(file)} failed: ${(err as Error).message}`, hint);
}

/**
 * Write through a temporary file in the same folder and rename it into place, so a crash or a
 * full disk leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Main chooses every path through a native dialog; the page only ever names a suggestion. */
export function fileDialogs(dialogs: Dialogs): HostHandlers {
  return {
    async saveFile({ suggestedName, filters, data }) {
      const choice = await dialogs.showSaveDialog({ defaultPath: suggestedName, filters, properties: ['createDirectory', 'showOverwriteConfirmation'] });
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      try {
        await writeFileAtomic(choice.filePath, data);
      } catch (err) {
        return fileFailure(err, 'Saving', choice.filePath);
      }
      return ok({ saved: true, name: path.basename(choice.filePath) });
    },
    async openFile({ filters }) {
      const choice = await dialogs.showOpenDialog({ filters, properties: ['openFile'] });
      const file = choice.filePaths[0];
      if (choice.canceled || !file) return ok(null);
      try {
        const info = await stat(file);
        if (info.size > MAX_FILE_BYTES) {
          return fail(AppCode.PayloadTooLarge, `${path.basename(file)} is ${info.size} bytes; files up to ${MAX_FILE_BYTES} bytes can be opened.`, 'Pick a smaller file.');
        }
        const data = await readFile(file);
        return ok({ name: path.basename(file), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
      } catch (err) {
        return fileFailure(err, 'Opening', file);
      }
    },
  };
}
