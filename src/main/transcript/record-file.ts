import { close, fstat, fsync, mkdir, open, write } from 'node:fs';
import path from 'node:path';

/**
 * The few file calls a recording makes, passed in so tests can fail them the way a full disk
 * or a dying drive does, at the exact call.
 */
export interface FileLayer {
  /** Create the folder and its parents; an existing folder is fine. */
  mkdir(folder: string): Promise<void>;
  /** Create a new file for writing; EEXIST when the name is taken. */
  openNew(file: string): Promise<number>;
  /** Write some of the bytes; resolves with how many went out. */
  write(fd: number, bytes: Uint8Array): Promise<number>;
  fstat(fd: number): Promise<{ nlink: number }>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
}

const settle =
  <T>(resolve: (value: T) => void, reject: (err: Error) => void) =>
  (err: Error | null, value: T) =>
    err ? reject(err) : resolve(value);

export const nodeFiles: FileLayer = {
  mkdir: (folder) => new Promise((resolve, reject) => mkdir(folder, { recursive: true }, (err) => (err ? reject(err) : resolve()))),
  openNew: (file) => new Promise((resolve, reject) => open(file, 'wx', 0o644, settle(resolve, reject))),
  write: (fd, bytes) => new Promise((resolve, reject) => write(fd, bytes, 0, bytes.byteLength, null, settle(resolve, reject))),
  fstat: (fd) => new Promise((resolve, reject) => fstat(fd, settle(resolve, reject))),
  fsync: (fd) => new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve()))),
  close: (fd) => new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve()))),
};

/** Why the file can no longer be written: an OS error, or the file was deleted under us. */
export type RecordFileFailure = { kind: 'os'; error: NodeJS.ErrnoException } | { kind: 'deleted' };

type TimerHandle = ReturnType<typeof setTimeout>;

export interface RecordFileOptions {
  files: FileLayer;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Bytes wait at most this long before a write starts. */
  intervalMs: number;
  /** …or less, once this many are waiting. */
  maxBytes: number;
  /** One write carries at most this many bytes (whole lines; a longer line goes alone). */
  writeMaxBytes: number;
  /** Past `highWater` bytes waiting (queued or being written) the file is full, at `lowWater` no longer. */
  highWater: number;
  lowWater: number;
  /** When the file becomes full or stops being full; always not full once it fails or is given up. */
  onBacklog(full: boolean): void;
  /** After each write: the records and bytes it put in the file. */
  onWritten(records: number, bytes: number): void;
  /** Once, on the first failure; nothing is written after it. */
  onFailure(failure: RecordFileFailure): void;
}

const MAX_NAME_ATTEMPTS = 1000;

/** `name.jsonl`, then `name-2.jsonl`, `name-3.jsonl`, … */
function numbered(fileName: string, attempt: number): string {
  if (attempt === 1) return fileName;
  const ext = path.extname(fileName);
  return `${fileName.slice(0, fileName.length - ext.length)}-${attempt}${ext}`;
}

/**
 * One recording file, appended in order. Lines wait in memory and go out at least every
 * `intervalMs` (sooner past `maxBytes`), one write at a time, so a killed process loses at most
 * the last interval. Lines appended before the file is open wait for it. What waits is reported
 * against the high- and low-water marks, so the caller can stop feeding a file the disk cannot
 * keep up with.
 */
export class RecordFile {
  private fd: number | undefined;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private writingBytes = 0;
  private full = false;
  private timer: TimerHandle | undefined;
  /** The oldest waiting line has waited its interval, or enough bytes wait: write when possible. */
  private due = false;
  private inFlight: Promise<void> | undefined;
  private failed = false;
  private writeBuffer: Buffer | undefined;

  constructor(private readonly options: RecordFileOptions) {}

  /**
   * Create the folder and a file in it that did not exist before, never replacing one: a taken
   * name gets `-2`, `-3`, …. Resolves with the file's full path; throws the OS error.
   */
  async create(folder: string, fileName: string): Promise<string> {
    const { files } = this.options;
    await files.mkdir(folder);
    for (let attempt = 1; ; attempt++) {
      const file = path.join(folder, numbered(fileName, attempt));
      try {
        this.fd = await files.openNew(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < MAX_NAME_ATTEMPTS) continue;
        throw err;
      }
      this.pump();
      return file;
    }
  }

  /** Bytes appended and not yet written: waiting, or in the write under way. */
  get backlog(): number {
    return this.queuedBytes + this.writingBytes;
  }

