import { AppCode } from '@shared/errors';
import {
  HOST_METHOD_NAMES,
  type ElectronBridge,
  type InspectorBridge,
  type RecorderSettings,
  type TranscriptFormat,
} from '@shared/contract';
import { phrase } from '@shared/phrase';
import { fail, ok, type Result } from '@shared/result';

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

/** A private key file the user chose, held by main: its name, and its reference in main's key store. */
export interface ChosenKey {
  name: string;
  keyRef: string;
}

/** Saved where the user chose; handed to the browser, which saves the download itself; or cancelled. */
export type RecordingSave = 'saved' | 'downloading' | 'cancelled';

/** The recordings folder, which only the desktop app's host can pick and show. */
export interface RecordingFolderAccess {
  /** A native folder dialog; ok(null) when the user cancelled. */
  choose(): Promise<Result<RecorderSettings | null>>;
  /** Shows the folder in the system's file manager. */
  open(): Promise<Result<null>>;
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
  /**
   * A session's recording, converted to `format`, saved where the user says. The bytes never
   * pass through the page: main converts and writes them, or the server sends them as a download.
   */
  saveRecording(sessionId: string, format: TranscriptFormat): Promise<Result<RecordingSave>>;
  /** Undefined in a browser: there the server's --record-dir option sets the folder. */
  recordingFolder: RecordingFolderAccess | undefined;
  /**
   * A private key file chosen in main's native dialog and kept in main, so its bytes never reach
   * the page. Undefined in a browser, where the file input reads the file in the page and the
   * page hands its PEM to main's key store (the `keys` method) and keeps only the reference.
   */
  openKey?: (filters: FileFilter[]) => Promise<Result<ChosenKey | null>>;
  /**
   * The user's "Export certificate and key…", the one way a key leaves main: main writes it where
   * the user says in the desktop app; in a browser the server sends it as a download, past the page.
   */
  exportKey?: (keyRef: string) => Promise<Result<RecordingSave>>;
}

/** Where browser mode's server offers a session's recording as a download. */
export const recordingDownloadUrl = (sessionId: string, format: TranscriptFormat): string =>
  `/recordings/${encodeURIComponent(sessionId)}?format=${format}`;

/** Clicks a link that downloads `href`; the name, when given, is only a suggestion to the browser. */
function download(href: string, name: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Largest file the page reads into memory when opening one. */
export const MAX_OPEN_BYTES = 256 * 1024 * 1024;

/** Browser mode: a download for saving, a file picker for opening. */
export const browserFiles: FileAccess = {
  async save(suggestedName, bytes, filters) {
    const type = filters[0]?.extensions[0] === 'json' ? 'application/json' : 'application/octet-stream';
    const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type }));
    download(url, suggestedName);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return ok(true);
  },
  async saveRecording(sessionId, format) {
    // Same origin, so the token cookie authorizes it; the server names the file (Content-Disposition).
    download(recordingDownloadUrl(sessionId, format), '');
    return ok('downloading');
  },
  recordingFolder: undefined,
  async exportKey(keyRef) {
    download(`/keys/${encodeURIComponent(keyRef)}`, '');
    return ok('downloading');
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
          return resolve(
            fail(
              AppCode.PayloadTooLarge,
              phrase('page.fileTooBig', { name: file.name, size: String(file.size), limit: String(MAX_OPEN_BYTES) }),
              phrase('hint.smallerFile'),
            ),
          );
        }
        void file.arrayBuffer().then(
          (buffer) => resolve(ok({ name: file.name, bytes: new Uint8Array(buffer) })),
          (err: unknown) =>
            resolve(
              fail(AppCode.Internal, phrase('page.fileUnreadable', { name: file.name, why: String(err) }), phrase('hint.fileReadable')),
            ),
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
    async saveRecording(sessionId, format) {
      const result = await bridge.saveRecording({ sessionId, format });
      if (!result.ok) return result;
      return ok(result.value.saved ? 'saved' : 'cancelled');
    },
    recordingFolder: {
      choose: () => bridge.chooseRecordingFolder({}),
      open: () => bridge.openRecordingFolder({}),
    },
    openKey: (filters) => bridge.openKeyFile({ filters }),
    async exportKey(keyRef) {
      const result = await bridge.exportKey({ keyRef });
      if (!result.ok) return result;
      return ok(result.value.saved ? 'saved' : 'cancelled');
    },
  };
}

function hasDialogs(bridge: InspectorBridge): bridge is ElectronBridge {
  const candidate = bridge as unknown as Record<string, unknown>;
  return HOST_METHOD_NAMES.every((name) => typeof candidate[name] === 'function');
}

/** Native dialogs where the bridge has them (Electron), downloads and uploads otherwise. */
export function filesFor(bridge: InspectorBridge | undefined): FileAccess {
  return bridge && hasDialogs(bridge) ? nativeFiles(bridge) : browserFiles;
}
