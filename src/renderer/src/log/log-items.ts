/**
 * What the log list shows, derived from a session's retained entries: the entries themselves,
 * or frames built from them, optionally filtered. Each view is updated incrementally — only
 * entries newer than the last update are framed or tested — so a batch costs the same with a
 * million entries retained as with ten, and the list reads rows by index without copying.
 */
import type { Endpoint } from '@shared/contract';
import { createFramer, type FramingConfig, type Framer } from '@shared/framing';
import { endpointText } from '../format';
import { LogWindow } from '../store/log-window';
import type { LogEntry, SessionLog } from '../store/views';

/** A row of the log: an entry as stored, or a frame built from entries (ids of either grow with time). */
export interface LogItem extends LogEntry {
  /** A frame still waiting for bytes. */
  partial?: boolean;
  /** A length-prefixed frame whose length field could not be right. */
  badLength?: boolean;
  /** Frames: the entry that completed them, to let them go when it leaves the log. */
  lastEntryId?: number;
}

/** Completed items, oldest first, then the frames still open (one per stream at most). */
export interface ItemSource {
  /** What made the items (the entries, or one framer set): a new origin means new items. */
  origin: object;
  epoch: number;
  completed: LogWindow<LogItem>;
  partials: readonly LogItem[];
  /** Completed items ever added since the epoch began, including those let go since. */
  appended: number;
}

export interface ItemList {
  length: number;
  /** Grows with every item added, even once the list is full and drops as many as it adds. */
  total: number;
  at(index: number): LogItem | undefined;
}

export function listOf(source: ItemSource): ItemList {
  const { completed, partials } = source;
  const total = source.appended + partials.length;
  if (partials.length === 0) return { length: completed.length, total, at: (i) => completed.at(i) };
  return {
    length: completed.length + partials.length,
    total,
    at: (i) => (i < completed.length ? completed.at(i) : partials[i - completed.length]),
  };
}

/** Who an entry came from or went to: the TCP connection, else the UDP peer. */
export function sourceOf(item: { connId: string | undefined; peer: Endpoint | undefined }): string {
  return item.connId ?? (item.peer ? endpointText(item.peer) : '');
}

const ENTRIES_ORIGIN = {};

export const rawSource = (log: SessionLog): ItemSource => ({
  origin: ENTRIES_ORIGIN,
  epoch: log.epoch,
  completed: log.entries,
  partials: [],
  appended: log.dropped + log.entries.length,
});

/** Index of the first entry newer than `id` (ids grow along the log). */
const firstAfter = <T extends { id: number }>(window: LogWindow<T>, id: number): number => window.firstIndexWhere((item) => item.id > id);

/** Frames per connection and direction, built from the entries as they come. */
export class FramedView {
  private epoch = -1;
  private lastEntryId = 0;
  private nextId = 1;
  private appended = 0;
  private framers = new Map<string, { framer: Framer; template: LogEntry }>();
  private frames = LogWindow.empty<LogItem>();
  private partials = new Map<string, LogItem>();

  constructor(private readonly config: FramingConfig) {}

  update(log: SessionLog): ItemSource {
    if (log.epoch !== this.epoch) {
      this.epoch = log.epoch;
      this.lastEntryId = 0;
      this.appended = 0;
      this.framers.clear();
      this.frames = LogWindow.empty();
      this.partials.clear();
    }
    const entries = log.entries;
    const added: LogItem[] = [];
    const touched = new Set<string>();
    for (let i = firstAfter(entries, this.lastEntryId); i < entries.length; i++) {
      const entry = entries.at(i)!;
      const key = `${entry.dir}|${sourceOf(entry)}`;
      let stream = this.framers.get(key);
      if (!stream) {
        stream = { framer: createFramer(this.config), template: entry };
        this.framers.set(key, stream);
      }
      for (const frame of stream.framer.push(entry.bytes, entry.at).frames) {
        added.push({
          id: this.nextId++,
          at: frame.at,
          dir: entry.dir,
          connId: entry.connId,
          peer: entry.peer,
          bytes: frame.bytes,
          badLength: frame.badLength,
          lastEntryId: entry.id,
          ...(entry.origin ? { origin: entry.origin } : {}),
        });
      }
      touched.add(key);
      this.lastEntryId = entry.id;
    }
    for (const key of touched) {
      const stream = this.framers.get(key)!;
      const partial = stream.framer.partial();
      this.partials.delete(key);
      if (partial) {
        const { template } = stream;
        // Re-inserted so the stream that moved last shows its open frame last.
        this.partials.set(key, {
          id: this.nextId++,
          at: partial.at,
          dir: template.dir,
          connId: template.connId,
          peer: template.peer,
          bytes: partial.bytes,
          partial: true,
        });
      }
    }
    // Frames completed by entries that left the log leave with them.
    const oldest = entries.at(0)?.id ?? Infinity;
    let frames = this.frames.append(added);
    frames = frames.dropFront(frames.firstIndexWhere((frame) => (frame.lastEntryId ?? 0) >= oldest));
    this.frames = frames;
    this.appended += added.length;
    return { origin: this, epoch: this.epoch, completed: frames, partials: [...this.partials.values()], appended: this.appended };
  }
}

/** The items of a source that pass a test, kept up to date with the source. */
export class FilteredView {
  private origin: object | undefined;
  private epoch = -1;
  private lastId = 0;
  private appended = 0;
  private matched = LogWindow.empty<LogItem>();

  constructor(private readonly keep: (item: LogItem) => boolean) {}

  update(source: ItemSource): ItemSource {
    if (source.origin !== this.origin || source.epoch !== this.epoch) {
      this.origin = source.origin;
      this.epoch = source.epoch;
      this.lastId = 0;
      this.appended = 0;
      this.matched = LogWindow.empty();
    }
    const { completed } = source;
    const added: LogItem[] = [];
    for (let i = firstAfter(completed, this.lastId); i < completed.length; i++) {
      const item = completed.at(i)!;
      if (this.keep(item)) added.push(item);
      this.lastId = item.id;
    }
    let matched = this.matched.append(added);
    const oldest = completed.at(0)?.id ?? Infinity;
    matched = matched.dropFront(matched.firstIndexWhere((item) => item.id >= oldest));
    this.matched = matched;
    this.appended += added.length;
    return {
      origin: source.origin,
      epoch: this.epoch,
      completed: matched,
      partials: source.partials.filter(this.keep),
      appended: this.appended,
    };
  }
}

/** Every connection or peer seen in the log since it was last cleared, for the filter's choices. */
export class SeenSources {
  private epoch = -1;
  private lastId = 0;
  private seen = new Set<string>();
  private list: readonly string[] = [];

  update(log: SessionLog): readonly string[] {
    if (log.epoch !== this.epoch) {
      this.epoch = log.epoch;
      this.lastId = 0;
      this.seen = new Set();
      this.list = [];
    }
    const entries = log.entries;
    let grew = false;
    for (let i = firstAfter(entries, this.lastId); i < entries.length; i++) {
      const entry = entries.at(i)!;
      const source = sourceOf(entry);
      if (source !== '' && !this.seen.has(source)) {
        this.seen.add(source);
        grew = true;
      }
      this.lastId = entry.id;
    }
    if (grew) this.list = [...this.seen];
    return this.list;
  }
}
