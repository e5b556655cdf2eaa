import { useEffect, useRef, useState, type CSSProperties, type ReactNode, type Ref } from 'react';
import { PauseIcon } from '../components/PauseIcon';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { useT } from '../i18n/i18n-context';
import { LOG_LIST_WINDOW_ROWS } from '../limits';
import type { LogView, RowLook } from '../store/log-prefs';
import type { ItemList, LogItem } from './log-items';
import type { MatchPlace } from './search-matches';
import { LOG_ROWS_CLASS, LogRow, LogRowStyles, type LogRowProps } from './LogRow';

interface ListContext {
  label: string;
  /** Index in the whole list of the window's first row, and the whole list's length. */
  start: number;
  total: number;
  /** Rows of the whole list before and after the window, with the buttons that show them. */
  before: number;
  after: number;
  olderLabel: string;
  newerLabel: string;
  showOlder(): void;
  showNewer(): void;
}

// Virtuoso draws plain divs; list semantics let screen readers (and tests) count the entries.
function ListElement({
  context,
  ref,
  ...rest
}: {
  context?: ListContext;
  ref?: Ref<HTMLDivElement>;
  children?: ReactNode;
  style?: CSSProperties;
}) {
  return <div {...rest} ref={ref} role="list" aria-label={context?.label} />;
}

// Rows carry their place in the whole log, not in the window the list holds.
function ItemElement({
  item: _item,
  context,
  ...rest
}: {
  item?: unknown;
  context?: ListContext;
  children?: ReactNode;
  style?: CSSProperties;
  'data-index'?: number;
}) {
  const index = rest['data-index'];
  const place = context && index !== undefined ? { 'aria-posinset': context.start + index + 1, 'aria-setsize': context.total } : {};
  return <div {...rest} {...place} role="listitem" />;
}

function WindowEdge({ count, label, onClick }: { count: number; label: string; onClick(): void }) {
  if (count === 0) return null;
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', py: 0.5 }}>
      <Button size="small" onClick={onClick}>
        {label}
      </Button>
    </Box>
  );
}

const COMPONENTS = {
  List: ListElement,
  Item: ItemElement,
  Header: ({ context }: { context?: ListContext }) =>
    context ? <WindowEdge count={context.before} label={context.olderLabel} onClick={context.showOlder} /> : null,
  Footer: ({ context }: { context?: ListContext }) =>
    context ? <WindowEdge count={context.after} label={context.newerLabel} onClick={context.showNewer} /> : null,
};

/** Past this many rows in the window while following, it moves up to the newest. */
const SPAN = LOG_LIST_WINDOW_ROWS + LOG_LIST_WINDOW_ROWS / 2;
/** How far the buttons at the window's ends move it. */
const STEP = LOG_LIST_WINDOW_ROWS / 2;

/** How long after the reader's own input leaving the bottom counts as their scrolling. */
const READER_SCROLL_MS = 1000;

type ScrollTarget = { index: number | 'LAST'; align: 'start' | 'center' | 'end' };
const NEWEST: ScrollTarget = { index: 'LAST', align: 'end' };

export type RowOptions = Omit<LogRowProps, 'item' | 'previousAt' | 'view' | 'currentMatch'>;

/** A row to bring into sight, by its index in the list; a new `seq` asks again for the same row. */
export interface Reveal {
  index: number;
  seq: number;
}

/**
 * The rows in sight, read from `items` by index. Follows new rows while the reader is at the
 * bottom; scrolling up (or the pause button) holds the view still until they come back down
 * or jump to the end. Of a list longer than LOG_LIST_WINDOW_ROWS it holds a window, moved by
 * buttons at its ends.
 */
