/**
 * The desktop shell as it ships, under plain Node. The Electron binary cannot run on the test
 * machine, so the built bundles (out/main/index.js, out/preload/index.js) run against a stand-in
 * for the `electron` module that records what main asks of Electron and plays Electron's part:
 * the app's lifecycle, the window and its page, the app:// protocol, and IPC between the preload
 * and main, structured-cloned on the way across as Electron does.
 *
 *   const shell = await startDesktopShell(); // loads main, fires `ready`, waits for the page and its preload
 *   shell.inspector     // window.inspector as the built preload exposed it: calls go through the
 *                       //   preload's ipcRenderer.invoke to main's ipcMain handlers; onEvents gets
 *                       //   what main sends with webContents.send
 *   shell.registrations // what main registered with Electron (schemes, protocol and IPC handlers, …)
 *   shell.window        // the main window: its constructor options, the URL it loaded, its webContents
 *   shell.request(url)  // an app:// request answered by main's protocol handler
 *   shell.appPath(name) // app.getPath as main sees it: folders in a temporary directory
 *   await shell.quit()  // Electron's quit sequence; settles once main lets the app quit, then
 *                       //   deletes the app's folders. Calling it again waits for the same quit.
 *
 * Nothing global is patched: only the two bundles see the stand-in, through the `require` they
 * are loaded with. Each call loads them afresh, so shells are independent of one another.
 */
