import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionManager } from '@engine/session-manager';
import { forwardEvents } from '@main/ipc/forward-events';
import { registerApi } from '@main/ipc/register-api';
import { appSenderCheck } from '@main/ipc/sender-check';
import {
  EVENTS_CHANNEL,
  ipcChannel,
  METHOD_NAMES,
  type EngineApi,
  type EventBatch,
  type InspectorEvent,
  type MethodName,
  type SessionInfo,
} from '@shared/contract';
import { MAX_HOST_LENGTH, MAX_PAYLOAD_TEXT_LENGTH } from '@shared/limits';
import type { Result } from '@shared/result';
import { FakeIpcMain, forgedEvent, WINDOW_ID } from '../support/ipc';

const trusted = appSenderCheck({ windowContentsId: () => WINDOW_ID, allowedOrigins: ['app://bundle'] });

let ipc: FakeIpcMain;
let manager: SessionManager;
let sent: { channel: string; batch: EventBatch }[];

beforeEach(() => {
  ipc = new FakeIpcMain();
  sent = [];
  const window = { isDestroyed: () => false, send: (channel: string, batch: EventBatch) => sent.push({ channel, batch }) };
  manager = new SessionManager({ onBatch: forwardEvents(() => window) });
  registerApi(ipc, manager, trusted);
});

afterEach(async () => {
  await manager.dispose();
});

const call = (method: MethodName, ...args: unknown[]) => ipc.invoke(ipcChannel(method), forgedEvent(), ...args) as Promise<Result<unknown>>;

async function expectInvalid(method: MethodName, arg: unknown, mentions: RegExp) {
  const result = await call(method, arg);
  expect(result.ok, `${method}(${JSON.stringify(arg)?.slice(0, 80)}) should be refused`).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('INVALID_ARGUMENT');
  expect(result.error.message).toMatch(mentions);
  expect(result.error.hint.length).toBeGreaterThan(10);
}

const goodServer = { kind: 'tcp-server', host: '127.0.0.1', port: 0 };
const hugeString = 'x'.repeat(MAX_PAYLOAD_TEXT_LENGTH + 1);

