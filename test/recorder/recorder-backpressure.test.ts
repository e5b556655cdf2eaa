/**
 * The recorder's flow control, with a disk slower than the network: TCP stops reading while the
 * recording is behind and reads again once it catches up, so memory stays bounded and every byte
 * is recorded; UDP cannot be paused, so past the cap its datagrams are counted, and the file and
 * the session each say once how many are missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppCode } from '@shared/errors';
import { nodeFiles, type FileLayer } from '@recorder/record-file';
import type { RecorderLink } from '@ports/recorder';
import { Recorder } from '@recorder/recorder';
import { connectPeer, disposeAll, pseudoRandomBytes, sha256, startEngine, writeAll } from '../support/engine';
import { bindPeer } from '../support/udp';
import { APP, readRecording, recordedBytes } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

const KiB = 1024;
const MiB = 1024 * KiB;

/** Real files on a disk that takes a while for each write and takes at most 64 KiB at a time. */
function slowFiles(onWrite: () => void): FileLayer {
  return {
    ...nodeFiles,
    async write(fd, bytes) {
      onWrite();
      await new Promise((resolve) => setTimeout(resolve, 2));
      return nodeFiles.write(fd, bytes.subarray(0, 64 * KiB));
    },
  };
}

/** Real files whose writes wait until the test opens the gate. */
function gatedFiles(): { files: FileLayer; open(): void } {
  let opened: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (opened = resolve));
  return {
    files: {
      ...nodeFiles,
      async write(fd, bytes) {
        await gate;
        return nodeFiles.write(fd, bytes);
      },
    },
    open: () => opened(),
  };
}

/** The recorder's calls into the engine, seen on their way. */
function watchLink(recorder: Recorder): { backlogged: boolean[] } {
  const seen = { backlogged: [] as boolean[] };
  const attach = recorder.attach.bind(recorder);
  recorder.attach = (link: RecorderLink) =>
    attach({
      emit: (event) => link.emit(event),
      backlogged: (sessionId, full) => {
        seen.backlogged.push(full);
        link.backlogged(sessionId, full);
      },
    });
  return seen;
}

