/**
 * Hostile arguments over Electron IPC: every method of the contract and every host method, called
 * through the guarded handlers on a stand-in ipcMain with what structured clone can carry —
 * wrong types, NaN, ±Infinity, -0, huge numbers, BigInt, Maps and Dates, deep nesting, huge
 * strings, NUL bytes, `__proto__` and friends. Each is refused with a typed error naming the
 * problem; no socket opens, no file is written, no dialog shows, nothing leaks onto
 * Object.prototype, and the next valid call still works.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileDialogs, type Dialogs } from '@main/file-dialogs';
import { SessionManager } from '@engine/session-manager';
import { registerApi, registerHost } from '@main/ipc/register-api';
import { appSenderCheck } from '@main/ipc/sender-check';
import { Recorder } from '@recorder/recorder';
import { argSchemas, hostArgSchemas, ipcChannel, METHOD_NAMES, HOST_METHOD_NAMES, type SessionInfo } from '@shared/contract';
import { MAX_PAYLOAD_TEXT_LENGTH } from '@shared/limits';
import type { Result } from '@shared/result';
import {
  anyValue,
  BASE_ARGS,
  cloneableHostileValues,
  deepHostileValues,
  engineCases,
  HOST_BASE_ARGS,
  hostCases,
  mutatedArgs,
  polluted,
  protoBomb,
  prototypeKeys,
  type Case,
} from '../support/hostile-input';
import { FakeIpcMain, forgedEvent, WINDOW_ID } from '../support/ipc';

let dir: string;
let ipc: FakeIpcMain;
let manager: SessionManager;
let recorder: Recorder;
let dialogsShown: number;
let foldersOpened: number;
const prototypeBefore = prototypeKeys();

const dialogs: Dialogs = {
  async showSaveDialog() {
    dialogsShown += 1;
    return { canceled: true, filePath: '' };
  },
  async showOpenDialog() {
    dialogsShown += 1;
    return { canceled: true, filePaths: [] };
  },
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'si-hostile-ipc-'));
  dialogsShown = 0;
  foldersOpened = 0;
  ipc = new FakeIpcMain();
  recorder = new Recorder({
    folder: path.join(dir, 'recordings'),
    app: { name: 'Socket Inspector', version: 'test' },
    recordByDefault: true,
  });
  manager = new SessionManager({ recorder, onBatch: () => undefined });
  const trusted = appSenderCheck({ windowContentsId: () => WINDOW_ID, allowedOrigins: ['app://bundle'] });
  registerApi(ipc, manager, trusted);
  registerHost(
    ipc,
    fileDialogs(dialogs, {
      recorder,
      keys: manager,
      openPath: async () => {
        foldersOpened += 1;
        return '';
      },
    }),
    trusted,
  );
});

afterEach(async () => {
  await manager.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** As Electron delivers it: the renderer's argument structured-cloned into main, when it can be. */
