/**
 * The API's method names and the Electron channels they travel on. Free of dependencies so the
 * sandboxed preload can bundle it without pulling in the schema library.
 */
export const METHOD_NAMES = [
  'open',
  'close',
  'reopen',
  'remove',
  'restore',
  'send',
  'disconnect',
  'multicast',
  'list',
  'history',
  'record',
  'recordingSettings',
  'automate',
  'repeat',
  'preview',
  'sequence',
  'addresses',
  'hold',
  'held',
  'inject',
  'certificate',
  'keys',
  'resetCounters',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** The desktop app's own methods, beside the engine's: native file dialogs in main. */
export const HOST_METHOD_NAMES = [
  'saveFile',
  'openFile',
  'openKeyFile',
  'exportKey',
  'saveRecording',
  'chooseRecordingFolder',
  'openRecordingFolder',
] as const;
export type HostMethodName = (typeof HOST_METHOD_NAMES)[number];

export const ipcChannel = (method: MethodName | HostMethodName): string => `inspector:${method}`;
export const EVENTS_CHANNEL = 'inspector:events';
