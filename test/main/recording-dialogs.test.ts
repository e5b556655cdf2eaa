/**
 * The desktop app's recording handlers behind the IPC guard: a real recorder and engine, real
 * files, and stand-in dialogs that answer as the user would.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionManager } from '@engine/session-manager';
import { Recorder } from '@recorder/recorder';
import { argSchemas, type SessionInfo } from '@shared/contract';
import { until } from '../support/until';
import { dialogHost, type DialogHost } from '../support/dialogs';
import { forgedEvent } from '../support/ipc';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

let dir: string;
let host: DialogHost;
let recorder: Recorder;
let manager: SessionManager;
/** The folders shown in the file manager, and what showing the next one answers. */
let shown: string[];
let showProblem: string;

beforeEach(async () => {
  dir = await tempDir('si-rec-dialogs-');
  shown = [];
  showProblem = '';
  recorder = new Recorder({ folder: path.join(dir, 'recordings'), app: { name: 'Socket Inspector', version: 'test' } });
  manager = new SessionManager({ onBatch: () => undefined, recorder });
  const openPath = async (folder: string) => {
    shown.push(folder);
    return showProblem;
  };
  host = dialogHost({ recorder, openPath, keys: manager });
});

afterEach(() => manager.dispose());

const call: DialogHost['call'] = (method, arg, event = forgedEvent()) => host.call(method, arg, event);

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
  it("writes the JSON Lines where the user chose, suggesting the recording's own name", async () => {
    const { session, file } = await recordedSession();
    host.answer.save = path.join(dir, 'evidence.jsonl');
    expect(await call('saveRecording', { sessionId: session.id, format: 'jsonl' })).toEqual({
      ok: true,
      value: { saved: true, name: 'evidence.jsonl' },
    });
    expect(host.asked.save[0]).toMatchObject({
      defaultPath: path.basename(file).replace(/\.sirec$/, '.jsonl'),
      filters: [{ extensions: ['jsonl'] }],
    });
    const saved = await readFile(host.answer.save);
    const { header, records, outcome } = readTranscript(new Uint8Array(saved));
    expect(outcome).toMatchObject({ ended: true });
    // The recording's records, written as version-2 JSON Lines: every line JSON text.
    expect(header?.version).toBe(2);
    for (const line of saved.toString('utf8').split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    expect(records).toEqual(readTranscript(new Uint8Array(await readFile(file))).records);
    expect(records.map((r) => r.type === 'data' && Buffer.from(r.bytes).toString()).filter(Boolean)).toEqual(['hello recording']);
  });

  it.each([
    ['text', '.txt', (bytes: Buffer) => expect(bytes.toString('utf8')).toContain('hello recording')],
    ['pcapng', '.pcapng', (bytes: Buffer) => expect(bytes.readUInt32LE(0)).toBe(0x0a0d0d0a)],
  ] as const)('converts to %s, replacing an existing file whole and leaving no temporary file', async (format, ext, check) => {
    const { session, file } = await recordedSession();
    const out = await mkdtemp(path.join(dir, 'out-'));
    host.answer.save = path.join(out, `capture${ext}`);
    await writeFile(host.answer.save, Buffer.alloc(100_000, 0x41));
    expect(await call('saveRecording', { sessionId: session.id, format })).toEqual({
      ok: true,
      value: { saved: true, name: `capture${ext}` },
    });
    expect(host.asked.save[0]!.defaultPath).toBe(path.basename(file).replace(/\.sirec$/, ext));
    const saved = await readFile(host.answer.save);
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
    host.answer.save = file;
    expect(await call('saveRecording', { sessionId: session.id, format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('is the recording itself') },
    });
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('says how to get a recording when the session has none, before any dialog opens', async () => {
    const opened = await manager.open(argSchemas.open.parse({ config: { kind: 'udp', host: '127.0.0.1', port: 0, record: false } }));
    expect(opened.ok).toBe(true);
    const result = await call('saveRecording', { sessionId: opened.ok ? opened.value.id : '', format: 'jsonl' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', hint: expect.stringMatching(/Start recording/) } });
    expect(host.asked.save).toHaveLength(0);
  });

  it.each([
    ['a path as the session', { sessionId: '../../etc/passwd', format: 'jsonl' }, 'NOT_FOUND', /has no recording/],
    ['a path beside the session', { sessionId: 's1', format: 'jsonl', path: '/tmp/x.jsonl' }, 'INVALID_ARGUMENT', /Unrecognized key/],
    ['an unknown format', { sessionId: 's1', format: 'exe' }, 'INVALID_ARGUMENT', /Format must be jsonl, text or pcapng/],
    ['no session', { format: 'jsonl' }, 'INVALID_ARGUMENT', /sessionId/],
  ])('refuses %s without opening a dialog', async (_name, arg, code, message) => {
    await recordedSession();
    expect(await call('saveRecording', arg)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(host.asked.save).toHaveLength(0);
  });

  it('refuses a caller that is not the app window', async () => {
    const { session } = await recordedSession();
    const result = await call('saveRecording', { sessionId: session.id, format: 'jsonl' }, forgedEvent({ url: 'https://evil.example/' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(host.asked.save).toHaveLength(0);
  });
});

describe('the recordings folder', () => {
  it('is chosen in a folder dialog and used for the next recording', async () => {
    host.answer.open = path.join(dir, 'chosen');
    expect(await call('chooseRecordingFolder', {})).toEqual({ ok: true, value: { folder: host.answer.open, recordByDefault: true } });
    expect(host.asked.open[0]).toMatchObject({
      defaultPath: path.join(dir, 'recordings'),
      properties: expect.arrayContaining(['openDirectory', 'createDirectory']),
    });
    const { file } = await recordedSession();
    expect(path.dirname(file)).toBe(host.answer.open);
  });

  it('stays as it was when the dialog is cancelled or the folder cannot be written', async () => {
    expect(await call('chooseRecordingFolder', {})).toEqual({ ok: true, value: null });
    await writeFile(path.join(dir, 'a-file'), '');
    host.answer.open = path.join(dir, 'a-file', 'sub');
    expect(await call('chooseRecordingFolder', {})).toMatchObject({ ok: false, error: { code: 'ENOTDIR' } });
    expect(recorder.folder).toBe(path.join(dir, 'recordings'));
    expect(await call('chooseRecordingFolder', { folder: '/tmp' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('is shown in the file manager, created first if nothing was recorded yet', async () => {
    expect(await call('openRecordingFolder', {})).toEqual({ ok: true, value: null });
    expect(shown).toEqual([path.join(dir, 'recordings')]);
    expect(await readdir(path.join(dir, 'recordings'))).toEqual([]);
    showProblem = 'Failed to open path';
    expect(await call('openRecordingFolder', {})).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Failed to open path') },
    });
  });
});