function overIpc(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

const call = (method: string, ...args: unknown[]) =>
  ipc.invoke(ipcChannel(method as (typeof METHOD_NAMES)[number]), forgedEvent(), ...args) as Promise<Result<unknown>>;

function expectRefused(result: Result<unknown>, c: { method: string; name?: string; where: string }): void {
  const label = c.name ?? c.method;
  expect(result.ok, `${label} should be refused`).toBe(false);
  if (result.ok) return;
  expect(Object.keys(result).sort(), label).toEqual(['error', 'ok']);
  expect(Object.keys(result.error).sort(), label).toEqual(['code', 'hint', 'i18n', 'message']);
  expect(result.error.code, label).toBe('INVALID_ARGUMENT');
  expect(result.error.message, label).toContain(`Invalid arguments for ${c.method}`);
  if (c.where !== '') expect(result.error.message, label).toContain(`${c.where}`);
  expect(result.error.message.length, `${label}: the message stays readable`).toBeLessThan(2000);
  expect(result.error.hint.length, label).toBeGreaterThan(10);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Nothing happened: no session, no file, no dialog, no folder shown, no pollution, and a valid call works. */
async function expectUntouched(): Promise<void> {
  expect(await call('list', {})).toEqual({ ok: true, value: [] });
  // No refused call changed a setting half-way.
  expect(await call('recordingSettings', {})).toMatchObject({ ok: true, value: { recordByDefault: true } });
  expect(await filesUnder(dir)).toEqual([]);
  expect(dialogsShown).toBe(0);
  expect(foldersOpened).toBe(0);
  expect(prototypeKeys()).toEqual(prototypeBefore);
  expect(polluted()).toBe(false);
}

async function runCases(cases: Case[], clone: boolean): Promise<void> {
  for (const c of cases) expectRefused(await call(c.method, clone ? overIpc(c.args) : c.args), c);
}

describe('hostile arguments over IPC', () => {
  it('refuses every field of every method set to each hostile value, or given a poison key', async () => {
    const cases = engineCases(cloneableHostileValues());
    // Every method, many fields each: the matrix must not have shrunk to nothing.
    expect(new Set(cases.map((c) => c.method))).toEqual(new Set(METHOD_NAMES));
    expect(cases.length).toBeGreaterThan(1000);
    await runCases(cases, true);
    await expectUntouched();
  });

  it('refuses the host methods the same way, before any dialog opens', async () => {
    const cases = hostCases(cloneableHostileValues());
    expect(new Set(cases.map((c) => c.method))).toEqual(new Set(HOST_METHOD_NAMES));
    await runCases(cases, true);
    await expectUntouched();
  });

  it(`refuses nesting ${100_000} levels deep in any field without overflowing the stack`, async () => {
    await runCases(engineCases(deepHostileValues()), false);
    await runCases(hostCases(deepHostileValues()), false);
    await expectUntouched();
  });

  it('names the kind of a Map, Date or other non-plain object given as the whole argument', async () => {
    for (const method of [...METHOD_NAMES, ...HOST_METHOD_NAMES]) {
      for (const [kind, value] of [
        ['Map', new Map()],
        ['Date', new Date(0)],
        ['Set', new Set()],
        ['Error', new Error('x')],
        ['RegExp', /x/],
        ['ArrayBuffer', new ArrayBuffer(1)],
      ] as const) {
        const result = await call(method, overIpc(value));
        expect(result, `${method}(${kind})`).toMatchObject({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `Invalid arguments for ${method}: expected a plain object, received ${kind}.` },
        });
      }
    }
    await expectUntouched();
  });

  it('refuses strings of tens of megabytes, and keeps the message short when a key is one', async () => {
    const huge = 'h'.repeat(20 * 1024 * 1024);
    const tooLongPayload = 'x'.repeat(MAX_PAYLOAD_TEXT_LENGTH + 1);
    const cases: Omit<Case, 'name'>[] = [
      { method: 'close', args: { sessionId: huge }, where: 'sessionId' },
      { method: 'open', args: { config: { kind: 'tcp-server', host: huge, port: 0 } }, where: 'config.host' },
      { method: 'send', args: { sessionId: 's1', payload: { format: 'text', value: tooLongPayload } }, where: 'payload.value' },
      { method: 'multicast', args: { sessionId: 's1', action: 'join', group: '239.1.2.3', interface: huge }, where: 'interface' },
      { method: 'list', args: { [huge]: 1 }, where: '' },
      { method: 'open', args: { config: { kind: 'udp', host: '127.0.0.1', port: 0, [huge]: true } }, where: 'config' },
      { method: 'saveFile', args: { suggestedName: huge, filters: [], data: new Uint8Array() }, where: 'suggestedName' },
    ];
    for (const c of cases) expectRefused(await call(c.method, c.args), c);
    await expectUntouched();
  });

  it('refuses an argument with a hundred thousand unknown keys, naming only the first ones', async () => {
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, i]));
    const result = await call('list', many);
    expectRefused(result, { method: 'list', where: '' });
    expect(!result.ok && result.error.message).toMatch(/Unrecognized keys: "key0", "key1"/);
    await expectUntouched();
  });

  it('refuses a __proto__ key from JSON.parse at every level, and Object.prototype stays clean', async () => {
    const smuggled = [
      { method: 'list', args: protoBomb(), where: '' },
      {
        method: 'open',
        args: JSON.parse('{"config":{"kind":"tcp-server","host":"127.0.0.1","port":0,"__proto__":{"polluted":true}}}'),
        where: 'config',
      },
      {
        method: 'open',
        args: JSON.parse('{"config":{"kind":"tcp-client","host":"127.0.0.1","port":9,"reconnect":{"__proto__":{"enabled":true}}}}'),
        where: 'config.reconnect',
      },
      {
        method: 'send',
        args: JSON.parse('{"sessionId":"s1","payload":{"format":"hex","value":"00","__proto__":{"format":"text"}}}'),
        where: 'payload',
      },
      { method: 'recordingSettings', args: JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'), where: '' },
    ];
    for (const c of smuggled) {
      const result = await call(c.method, overIpc(c.args));
      expectRefused(result, c);
      expect(!result.ok && result.error.message).toMatch(/Unrecognized key/);
    }
    await expectUntouched();
  });

  it('refuses a call with extra arguments or none, for every method', async () => {
    for (const { method, args } of [...BASE_ARGS, ...HOST_BASE_ARGS]) {
      for (const extra of [[], [args, args], [args, undefined], [args, protoBomb()]]) {
        const result = await call(method, ...extra);
        expect(result, `${method} with ${extra.length} arguments`).toMatchObject({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `${method} takes exactly one object argument; it got ${extra.length}.` },
        });
      }
    }
    await expectUntouched();
  });

  it('answers any generated value in any field with a typed refusal (property)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedArgs(BASE_ARGS, argSchemas, anyValue()), async (c) => {
        expectRefused(await call(c.method, overIpc(c.args)), c);
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(mutatedArgs(HOST_BASE_ARGS, hostArgSchemas, anyValue()), async (c) => {
        expectRefused(await call(c.method, overIpc(c.args)), c);
      }),
      { numRuns: 150 },
    );
    await expectUntouched();
  });

  it('still opens, serves and closes a real listener after all of that', async () => {
    await runCases(engineCases(cloneableHostileValues()).slice(0, 200), true);
    const opened = (await call('open', {
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, record: false },
    })) as Result<SessionInfo>;
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const client = net.connect(opened.value.local!.port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const got = new Promise<Buffer>((resolve) => client.once('data', resolve));
    let sent: Result<unknown> = { ok: true, value: null };
    for (let attempt = 0; attempt < 100; attempt++) {
      sent = await call('send', { sessionId: opened.value.id, payload: { format: 'text', value: 'still here\\0' } });
      if (sent.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sent).toEqual({ ok: true, value: { bytes: 11, targets: 1 } });
    expect((await got).toString('latin1')).toBe('still here\0');
    client.destroy();
    expect(await call('close', { sessionId: opened.value.id })).toMatchObject({ ok: true, value: { state: 'closed' } });
    expect(polluted()).toBe(false);
  });
});
