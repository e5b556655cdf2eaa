import { createContext, useContext } from 'react';
import { AppCode } from '../../../shared/errors';
import type { ElectronBridge, InspectorBridge } from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';

export interface FileFilter {
  /** What the files are, e.g. "Socket Inspector workspace". */
  name: string;
  /** Without dots: ["json"]. */
  extensions: string[];
}

export interface OpenedFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Saving and opening files as the user chooses them: native dialogs in the desktop app (main
 * picks the path; the page never names one), downloads and uploads in a browser.
 */
export interface FileAccess {
  /** Resolves ok(false) when the user cancelled. */
  save(suggestedName: string, bytes: Uint8Array, filters: FileFilter[]): Promise<Result<boolean>>;
  /** Resolves ok(null) when the user cancelled. */
  open(filters: FileFilter[]): Promise<Result<OpenedFile | null>>;
}

/** Largest file the page reads into memory when opening one. */
export const MAX_OPEN_BYTES = 256 * 1024 * 1024;

/** Browser mode: a download for saving, a file picker for opening. */
export const browserFiles: FileAccess = {
  async save(suggestedName, bytes, filters) {
    const type = filters[0]?.extensions[0] === 'json' ? 'application/json' : 'application/octet-stream';
    const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = suggestedName;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return ok(true);
  },
  open(filters) {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = filters.flatMap((f) => f.extensions.map((e) => `.${e}`)).join(',');
      input.addEventListener('cancel', () => resolve(ok(null)));
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        if (!file) return resolve(ok(null));
        if (file.size > MAX_OPEN_BYTES) {
          return resolve(fail(AppCode.PayloadTooLarge, `${file.name} is ${file.size} bytes; files up to ${MAX_OPEN_BYTES} bytes can be opened.`, 'Pick a smaller file.'));
        }
        void file.arrayBuffer().then(
          (buffer) => resolve(ok({ name: file.name, bytes: new Uint8Array(buffer) })),
          (err: unknown) => resolve(fail(AppCode.Internal, `${file.name} could not be read: ${String(err)}`, 'Check that the file is readable and try again.')),
        );
      });
      input.click();
    });
  },
};

/** The desktop app: main shows the native dialog and picks the path; the page sends bytes only. */
export function nativeFiles(bridge: ElectronBridge): FileAccess {
  return {
    async save(suggestedName, bytes, filters) {
      const result = await bridge.saveFile({ suggestedName, filters, data: bytes });
      return result.ok ? ok(result.value.saved) : result;
    },
    async open(filters) {
      const result = await bridge.openFile({ filters });
      if (!result.ok) return result;
      return ok(result.value ? { name: result.value.name, bytes: result.value.data } : null);
    },
  };
}

function hasDialogs(bridge: InspectorBridge): bridge is ElectronBridge {
  const candidate = bridge as Partial<ElectronBridge>;
  return typeof candidate.saveFile === 'function' && typeof candidate.openFile === 'function';
}

/** Native dialogs where the bridge has them (Electron), downloads and uploads otherwise. */
export function filesFor(bridge: InspectorBridge | undefined): FileAccess {
  return bridge && hasDialogs(bridge) ? nativeFiles(bridge) : browserFiles;
}

export const FilesContext = createContext<FileAccess>(browserFiles);

export function useFiles(): FileAccess {
  return useContext(FilesContext);
}