  append(line: Uint8Array): void {
    if (this.failed) return;
    this.queue.push(line);
    this.queuedBytes += line.byteLength;
    if (this.queuedBytes >= this.options.maxBytes) this.due = true;
    else this.timer ??= this.options.setTimer(() => this.timerFired(), this.options.intervalMs);
    this.pump();
    this.checkBacklog();
  }

  /** Write everything waiting, make it durable and close the file. Throws if that fails. */
  async close(): Promise<void> {
    await this.drain();
    const fd = this.fd;
    if (fd === undefined || this.failed) return;
    this.fd = undefined;
    try {
      await this.options.files.fsync(fd);
    } catch (err) {
      await this.options.files.close(fd).catch(() => undefined);
      throw err;
    }
    await this.options.files.close(fd);
  }

  /** Give up the file without writing what waits: after its session's recording failed elsewhere, or when it never opened. */
  async abandon(): Promise<void> {
    this.failed = true;
    this.dropQueue();
    await this.inFlight;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await this.options.files.close(fd).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (this.failed || this.fd === undefined || this.queue.length === 0) return;
      this.due = true;
      this.pump();
    }
  }

  private timerFired(): void {
    this.timer = undefined;
    this.due = true;
    this.pump();
  }

  private pump(): void {
    if (!this.due || this.inFlight || this.fd === undefined || this.failed || this.queue.length === 0) return;
    const fd = this.fd;
    if (this.timer !== undefined) {
      this.options.clearTimer(this.timer);
      this.timer = undefined;
    }
    let count = 0;
    let size = 0;
    while (count < this.queue.length && (count === 0 || size + this.queue[count]!.byteLength <= this.options.writeMaxBytes)) {
      size += this.queue[count]!.byteLength;
      count += 1;
    }
    const lines = this.queue.splice(0, count);
    const bytes = count === 1 ? lines[0]! : this.gather(lines, size);
    this.queuedBytes -= size;
    this.writingBytes = size;
    // What stays behind was due with these lines, so it goes next, without waiting again.
    this.due = this.queue.length > 0;
    this.inFlight = this.writeOut(fd, bytes, count).finally(() => {
      this.inFlight = undefined;
      this.writingBytes = 0;
      // Lines that arrived during the write started their own timer; enough of them go at once.
      this.pump();
      this.checkBacklog();
    });
  }

  /**
   * The lines side by side in one buffer, kept for the next write: a fresh multi-megabyte
   * buffer per write cost the kernel more in page faults than writing the bytes did (profiled:
   * a 1 GiB recording spent 2.6 s of system time on Buffer.concat's allocations, 0.5 s with
   * this). Only one write is ever in flight, so the buffer is free whenever this runs. It
   * grows to the largest write the file has needed and goes with the file.
   */
  private gather(lines: Uint8Array[], size: number): Uint8Array {
    if (!this.writeBuffer || this.writeBuffer.byteLength < size) {
      this.writeBuffer = Buffer.allocUnsafe(Math.max(size, Math.min(this.options.writeMaxBytes, (this.writeBuffer?.byteLength ?? 0) * 2)));
    }
    let at = 0;
    for (const line of lines) {
      this.writeBuffer.set(line, at);
      at += line.byteLength;
    }
    return this.writeBuffer.subarray(0, size);
  }

  private checkBacklog(): void {
    const backlog = this.backlog;
    if (!this.full && backlog > this.options.highWater) {
      this.full = true;
      this.options.onBacklog(true);
    } else if (this.full && backlog <= this.options.lowWater) {
      this.full = false;
      this.options.onBacklog(false);
    }
  }

  private async writeOut(fd: number, bytes: Uint8Array, records: number): Promise<void> {
    const { files } = this.options;
    try {
      for (let done = 0; done < bytes.byteLength; ) done += await files.write(fd, bytes.subarray(done));
      // Writes to a deleted file succeed and vanish; only the link count tells.
      const { nlink } = await files.fstat(fd);
      if (nlink === 0) return this.fail({ kind: 'deleted' });
    } catch (err) {
      return this.fail({ kind: 'os', error: err as NodeJS.ErrnoException });
    }
    // Written: no longer part of the backlog the caller may ask about now.
    this.writingBytes = 0;
    this.options.onWritten(records, bytes.byteLength);
  }

  private fail(failure: RecordFileFailure): void {
    if (this.failed) return;
    this.failed = true;
    this.dropQueue();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) void this.options.files.close(fd).catch(() => undefined);
    this.options.onFailure(failure);
  }

  private dropQueue(): void {
    if (this.timer !== undefined) this.options.clearTimer(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.queuedBytes = 0;
    // Nothing will be written any more, so nothing is worth waiting for.
    if (this.full) {
      this.full = false;
      this.options.onBacklog(false);
    }
  }
}