export function LogList({
  items,
  label,
  row,
  viewOf,
  look,
  current,
  reveal,
}: {
  items: ItemList;
  label: string;
  row: RowOptions;
  viewOf: (item: LogItem) => LogView;
  look: RowLook;
  /** The search match next and previous stand on. */
  current?: MatchPlace | undefined;
  /** Scroll to this row and hold the view there: the reader went to a match. */
  reveal?: Reveal | undefined;
}) {
  const t = useT();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [held, setHeld] = useState(false);
  // Items added so far when following stopped, to count what arrived since.
  const [pausedAt, setPausedAt] = useState(0);
  const paused = held || !atBottom;
  const [placed, setPlaced] = useState(() => Math.max(0, items.length - LOG_LIST_WINDOW_ROWS));
  const start = Math.min(placed, Math.max(0, items.length - 1));
  const count = Math.min(items.length - start, SPAN);
  const reachesEnd = start + count === items.length;
  const newestStart = Math.max(0, items.length - LOG_LIST_WINDOW_ROWS);
  // A scroll asked for along with a move of the window, done once the moved window is drawn.
  const pendingScroll = useRef<ScrollTarget | undefined>(undefined);
  useEffect(() => {
    const target = pendingScroll.current;
    pendingScroll.current = undefined;
    if (target) virtuoso.current?.scrollToIndex(target);
  });

  // Following: once the window holds too many rows it moves up to the newest, as rows leave
  // the front of a full log (set while rendering: React's way to adjust state to new props).
  if (!paused && items.length - start > SPAN) setPlaced(newestStart);

  const pause = () => {
    if (!paused) setPausedAt(items.total);
  };
  // Under a flood the list leaves the bottom by itself, for a frame or two, as rows come faster
  // than it follows; only the reader's own scrolling stops following. Their hand is a wheel, a
  // touch, a key, or a pointer held down (on the scrollbar too: its presses reach the list).
  const readerActed = useRef(Number.NEGATIVE_INFINITY);
  const pointerHeld = useRef(false);
  const markReader = () => {
    readerActed.current = performance.now();
  };
  useEffect(() => {
    const release = () => {
      if (pointerHeld.current) markReader();
      pointerHeld.current = false;
    };
    window.addEventListener('pointerup', release);
    window.addEventListener('pointercancel', release);
    return () => {
      window.removeEventListener('pointerup', release);
      window.removeEventListener('pointercancel', release);
    };
  }, []);
  const readerScrolling = () => pointerHeld.current || performance.now() - readerActed.current < READER_SCROLL_MS;
  // Where the list itself is, which may lag behind a flood while following.
  const listAtBottom = useRef(true);
  // The list follows new rows only from the bottom; once a flood has left it behind (or the
  // window moved under it, which keeps its offset) it is taken back down at every batch.
  useEffect(() => {
    if (!paused && !listAtBottom.current) virtuoso.current?.scrollToIndex(NEWEST);
  }, [items.total, paused]);
  const onBottomChange = (bottom: boolean) => {
    listAtBottom.current = bottom;
    // The bottom of the window is not the end of the log: keep holding still.
    if (bottom && !reachesEnd) return;
    if (!bottom && !readerScrolling()) {
      // Still following: catch up with the rows.
      if (!paused) virtuoso.current?.scrollToIndex(NEWEST);
      return;
    }
    if (!bottom) pause();
    // Coming back down is the reader's way of saying "follow again"; merely being at the bottom
    // (as when the pause button was pressed there) is not.
    else if (!atBottom) setHeld(false);
    setAtBottom(bottom);
  };
  // Open at the newest entries. Not initialTopMostItemIndex: that hides the list until a scroll
  // settles, which never happens without layout.
  useEffect(() => {
    virtuoso.current?.scrollToIndex(NEWEST);
  }, []);
  const jumpToEnd = () => {
    setHeld(false);
    setAtBottom(true);
    if (start === newestStart) {
      virtuoso.current?.scrollToIndex(NEWEST);
      return;
    }
    pendingScroll.current = NEWEST;
    setPlaced(newestStart);
  };
  // Moving the window by hand keeps the row at its edge in sight.
  const showOlder = () => {
    const previous = Math.max(0, start - STEP);
    pause();
    setHeld(true);
    pendingScroll.current = { index: start - previous, align: 'start' };
    setPlaced(previous);
  };
  // Going to a match stops following, like scrolling up would, and moves the window to hold
  // the row (set while rendering, as above); the scroll follows once that window is drawn.
  const [revealedSeq, setRevealedSeq] = useState(0);
  const [revealAt, setRevealAt] = useState<(ScrollTarget & { seq: number }) | undefined>();
  if (reveal && reveal.seq !== revealedSeq) {
    setRevealedSeq(reveal.seq);
    const { index } = reveal;
    if (index >= 0 && index < items.length) {
      if (!paused) setPausedAt(items.total);
      setHeld(true);
      setAtBottom(false);
      const next = index >= start && index < start + count ? start : Math.max(0, Math.min(index - STEP, newestStart));
      setPlaced(next);
      setRevealAt({ index: index - next, align: 'center', seq: reveal.seq });
    }
  }
  useEffect(() => {
    if (revealAt) virtuoso.current?.scrollToIndex({ index: revealAt.index, align: revealAt.align });
  }, [revealAt]);
  const showNewer = () => {
    const next = Math.min(start + STEP, newestStart);
    pendingScroll.current = { index: start + count - 1 - next, align: 'end' };
    setPlaced(next);
  };

  return (
    <Box
      className={LOG_ROWS_CLASS}
      data-wrap={look.wrap ? 'on' : 'off'}
      data-time={look.showTime ? 'on' : 'off'}
      data-delta={look.showDelta ? 'on' : 'off'}
      style={{ '--si-log-font': `${look.fontSize}px` } as CSSProperties}
      sx={(theme) => ({
        height: '100%',
        position: 'relative',
        // Chromium puts a scrolling box in the Tab order (and Alt+L focuses it): marked as a control
        // is. Virtuoso writes outline: none into the scroller's style attribute, hence !important.
        '& [data-virtuoso-scroller]:focus-visible': {
          outline: `2px solid ${theme.palette.primary.main} !important`,
          outlineOffset: -2,
        },
      })}
      onWheelCapture={markReader}
      onTouchStartCapture={markReader}
      onTouchMoveCapture={markReader}
      onKeyDownCapture={markReader}
      onPointerDownCapture={() => {
        pointerHeld.current = true;
        markReader();
      }}
    >
      <LogRowStyles />
      <Virtuoso<unknown, ListContext>
        ref={virtuoso}
        style={{ height: '100%' }}
        totalCount={count}
        context={{
          label,
          start,
          total: items.length,
          before: start,
          after: items.length - start - count,
          olderLabel: t('log.window.older', { count: Math.min(STEP, start) }),
          newerLabel: t('log.window.newer', { count: Math.min(STEP, items.length - start - count) }),
          showOlder,
          showNewer,
        }}
        components={COMPONENTS}
        computeItemKey={(index) => items.at(start + index)?.id ?? index}
        itemContent={(index) => {
          const item = items.at(start + index);
          return item ? (
            <LogRow
              item={item}
              previousAt={items.at(start + index - 1)?.at}
              view={viewOf(item)}
              currentMatch={current?.id === item.id ? current.nth : undefined}
              {...row}
            />
          ) : null;
        }}
        followOutput={held || !reachesEnd ? false : 'auto'}
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
