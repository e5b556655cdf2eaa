/**
 * One client interface over the three transports of the API, so the conformance suite runs the
 * same test body on each: Electron IPC (the built main and preload bundles on a stand-in
 * Electron), the browser mode's WebSocket (the real server, a `ws` client) and
 * stdio (the built CLI as a child process).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { startBrowserServer, WS_PATH } from '@server/browser-server';
import { decodeBase64 } from '@shared/base64';
import type { InspectorBridge, InspectorEvent } from '@shared/contract';
import type { Answer, CallId } from '@shared/envelope';
import type { Result } from '@shared/result';
import { decodeServerFrame, type ServerMessage } from '@shared/wire';
import { startDesktopShell } from './desktop-shell';

export interface TransportClient {
  /** A call as a page or script makes it; resolves with its answer. */
  call(method: string, args: unknown): Promise<Result<unknown>>;
  /** A call whose arguments are JSON text: sent as written where the transport is JSON, parsed first over IPC. */
  callText(method: string, argsText: string): Promise<Result<unknown>>;
  /**
   * JSON-text transports only: one frame or line as written. Resolves with the answer under `id`,
   * or, without one, with the next answer that carries no id (send those one at a time).
   */
  raw?(text: string, id?: CallId): Promise<Answer>;
  /** The method names a page can call, where the transport hands it an object (IPC). */
  surface?: readonly string[];
  /** Every answer so far, for counting answers per id. */
  readonly answers: readonly Answer[];
  /** Every event so far, data bytes as Uint8Array on every transport. */
  readonly events: readonly InspectorEvent[];
  nextEvent(match: (event: InspectorEvent) => boolean, what: string, timeoutMs?: number): Promise<InspectorEvent>;
  close(): Promise<void>;
}

export interface Leg {
  name: string;
  open(): Promise<TransportClient>;
}

/** Events as they arrive, and a wait for one without polling too hard. */
function eventLog() {
  const events: InspectorEvent[] = [];
  let wake = () => undefined as void;
  return {
    events,
    push(batch: readonly InspectorEvent[]) {
      events.push(...batch);
      wake();
    },
    async next(match: (event: InspectorEvent) => boolean, what: string, timeoutMs = 5000): Promise<InspectorEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/**
 * A client over an API object (`window.inspector`). The desktop-shell harness hands one over from
 * the built preload.
 */
export function bridgeClient(inspector: InspectorBridge, close: () => Promise<void>): TransportClient {
  const log = eventLog();
  inspector.onEvents((batch) => log.push(batch.events));
  const answers: Answer[] = [];
  let count = 0;
  const call = async (method: string, args: unknown) => {
    const id = ++count;
    const result = await (inspector as unknown as Record<string, (a: unknown) => Promise<Result<unknown>>>)[method]!(args);
    answers.push({ id, result });
    return result;
  };
  return {
    call,
    callText: (method, argsText) => call(method, JSON.parse(argsText)),
    surface: Object.keys(inspector).filter((key) => key !== 'onEvents'),
    answers,
    events: log.events,
    nextEvent: log.next,
    close,
  };
}

/**
 * Electron IPC as it ships: the built main and preload bundles on a stand-in Electron
 * (test/support/desktop-shell.ts), called through the `window.inspector` the preload exposed.
 */
export const ipcLeg: Leg = {
  name: 'Electron IPC',
  async open() {
    const shell = await startDesktopShell();
    return bridgeClient(shell.inspector, () => shell.quit());
  },
};

/** A JSON transport's client: calls go as JSON text, so what a page or script sends is what is tested. */
function jsonTransport(
  client: ReturnType<typeof jsonClient>,
  log: ReturnType<typeof eventLog>,
  close: () => Promise<void>,
): TransportClient {
  return {
    call: (method, args) => client.callText(method, JSON.stringify(args)),
    callText: client.callText,
    raw: client.raw,
    answers: client.answers,
    events: log.events,
    nextEvent: log.next,
    close,
  };
}

/** The client half of the JSON transports: ids, pending calls and every answer. */
function jsonClient(send: (text: string) => void) {
  const answers: Answer[] = [];
  const waiting: { id: CallId | undefined; resolve: (answer: Answer) => void }[] = [];
  let count = 0;
  const expect = (id: CallId | undefined) =>
    new Promise<Answer>((resolve, reject) => {
      const entry = { id, resolve: (answer: Answer) => (clearTimeout(timer), resolve(answer)) };
      // A call left unanswered fails its test by name rather than by the test's timeout.
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(entry), 1);
        reject(new Error(`No answer ${id === undefined ? 'without an id' : `under id ${JSON.stringify(id)}`} within 10 s`));
      }, 10_000);
      waiting.push(entry);
    });
  return {
    answers,
    receive(answer: Answer) {
      answers.push(answer);
      const index = waiting.findIndex((w) => w.id === answer.id);
      if (index !== -1) waiting.splice(index, 1)[0]!.resolve(answer);
    },
    raw(text: string, id?: CallId): Promise<Answer> {
      const answered = expect(id);
      send(text);
      return answered;
    },
    async callText(method: string, argsText: string): Promise<Result<unknown>> {
      const id = ++count;
      const answered = expect(id);
      send(`{"id":${id},"method":${JSON.stringify(method)},"args":${argsText}}`);
      return (await answered).result;
    },
  };
}

