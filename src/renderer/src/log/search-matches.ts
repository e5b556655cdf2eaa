/**
 * Where a search matches among the rows shown: every match counted, for "3 of 17", and found
 * again by its place for next and previous. Kept up to date like the other views: a batch
 * costs the new rows only, whatever the log holds.
 */
import { countMatches, type ByteQuery } from '@shared/byte-search';
import { LogWindow } from '../store/log-window';
import type { ItemList, ItemSource, LogItem } from './log-items';

/** One match: the row it is in, and which of the row's matches it is. */
export interface MatchPlace {
  id: number;
  nth: number;
}

interface MatchedRow {
  item: LogItem;
  /** Matches in the rows matched before it since the epoch began. */
  before: number;
  count: number;
}

export interface SearchMatches {
  total: number;
  /** The place of the match with this index, 0 first. */
  at(index: number): MatchPlace | undefined;
  /** The index of a match; undefined once its row has left. */
  indexOf(place: MatchPlace): number | undefined;
}

export const NO_MATCHES: SearchMatches = { total: 0, at: () => undefined, indexOf: () => undefined };

const firstFrom = (window: LogWindow<MatchedRow>, id: number) => window.firstIndexWhere((row) => row.item.id >= id);

export class MatchIndex {
  private origin: object | undefined;
  private epoch = -1;
  private lastId = 0;
  private counted = 0;
  private rows = LogWindow.empty<MatchedRow>();

  constructor(private readonly query: ByteQuery) {}

  update(source: ItemSource): SearchMatches {
    if (source.origin !== this.origin || source.epoch !== this.epoch) {
      this.origin = source.origin;
      this.epoch = source.epoch;
      this.lastId = 0;
      this.counted = 0;
      this.rows = LogWindow.empty();
    }
    const { completed } = source;
    const added: MatchedRow[] = [];
    for (let i = completed.firstIndexWhere((item) => item.id > this.lastId); i < completed.length; i++) {
      const item = completed.at(i)!;
      this.lastId = item.id;
      if (item.lifecycle) continue;
      const count = countMatches(item.bytes, this.query);
      if (count === 0) continue;
      added.push({ item, before: this.counted, count });
      this.counted += count;
    }
    let rows = this.rows.append(added);
    rows = rows.dropFront(firstFrom(rows, completed.at(0)?.id ?? Infinity));
    this.rows = rows;
    // Open frames change at every batch: counted afresh, after the completed rows.
    const open: MatchedRow[] = [];
    let base = this.counted;
    for (const item of source.partials) {
      if (item.lifecycle) continue;
      const count = countMatches(item.bytes, this.query);
      if (count === 0) continue;
      open.push({ item, before: base, count });
      base += count;
    }
    const start = rows.at(0)?.before ?? this.counted;
    const total = base - start;
    const rowOf = (index: number): MatchedRow | undefined => {
      const wanted = index + start;
      if (wanted >= this.counted) return open.find((row) => wanted < row.before + row.count);
      const found = rows.firstIndexWhere((row) => row.before + row.count > wanted);
      return rows.at(found);
    };
    return {
      total,
      at: (index) => {
        if (index < 0 || index >= total) return undefined;
        const row = rowOf(index)!;
        return { id: row.item.id, nth: index + start - row.before };
      },
      indexOf: (place) => {
        const found = rows.at(firstFrom(rows, place.id)) ?? open.find((row) => row.item.id === place.id);
        if (!found || found.item.id !== place.id || place.nth >= found.count) return undefined;
        return found.before + place.nth - start;
      },
    };
  }
}

/** Where a row is in the list, by its id (ids grow along the list); undefined once it has left. */
export function indexOfItem(items: ItemList, source: ItemSource, id: number): number | undefined {
  const index = source.completed.firstIndexWhere((item) => item.id >= id);
  if (source.completed.at(index)?.id === id) return index;
  const open = source.partials.findIndex((item) => item.id === id);
  return open === -1 || source.completed.length + open >= items.length ? undefined : source.completed.length + open;
}
