/**
 * What the log list shows, derived from a session's retained entries: the entries themselves,
 * or frames built from them, optionally filtered. Each view is updated incrementally — only
 * entries newer than the last update are framed or tested — so a batch costs the same with a
 * million entries retained as with ten, and the list reads rows by index without copying.
 */
import type { Endpoint } from '@shared/contract';
import { createFramer, type Framer } from '@shared/framing';
import type { LogFraming } from './framing-config';
import { createLineFramer } from './line-framer';
import { endpointText } from '../format';
import { LogWindow } from '../store/log-window';
import type { LogEntry, SessionLog } from '../store/views';

/** A row of the log: an entry as stored, or a frame built from entries (ids of either grow with time). */
export interface LogItem extends LogEntry {
  /** A frame still waiting for bytes. */
  partial?: boolean;
  /** A length-prefixed frame whose length field could not be right. */
  badLength?: boolean;
  /** Frames: the entry that completed them. */
  lastEntryId?: number;
  /** Frames: the entry their first byte came in, where they sit; they leave the log with it. */
  firstEntryId?: number;
  /** A line of line mode: drawn on one row with its time, its break not shown. */
  line?: boolean;
  /** A frame its connection's close completed: no more bytes could come. */
  endedByClose?: boolean;
}

/** Completed items, oldest first, then those still open or held behind an open one, in arrival order. */
export interface ItemSource {
  /** What made the items (the entries, or one framer set): a new origin means new items. */
  origin: object;
  epoch: number;
  completed: LogWindow<LogItem>;
  partials: readonly LogItem[];
  /** Completed items ever added since the epoch began, including those let go since. */
  appended: number;
  /** Of the items held (completed and open), how many are lifecycle rows rather than frames. */
  events?: number;
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

interface Stream {
  framer: Framer;
  template: LogEntry;
  /** Id of the entry holding the first byte of the frame still open, if one is. */
  openSince: number | undefined;
  /** When that first byte came: the open frame's time, as the row where it sits shows it. */
  openAt: number | undefined;
  /** When the open frame's latest byte came: the silence of gap mode is counted from it. */
  lastAt: number | undefined;
  /** The open frame as last shown. */
  open: LogItem | undefined;
}

/** Frames completed after an earlier-begun frame still open: held back, so rows keep arrival order. */
const MAX_HELD = 4096;

/**
 * Frames per connection and direction, built from the entries as they come, in the order their
 * first bytes arrived: a frame still open keeps its place, and frames of other streams completed
 * meanwhile wait behind it (up to MAX_HELD, past which the oldest open frame gives up its place).
 * Lifecycle rows pass through in place; a connection's close completes its open frames, marked
 * "ended by close"; in gap mode, silence completes a frame once the gap has passed (`now`).
 */
export class FramedView {
  private epoch = -1;
  private lastEntryId = 0;
  private nextId = 1;
  private appended = 0;
  private streams = new Map<string, Stream>();
  private frames = LogWindow.empty<LogItem>();
  /** Completed items (by the id of the entry they began in) waiting for an earlier open frame. */
  private held: { since: number; item: LogItem }[] = [];
  /** Lifecycle rows among `frames`. */
  private events = 0;

  constructor(private readonly config: LogFraming) {}

  private newFramer(): Framer {
    return this.config.mode === 'lines' ? createLineFramer() : createFramer(this.config);
  }

  /** When the next frame completes by silence alone, in gap mode; undefined when none will. */
  nextDeadline(): number | undefined {
    if (this.config.mode !== 'gap') return undefined;
    let next: number | undefined;
    for (const stream of this.streams.values()) {
      if (stream.open && stream.lastAt !== undefined) next = Math.min(next ?? Infinity, stream.lastAt + this.config.gapMs);
    }
    return next;
  }