const TOKEN = 'conformance-token-0123456789abcdef';

/** The browser mode's WebSocket: the real server on 127.0.0.1:0, a `ws` client as the page. */
export const webSocketLeg: Leg = {
  name: 'WebSocket',
  async open() {
    const root = mkdtempSync(path.join(os.tmpdir(), 'si-conformance-static-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Socket Inspector</title>');
    const server = await startBrowserServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticRoot: root, version: 'test' });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, {
      headers: { origin: `http://127.0.0.1:${server.port}`, cookie: `si_token=${TOKEN}` },
    });
    const log = eventLog();
    const client = jsonClient((text) => ws.send(text));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const message = decodeServerFrame(isBinary ? data : data.toString()) as ServerMessage;
      if (message.kind === 'result') client.receive({ ...(message.id === undefined ? {} : { id: message.id }), result: message.result });
      else if (message.kind === 'events') log.push(message.batch.events);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return jsonTransport(client, log, async () => {
      ws.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    });
  },
};

const CLI = path.resolve('out/server/cli.mjs');

type OutLine = { kind: string; id?: CallId; ok?: boolean; value?: unknown; error?: unknown } & Record<string, unknown>;

/** stdio as a script drives it: the built CLI as a child process, base64 bytes in its events. */
export const stdioLeg: Leg = {
  name: 'stdio (built CLI)',
  async open() {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
    const child = spawn(process.execPath, [CLI, '--stdio'], { stdio: 'pipe' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const log = eventLog();
    const client = jsonClient((text) => child.stdin.write(`${text}\n`));
    const ready = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (text) => {
        const line = JSON.parse(text) as OutLine;
        if (line.kind === 'ready') resolve();
        else if (line.kind === 'result') {
          const result = (line.ok ? { ok: true, value: line.value } : { ok: false, error: line.error }) as Result<unknown>;
          client.receive({ ...(line.id === undefined ? {} : { id: line.id }), result });
        } else if (line.kind === 'error') client.receive({ result: { ok: false, error: line.error } as Result<unknown> });
        else if (line.kind === 'event') {
          const { kind: _kind, ...event } = line;
          if (event.type === 'data') {
            const bytes = decodeBase64(event.bytes as string);
            event.bytes = bytes.ok ? bytes.bytes : new Uint8Array();
          }
          log.push([event as unknown as InspectorEvent]);
        }
      });
    });
    await ready;
    return jsonTransport(client, log, async () => {
      child.stdin.end();
      if ((await exited) !== 0) throw new Error('The CLI did not exit with status 0 when its input ended.');
    });
  },
};

export const LEGS: readonly Leg[] = [ipcLeg, webSocketLeg, stdioLeg];
