import { useEffect } from 'react';

/** The page's own keys; Alt with a letter key's code, so Option on a Mac types no special character first. */
export type Shortcut = 'save-workspace' | 'jump-composer' | 'jump-log';

export function shortcutOf(
  event: Pick<KeyboardEvent, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
): Shortcut | undefined {
  const command = event.ctrlKey || event.metaKey;
  if (command && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 's') return 'save-workspace';
  if (event.altKey && !command && !event.shiftKey) {
    if (event.code === 'KeyC') return 'jump-composer';
    if (event.code === 'KeyL') return 'jump-log';
  }
  return undefined;
}

/** How many saved payloads have a key of their own: Alt+Shift with a digit, 1 for the first chip. */
export const QUICK_SEND_KEYS = 9;

/**
 * The saved payload (0 for the first) a key sends. Alt+Shift, not Alt alone: a browser tab takes
 * Alt+digit (Linux) and Ctrl+digit, before the page sees them. By the key's code, so Option on a
 * Mac and a layout whose digits need Shift give the same answer.
 */
export function quickSendIndexOf(event: Pick<KeyboardEvent, 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>): number | undefined {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return undefined;
  const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
  return digit === undefined ? undefined : Number(digit) - 1;
}

/** The aria-keyshortcuts value of the saved payload at `index`. */
export const quickSendKeys = (index: number): string => `Alt+Shift+${index + 1}`;

/** As aria-keyshortcuts writes them (the tooltips say the same in the user's words). */
export const SHORTCUT_KEYS: Readonly<Record<Shortcut, string>> = {
  'save-workspace': 'Control+S Meta+S',
  'jump-composer': 'Alt+C',
  'jump-log': 'Alt+L',
};

/** Runs `action` on its shortcut from anywhere on the page, instead of the browser's own use of the keys. */
export function useShortcut(shortcut: Shortcut, action: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || shortcutOf(event) !== shortcut) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut, action]);
}

/** Sends the saved payload whose key was pressed, from anywhere on the page, while there is one. */
export function useQuickSendKeys(count: number, send: (index: number) => void): void {
  useEffect(() => {
    if (count === 0) return undefined;
    const onKey = (event: KeyboardEvent) => {
      const index = quickSendIndexOf(event);
      if (event.defaultPrevented || index === undefined || index >= count) return;
      event.preventDefault();
      send(index);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, send]);
}

/** Moves focus to the composer's payload field, or to the log so the arrow and page keys scroll it. */
export function jumpTo(target: 'composer' | 'log'): void {
  if (target === 'composer') {
    document.querySelector<HTMLElement>('[data-jump="composer"]')?.focus();
    return;
  }
  // The log's scroller is the list's one scrolling box; focused, the keyboard scrolls it.
  const scroller = document.querySelector<HTMLElement>('main [data-virtuoso-scroller]');
  if (!scroller) return;
  if (!scroller.hasAttribute('tabindex')) scroller.tabIndex = -1;
  scroller.focus();
}
