/** Bounds of the renderer's own memory and rendering work. */

/**
 * Payload bytes kept per session before the oldest entries are dropped: room for the most
 * entries the log settings allow (1,000,000) at 64 bytes each, a typical small message.
 */
export const MAX_LOG_BYTES_PER_SESSION = 64 * 1024 * 1024;
/**
 * Bytes of one entry rendered in its row: a coalesced chunk may be a megabyte, and a row that
 * tall would stall the list. The rest is counted, not drawn.
 */
export const MAX_ROW_PREVIEW_BYTES = 4096;
/** Latest errors kept per session for the header. */
export const MAX_ERRORS_PER_SESSION = 5;
/** Closed connections a session keeps listed, greyed, until cleared; the oldest leave first. */
export const MAX_CLOSED_CONNECTIONS_PER_SESSION = 500;
/**
 * Rows the log's list holds at once. Browsers cap an element's height (Chrome at 16,777,200
 * px) and a virtual list is one element as tall as all its rows, so a long log's newest rows
 * could not be scrolled to. The list holds a window of up to 1.5 × this many rows of the log,
 * following the newest, with buttons at its ends to move it.
 */
export const LOG_LIST_WINDOW_ROWS = 100_000;
