import { type CSSProperties, type ReactNode, type Ref } from 'react';
import { Virtuoso } from 'react-virtuoso';
import type { LogView } from '../store/inspector-store';
import type { LogEntry } from '../store/views';
import { LogRow } from './LogRow';

interface ListContext {
  label: string;
  view: LogView;
}

// Virtuoso draws plain divs; list semantics let screen readers (and tests) count the entries.
function ListElement({ context, ref, ...rest }: { context?: ListContext; ref?: Ref<HTMLDivElement>; children?: ReactNode; style?: CSSProperties }) {
  return <div {...rest} ref={ref} role="list" aria-label={context?.label} />;
}

function ItemElement({ item: _item, context: _context, ...rest }: { item: LogEntry; context?: ListContext; children?: ReactNode; style?: CSSProperties }) {
  return <div {...rest} role="listitem" />;
}

const COMPONENTS = { List: ListElement, Item: ItemElement };

export function LogList({ entries, view, label }: { entries: readonly LogEntry[]; view: LogView; label: string }) {
  return (
    <Virtuoso<LogEntry, ListContext>
      style={{ height: '100%' }}
      data={entries}
      context={{ label, view }}
      components={COMPONENTS}
      computeItemKey={(_index, entry) => entry.id}
      itemContent={(_index, entry, context) => <LogRow entry={entry} view={context.view} />}
      // Stay pinned to the newest traffic unless the reader has scrolled up to look back.
      followOutput="auto"
    />
  );
}
