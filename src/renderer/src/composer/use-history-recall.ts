import { useCallback, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { useSendHistory } from './composer-stores';
import type { SavedPayloadContent } from './payload-library';

export type CaretPlace = 'start' | 'end';

const onFirstLine = (value: string, caret: number): boolean => value.lastIndexOf('\n', caret - 1) === -1;
const onLastLine = (value: string, caret: number): boolean => value.indexOf('\n', caret) === -1;

/**
 * ↑/↓ through sent payloads, as in a shell, but only from the first/last line so that the
 * arrows still move between lines of a multi-line payload. What was being typed is kept and
 * comes back after the newest entry. The key handler stays the same function across renders, so
 * the field it goes to need not redraw (and measure itself) when only the composer's
 * surroundings change.
 */
export function useHistoryRecall(current: SavedPayloadContent, apply: (content: SavedPayloadContent, caret: CaretPlace) => void) {
  const entries = useSendHistory((state) => state.entries);
  const cursor = useRef<number | undefined>(undefined);
  const draft = useRef<SavedPayloadContent | undefined>(undefined);
  const latest = useRef({ entries, current, apply });
  useLayoutEffect(() => {
    latest.current = { entries, current, apply };
  });

  const onKeyDown = useCallback((event: KeyboardEvent<HTMLElement>): void => {
    const { entries, current, apply } = latest.current;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const field = event.target as HTMLTextAreaElement;
    const { selectionStart, selectionEnd, value } = field;
    if (selectionStart !== selectionEnd) return;
    if (event.key === 'ArrowUp') {
      if (!onFirstLine(value, selectionStart) || entries.length === 0) return;
      const at = cursor.current === undefined ? entries.length - 1 : Math.max(0, cursor.current - 1);
      if (cursor.current === undefined) draft.current = current;
      cursor.current = at;
      event.preventDefault();
      // The caret goes to the start, so a further ↑ goes on through older entries.
      apply(entries[at]!, 'start');
      return;
    }
    if (cursor.current === undefined || !onLastLine(value, selectionEnd)) return;
    event.preventDefault();
    const at = cursor.current + 1;
    if (at < entries.length) {
      cursor.current = at;
      apply(entries[at]!, 'end');
    } else {
      cursor.current = undefined;
      if (draft.current) apply(draft.current, 'end');
    }
  }, []);

  /** Typing leaves the history: the next ↑ starts again from the newest entry. */
  const leave = useCallback((): void => {
    cursor.current = undefined;
  }, []);

  return { onKeyDown, leave };
}
