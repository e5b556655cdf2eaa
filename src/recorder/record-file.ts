import { close, constants, fstat, fsync, mkdir, open, write } from 'node:fs';
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
  /** Open an existing file to append to it; ENOENT when it is gone (it is never created again). */
  openExisting(file: string): Promise<number>;
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
  openExisting: (file) => new Promise((resolve, reject) => open(file, constants.O_WRONLY | constants.O_APPEND, settle(resolve, reject))),
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
/** The first segment a file fills; it doubles as the file gets busier. */
const FIRST_SEGMENT_BYTES = 64 * 1024;

/** `name.sirec`, then `name-2.sirec`, `name-3.sirec`, … */
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
 *
 * Lines live in segments of memory the file reuses: written into `reserve()`d room, they are
 * queued where they are, and a write covers a run of them in place. A 1 GiB recording
 * allocating a fresh buffer per line spent more time on allocation, page faults and garbage
 * collection than on encoding (profiled: 2 s of collector threads per GiB).
 */
export class RecordFile {
  private fd: number | undefined;
  private file: string | undefined;
  /** Closed while its session is, to give the descriptor back: reopened for the next line. */
  private parked = false;
  private parking: Promise<void> | undefined;
  private reopening: Promise<void> | undefined;
  /** Settles once create() has opened the file or failed to. */
  private creating: Promise<void> | undefined;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private writingBytes = 0;
  private full = false;
  private timer: TimerHandle | undefined;
  /** The oldest waiting line has waited its interval, or enough bytes wait: write when possible. */
  private due = false;
  private inFlight: Promise<void> | undefined;
  private failed = false;
  /** Where the next line goes; lines queue as views of it, so a write needs no copy. */
  private segment: Buffer | undefined;
  private segmentUsed = 0;
  /** Segments left behind while their lines were still waiting, oldest first. */
  private retired: Buffer[] = [];
  /** A written segment kept for the next one while the file is busy. */
  private spare: Buffer | undefined;

  constructor(private readonly options: RecordFileOptions) {}

  /**
   * Create the folder and a file in it that did not exist before, never replacing one: a taken
   * name gets `-2`, `-3`, …. Resolves with the file's full path; throws the OS error.
   */
  create(folder: string, fileName: string): Promise<string> {
    const created = this.createIn(folder, fileName);
    this.creating = created.then(
      () => undefined,
      () => undefined,
    );
    return created;
  }

