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
