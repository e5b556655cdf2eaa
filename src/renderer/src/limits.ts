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
