/**
 * The desktop app's recording handlers behind the IPC guard: a real recorder and engine, real
 * files, and stand-in dialogs that answer as the user would.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileDialogs, type Dialogs } from '@main/file-dialogs';
import { registerHost } from '@main/ipc/register-api';
import { appSenderCheck } from '@main/ipc/sender-check';
import { SessionManager } from '@engine/session-manager';
import { Recorder } from '@recorder/recorder';
import { argSchemas, ipcChannel, type HostMethodName, type SessionInfo } from '@shared/contract';
import type { Result } from '@shared/result';
import { readTranscript } from '@shared/transcript/transcript-reader';
import { until } from '../support/until';
import { FakeIpcMain, forgedEvent, WINDOW_ID } from '../support/ipc';

let dir: string;
let ipc: FakeIpcMain;
let recorder: Recorder;
let manager: SessionManager;
let answer: { save?: string; folder?: string };
let asked: { save: SaveDialogOptions[]; open: OpenDialogOptions[]; shown: string[] };
let showProblem: string;

const dialogs: Dialogs = {
  async showSaveDialog(options) {
    asked.save.push(options);
    return answer.save ? { canceled: false, filePath: answer.save } : { canceled: true, filePath: '' };
  },
  async showOpenDialog(options) {
    asked.open.push(options);
    return answer.folder ? { canceled: false, filePaths: [answer.folder] } : { canceled: true, filePaths: [] };
  },
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'si-rec-dialogs-'));
  answer = {};
  asked = { save: [], open: [], shown: [] };
  showProblem = '';
  ipc = new FakeIpcMain();
  recorder = new Recorder({ folder: path.join(dir, 'recordings'), app: { name: 'Socket Inspector', version: 'test' } });
  manager = new SessionManager({ onBatch: () => undefined, recorder });
  const openPath = async (folder: string) => {
    asked.shown.push(folder);
    return showProblem;
  };
  registerHost(ipc, fileDialogs(dialogs, { recorder, openPath }), appSenderCheck({ windowContentsId: () => WINDOW_ID, allowedOrigins: ['app://bundle'] }));
});

afterEach(async () => {
  await manager.dispose();
  await rm(dir, { recursive: true, force: true });
});

const call = (method: HostMethodName, arg: unknown, event = forgedEvent()) => ipc.invoke(ipcChannel(method), event, arg) as Promise<Result<unknown>>;

/** A UDP session that received one datagram, its recording stopped: a whole transcript on disk. */
async function recordedSession(): Promise<{ session: SessionInfo; file: string }> {
  const opened = await manager.open(argSchemas.open.parse({ config: { kind: 'udp', host: '127.0.0.1', port: 0 } }));
  if (!opened.ok) throw new Error(opened.error.message);
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.send('hello recording', opened.value.local!.port, '127.0.0.1', () => resolve()));
  await until(() => (recorder.status(opened.value.id)?.records ?? 0) >= 4, 'the datagram on disk');
  peer.close();
  const stopped = await manager.record({ sessionId: opened.value.id, action: 'stop' });
  if (!stopped.ok) throw new Error(stopped.error.message);
  return { session: opened.value, file: stopped.value.path };
}

