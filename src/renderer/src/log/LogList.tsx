import { useEffect, useRef, useState, type CSSProperties, type ReactNode, type Ref } from 'react';
import { PauseIcon } from '../components/PauseIcon';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { useT } from '../i18n/i18n-context';
import type { LogView } from '../store/log-prefs';
import type { ItemList, LogItem } from './log-items';
import { LogRow, type LogRowProps } from './LogRow';

interface ListContext {
  label: string;
}

// Virtuoso draws plain divs; list semantics let screen readers (and tests) count the entries.
function ListElement({ context, ref, ...rest }: { context?: ListContext; ref?: Ref<HTMLDivElement>; children?: ReactNode; style?: CSSProperties }) {
  return <div {...rest} ref={ref} role="list" aria-label={context?.label} />;
}

function ItemElement({ item: _item, context: _context, ...rest }: { item?: unknown; context?: ListContext; children?: ReactNode; style?: CSSProperties }) {
  return <div {...rest} role="listitem" />;
}

const COMPONENTS = { List: ListElement, Item: ItemElement };

export type RowOptions = Omit<LogRowProps, 'item' | 'previousAt' | 'view'>;

/**
 * The rows in sight, read from `items` by index. Follows new rows while the reader is at the
 * bottom; scrolling up (or the pause button) holds the view still until they come back down
 * or jump to the end.
 */
export function LogList({ items, label, row, viewOf }: { items: ItemList; label: string; row: RowOptions; viewOf: (item: LogItem) => LogView }) {
  const t = useT();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [held, setHeld] = useState(false);
  // Items added so far when following stopped, to count what arrived since.
  const [pausedAt, setPausedAt] = useState(0);
  const paused = held || !atBottom;

  const pause = () => {
    if (!paused) setPausedAt(items.total);
  };
  const onBottomChange = (bottom: boolean) => {
    if (!bottom) pause();
    // Coming back down is the reader's way of saying "follow again"; merely being at the bottom
    // (as when the pause button was pressed there) is not.
    else if (!atBottom) setHeld(false);
    setAtBottom(bottom);
  };
  // Open at the newest entries. Not initialTopMostItemIndex: that hides the list until a scroll
  // settles, which never happens without layout.
  useEffect(() => {
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
  }, []);
  const jumpToEnd = () => {
    setHeld(false);
    setAtBottom(true);
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
  };

  return (
    <Box sx={{ height: '100%', position: 'relative' }}>
      <Virtuoso<unknown, ListContext>
        ref={virtuoso}
        style={{ height: '100%' }}
        totalCount={items.length}
        context={{ label }}
        components={COMPONENTS}
        computeItemKey={(index) => items.at(index)?.id ?? index}
        itemContent={(index) => {
          const item = items.at(index);
          return item ? <LogRow item={item} previousAt={items.at(index - 1)?.at} view={viewOf(item)} {...row} /> : null;
        }}
        followOutput={held ? false : 'auto'}
        atBottomStateChange={onBottomChange}
      />
      <Box sx={{ position: 'absolute', right: 16, bottom: 8 }}>
        {paused ? (
          <Chip
            color="primary"
            clickable
            onClick={jumpToEnd}
            label={t('log.autoscroll.paused', { count: Math.max(0, items.total - pausedAt) })}
            aria-label={t('log.autoscroll.jump', { count: Math.max(0, items.total - pausedAt) })}
          />
        ) : (
          <IconButton
            aria-label={t('log.autoscroll.pause')}
            onClick={() => {
              pause();
              setHeld(true);
            }}
            sx={{ bgcolor: 'background.paper', border: 1, borderColor: 'divider' }}
          >
            <PauseIcon />
          </IconButton>
        )}
      </Box>
    </Box>
  );
}
