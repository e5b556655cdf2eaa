/** Every numeric bound of the app, in one place, so main, the renderer and the tests agree. */

/** Largest UDP payload over IPv4: 65,535 − 20 (IP header) − 8 (UDP header). */
export const MAX_UDP_PAYLOAD_IPV4 = 65_507;
/** Largest UDP payload over IPv6 without jumbograms: 65,535 − 8 (UDP header). */
export const MAX_UDP_PAYLOAD_IPV6 = 65_527;

/** Longest host name DNS allows. */
export const MAX_HOST_LENGTH = 253;
/** Longest interface name or zone we accept (Windows adapter names are long). */
export const MAX_INTERFACE_LENGTH = 256;

/** Largest payload one `send` call may carry, decoded. */
export const MAX_SEND_BYTES = 16 * 1024 * 1024;
/** Longest payload text one `send` call may carry (hex with separators is ~3 chars a byte). */
export const MAX_PAYLOAD_TEXT_LENGTH = 3 * MAX_SEND_BYTES;

/** Bytes a TCP connection may hold waiting for a slow peer before further sends are refused. */
export const MAX_SEND_QUEUE_BYTES = 64 * 1024 * 1024;

/** Event batches: at most one flush per interval, sooner when this many bytes are waiting. */
export const EVENT_FLUSH_INTERVAL_MS = 16;
export const EVENT_FLUSH_MAX_BYTES = 1024 * 1024;

/**
 * Connections a listener holds at once unless its settings say otherwise; beyond its limit a
 * listener resets new connections. Each idle connection costs a socket and a file descriptor.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const MAX_CONNECTIONS_LIMIT = 100_000;

/** A listener's accept backlog, large so bursts of connects are not dropped. */
export const TCP_LISTEN_BACKLOG = 4096;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const MAX_CONNECT_TIMEOUT_MS = 10 * 60_000;
/** Client auto-reconnect backoff: first wait, longest wait, and the most a user may set. */
export const DEFAULT_RECONNECT_INITIAL_MS = 500;
export const DEFAULT_RECONNECT_MAX_MS = 30_000;
export const MAX_RECONNECT_DELAY_MS = 60 * 60_000;
/** A connection that held this long resets the reconnect backoff; a shorter one continues it. */
export const STABLE_CONNECTION_MS = 5_000;
/** After a graceful close we wait this long for the peer's FIN before resetting. */
export const GRACEFUL_CLOSE_TIMEOUT_MS = 5_000;
export const MAX_KEEPALIVE_DELAY_MS = 24 * 60 * 60_000;

/** Socket buffer sizes a user may ask for (the OS may clamp them further). */
export const MIN_SOCKET_BUFFER_BYTES = 1024;
export const MAX_SOCKET_BUFFER_BYTES = 64 * 1024 * 1024;

/** Largest file saved or opened through the desktop app's dialogs. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Ids are short opaque strings; anything longer is not one of ours. */
export const MAX_ID_LENGTH = 64;
/** Most connections one `send` call may name. */
export const MAX_SEND_TARGETS = 10_000;

/**
 * The recorder writes what it holds at least this often, so a crash (kill -9) loses at most
 * this much of a recording; sooner once RECORDING_FLUSH_BYTES are waiting.
 */
export const RECORDING_FLUSH_INTERVAL_MS = 250;
export const RECORDING_FLUSH_BYTES = 1024 * 1024;