describe('recorder backpressure', () => {
  it('a slow disk: TCP reading pauses at the high-water mark and resumes at the low one, memory stays bounded, and every byte is recorded', async () => {
    const HIGH = 1 * MiB;
    const TOTAL = 16 * MiB;
    let sessionId = '';
    let peak = 0;
    const recorder: Recorder = new Recorder({
      app: APP,
      folder: await tempDir(),
      files: slowFiles(() => (peak = Math.max(peak, recorder.backlog(sessionId)))),
      backlog: { high: HIGH, low: 256 * KiB, max: 4 * MiB },
    });
    const seen = watchLink(recorder);
    const engine = startEngine({ recorder });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
    sessionId = server.id;
    const peer = await connectPeer(server.local!.port);
    const sent = pseudoRandomBytes(TOTAL, 77);
    await writeAll(peer.socket, sent);
    peer.socket.end();
    await engine.waitFor(
      () => engine.ofType('half-closed', (e) => e.sessionId === server.id && e.by === 'peer')[0],
      30_000,
      'the whole flood',
    );

    // Paused and resumed, more than once, always in turn, and reading again at the end.
    expect(seen.backlogged.length).toBeGreaterThanOrEqual(4);
    expect(seen.backlogged.every((full, i) => full === (i % 2 === 0))).toBe(true);
    await engine.waitFor(() => seen.backlogged.length % 2 === 0, 30_000, 'the last resume');
    // What waited for the disk never passed the mark by more than the read in hand.
    expect(peak).toBeGreaterThan(HIGH);
    expect(peak).toBeLessThan(HIGH + 256 * KiB);

    const file = recorder.recordingFile(server.id)!;
    expect((await engine.manager.record({ sessionId: server.id, action: 'stop' })).ok).toBe(true);
    const recording = await readRecording(file);
    expect(recording.outcome.problem).toBeUndefined();
    expect(sha256(recordedBytes(recording, (r) => r.dir === 'rx'))).toBe(sha256(sent));
    expect(engine.ofType('error')).toEqual([]);
  });

  it('a recording that fails while behind lets the sockets read again', async () => {
    let failing = false;
    const recorder = new Recorder({
      app: APP,
      folder: await tempDir(),
      files: {
        ...nodeFiles,
        async write(fd, bytes) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (failing) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
          return nodeFiles.write(fd, bytes.subarray(0, 16 * KiB));
        },
      },
      backlog: { high: 512 * KiB, low: 128 * KiB, max: 4 * MiB },
    });
    const seen = watchLink(recorder);
    const engine = startEngine({ recorder });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, halfOpen: true });
    const peer = await connectPeer(server.local!.port);
    const writing = writeAll(peer.socket, pseudoRandomBytes(8 * MiB, 78));
    await engine.waitFor(() => seen.backlogged[0], 10_000, 'reading to pause');
    failing = true;
    await writing;
    peer.socket.end();
    // The recording stopped with its error; the session read everything regardless.
    await engine.waitFor(async () => (await engine.info(server.id)).counters.rxBytes === 8 * MiB, 30_000, 'every byte read');
    expect(seen.backlogged.at(-1)).toBe(false);
    expect(engine.ofType('error', (e) => e.sessionId === server.id).map((e) => e.error.code)).toEqual(['EIO']);
  });

  it('UDP past the cap: datagrams are counted, not held; one error record and one error event say how many', async () => {
    const COUNT = 1000;
    const SIZE = 1000;
    const gate = gatedFiles();
    const recorder = new Recorder({
      app: APP,
      folder: await tempDir(),
      files: gate.files,
      backlog: { high: 64 * KiB, low: 16 * KiB, max: 256 * KiB },
    });
    const seen = watchLink(recorder);
    const engine = startEngine({ recorder });
    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0, recvBufferSize: 4 * MiB });
    const peer = await bindPeer('udp4', '127.0.0.1');
    const datagrams = Array.from({ length: COUNT }, (_, i) => pseudoRandomBytes(SIZE, i + 1));
    // In bursts the receive buffer holds: loopback then drops nothing.
    for (let at = 0; at < COUNT; at += 100) {
      for (const datagram of datagrams.slice(at, at + 100)) await peer.send(datagram, session.local!.port, '127.0.0.1');
      await engine.waitFor(async () => (await engine.info(session.id)).counters.rxMessages >= at + 100, 10_000, `${at + 100} datagrams`);
    }
    // Held in memory: no more than the cap and one record past it.
    expect(recorder.backlog(session.id)).toBeLessThan(256 * KiB + 4 * KiB);
    // Nothing said yet: the count is not final while the disk is behind.
    expect(engine.ofType('error')).toEqual([]);

    gate.open();
    const behind = await engine.waitFor(
      () => engine.ofType('error', (e) => e.error.code === AppCode.RecordingBehind)[0],
      10_000,
      'the notice',
    );
    const file = recorder.recordingFile(session.id)!;
    expect((await engine.manager.record({ sessionId: session.id, action: 'stop' })).ok).toBe(true);
    engine.manager.flush();
    await peer.close();

    const recording = await readRecording(file);
    expect(recording.outcome.problem).toBeUndefined();
    const kept = recording.records.filter((r) => r.type === 'data');
    const [, missing, bytes] = /: ([\d,]+) datagrams \(([\d,]+) bytes\)/.exec(behind.error.message)!;
    const count = (text: string) => Number(text.replaceAll(',', ''));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length + count(missing!)).toBe(COUNT);
    expect(count(bytes!)).toBe((COUNT - kept.length) * SIZE);
    // The datagrams kept are the first ones, whole and in order; the notice follows them in the file.
    expect(kept.every((r, i) => r.type === 'data' && sha256(r.bytes) === sha256(datagrams[i]!))).toBe(true);
    const notices = recording.records.filter((r) => r.type === 'error');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.type === 'error' && notices[0]!.error).toMatchObject({
      code: behind.error.code,
      message: behind.error.message,
      hint: behind.error.hint,
    });
    expect(recording.records.indexOf(notices[0]!)).toBeGreaterThan(recording.records.indexOf(kept.at(-1)!));
    // Said once, with the fix; the session kept receiving, and UDP was never "paused".
    expect(engine.ofType('error')).toHaveLength(1);
    expect(behind.error.hint).toMatch(/faster/);
    expect(seen.backlogged).toEqual([true, false]);
    expect((await engine.info(session.id)).counters.rxMessages).toBe(COUNT);
  });
});
