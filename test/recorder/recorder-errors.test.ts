/**
 * Recording when the disk says no: one error on the session, sockets unharmed, the file
 * readable up to its last whole record, and a new start that works once the cause is gone.
 */
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingInfo } from '@shared/contract';
import type { Result } from '@shared/result';
import { startError } from '@recorder/recording-errors';
import { sayer } from '@renderer/i18n/languages';
import { connectPeer, disposeAll, type Engine } from '../support/engine';
import { until } from '../support/until';
import { engineWithRecorder, failingFiles, readRecording, recordedBytes, recordingEvents } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const INTERVAL = 20;

/** A TCP server with one real client, recorded; `say` sends from the client and waits until the engine has it. */
async function recordedServer(engine: Engine) {
  const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
  const client = await connectPeer(server.local!.port);
  const conn = (await engine.waitFor(() => engine.ofType('connection-opened')[0], 5000, 'accept')).conn.connId;
  let total = 0;
  const say = async (text: string) => {
    client.socket.write(text);
    total += text.length;
    await engine.waitFor(() => engine.dataBytes(server.id, conn, 'rx').length === total, 5000, `"${text}" received`);
  };
  const answer = async (text: string) => {
    const before = client.received().length;
    value(await engine.send(server.id, { format: 'text', value: text }));
    await until(() => client.received().length === before + text.length, `"${text}" sent`);
  };
  return { server, client, conn, say, answer };
}

const errorsOf = (engine: Engine, sessionId: string) => {
  engine.manager.flush();
  return engine.ofType('error', (e) => e.sessionId === sessionId && e.connId === undefined);
};

const lastStatus = (engine: Engine, sessionId: string): RecordingInfo | undefined => {
  engine.manager.flush();
  return recordingEvents(engine, sessionId).at(-1);
};

describe('a write that fails at the file layer', () => {
  it.each([
    ['ENOSPC', true, /disk is full/, /Free some space/],
    ['EIO', false, /input\/output error/, /Check the disk/],
    // A code the app has no words for is named as it is, not with Node's English message.
    ['EBUSY', false, /failed: the system refused it \(EBUSY\)/, /Check the recordings folder and the disk/],
  ])('%s: one error, the session carries on, the file keeps its whole records, a new start works', async (code, partial, problem, hint) => {
    const dir = await tempDir();
    const io = failingFiles();
    const { engine } = engineWithRecorder({ folder: dir, files: io.files, flushIntervalMs: INTERVAL });
    const { server, client, say, answer } = await recordedServer(engine);
    const file = server.recording!.path;
    await say('before the disk filled');
    await until(() => (lastStatus(engine, server.id)?.bytes ?? 0) > 0 && io.writes > 0, 'the first flush');
    await engine.waitFor(
      async () => recordedBytes(await readRecording(file), () => true).toString() === 'before the disk filled',
      5000,
      'data on disk',
    );

    io.failWith(code, { partialFirst: partial });
    await say('lost one');
    await engine.waitFor(() => errorsOf(engine, server.id).length > 0, 5000, 'the error');
    const writesAtFailure = io.writes;
    await say('lost two');
    await answer('the session still sends');
    await pause(INTERVAL * 5);

    const errors = errorsOf(engine, server.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error.code).toBe(code);
    expect(errors[0]!.error.message).toContain(file);
    expect(errors[0]!.error.message).toMatch(problem);
    expect(errors[0]!.error.hint).toMatch(hint);
    expect(errors[0]!.error.message).not.toContain('injected');
    expect(sayer('zh-CN')(errors[0]!.error.i18n!.message)).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
    expect(io.writes).toBe(writesAtFailure);
    expect(lastStatus(engine, server.id)).toMatchObject({ active: false, path: file, error: { code } });
    const info = await engine.info(server.id);
    expect(info.state).toBe('open');
    expect(info.recording).toMatchObject({ active: false, error: { code } });

    const torn = await readRecording(file);
    expect(torn.header).toBeDefined();
    expect(recordedBytes(torn, () => true).toString()).toBe('before the disk filled');
    expect(torn.outcome.ended).toBe(false);
    if (partial) expect(torn.outcome.problem).toMatchObject({ kind: 'torn', offset: torn.outcome.validBytes });
    else expect(torn.outcome.problem).toBeUndefined();

    io.failWith(undefined);
    const restarted = value(await engine.manager.record({ sessionId: server.id, action: 'start' }));
    expect(restarted.path).not.toBe(file);
    await say('after the fix');
    value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));
    const fresh = await readRecording(restarted.path);
    expect(fresh.outcome).toMatchObject({ ended: true });
    expect(recordedBytes(fresh, () => true).toString()).toBe('after the fix');
    client.socket.destroy();
  });
});