describe('saving a recording', () => {
  it('writes the JSON Lines where the user chose, suggesting the recording\'s own name', async () => {
    const { session, file } = await recordedSession();
    answer.save = path.join(dir, 'evidence.jsonl');
    expect(await call('saveRecording', { sessionId: session.id, format: 'jsonl' })).toEqual({ ok: true, value: { saved: true, name: 'evidence.jsonl' } });
    expect(asked.save[0]).toMatchObject({ defaultPath: path.basename(file), filters: [{ extensions: ['jsonl'] }] });
    const saved = await readFile(answer.save);
    expect(saved.equals(await readFile(file))).toBe(true);
    const { records, outcome } = readTranscript(new Uint8Array(saved));
    expect(outcome).toMatchObject({ ended: true });
    expect(records.map((r) => r.type === 'data' && Buffer.from(r.bytes).toString()).filter(Boolean)).toEqual(['hello recording']);
  });

  it.each([
    ['text', '.txt', (bytes: Buffer) => expect(bytes.toString('utf8')).toContain('hello recording')],
    ['pcapng', '.pcapng', (bytes: Buffer) => expect(bytes.readUInt32LE(0)).toBe(0x0a0d0d0a)],
  ] as const)('converts to %s, replacing an existing file whole and leaving no temporary file', async (format, ext, check) => {
    const { session, file } = await recordedSession();
    const out = await mkdtemp(path.join(dir, 'out-'));
    answer.save = path.join(out, `capture${ext}`);
    await writeFile(answer.save, Buffer.alloc(100_000, 0x41));
    expect(await call('saveRecording', { sessionId: session.id, format })).toEqual({ ok: true, value: { saved: true, name: `capture${ext}` } });
    expect(asked.save[0]!.defaultPath).toBe(path.basename(file).replace(/\.jsonl$/, ext));
    const saved = await readFile(answer.save);
    expect(saved.includes(Buffer.alloc(100, 0x41))).toBe(false);
    check(saved);
    expect(await readdir(out)).toEqual([`capture${ext}`]);
  });

  it('answers not saved when the dialog is cancelled, and writes nothing', async () => {
    const { session } = await recordedSession();
    expect(await call('saveRecording', { sessionId: session.id, format: 'pcapng' })).toEqual({ ok: true, value: { saved: false } });
    expect(await readdir(dir)).toEqual(['recordings']);
  });

  it('refuses to save the recording over itself', async () => {
    const { session, file } = await recordedSession();
    const before = await readFile(file);
    answer.save = file;
    expect(await call('saveRecording', { sessionId: session.id, format: 'jsonl' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is the recording itself') } });
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('says how to get a recording when the session has none, before any dialog opens', async () => {
    const opened = await manager.open(argSchemas.open.parse({ config: { kind: 'udp', host: '127.0.0.1', port: 0, record: false } }));
    expect(opened.ok).toBe(true);
    const result = await call('saveRecording', { sessionId: opened.ok ? opened.value.id : '', format: 'jsonl' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', hint: expect.stringMatching(/Start recording/) } });
    expect(asked.save).toHaveLength(0);
  });

  it.each([
    ['a path as the session', { sessionId: '../../etc/passwd', format: 'jsonl' }, 'NOT_FOUND', /has no recording/],
    ['a path beside the session', { sessionId: 's1', format: 'jsonl', path: '/tmp/x.jsonl' }, 'INVALID_ARGUMENT', /Unrecognized key/],
    ['an unknown format', { sessionId: 's1', format: 'exe' }, 'INVALID_ARGUMENT', /Format must be jsonl, text or pcapng/],
    ['no session', { format: 'jsonl' }, 'INVALID_ARGUMENT', /sessionId/],
  ])('refuses %s without opening a dialog', async (_name, arg, code, message) => {
    await recordedSession();
    expect(await call('saveRecording', arg)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(asked.save).toHaveLength(0);
  });

  it('refuses a caller that is not the app window', async () => {
    const { session } = await recordedSession();
    const result = await call('saveRecording', { sessionId: session.id, format: 'jsonl' }, forgedEvent({ url: 'https://evil.example/' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(asked.save).toHaveLength(0);
  });
});

describe('the recordings folder', () => {
  it('is chosen in a folder dialog and used for the next recording', async () => {
    answer.folder = path.join(dir, 'chosen');
    expect(await call('chooseRecordingFolder', {})).toEqual({ ok: true, value: { folder: answer.folder, recordByDefault: true } });
    expect(asked.open[0]).toMatchObject({ defaultPath: path.join(dir, 'recordings'), properties: expect.arrayContaining(['openDirectory', 'createDirectory']) });
    const { file } = await recordedSession();
    expect(path.dirname(file)).toBe(answer.folder);
  });

  it('stays as it was when the dialog is cancelled or the folder cannot be written', async () => {
    expect(await call('chooseRecordingFolder', {})).toEqual({ ok: true, value: null });
    await writeFile(path.join(dir, 'a-file'), '');
    answer.folder = path.join(dir, 'a-file', 'sub');
    expect(await call('chooseRecordingFolder', {})).toMatchObject({ ok: false, error: { code: 'ENOTDIR' } });
    expect(recorder.folder).toBe(path.join(dir, 'recordings'));
    expect(await call('chooseRecordingFolder', { folder: '/tmp' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('is shown in the file manager, created first if nothing was recorded yet', async () => {
    expect(await call('openRecordingFolder', {})).toEqual({ ok: true, value: null });
    expect(asked.shown).toEqual([path.join(dir, 'recordings')]);
    expect(await readdir(path.join(dir, 'recordings'))).toEqual([]);
    showProblem = 'Failed to open path';
    expect(await call('openRecordingFolder', {})).toMatchObject({ ok: false, error: { message: expect.stringContaining('Failed to open path') } });
  });
});
