/**
 * A real full disk: a 64 KiB tmpfs the recording outgrows. Mounting needs root (CAP_SYS_ADMIN),
 * which CI has; elsewhere the failure is covered at the file layer (recorder-errors.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPeer, disposeAll } from '../support/engine';
import { engineWithRecorder, readRecording, recordedBytes, recordingEvents } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

const run = promisify(execFile);
const mounts: string[] = [];
afterEach(async () => {
  // Engines first (they hold the file open), then the mount; tempDir removes its folder after this.
  await disposeAll();
  for (const mount of mounts.splice(0)) await run('umount', [mount]);
});

const canMount = process.platform === 'linux' && process.getuid?.() === 0;

describe('recording onto a disk that fills up', () => {
  it.runIf(canMount)(
    'a 64 KiB tmpfs: one error, the connection carries on, every whole record stays readable, recording resumes elsewhere',
    async () => {
      const root = await tempDir();
      const small = path.join(root, 'small-disk');
      await mkdir(small);
      await run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
      mounts.push(small);

      const { engine, recorder } = engineWithRecorder({ folder: small, flushIntervalMs: 20 });
      const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
      const client = await connectPeer(server.local!.port);
      const conn = (await engine.waitFor(() => engine.ofType('connection-opened')[0])).conn.connId;
      const file = recorder.recordingFile(server.id)!;

      // 200 KB in 1 KB pieces, each waited for, so the file fills chunk by chunk.
      const piece = 'x'.repeat(1023) + '\n';
      for (let i = 0; i < 200; i++) {
        client.socket.write(piece);
        await engine.waitFor(() => engine.dataBytes(server.id, conn, 'rx').length === (i + 1) * piece.length);
        if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await engine.waitFor(() => recordingEvents(engine, server.id).some((r) => r.error), 5000, 'the disk-full error');

      const errors = engine.ofType('error', (e) => e.sessionId === server.id && e.connId === undefined);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.error.code).toBe('ENOSPC');
      expect(errors[0]!.error.hint).toMatch(/Free some space/);
      expect(recordingEvents(engine, server.id).at(-1)).toMatchObject({ active: false, error: { code: 'ENOSPC' } });

      // The connection is unharmed and the app saw all 200 KB.
      client.socket.write('after');
      await engine.waitFor(() => engine.dataBytes(server.id, conn, 'rx').toString().endsWith('after'));

      // What reached the disk reads back as whole records: a prefix of what arrived.
      const recording = await readRecording(file);
      expect(recording.header?.session).toBe(server.id);
      const kept = recordedBytes(recording, (r) => r.dir === 'rx');
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.equals(engine.dataBytes(server.id, conn, 'rx').subarray(0, kept.length))).toBe(true);
      expect(recording.outcome.problem === undefined || recording.outcome.problem.kind === 'torn').toBe(true);

      // A folder with room: recording starts again into a new file.
      const roomy = path.join(root, 'roomy');
      expect((await recorder.setFolder(roomy)).ok).toBe(true);
      const again = await engine.manager.record({ sessionId: server.id, action: 'start' });
      expect(again.ok && again.value.active).toBe(true);
      client.socket.write('recorded again');
      await engine.waitFor(() => engine.dataBytes(server.id, conn, 'rx').toString().endsWith('recorded again'));
      expect((await engine.manager.record({ sessionId: server.id, action: 'stop' })).ok).toBe(true);
      const resumed = await readRecording(recorder.recordingFile(server.id)!);
      expect(recordedBytes(resumed, (r) => r.dir === 'rx').toString()).toBe('recorded again');
      expect(resumed.outcome.ended).toBe(true);
    },
    60_000,
  );
});