describe('registration', () => {
  it('binds every method of the contract to its own channel', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('unbinds every channel again', () => {
    const other = new FakeIpcMain();
    const unbind = registerApi(other, manager, trusted);
    unbind();
    expect(other.handlers.size).toBe(0);
  });
});

describe('arguments are validated in main before anything runs', () => {
  const notAnObject = [undefined, null, 42, 'open', [], true];

  it.each(METHOD_NAMES)('%s refuses non-object arguments', async (method) => {
    for (const arg of notAnObject) await expectInvalid(method, arg, new RegExp(`Invalid arguments for ${method}`));
  });

  it.each(METHOD_NAMES)('%s refuses unknown keys', async (method) => {
    const base: Record<MethodName, Record<string, unknown>> = {
      open: { config: goodServer },
      close: { sessionId: 's1' },
      reopen: { sessionId: 's1' },
      remove: { sessionId: 's1' },
      restore: { sessionId: 's1' },
      send: { sessionId: 's1', payload: { format: 'text', value: 'hi' } },
      disconnect: { sessionId: 's1', mode: 'reset' },
      resetCounters: { sessionId: 's1' },
      multicast: { sessionId: 's1', action: 'join', group: '239.1.2.3' },
      list: {},
      history: {},
      record: { sessionId: 's1', action: 'start' },
      recordingSettings: {},
      addresses: {},
      automate: { sessionId: 's1' },
      repeat: { sessionId: 's1', action: 'stop' },
      hold: { sessionId: 's1', flow: 'to-server', hold: true },
      held: { sessionId: 's1', action: 'list' },
      inject: { sessionId: 's1', flow: 'to-client', payload: { format: 'text', value: 'hi' } },
      preview: { sessionId: 's1', payload: { format: 'text', value: 'x' } },
      sequence: { sessionId: 's1', action: 'stop' },
      certificate: {},
      keys: { action: 'forget', keyRef: `key-${'0'.repeat(32)}` },
    };
    await expectInvalid(method, { ...base[method], sneaky: 1 }, /Unrecognized key.*sneaky/);
  });

  it('refuses a __proto__ key smuggled in through JSON', async () => {
    const arg = JSON.parse('{"config":{"kind":"tcp-server","host":"127.0.0.1","port":0},"__proto__":{"polluted":true}}');
    await expectInvalid('open', arg, /__proto__/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses more than one positional argument', async () => {
    const result = await call('list', {}, { extra: true });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'list takes exactly one object argument; it got 2.' },
    });
  });

  it('refuses missing fields, naming them', async () => {
    await expectInvalid('open', {}, /config/);
    await expectInvalid('open', { config: { kind: 'tcp-server', host: '127.0.0.1' } }, /config\.port: Port must be a number/);
    await expectInvalid('open', { config: { kind: 'tcp-server', port: 1 } }, /config\.host/);
    await expectInvalid('open', { config: { host: '127.0.0.1', port: 1 } }, /config\.kind/);
    await expectInvalid('send', { sessionId: 's1' }, /payload/);
    await expectInvalid('disconnect', { sessionId: 's1' }, /mode/);
    await expectInvalid('close', {}, /sessionId/);
  });

  it('refuses wrong types, naming the field', async () => {
    await expectInvalid('open', { config: { ...goodServer, port: '8080' } }, /config\.port: Port must be a number/);
    await expectInvalid('open', { config: { ...goodServer, host: 127001 } }, /config\.host: Host must be text/);
    await expectInvalid('open', { config: { ...goodServer, kind: 'sctp' } }, /config\.kind/);
    await expectInvalid('open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: 80, noDelay: 'yes' } }, /config\.noDelay/);
    await expectInvalid('close', { sessionId: 5 }, /sessionId: Id must be text/);
    await expectInvalid('send', { sessionId: 's1', payload: { format: 'morse', value: '..' } }, /payload\.format/);
    await expectInvalid('send', { sessionId: 's1', payload: { format: 'hex', value: 12 } }, /payload\.value: Payload value must be text/);
    await expectInvalid('send', { sessionId: 's1', payload: { format: 'text', value: 'a' }, to: { type: 'moon' } }, /to/);
    await expectInvalid('disconnect', { sessionId: 's1', mode: 'explode' }, /mode: Mode must be graceful, half-close or reset/);
    await expectInvalid('multicast', { sessionId: 's1', action: 'dance', group: '239.1.2.3' }, /action/);
    await expectInvalid('record', { sessionId: 's1', action: 'pause' }, /action: Action must be start or stop/);
    await expectInvalid('recordingSettings', { recordByDefault: 'yes' }, /recordByDefault/);
    await expectInvalid('recordingSettings', { folder: '/tmp' }, /Unrecognized key.*folder/);
  });

  it('refuses out-of-range and fractional ports with the range in the message', async () => {
    await expectInvalid('open', { config: { ...goodServer, port: 70000 } }, /Port 70000 is out of range: use 0–65535/);
    await expectInvalid('open', { config: { ...goodServer, port: -1 } }, /Port -1 is out of range/);
    await expectInvalid('open', { config: { ...goodServer, port: 80.5 } }, /Port 80.5 is not a whole number/);
    await expectInvalid('open', { config: { ...goodServer, port: Number.NaN } }, /config\.port/);
    await expectInvalid('open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: 0 } }, /Port 0 cannot be connected or sent to/);
    await expectInvalid(
      'send',
      { sessionId: 's1', payload: { format: 'text', value: 'a' }, to: { type: 'address', host: '127.0.0.1', port: 65536 } },
      /to\.port: Port 65536/,
    );
  });

  it('refuses bad hosts with a message that says how to fix them', async () => {
    await expectInvalid('open', { config: { ...goodServer, host: '' } }, /Host is empty: enter an address such as 127\.0\.0\.1/);
    await expectInvalid('open', { config: { ...goodServer, host: '1.2.3.256' } }, /not a valid IPv4 address/);
    await expectInvalid('open', { config: { ...goodServer, host: '[::1]' } }, /without brackets: ::1/);
    await expectInvalid('open', { config: { ...goodServer, host: 'bad host' } }, /not a valid host name/);
    await expectInvalid('multicast', { sessionId: 's1', action: 'join', group: '10.0.0.1' }, /Not a multicast group/);
  });

  it('refuses huge strings without choking on them', async () => {
    await expectInvalid('open', { config: { ...goodServer, host: 'a'.repeat(MAX_HOST_LENGTH + 1) } }, /Host is 254 characters long/);
    await expectInvalid('close', { sessionId: hugeString }, /Id is longer than 64 characters/);
    await expectInvalid('send', { sessionId: 's1', payload: { format: 'text', value: hugeString } }, /Payload is longer than/);
    await expectInvalid('multicast', { sessionId: 's1', action: 'join', group: '239.1.2.3', interface: hugeString }, /Interface is longer/);
  });

  it('ran none of the refused calls', async () => {
    await expectInvalid('open', { config: { ...goodServer, port: 70000 } }, /out of range/);
    const listed = (await call('list', {})) as Result<SessionInfo[]>;
    expect(listed).toEqual({ ok: true, value: [] });
  });
});

describe('the sender is checked on every call', () => {
  const refusals = [
    ['another window', forgedEvent({ senderId: WINDOW_ID + 1 })],
    ['an iframe', forgedEvent({ subframe: true })],
    ['a foreign page', forgedEvent({ url: 'https://evil.example/index.html' })],
    ['a file:// page', forgedEvent({ url: 'file:///tmp/index.html' })],
    ['a frame that is gone', forgedEvent({ noFrame: true })],
  ] as const;

  it.each(refusals)('refuses %s and runs nothing', async (_name, event) => {
    for (const method of METHOD_NAMES) {
      const result = (await ipc.invoke(ipcChannel(method), event, { config: goodServer })) as Result<unknown>;
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await manager.list({})).toEqual({ ok: true, value: [] });
  });

  it('refuses everything before the window exists', async () => {
    const other = new FakeIpcMain();
    registerApi(other, manager, appSenderCheck({ windowContentsId: () => undefined, allowedOrigins: ['app://bundle'] }));
    const result = (await other.invoke(ipcChannel('list'), forgedEvent(), {})) as Result<unknown>;
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('a valid call reaches real sockets and events reach the window', () => {
  it('opens a listener, a peer connects and sends, the window gets the bytes', async () => {
    const opened = (await call('open', { config: goodServer })) as Result<SessionInfo>;
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.state).toBe('open');
    const port = opened.value.local!.port;
    expect(port).toBeGreaterThan(0);

    const client = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    client.write('hello over IPC');

    const events = () => sent.flatMap((s) => s.batch.events);
    const deadline = Date.now() + 5000;
    const rx = () => events().filter((e): e is Extract<InspectorEvent, { type: 'data' }> => e.type === 'data' && e.dir === 'rx');
    while (Date.now() < deadline && Buffer.concat(rx().map((e) => e.bytes)).toString() !== 'hello over IPC') {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Buffer.concat(rx().map((e) => e.bytes)).toString()).toBe('hello over IPC');
    expect(sent.every((s) => s.channel === EVENTS_CHANNEL)).toBe(true);
    expect(events().some((e) => e.type === 'connection-opened')).toBe(true);

    const reply = (await call('send', { sessionId: opened.value.id, payload: { format: 'hex', value: '6f 6b 0d 0a' } })) as Result<unknown>;
    expect(reply).toEqual({ ok: true, value: { bytes: 4, targets: 1 } });
    const got = await new Promise<Buffer>((resolve) => client.once('data', resolve));
    expect(got).toEqual(Buffer.from('ok\r\n'));
    client.destroy();
  });

  it('answers record and recordingSettings with the reason when main has no recorder', async () => {
    const opened = (await call('open', { config: goodServer })) as Result<SessionInfo>;
    const sessionId = opened.ok ? opened.value.id : '';
    for (const result of [await call('record', { sessionId, action: 'start' }), await call('recordingSettings', {})]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_STATE', message: expect.stringContaining('without a recorder') } });
    }
  });

  it('returns the engine error as a typed result, not a throw', async () => {
    const result = (await call('send', { sessionId: 'nope', payload: { format: 'text', value: 'x' } })) as Result<unknown>;
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No session nope.' } });
  });

  it('turns a throw inside the engine into an INTERNAL result', async () => {
    const exploding = new Proxy({} as EngineApi, {
      get: () => () => {
        throw new Error('kaboom');
      },
    });
    const other = new FakeIpcMain();
    registerApi(other, exploding, trusted);
    const result = (await other.invoke(ipcChannel('list'), forgedEvent(), {})) as Result<unknown>;
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'list failed unexpectedly: kaboom' } });
  });

  it('stops sending events to a destroyed window', () => {
    const batches: EventBatch[] = [];
    const sink = forwardEvents(() => ({ isDestroyed: () => true, send: (_c, b) => batches.push(b) }));
    sink({ events: [], coalesced: 0 });
    expect(batches).toHaveLength(0);
  });
});
