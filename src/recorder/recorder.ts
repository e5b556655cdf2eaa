import { appendFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '@ports/clock';
import type { RecorderLink, RecorderPort } from '@ports/recorder';
import type { InspectorEvent, RecorderSettings, RecordingInfo, SessionInfo } from '@shared/contract';
import { AppCode } from '@shared/errors';
import {
  RECORDING_BACKLOG_HIGH_BYTES,
  RECORDING_BACKLOG_LOW_BYTES,
  RECORDING_BACKLOG_MAX_BYTES,
  RECORDING_FLUSH_BYTES,
  RECORDING_FLUSH_INTERVAL_MS,
  RECORDING_WRITE_MAX_BYTES,
} from '@shared/limits';
import { phrase } from '@shared/phrase';
import { fail, ok, type AppError, type Result } from '@shared/result';
import { encodeRecordLine, type LineCodec } from '@shared/transcript/record-line';
import { carriesDatagrams, type EndReason, type TranscriptRecord } from '@shared/transcript/records';
import { nodeLineCodec } from './node-line-codec';
import { nodeFiles, RecordFile, type FileLayer, type RecordFileFailure } from './record-file';
import { loadRecorderSettings, saveRecorderSettings } from './recorder-settings';
import { fileProblem, keyLogError, startError, unrecordedError, writeError } from './recording-errors';
import { keyLogPath, recordingFileName } from './recording-names';
import { checkRecordingsFolder } from './recordings-folder';
import { SessionRecords } from './session-records';

export interface RecorderOptions {
  /** Where recordings go until the user picks another folder (a saved choice wins). */
  folder: string;
  /** Whether sessions record unless their config says otherwise (a saved choice wins); true if left out. */
  recordByDefault?: boolean;
  /** Where the folder and the default are remembered between runs, as JSON. */
  settingsFile?: string;
  /** Written into every header. */
  app: { name: string; version: string };
  clock?: Clock;
  flushIntervalMs?: number;
  files?: FileLayer;
  /** Flow control, in bytes waiting for the disk: see RECORDING_BACKLOG_* in src/shared/limits.ts. */
  backlog?: { high: number; low: number; max: number };
}

/** One file of one session: being written, or the last one written. */
interface Recording {
  readonly sessionId: string;
  /** Its peers cannot be made to wait (UDP, a relay over UDP): past the cap, data is counted instead. */
  readonly datagrams: boolean;
  readonly info: RecordingInfo;
  readonly records: SessionRecords;
  readonly file: RecordFile;
  /** Node's codec, building each line straight into the file's memory. */
  readonly codec: LineCodec;
  /** Settles once the file exists (true) or could not be created. */
  created: Promise<boolean>;
  /** Why the recording could not start or stopped by itself. */
  failure: AppError | undefined;
  reportTimer: TimerHandle | undefined;
  reportedAt: number;
  reported: { records: number; bytes: number };
  /** Data left out since the backlog passed its cap (UDP cannot be paused), not yet reported. */
  unrecorded: { messages: number; bytes: number; since: number } | undefined;
  /** The key log lines written or being written, one after another; a failed one is told once and ends it. */
  keyLog: { writes: Promise<void>; failed: boolean } | undefined;
}

const snapshot = (info: RecordingInfo): RecordingInfo => ({ ...info, ...(info.error ? { error: { ...info.error } } : {}) });

/**
 * Records sessions to disk, one JSON Lines file per recording, from the engine's own events:
 * every byte received or sent, in order, whatever the display drops. A recording that cannot
 * write reports one error on its session and stops; the session's sockets carry on.
 */
export class Recorder implements RecorderPort {
  private link: RecorderLink = { emit: () => undefined, backlogged: () => undefined };
  private current: RecorderSettings;
  /** The current or last recording of each session. */
  private readonly recordings = new Map<string, Recording>();
  /** The last file each session was recorded into, for saving it. */
  private readonly files = new Map<string, string>();
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly fileLayer: FileLayer;
  private readonly marks: { high: number; low: number; max: number };

  constructor(private readonly options: RecorderOptions) {
    const defaults = { folder: options.folder, recordByDefault: options.recordByDefault ?? true };
    this.current = options.settingsFile ? loadRecorderSettings(options.settingsFile, defaults) : defaults;
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.flushIntervalMs ?? RECORDING_FLUSH_INTERVAL_MS;
    this.fileLayer = options.files ?? nodeFiles;
    this.marks = options.backlog ?? {
      high: RECORDING_BACKLOG_HIGH_BYTES,
      low: RECORDING_BACKLOG_LOW_BYTES,
      max: RECORDING_BACKLOG_MAX_BYTES,
    };
  }

  get recordByDefault(): boolean {
    return this.current.recordByDefault;
  }

  get folder(): string {
    return this.current.folder;
  }

  attach(link: RecorderLink): void {
    this.link = link;
  }

  observe(event: InspectorEvent): void {
    const sessionId = event.type === 'session' ? event.session.id : event.sessionId;
    const recording = this.recordings.get(sessionId);
    if (!recording) return;
    if (event.type === 'session-removed') {
      if (!recording.info.active) this.forget(recording);
      return;
    }
    if (!recording.info.active) return;
    if (event.type === 'data' && recording.datagrams && recording.file.backlog >= this.marks.max) {
      // TCP stops reading at the high-water mark and its sends wait on the peer; UDP can do
      // neither, so past the cap its datagrams are counted, and the file says so once it catches up.
      const lost = (recording.unrecorded ??= { messages: 0, bytes: 0, since: event.at });
      lost.messages += 1;
      lost.bytes += event.bytes.byteLength;
      return;
    }
    for (const record of recording.records.fromEvent(event)) this.write(recording, record);
    // A closed session keeps its recording (reopen goes on in the same file) but not a
    // descriptor for it: the file is reopened with the next record.
    if (event.type === 'session' && (event.session.state === 'closed' || event.session.state === 'error')) void recording.file.park();
  }

  /**
   * Start a new file for the session. The header is queued at once and the session's events
   * queue behind it while the file is being created, so nothing between is lost.
   */
  async start(session: SessionInfo): Promise<Result<RecordingInfo>> {
    const existing = this.recordings.get(session.id);
    if (existing?.info.active) return ok(snapshot(existing.info));
    if (existing) this.clearReport(existing);
    const startedAt = this.clock.now();
    const folder = this.current.folder;
    const fileName = recordingFileName(session, startedAt);
    const records = new SessionRecords(session);
    const file = new RecordFile({
      files: this.fileLayer,
      setTimer: (fn, ms) => this.clock.setTimer(fn, ms),
      clearTimer: (handle) => this.clock.clearTimer(handle),
      intervalMs: this.intervalMs,
      maxBytes: RECORDING_FLUSH_BYTES,
      writeMaxBytes: RECORDING_WRITE_MAX_BYTES,
      highWater: this.marks.high,
      lowWater: this.marks.low,
      onBacklog: (full) => this.link.backlogged(session.id, full),
      onWritten: (count, bytes) => this.written(recording, count, bytes),
      onFailure: (failure) => this.failed(recording, failure),
    });
    const recording: Recording = {
      sessionId: session.id,
      datagrams: carriesDatagrams(session),
      info: { active: true, path: path.join(folder, fileName), fileName, startedAt, records: 0, bytes: 0 },
      records,
      file,
      codec: { ...nodeLineCodec, alloc: (size) => file.reserve(size) },
      created: Promise.resolve(false),
      failure: undefined,
      reportTimer: undefined,
      reportedAt: startedAt,
      reported: { records: 0, bytes: 0 },
      unrecorded: undefined,
      keyLog: undefined,
    };
    this.recordings.set(session.id, recording);
    for (const record of records.begin(session, startedAt, this.options.app)) this.write(recording, record);
    const creating = recording.file.create(folder, fileName);
    recording.created = creating.then(
      () => true,
      () => false,
    );
    try {
      const file = await creating;
      recording.info.path = file;
      recording.info.fileName = path.basename(file);
      this.files.set(session.id, file);
    } catch (err) {
      const error = startError(session.id, folder, err);
      recording.failure = error;
      recording.info.active = false;
      recording.info.error = error;
      await recording.file.abandon();
      this.announce(recording);
      return { ok: false, error };
    }
    this.announce(recording);
    return ok(snapshot(recording.info));
  }

  /** Write the end record and everything before it, make the file durable and close it. */
  async stop(sessionId: string, reason: EndReason): Promise<Result<RecordingInfo>> {
    const recording = this.recordings.get(sessionId);
    if (!recording?.info.active) {
      return fail(AppCode.BadState, phrase('session.notRecorded', { sessionId }), phrase('hint.startRecordingFirst'));
    }
    this.reportUnrecorded(recording);
    this.write(recording, recording.records.end(reason, this.clock.now()));
    // From here on the session's events belong to no file; a new start opens a new one.
    recording.info.active = false;
    if (await recording.created) {
      try {
        await recording.file.close();
      } catch (err) {
        this.failed(recording, { kind: 'os', error: err as NodeJS.ErrnoException });
      }
    }
    if (recording.failure) return { ok: false, error: recording.failure };
    this.clearReport(recording);
    this.announce(recording);
    return ok(snapshot(recording.info));
  }

  async discard(sessionId: string): Promise<void> {
    const recording = this.recordings.get(sessionId);
    if (!recording) return;
    recording.info.active = false;
    if (await recording.created) await recording.file.close().catch(() => undefined);
    // Best effort: a file that cannot be removed is one the user can still see and delete.
    await unlink(recording.info.path).catch(() => undefined);
    if (recording.keyLog) {
      await recording.keyLog.writes;
      await unlink(keyLogPath(recording.info.path)).catch(() => undefined);
    }
    this.forget(recording);
  }

  keyLog(sessionId: string, line: Uint8Array): boolean {
    const recording = this.recordings.get(sessionId);
    if (!recording?.info.active) return false;
    const log = (recording.keyLog ??= { writes: recording.created.then(() => undefined), failed: false });
    // Copied: node:tls may reuse the line's memory once the event returns.
    const text = Buffer.from(line);
    log.writes = log.writes.then(async () => {
      if (log.failed || recording.failure) return;
      const file = keyLogPath(recording.info.path);
      try {
        // Owner-only: the keys decrypt every byte of the sessions they belong to.
        await appendFile(file, text, { mode: 0o600 });
      } catch (err) {
        log.failed = true;
        this.link.emit({ type: 'error', at: this.clock.now(), sessionId, error: keyLogError(file, err) });
        return;
      }
      if (recording.info.keyLogPath === undefined) {
        recording.info.keyLogPath = file;
        this.announce(recording);
      }
    });
    return true;
  }

  status(sessionId: string): RecordingInfo | undefined {
    const recording = this.recordings.get(sessionId);
    return recording && snapshot(recording.info);
  }

  /** Bytes of the session's recording waiting for the disk (0 when it is not being recorded). */
  backlog(sessionId: string): number {
    const recording = this.recordings.get(sessionId);
    return recording?.info.active ? recording.file.backlog : 0;
  }

  /** The file the session is being recorded into, or was last; undefined if it never was. */
  recordingFile(sessionId: string): string | undefined {
    return this.files.get(sessionId);
  }

  async settings(patch: { recordByDefault?: boolean }): Promise<Result<RecorderSettings>> {
    if (patch.recordByDefault === undefined || patch.recordByDefault === this.current.recordByDefault) return ok({ ...this.current });
    return this.apply({ folder: this.current.folder, recordByDefault: patch.recordByDefault });
  }

  /** Use another folder for recordings started from now on, once it proves writable. */
  async setFolder(folder: string): Promise<Result<RecorderSettings>> {
    const checked = await checkRecordingsFolder(folder);
    if (!checked.ok) return checked;
    return this.apply({ folder: checked.value, recordByDefault: this.current.recordByDefault });
  }

  async dispose(): Promise<void> {
    const active = [...this.recordings.values()].filter((r) => r.info.active);
    await Promise.all(active.map((r) => this.stop(r.sessionId, 'quit')));
    for (const recording of this.recordings.values()) this.clearReport(recording);
  }

  private async apply(next: RecorderSettings): Promise<Result<RecorderSettings>> {
    const file = this.options.settingsFile;
    if (file) {
      try {
        await saveRecorderSettings(file, next);
      } catch (err) {
        const { code, problem } = fileProblem(err);
        return fail(code, phrase('record.settingsUnsaved', { file, problem, code }), phrase('hint.settingsFolder'));
      }
    }
    this.current = next;
    return ok({ ...next });
  }

  private write(recording: Recording, record: TranscriptRecord): void {
    recording.file.append(encodeRecordLine(record, recording.codec, { raw: true }));
  }

  private written(recording: Recording, records: number, bytes: number): void {
    recording.info.records += records;
    recording.info.bytes += bytes;
    if (recording.unrecorded && recording.info.active && recording.file.backlog <= this.marks.low) this.reportUnrecorded(recording);
    if (!recording.info.active || recording.reportTimer !== undefined) return;
    // At most one progress report per interval (the display needs no more); a report held
    // back goes out when the interval is up, so the last count is always shown.
    const wait = recording.reportedAt + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.announce(recording);
    recording.reportTimer = this.clock.setTimer(() => {
      recording.reportTimer = undefined;
      const { records, bytes } = recording.info;
      if (recording.info.active && (records !== recording.reported.records || bytes !== recording.reported.bytes)) this.announce(recording);
    }, wait);
  }

  /**
   * Data left out for a full backlog: one error record, where the gap is in the file, and one
   * error event, each saying how much. Never silent.
   */
  private reportUnrecorded(recording: Recording): void {
    const lost = recording.unrecorded;
    if (!lost) return;
    recording.unrecorded = undefined;
    const event: InspectorEvent = {
      type: 'error',
      at: this.clock.now(),
      sessionId: recording.sessionId,
      error: unrecordedError(recording.sessionId, lost),
    };
    for (const record of recording.records.fromEvent(event)) this.write(recording, record);
    this.link.emit(event);
  }

  private failed(recording: Recording, failure: RecordFileFailure): void {
    if (recording.failure) return;
    const error = writeError(recording.sessionId, recording.info.path, failure);
    recording.failure = error;
    recording.info.active = false;
    recording.info.error = error;
    this.clearReport(recording);
    this.link.emit({ type: 'error', at: this.clock.now(), sessionId: recording.sessionId, error });
    this.announce(recording);
  }

  private announce(recording: Recording): void {
    recording.reportedAt = this.clock.now();
    recording.reported = { records: recording.info.records, bytes: recording.info.bytes };
    this.link.emit({ type: 'recording', at: recording.reportedAt, sessionId: recording.sessionId, recording: snapshot(recording.info) });
  }

  private clearReport(recording: Recording): void {
    if (recording.reportTimer !== undefined) this.clock.clearTimer(recording.reportTimer);
    recording.reportTimer = undefined;
  }

  private forget(recording: Recording): void {
    this.clearReport(recording);
    this.recordings.delete(recording.sessionId);
    this.files.delete(recording.sessionId);
  }
}
