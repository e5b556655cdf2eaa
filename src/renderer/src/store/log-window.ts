/**
 * The entries of a session's log: an append-only array seen through a window [start, end).
 *
 * The store is copy-on-write, but copying a million-entry array for every event batch would
 * cost more than everything else the renderer does. So the newest snapshot appends in place
 * (older snapshots end before the new items and never see them), dropping the oldest entries
 * only moves `start`, and the array is compacted once the dropped part outweighs the live one.
 */
const MIN_COMPACT = 1024;

export class LogWindow<T> implements Iterable<T> {
  private constructor(
    private readonly backing: T[],
    private readonly start: number,
    readonly length: number,
  ) {}

  static empty<T>(): LogWindow<T> {
    return new LogWindow<T>([], 0, 0);
  }

  at(index: number): T | undefined {
    return index >= 0 && index < this.length ? this.backing[this.start + index] : undefined;
  }

  append(items: readonly T[]): LogWindow<T> {
    if (items.length === 0) return this;
    const end = this.start + this.length;
    // Someone appended to this snapshot already: branch off with a copy rather than overwrite.
    const backing = this.backing.length === end ? this.backing : this.backing.slice(this.start, end);
    const start = backing === this.backing ? this.start : 0;
    for (const item of items) backing.push(item);
    return new LogWindow(backing, start, this.length + items.length);
  }

  dropFront(count: number): LogWindow<T> {
    if (count <= 0) return this;
    if (count >= this.length) return LogWindow.empty();
    const start = this.start + count;
    const length = this.length - count;
    if (start >= MIN_COMPACT && start > length) return new LogWindow(this.backing.slice(start, start + length), 0, length);
    return new LogWindow(this.backing, start, length);
  }

  /** The index of the first item for which `isAfter` holds, given that it holds for a suffix. */
  firstIndexWhere(isAfter: (item: T) => boolean): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (isAfter(this.backing[this.start + mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  toArray(): T[] {
    return this.backing.slice(this.start, this.start + this.length);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.backing[this.start + i]!;
  }
}
