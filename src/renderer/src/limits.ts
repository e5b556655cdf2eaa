/** Bounds of the renderer's own memory and rendering work. */

/**
 * Payload bytes kept per session before the oldest entries are dropped. Not more for now: the
 * log's list is one element as tall as all its rows, browsers cap that height (Chrome at
 * 16,777,200 px), and 524,288 entries of 64 bytes are about as many text rows as fit. See
 * docs/performance.md.
 */
export const MAX_LOG_BYTES_PER_SESSION = 32 * 1024 * 1024;
/**
 * Bytes of one entry rendered in its row: a coalesced chunk may be a megabyte, and a row that
 * tall would stall the list. The rest is counted, not drawn.
 */
export const MAX_ROW_PREVIEW_BYTES = 4096;
/** Latest errors kept per session for the header. */
export const MAX_ERRORS_PER_SESSION = 5;
