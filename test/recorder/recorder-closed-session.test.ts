/**
 * A closed session keeps its recording but not a file descriptor: many closed sessions must not
 * use up the process's descriptors. Reopened, it records on in the same file, whole and in order.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPeer, disposeAll } from '../support/engine';
import { engineWithRecorder, readRecording, recordedBytes } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

/** Whether this process holds a descriptor on `file` (Linux's /proc). */
function holds(file: string): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });
}

describe('the recording of a closed session', () => {
  it('gives its descriptor back on close and records on in the same file after reopen', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir('si-closed-') });
    const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const file = session.recording!.path;
    const first = await connectPeer(session.local!.port);
    first.socket.write('before close');
    await engine.waitFor(() => engine.dataBytes(session.id, 'c1', 'rx').length === 12, 3_000, 'the first bytes');
    expect(holds(file)).toBe(true);

    await engine.manager.close({ sessionId: session.id });
    await engine.waitFor(() => !holds(file), 3_000, 'the descriptor to be given back');
    const closed = await readRecording(file);
    expect(closed.outcome.problem).toBeUndefined();
    expect(recordedBytes(closed, (r) => r.dir === 'rx').toString()).toBe('before close');

    const reopened = await engine.manager.reopen({ sessionId: session.id });
    if (!reopened.ok) throw new Error(reopened.error.message);
    const second = await connectPeer(reopened.value.local!.port);
    second.socket.write('after reopen');
    await engine.waitFor(
      async () => recordedBytes(await readRecording(file), (r) => r.dir === 'rx').length === 24,
      5_000,
      'the second bytes in the file',
    );
    expect(holds(file)).toBe(true);

    await engine.manager.remove({ sessionId: session.id });
    const ended = await readRecording(file);
    expect(ended.outcome.problem).toBeUndefined();
    expect(ended.outcome.ended).toBe(true);
    expect(ended.all.map((record) => record.seq)).toEqual(ended.all.map((_, index) => index));
    expect(recordedBytes(ended, (r) => r.dir === 'rx').toString()).toBe('before closeafter reopen');
    expect(ended.records.at(-1)!.type).toBe('end');
    expect(holds(file)).toBe(false);
  });

  it('says the file was deleted when it is gone at reopen, and never creates it again', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir('si-closed-') });
    const session = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const file = session.recording!.path;
    await engine.manager.close({ sessionId: session.id });
    await engine.waitFor(() => !holds(file), 3_000, 'the descriptor to be given back');
    await rm(file);

    await engine.manager.reopen({ sessionId: session.id });
    const failed = await engine.waitFor(
      async () => {
        const info = await engine.info(session.id);
        return info.recording?.error ? info.recording : undefined;
      },
      5_000,
      'the recording to report the missing file',
    );
    expect(failed.active).toBe(false);
    expect(failed.error!.message).toMatch(/deleted|no longer exists|removed/i);
    expect(readdirSync(file.slice(0, file.lastIndexOf('/')))).toEqual([]);
  });
});