  private async createIn(folder: string, fileName: string): Promise<string> {
    const { files } = this.options;
    await files.mkdir(folder);
    for (let attempt = 1; ; attempt++) {
      const file = path.join(folder, numbered(fileName, attempt));
      try {
        this.fd = await files.openNew(file);
        this.file = file;
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

  /**
   * Room for a line of `size` bytes after the last one appended, to write the line into and
   * then `append()` it without a copy. Valid until the next `reserve()` or `append()`.
   */
  reserve(size: number): Uint8Array {
    // Everything before has been written: the segment can be filled again from its start.
    if (this.queue.length === 0 && !this.inFlight) this.segmentUsed = 0;
    if (!this.segment || this.segment.byteLength - this.segmentUsed < size) this.nextSegment(size);
    return this.segment!.subarray(this.segmentUsed, this.segmentUsed + size);
  }

  /** Queue a line: in place if it was written into the room `reserve()` gave, else copied there. */
  append(line: Uint8Array): void {
    if (this.failed) return;
    const segment = this.segment;
    if (!segment || line.buffer !== segment.buffer || line.byteOffset !== segment.byteOffset + this.segmentUsed) {
      const room = this.reserve(line.byteLength);
      room.set(line);
      line = room;
    }
    this.segmentUsed += line.byteLength;
    this.queue.push(line);
    this.queuedBytes += line.byteLength;
    if (this.parked) this.reopen();
    if (this.queuedBytes >= this.options.maxBytes) this.due = true;
    else this.timer ??= this.options.setTimer(() => this.timerFired(), this.options.intervalMs);
    this.pump();
    this.checkBacklog();
  }

  /**
   * Write what waits, make it durable and close the descriptor, keeping the file: a closed
   * session holds no descriptor, and the next line appended reopens the file at its end. A
   * failure is reported as a write failure would be.
   */
  park(): Promise<void> {
    this.parking ??= (async () => {
      await this.creating;
      await this.drain();
      const fd = this.fd;
      if (fd === undefined || this.failed) return;
      this.fd = undefined;
      this.parked = true;
      try {
        await this.options.files.fsync(fd);
        await this.options.files.close(fd);
      } catch (err) {
        await this.options.files.close(fd).catch(() => undefined);
        this.fail({ kind: 'os', error: err as NodeJS.ErrnoException });
      }
    })().finally(() => {
      this.parking = undefined;
      // Lines that came while it was closing go out now.
      if (this.parked && this.queue.length > 0) this.reopen();
    });
    return this.parking;
  }

  /** Write everything waiting, make it durable and close the file. Throws if that fails. */
  async close(): Promise<void> {
    await this.parking;
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
    await this.parking;
    await this.reopening;
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
      if (this.reopening) {
        await this.reopening;
        continue;
      }
      if (this.failed || this.fd === undefined || this.queue.length === 0) return;
      this.due = true;
      this.pump();
    }
  }

  private reopen(): void {
    if (this.parking || this.reopening || this.failed || this.file === undefined) return;
    const file = this.file;
    this.reopening = this.options.files.openExisting(file).then(
      (fd) => {
        this.reopening = undefined;
        if (this.failed) {
          void this.options.files.close(fd).catch(() => undefined);
          return;
        }
        this.fd = fd;
        this.parked = false;
        this.pump();
      },
      (err: NodeJS.ErrnoException) => {
        this.reopening = undefined;
        this.fail(err.code === 'ENOENT' ? { kind: 'deleted' } : { kind: 'os', error: err });
      },
    );
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
    // A run of lines side by side in one segment, whole lines, at most writeMaxBytes (unless one line is longer).
    const first = this.queue[0]!;
    let count = 1;
    let size = first.byteLength;
    for (; count < this.queue.length; count++) {
      const line = this.queue[count]!;
      if (
        line.buffer !== first.buffer ||
        line.byteOffset !== first.byteOffset + size ||
        size + line.byteLength > this.options.writeMaxBytes
      )
        break;
      size += line.byteLength;
    }
    this.queue.splice(0, count);
    const bytes = new Uint8Array(first.buffer, first.byteOffset, size);
    this.queuedBytes -= size;
    this.writingBytes = size;
    // What stays behind was due with these lines, so it goes next, without waiting again.
    this.due = this.queue.length > 0;
    this.inFlight = this.writeOut(fd, bytes, count).finally(() => {
      this.inFlight = undefined;
      this.writingBytes = 0;
      this.release();
      // Lines that arrived during the write started their own timer; enough of them go at once.
      this.pump();
      this.checkBacklog();
    });
  }

  /**
   * A new segment for a line of `size` bytes: twice the last one, up to writeMaxBytes (a file
   * that records little keeps a small one), or the line's size if larger. The one being left
   * waits, retired, until its lines are written.
   */
  private nextSegment(size: number): void {
    const previous = this.segment;
    if (previous && this.segmentUsed > 0) this.retired.push(previous);
    const wanted = Math.max(size, Math.min(this.options.writeMaxBytes, previous ? previous.byteLength * 2 : FIRST_SEGMENT_BYTES));
    const spare = this.spare;
    this.spare = undefined;
    this.segment = spare && spare.byteLength >= wanted ? spare : Buffer.allocUnsafe(wanted);
    this.segmentUsed = 0;
  }

  /**
   * After a write: retired segments none of whose lines wait any more are free. One is kept for
   * the next segment while lines wait; an idle file lets them go.
   */
  private release(): void {
    const head = this.queue[0];
    while (this.retired.length > 0 && (!head || head.buffer !== this.retired[0]!.buffer)) {
      const free = this.retired.shift()!;
      if (head && (!this.spare || free.byteLength > this.spare.byteLength)) this.spare = free;
    }
    if (!head) this.spare = undefined;
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
      for (let done = 0; done < bytes.byteLength;) done += await files.write(fd, bytes.subarray(done));
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
    this.retired = [];
    this.spare = undefined;
    this.segment = undefined;
    this.segmentUsed = 0;
    // Nothing will be written any more, so nothing is worth waiting for.
    if (this.full) {
      this.full = false;
      this.options.onBacklog(false);
    }
  }
}