describe('a folder that cannot be written', () => {
  it('a path under a regular file (ENOTDIR): the session opens, the recording reports why, start answers so', async () => {
    const dir = await tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const folder = path.join(blocker, 'recordings');
    const { engine, recorder } = engineWithRecorder({ folder });

    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    expect(session.state).toBe('open');
    expect(session.recording).toMatchObject({ active: false, error: { code: 'ENOTDIR' } });
    expect(session.recording!.error!.message).toContain(folder);
    expect(lastStatus(engine, session.id)).toMatchObject({ active: false, error: { code: 'ENOTDIR' } });
    expect(recorder.recordingFile(session.id)).toBeUndefined();

    const started = await engine.manager.record({ sessionId: session.id, action: 'start' });
    expect(started).toMatchObject({ ok: false, error: { code: 'ENOTDIR', message: expect.stringContaining(folder) } });
    expect(started.ok || started.error.hint).toMatch(/another recordings folder/);

    expect(await recorder.setFolder(path.join(blocker, 'other'))).toMatchObject({ ok: false, error: { code: 'ENOTDIR' } });
    expect(await recorder.setFolder('relative/folder')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('relative') },
    });
    expect(recorder.folder).toBe(folder);

    const good = path.join(dir, 'good');
    expect(await recorder.setFolder(good)).toEqual({ ok: true, value: { folder: good, recordByDefault: true } });
    expect(await readdir(good)).toEqual([]);
    const recorded = value(await engine.manager.record({ sessionId: session.id, action: 'start' }));
    expect(path.dirname(recorded.path)).toBe(good);
  });

  const isRoot = process.getuid?.() === 0;
  // Root may write into a read-only folder: there is no EACCES to provoke.
  it.runIf(!isRoot)('EACCES: a folder without write permission', async () => {
    const dir = await tempDir();
    const folder = path.join(dir, 'locked');
    await mkdir(folder, { mode: 0o500 });
    const { engine, recorder } = engineWithRecorder({ folder });
    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    expect(session.recording).toMatchObject({
      active: false,
      error: { code: 'EACCES', message: expect.stringContaining('permission denied') },
    });
    expect(await recorder.setFolder(folder)).toMatchObject({ ok: false, error: { code: 'EACCES' } });
    await chmod(folder, 0o700);
  });

  it('a folder deleted while recording: one error, the session carries on, a new start creates the folder again', async () => {
    const dir = await tempDir();
    const folder = path.join(dir, 'recordings');
    const { engine } = engineWithRecorder({ folder, flushIntervalMs: INTERVAL });
    const { server, client, say, answer } = await recordedServer(engine);
    await say('first');
    await until(() => (lastStatus(engine, server.id)?.bytes ?? 0) > 0, 'the first flush');

    await rm(folder, { recursive: true });
    await say('into the void');
    await engine.waitFor(() => errorsOf(engine, server.id).length > 0, 5000, 'the error');
    await say('still into the void');
    await answer('the session still sends');
    await pause(INTERVAL * 5);

    const errors = errorsOf(engine, server.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/was deleted/) });
    expect(errors[0]!.error.message).toContain(server.recording!.path);
    expect((await engine.info(server.id)).state).toBe('open');

    const restarted = value(await engine.manager.record({ sessionId: server.id, action: 'start' }));
    await say('back');
    value(await engine.manager.record({ sessionId: server.id, action: 'stop' }));
    expect(recordedBytes(await readRecording(restarted.path), () => true).toString()).toBe('back');
    client.socket.destroy();
  });
});

describe('a file error without a code', () => {
  it('is INTERNAL, not a guessed OS code, and says so in either language without the error’s English text', () => {
    const error = startError('s1', '/recordings', new TypeError('Cannot read properties of undefined'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe(
      'Session s1 cannot be recorded into /recordings: it failed without an error code from the system (INTERNAL).',
    );
    expect(sayer('zh-CN')(error.i18n!.message)).toBe('会话 s1 无法录制到 /recordings：操作失败，系统没有给出错误代码（INTERNAL）。');
    expect(error.hint).toContain('Check the recordings folder and the disk.');
  });
});