  update(log: SessionLog, now = Date.now()): ItemSource {
    if (log.epoch !== this.epoch) {
      this.epoch = log.epoch;
      this.lastEntryId = 0;
      this.appended = 0;
      this.streams.clear();
      this.frames = LogWindow.empty();
      this.held = [];
      this.events = 0;
    }
    const entries = log.entries;
    const done: { since: number; item: LogItem }[] = [];
    for (let i = firstAfter(entries, this.lastEntryId); i < entries.length; i++) {
      const entry = entries.at(i)!;
      this.lastEntryId = entry.id;
      if (entry.lifecycle) {
        if (entry.lifecycle.kind === 'closed' && entry.connId !== undefined) {
          for (const dir of ['rx', 'tx'] as const) {
            this.finish(`${dir}|${entry.connId}`, done, { endedByClose: true });
            for (const flow of ['to-server', 'to-client'] as const)
              this.finish(`${dir}|${entry.connId}|${flow}`, done, { endedByClose: true });
          }
        }
        done.push({ since: entry.id, item: { ...entry, id: this.nextId++, lastEntryId: entry.id } });
        continue;
      }
      // A relay's pair carries two streams each way (arrived, and sent on after a hold): one framer each.
      const key = entry.relay ? `${entry.dir}|${sourceOf(entry)}|${entry.relay.flow}` : `${entry.dir}|${sourceOf(entry)}`;
      let stream = this.streams.get(key);
      if (!stream) {
        stream = { framer: this.newFramer(), template: entry, openSince: undefined, openAt: undefined, lastAt: undefined, open: undefined };
        this.streams.set(key, stream);
      }
      const pushed = stream.framer.push(entry.bytes, entry.at);
      pushed.frames.forEach((frame, index) => {
        const begunEarlier = index === 0 && stream.openSince !== undefined;
        done.push({
          since: begunEarlier ? stream.openSince! : entry.id,
          item: {
            id: this.nextId++,
            // A frame's time is its first byte's, as its place is, so times grow down the log.
            at: begunEarlier ? (stream.openAt ?? frame.at) : entry.at,
            dir: entry.dir,
            connId: entry.connId,
            peer: entry.peer,
            bytes: frame.bytes,
            badLength: frame.badLength,
            lastEntryId: entry.id,
            ...(this.config.mode === 'lines' ? { line: true } : {}),
            ...(entry.origin ? { origin: entry.origin } : {}),
            ...(entry.relay ? { relay: entry.relay } : {}),
          },
        });
      });
      const partial = stream.framer.partial();
      if (!partial) {
        stream.openSince = undefined;
        stream.openAt = undefined;
        stream.lastAt = undefined;
        stream.open = undefined;
      } else {
        if (pushed.frames.length > 0 || stream.openSince === undefined) {
          stream.openSince = entry.id;
          stream.openAt = entry.at;
        }
        stream.lastAt = partial.at;
        stream.open = {
          id: this.nextId++,
          at: stream.openAt ?? partial.at,
          dir: entry.dir,
          connId: entry.connId,
          peer: entry.peer,
          bytes: partial.bytes,
          partial: true,
          lastEntryId: entry.id,
          ...(this.config.mode === 'lines' ? { line: true } : {}),
          ...(entry.origin ? { origin: entry.origin } : {}),
          ...(entry.relay ? { relay: entry.relay } : {}),
        };
      }
    }
    if (this.config.mode === 'gap') {
      const gap = this.config.gapMs;
      for (const [key, stream] of this.streams) {
        if (stream.open && stream.lastAt !== undefined && now - stream.lastAt >= gap) this.finish(key, done, {});
      }
    }
    this.place(done);
    // Frames completed by entries that left the log leave with them.
    const oldest = entries.at(0)?.id ?? Infinity;
    const leaving = this.frames.firstIndexWhere((frame) => (frame.firstEntryId ?? 0) >= oldest);
    for (let i = 0; i < leaving; i++) if (this.frames.at(i)!.lifecycle) this.events -= 1;
    this.frames = this.frames.dropFront(leaving);
    const partials = this.tail();
    let events = this.events;
    for (const item of partials) if (item.lifecycle) events += 1;
    return { origin: this, epoch: this.epoch, completed: this.frames, partials, appended: this.appended, events };
  }

  /** Completes a stream's open frame, if it has one; the stream starts afresh. */
  private finish(key: string, done: { since: number; item: LogItem }[], mark: { endedByClose?: boolean }): void {
    const stream = this.streams.get(key);
    if (!stream) return;
    if (stream.open && stream.openSince !== undefined) {
      done.push({ since: stream.openSince, item: { ...stream.open, id: this.nextId++, partial: false, ...mark } });
    }
    if (mark.endedByClose) this.streams.delete(key);
    else {
      stream.framer = this.newFramer();
      stream.openSince = undefined;
      stream.openAt = undefined;
      stream.lastAt = undefined;
      stream.open = undefined;
    }
  }

  /** Commits what no open frame began before; holds the rest in arrival order. */
  private place(done: { since: number; item: LogItem }[]): void {
    if (done.length === 0 && this.held.length <= MAX_HELD) return;
    const held = this.held.concat(done).sort((a, b) => a.since - b.since);
    let openSince = Infinity;
    for (const stream of this.streams.values()) if (stream.openSince !== undefined) openSince = Math.min(openSince, stream.openSince);
    let commit = 0;
    while (commit < held.length && (held[commit]!.since < openSince || held.length - commit > MAX_HELD)) commit++;
    // Ids are given as items take their places, so they grow along the list as the views expect.
    const committed = held.slice(0, commit).map((entry) => ({ ...entry.item, id: this.nextId++, firstEntryId: entry.since }));
    this.held = held.slice(commit);
    for (const item of committed) if (item.lifecycle) this.events += 1;
    this.frames = this.frames.append(committed);
    this.appended += committed.length;
  }

  /** The held items and the open frames, in the order their first bytes arrived. */
  private tail(): readonly LogItem[] {
    const open: { since: number; item: LogItem }[] = [];
    for (const stream of this.streams.values()) {
      if (stream.open && stream.openSince !== undefined) open.push({ since: stream.openSince, item: stream.open });
    }
    if (open.length === 0) return this.held.map((entry) => entry.item);
    return this.held
      .concat(open)
      .sort((a, b) => a.since - b.since)
      .map((entry) => entry.item);
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
