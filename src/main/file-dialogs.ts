import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileFilter, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { argSchemas, type HostHandlers, type TranscriptFormat } from '@shared/contract';
import { exportedPem } from '@engine/key-store';
import type { SessionManager } from '@engine/session-manager';
import { describeIssues } from '@shared/validate';
import { AppCode, hintFor } from '@shared/errors';
import { MAX_FILE_BYTES, MAX_PEM_LENGTH } from '@shared/limits';
import { phrase, type PhraseKey } from '@shared/phrase';
import { fail, ok } from '@shared/result';
import { convertTranscriptFile } from '@recorder/convert';
import type { Recorder } from '@recorder/recorder';
import { savedFileName } from '@recorder/recording-names';

/** The two dialogs we use, so tests can answer them without a window. */
export interface Dialogs {
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

/** What the handlers need beside the dialogs. */
export interface Recordings {
  recorder: Pick<Recorder, 'folder' | 'recordingFile' | 'setFolder'>;
  /** Show a folder in the file manager: Electron's shell.openPath, which answers '' or what went wrong. */
  openPath(folder: string): Promise<string>;
  /** The engine's key store, through the contract's own check of a key (docs/security.md § TLS). */
  keys: Pick<SessionManager, 'keys' | 'heldKey'>;
}

const FORMAT_FILTERS: Readonly<Record<TranscriptFormat, FileFilter>> = {
  jsonl: { name: 'Socket Inspector transcript (JSON Lines)', extensions: ['jsonl'] },
  text: { name: 'Text dump', extensions: ['txt'] },
  pcapng: { name: 'pcapng (Wireshark, tshark)', extensions: ['pcapng'] },
};

/** An exported key is the key itself: owner-only where the OS has modes, like main's own copy. */
const OWNER_ONLY = 0o600;
const EXPORT_NAME = 'certificate-and-key.pem';

const FILE_HINTS: ReadonlySet<string> = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'ENOENT']);

function fileFailure(err: unknown, doing: 'dialog.opening' | 'dialog.saving' | 'dialog.creatingFolder', file: string) {
  const code = (err as NodeJS.ErrnoException).code ?? AppCode.Internal;
  const hint = FILE_HINTS.has(code) ? phrase(`hint.dialog.${code}` as PhraseKey) : phrase('hint.dialog.other');
  return fail(code, phrase(doing, { name: path.basename(file), problem: (err as Error).message }), hint);
}

/**
 * Write through a temporary file in the same folder and rename it into place, so a crash or a
 * full disk leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, data: Uint8Array, mode?: number): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/**
 * Main chooses every path through a native dialog; the page only ever names a suggestion, or a
 * session whose recording main already knows.
 */
export function fileDialogs(dialogs: Dialogs, { recorder, openPath, keys }: Recordings): HostHandlers {
  return {
    async saveFile({ suggestedName, filters, data }) {
      const choice = await dialogs.showSaveDialog({
        defaultPath: suggestedName,
        filters,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      try {
        await writeFileAtomic(choice.filePath, data);
      } catch (err) {
        return fileFailure(err, 'dialog.saving', choice.filePath);
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
          return fail(
            AppCode.PayloadTooLarge,
            phrase('dialog.tooBig', { name: path.basename(file), size: String(info.size), limit: String(MAX_FILE_BYTES) }),
            phrase('hint.smallerFile'),
          );
        }
        const data = await readFile(file);
        return ok({ name: path.basename(file), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
      } catch (err) {
        return fileFailure(err, 'dialog.opening', file);
      }
    },
    async openKeyFile({ filters }) {
      const choice = await dialogs.showOpenDialog({ filters, properties: ['openFile'] });
      const file = choice.filePaths[0];
      if (choice.canceled || !file) return ok(null);
      let key: string;
      try {
        const info = await stat(file);
        // A key is a few kilobytes: a larger file is the wrong one, and the schema says so from its first bytes.
        const data = await readFile(file);
        key = info.size > MAX_PEM_LENGTH ? data.subarray(0, MAX_PEM_LENGTH + 1).toString('utf8') : data.toString('utf8');
      } catch (err) {
        return fileFailure(err, 'dialog.opening', file);
      }
      const checked = argSchemas.keys.safeParse({ action: 'import', key });
      if (!checked.success) {
        return fail(AppCode.InvalidArgument, describeIssues('keys', checked.error), hintFor(AppCode.InvalidArgument));
      }
      const kept = await keys.keys(checked.data);
      return kept.ok ? ok({ name: path.basename(file), keyRef: kept.value.keyRef }) : kept;
    },
    async exportKey({ keyRef }) {
      const held = await keys.heldKey(keyRef);
      if (!held.ok) return held;
      const choice = await dialogs.showSaveDialog({
        defaultPath: EXPORT_NAME,
        filters: [{ name: 'PEM', extensions: ['pem'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      try {
        await writeFileAtomic(choice.filePath, new TextEncoder().encode(exportedPem(held.value)), OWNER_ONLY);
      } catch (err) {
        return fileFailure(err, 'dialog.saving', choice.filePath);
      }
      return ok({ saved: true, name: path.basename(choice.filePath) });
    },
    async saveRecording({ sessionId, format }) {
      const source = recorder.recordingFile(sessionId);
      if (!source) {
        return fail(AppCode.NotFound, phrase('dialog.noRecording', { sessionId }), phrase('hint.startRecordingToSave'));
      }
      const choice = await dialogs.showSaveDialog({
        defaultPath: savedFileName(source, format),
        filters: [FORMAT_FILTERS[format]],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      const target = choice.filePath;
      if (path.resolve(target) === path.resolve(source)) {
        return fail(AppCode.InvalidArgument, phrase('dialog.overItself', { name: path.basename(target) }), phrase('hint.otherName'));
      }
      let outcome;
      try {
        outcome = await convertTranscriptFile(source, format, target);
      } catch (err) {
        return fileFailure(err, 'dialog.saving', target);
      }
      if (!outcome.header) {
        const message = outcome.problem
          ? phrase('dialog.unreadableWhy', { file: source, problem: outcome.problem.message })
          : phrase('dialog.unreadable', { file: source });
        return fail(AppCode.NotFound, message, phrase('hint.recordAnew'));
      }
      return ok({ saved: true, name: path.basename(target) });
    },
    async chooseRecordingFolder() {
      const choice = await dialogs.showOpenDialog({
        title: 'Recordings folder',
        defaultPath: recorder.folder,
        properties: ['openDirectory', 'createDirectory'],
      });
      const folder = choice.filePaths[0];
      if (choice.canceled || !folder) return ok(null);
      return recorder.setFolder(folder);
    },
    async openRecordingFolder() {
      const folder = recorder.folder;
      try {
        // Nothing may have been recorded yet; an empty folder is still worth showing.
        await mkdir(folder, { recursive: true });
      } catch (err) {
        return fileFailure(err, 'dialog.creatingFolder', folder);
      }
      const problem = await openPath(folder);
      if (problem) return fail(AppCode.NotFound, phrase('dialog.folderNotShown', { folder, problem }), phrase('hint.openFolderYourself'));
      return ok(null);
    },
  };
}
