/**
 * How soon recorded bytes reach the disk, with the recorder's clock in the test's hand: within
 * one flush interval, or at once past the byte bound, without stopping the recording.
 */
import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_FLUSH_BYTES, RECORDING_FLUSH_INTERVAL_MS } from '@shared/limits';
import { connectPeer, disposeAll, pseudoRandomBytes, writeAll } from '../support/engine';
import { bindPeer } from '../support/udp';
import { manualClock } from '../support/manual-clock';
import { engineWithRecorder, readRecording, recordedBytes, recordingEvents } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

afterEach(disposeAll);

/** Let pending file callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('flushing', () => {
  it('writes what was recorded once the flush interval has passed, not before, while the recording goes on', async () => {
    const clock = manualClock(Date.now());
    const { engine } = engineWithRecorder({ folder: await tempDir(), clock });
    const session = await engine.openOk({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const file = session.recording!.path;
    const peer = await bindPeer('udp4', '127.0.0.1');
    await peer.send(Buffer.from('on disk soon'), session.local!.port, '127.0.0.1');
    await engine.waitFor(() => engine.ofType('data').length === 1, 5000, 'the datagram');

    await settle();
    expect((await stat(file)).size).toBe(0);
    clock.advance(RECORDING_FLUSH_INTERVAL_MS - 1);
    await settle();
    expect((await stat(file)).size).toBe(0);

    clock.advance(1);
    await engine.waitFor(
      async () => recordedBytes(await readRecording(file), () => true).toString() === 'on disk soon',
      5000,
      'the datagram on disk',
    );
    const onDisk = await readRecording(file);
    expect(onDisk.outcome.problem).toBeUndefined();
    expect(onDisk.outcome.ended).toBe(false);
    await expect(engine.manager.list({})).resolves.toMatchObject({ ok: true, value: [{ recording: { active: true } }] });
    await peer.close();
  });

  it('writes at once, without waiting for the clock, when a megabyte is waiting', async () => {
    const clock = manualClock(Date.now());
    const { engine } = engineWithRecorder({ folder: await tempDir(), clock });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const client = await connectPeer(server.local!.port);
    await writeAll(client.socket, pseudoRandomBytes(2 * RECORDING_FLUSH_BYTES, 3));
    await engine.waitFor(async () => (await stat(server.recording!.path)).size >= RECORDING_FLUSH_BYTES, 5000, 'a megabyte on disk');
  });

  it('reports progress at most once per interval however many writes, and the final count after it', async () => {
    const clock = manualClock(Date.now());
    const { engine } = engineWithRecorder({ folder: await tempDir(), clock });
    const server = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const file = server.recording!.path;
    const client = await connectPeer(server.local!.port);
    const sent = pseudoRandomBytes(3 * RECORDING_FLUSH_BYTES, 4);
    await writeAll(client.socket, sent);
    // The session's counters, not the display's events: a fast read can pass the display's
    // per-frame budget, and what it leaves out is counted, not shown.
    const rxBytes = async () => {
      const list = await engine.manager.list({});
      return list.ok ? (list.value.find((s) => s.id === server.id)?.counters.rxBytes ?? 0) : 0;
    };
    await engine.waitFor(async () => (await rxBytes()) === sent.length, 5000, 'everything received');
    await engine.waitFor(async () => (await stat(file)).size >= 2 * RECORDING_FLUSH_BYTES, 5000, 'two megabytes on disk');
    const progress = () => {
      engine.manager.flush();
      return recordingEvents(engine, server.id).filter((r) => r.active && r.records > 0);
    };
    expect(progress()).toEqual([]);

    clock.advance(RECORDING_FLUSH_INTERVAL_MS);
    await engine.waitFor(async () => recordedBytes(await readRecording(file), () => true).length === sent.length, 5000, 'the rest on disk');
    await settle();
    expect(progress()).toHaveLength(1);

    // A last chunk after that report, written at the next flush: its count is reported too.
    const last = pseudoRandomBytes(1000, 5);
    await writeAll(client.socket, last);
    await engine.waitFor(async () => (await rxBytes()) === sent.length + last.length, 5000, 'the last chunk received');
    clock.advance(RECORDING_FLUSH_INTERVAL_MS);
    await engine.waitFor(
      async () => recordedBytes(await readRecording(file), () => true).length === sent.length + last.length,
      5000,
      'the last chunk on disk',
    );
    await settle();
    clock.advance(RECORDING_FLUSH_INTERVAL_MS);
    const onDisk = await readRecording(file);
    const size = (await stat(file)).size;
    await engine.waitFor(
      () => {
        const latest = progress().at(-1);
        return latest?.records === onDisk.all.length && latest.bytes === size;
      },
      5000,
      'the final count',
    );
    // Three intervals passed: at most one report in each.
    expect(progress().length).toBeLessThanOrEqual(3);
  });
});