import events, { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import timers from 'node:timers';
import url, { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { BrowserWindowConstructorOptions, CustomScheme, IpcMainInvokeEvent, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ElectronBridge } from '@shared/contract';

/** Where `npm run build` puts the app. */
export const BUILD_DIR = fileURLToPath(new URL('../../out/', import.meta.url));
const MAIN_BUNDLE = path.join(BUILD_DIR, 'main', 'index.js');
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

/** The app.getPath names main may ask for; each is a fresh folder. */
const APP_FOLDERS = ['home', 'appData', 'userData', 'sessionData', 'temp', 'desktop', 'documents', 'downloads', 'logs'] as const;

const WAIT_MS = 5000;

type IpcHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;

/** What main asked of Electron. */
export interface Registrations {
  /** Each protocol.registerSchemesAsPrivileged call, and whether it came before `ready` (Electron ignores it after). */
  privilegedSchemes: { schemes: CustomScheme[]; beforeReady: boolean }[];
  /** protocol.handle, by scheme. */
  protocolHandlers: Map<string, ProtocolHandler>;
  /** ipcMain.handle, by channel. */
  ipcHandlers: Map<string, IpcHandler>;
  /** Every channel the preload invoked, in order. */
  invokedChannels: string[];
  /** The native dialogs main opened, each answered as cancelled; `parent` is the window it was modal to. */
  dialogs: { kind: 'open' | 'save'; parent: ShellWindow | undefined; options: OpenDialogOptions | SaveDialogOptions }[];
  /** Folders main asked the OS to show (shell.openPath). */
  openedPaths: string[];
  /** The default session's permission handlers. */
  permissions: { request?: PermissionRequestHandler; check?: PermissionCheckHandler };
}

export interface DesktopShell {
  inspector: ElectronBridge;
  registrations: Registrations;
  window: ShellWindow;
  request(url: string): Promise<Response>;
  appPath(name: string): string;
  quit(): Promise<void>;
}

/** An event whose listeners may call preventDefault(), as Electron's app and webContents events are. */
export function preventableEvent(): { preventDefault(): void; readonly defaultPrevented: boolean } {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `promise`, or an error naming what never happened. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `scheme://host`, as Chromium gives the origin of a standard scheme such as app://. */
const originOf = (address: string): string => {
  const parsed = new URL(address);
  return `${parsed.protocol}//${parsed.host}`;
};

/** One shell's Electron: the state every stand-in shares. */
class World {
  ready = false;
  readonly windows: ShellWindow[] = [];
  readonly registrations: Registrations = {
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    invokedChannels: [],
    dialogs: [],
    openedPaths: [],
    permissions: {},
  };
  /** Settles with the first window whose page loaded and whose preload ran. */
  readonly firstPage = deferred<ShellWindow>();
  private nextId = 1;

  constructor(readonly root: string) {}

  id(): number {
    return this.nextId++;
  }

  async request(address: string): Promise<Response> {
    const scheme = new URL(address).protocol.slice(0, -1);
    const handler = this.registrations.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`Nothing answers ${scheme}: URLs: main did not call protocol.handle('${scheme}', …)`);
    return handler(new Request(address));
  }
}

export class ShellWebContents extends EventEmitter {
  readonly id: number;
  /** What main installed with setWindowOpenHandler: Electron asks it before any window.open. */
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  /** The page's ipcRenderer, once its preload ran. */
  renderer?: ShellIpcRenderer;
  private destroyed = false;

  constructor(id: number) {
    super();
    this.id = id;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    // Cloned at send(), read on the renderer's own turn: a sender cannot change what was sent.
    const message = structuredClone(args);
    const renderer = this.renderer;
    if (renderer) setImmediate(() => renderer.emit(channel, { sender: renderer, ports: [] }, ...message));
  }
}

export class ShellWindow extends EventEmitter {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: ShellWebContents;
  /** What the preload exposed on the page's `window` with contextBridge. */
  readonly page: Record<string, unknown> = {};
  /** The URL main loaded: the top frame's URL, which main's sender check reads. */
  url: string | undefined;
  shown = false;
  private readonly world: World;

  constructor(world: World, options: BrowserWindowConstructorOptions) {
    super();
    this.world = world;
    this.options = options;
    this.webContents = new ShellWebContents(world.id());
  }

  loadURL(address: string): Promise<void> {
    this.url = address;
    const loaded = this.load(address);
    loaded.then(
      () => this.world.firstPage.resolve(this),
      (err: unknown) => this.world.firstPage.reject(err),
    );
    return loaded;
  }

  show(): void {
    this.shown = true;
  }

  close(): void {
    this.webContents.destroy();
    this.world.windows.splice(this.world.windows.indexOf(this), 1);
    this.emit('closed');
  }

  /** The page comes through the protocol handler, as Chromium fetches it; the preload runs before the page is shown. */
  private async load(address: string): Promise<void> {
    const page = await this.world.request(address);
    if (!page.ok) throw new Error(`${address} failed to load: the protocol handler answered ${page.status}`);
    const preload = this.options.webPreferences?.preload;
    if (preload) this.webContents.renderer = runPreload(this.world, this, preload);
    this.emit('ready-to-show');
  }
}

/** The IpcMainInvokeEvent Electron gives main for a call from a window's top frame. */
function invokeEvent(window: ShellWindow): IpcMainInvokeEvent {
  // loadURL set it before the preload, the only caller, could run.
  const frameUrl = window.url as string;
  const senderFrame = { url: frameUrl, origin: originOf(frameUrl), parent: null, processId: 1, routingId: 1 };
  return { type: 'frame', sender: window.webContents, senderFrame, processId: 1, frameId: 1 } as unknown as IpcMainInvokeEvent;
}

class ShellIpcRenderer extends EventEmitter {
  private readonly world: World;
  private readonly window: ShellWindow;

  constructor(world: World, window: ShellWindow) {
    super();
    this.world = world;
    this.window = window;
  }

  /** Arguments and result are structured-cloned, and a handler's throw reaches the page as Electron words it. */
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.world.registrations.invokedChannels.push(channel);
    const sent = structuredClone(args);
    const handler = this.world.registrations.ipcHandlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    let result: unknown;
    try {
      result = await handler(invokeEvent(this.window), ...sent);
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`);
    }
    return structuredClone(result);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  // Object.prototype of either world (the preload runs in a realm of its own), or none.
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/** Electron's contextBridge refuses values nested deeper than this (kMaxRecursion in context_bridge.cc). */
const CONTEXT_BRIDGE_MAX_DEPTH = 1000;

/**
 * What contextBridge does to a value passing between the preload's world and the page's:
 * functions and promises are proxied, plain objects and arrays copied member by member, and
 * everything else structured-cloned. A value nested too deeply throws in the caller's world, as
 * it does in Electron, so it never reaches the preload or main.
 */
function acrossWorlds(value: unknown, depth = 0): unknown {
  if (depth > CONTEXT_BRIDGE_MAX_DEPTH) {
    throw new Error(
      `Electron contextBridge recursion depth exceeded.  Nested objects deeper than ${CONTEXT_BRIDGE_MAX_DEPTH} are not supported.`,
    );
  }
  if (typeof value === 'function')
    return (...args: unknown[]) =>
      acrossWorlds(
        Reflect.apply(
          value,
          undefined,
          args.map((arg) => acrossWorlds(arg)),
        ),
      );
  if (Object.prototype.toString.call(value) === '[object Promise]') return Promise.resolve(value).then((settled) => acrossWorlds(settled));
  if (Array.isArray(value)) return value.map((member) => acrossWorlds(member, depth + 1));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, acrossWorlds(member, depth + 1)]));
  return structuredClone(value);
}

/**
 * The preload as a sandboxed renderer runs it: in a realm of its own, with a `require` that knows
 * only `electron` and the few Node modules Electron's sandbox allows, so a preload that grew a
 * dependency on Node fails here as it would in the app. Electron's sandbox also hands the preload
 * `process`, `Buffer` and the immediate timers; this preload uses none of them.
 */
function runPreload(world: World, window: ShellWindow, file: string): ShellIpcRenderer {
  const prefs = window.options.webPreferences ?? {};
  const ipcRenderer = new ShellIpcRenderer(world, window);
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown): void {
      if (!prefs.contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      if (Object.hasOwn(window.page, key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
      window.page[key] = acrossWorlds(api);
    },
  };
  const modules: Record<string, unknown> = { electron: { contextBridge, ipcRenderer }, events, timers, url };
  const sandboxedRequire = (id: string): unknown => {
    if (Object.hasOwn(modules, id)) return modules[id];
    throw new Error(`module not found: ${id}`);
  };
  const source = `(function (require, module, exports) {${readFileSync(file, 'utf8')}\n})`;
  const wrapper = vm.runInContext(source, vm.createContext(), { filename: file }) as (...args: unknown[]) => void;
  const module = { exports: {} };
  wrapper(sandboxedRequire, module, module.exports);
  return ipcRenderer;
}

class ShellApp extends EventEmitter {
  /** Settles once the quit sequence ran to its end, no listener having prevented it. */
  readonly quitted = deferred<void>();
  private readonly readied = deferred<void>();
  private readonly world: World;
  private readonly manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { name: string; productName?: string; version: string };

  constructor(world: World) {
    super();
    this.world = world;
  }

  whenReady(): Promise<void> {
    return this.readied.promise;
  }

  getPath(name: string): string {
    if (!(APP_FOLDERS as readonly string[]).includes(name)) throw new Error(`Failed to get '${name}' path`);
    return path.join(this.world.root, name);
  }

  getName(): string {
    return this.manifest.productName ?? this.manifest.name;
  }

  getVersion(): string {
    return this.manifest.version;
  }

  becomeReady(): void {
    this.world.ready = true;
    this.emit('ready', preventableEvent(), {});
    this.readied.resolve();
  }

  /** Electron's order: before-quit (preventable), the windows close, will-quit (preventable), quit. */
  quit(): void {
    const beforeQuit = preventableEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    for (const window of [...this.world.windows]) window.close();
    const willQuit = preventableEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.emit('quit', preventableEvent(), 0);
    this.quitted.resolve();
  }
}

/** The `electron` module as main's bundle sees it. */
function mainElectron(world: World, app: ShellApp) {
  const { registrations } = world;
  const afterReady = (what: string): void => {
    if (!world.ready) throw new Error(`${what} is only there once the app is ready`);
  };
  const BrowserWindow = class extends ShellWindow {
    static getAllWindows(): ShellWindow[] {
      return [...world.windows];
    }

    constructor(options: BrowserWindowConstructorOptions = {}) {
      if (!world.ready) throw new Error('Cannot create BrowserWindow before app is ready');
      super(world, options);
      world.windows.push(this);
      app.emit('web-contents-created', preventableEvent(), this.webContents);
    }
  };
  const dialogAnswer =
    (kind: 'open' | 'save') => async (parentOrOptions: unknown, maybeOptions?: OpenDialogOptions | SaveDialogOptions) => {
      const parent = parentOrOptions instanceof ShellWindow ? parentOrOptions : undefined;
      const options = (parent ? maybeOptions : parentOrOptions) as OpenDialogOptions | SaveDialogOptions;
      registrations.dialogs.push({ kind, parent, options });
      return kind === 'open' ? { canceled: true, filePaths: [] } : { canceled: true, filePath: '' };
    };
  return {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
        registrations.privilegedSchemes.push({ schemes: structuredClone(schemes), beforeReady: !world.ready });
      },
      handle(scheme: string, handler: ProtocolHandler): void {
        afterReady('protocol.handle');
        if (registrations.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
        registrations.protocolHandlers.set(scheme, handler);
      },
    },
    net: {
      /** Electron's net.fetch reads file: URLs from disk; a missing file rejects. */
      async fetch(address: string): Promise<Response> {
        if (!address.startsWith('file:')) throw new Error(`The desktop-shell stand-in fetches file: URLs only, not ${address}`);
        return new Response(await readFile(fileURLToPath(address)));
      },
    },
    ipcMain: {
      handle(channel: string, handler: IpcHandler): void {
        if (registrations.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        registrations.ipcHandlers.set(channel, handler);
      },
    },
    session: {
      get defaultSession() {
        afterReady('session.defaultSession');
        return {
          setPermissionRequestHandler(handler: PermissionRequestHandler): void {
            registrations.permissions.request = handler;
          },
          setPermissionCheckHandler(handler: PermissionCheckHandler): void {
            registrations.permissions.check = handler;
          },
        };
      },
    },
    dialog: { showOpenDialog: dialogAnswer('open'), showSaveDialog: dialogAnswer('save') },
    shell: {
      async openPath(folder: string): Promise<string> {
        registrations.openedPaths.push(folder);
        return '';
      },
    },
  };
}

/** Main's bundle in Node's own CommonJS wrapper, so __dirname is out/main as in the app; its `require('electron')` gets the stand-in. */
function loadMain(electron: unknown): void {
  const nodeRequire = createRequire(MAIN_BUNDLE);
  const scopedRequire = Object.assign((id: string): unknown => (id === 'electron' ? electron : nodeRequire(id)), nodeRequire);
  const wrapper = vm.runInThisContext(Module.wrap(readFileSync(MAIN_BUNDLE, 'utf8')), { filename: MAIN_BUNDLE }) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, scopedRequire, module, MAIN_BUNDLE, path.dirname(MAIN_BUNDLE));
}

export async function startDesktopShell(): Promise<DesktopShell> {
  if (!existsSync(MAIN_BUNDLE)) {
    throw new Error(
      `${path.relative(process.cwd(), MAIN_BUNDLE)} is missing: run \`npm run build\` first (npm test builds before it tests).`,
    );
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'socket-inspector-shell-'));
  try {
    await Promise.all(APP_FOLDERS.map((name) => mkdir(path.join(root, name))));
    const world = new World(root);
    const app = new ShellApp(world);
    loadMain(mainElectron(world, app));
    app.becomeReady();
    const window = await within(world.firstPage.promise, 'main to open its window and load the page once the app is ready');
    if (!window.page['inspector']) throw new Error('The preload exposed no window.inspector.');
    let quitting: Promise<void> | undefined;
    return {
      inspector: window.page['inspector'] as ElectronBridge,
      registrations: world.registrations,
      window,
      request: (address) => world.request(address),
      appPath: (name) => app.getPath(name),
      quit: () =>
        (quitting ??= (async () => {
          app.quit();
          await within(app.quitted.promise, 'main to let the app quit');
          await rm(root, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
