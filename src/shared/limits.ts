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

/**
 * The longest command a transport reads (a WebSocket frame, a stdio line): a send of the longest
 * payload text, JSON-escaped, with room for the rest of the call.
 */
export const MAX_COMMAND_BYTES = 2 * MAX_PAYLOAD_TEXT_LENGTH + 64 * 1024;

/** Bytes a TCP connection may hold waiting for a slow peer before further sends are refused. */
export const MAX_SEND_QUEUE_BYTES = 64 * 1024 * 1024;
/**
 * Bytes all TCP connections of all sessions together may hold waiting for their peers (a
 * payload sent to several connections is held, and counted, once): four connections' worth of
 * full queues. Past it, sends are refused however much room one connection has, so peers that
 * never read cannot add up to more memory than this, whatever their number.
 */
export const MAX_SEND_BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * The display path: events reach a transport at most once per interval (~60 a second) however
 * fast packets arrive. One flush carries at most this many data bytes and data events (each
 * session's first data event of a flush always goes, so one flooding session cannot blank the
 * others); data beyond them is counted as not shown, never queued. The recording keeps it all.
 */
export const EVENT_FLUSH_INTERVAL_MS = 16;
export const EVENT_FLUSH_MAX_BYTES = 1024 * 1024;
export const EVENT_FLUSH_MAX_DATA_EVENTS = 1000;
/**
 * Raw means raw: each TCP read is its own data event, with its own time, up to this many data
 * events in one flush. Past it the display is under load, and consecutive reads of one
 * connection and direction are merged into one event that says from how many reads, so one
 * flooding connection leaves the rest of EVENT_FLUSH_MAX_DATA_EVENTS to the others. The page
 * then never gets more entries a flush than a UDP flood already gives it (datagrams are never
 * merged). The recording keeps each read alone either way.
 */
export const EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS = 250;
/**
 * Other events (state changes, connections opened and closed, errors) are not dropped for being
 * many, but a peer can make them without end (connection churn, datagrams from ever new ports):
 * one flush holds the first this many and the last EVENT_QUEUE_TAIL_EVENTS; those between are
 * counted as left out, and each session they touched is described afresh at the end of the
 * batch, so the display still ends in the true state. The recording keeps every one.
 */
export const EVENT_QUEUE_MAX_EVENTS = 2000;
export const EVENT_QUEUE_TAIL_EVENTS = 100;
/**
 * What the engine keeps of each open session's log for a page that reloads or reconnects
 * (the `history` method): the newest events, oldest dropped first, by count and by bytes (data
 * bytes plus a small cost per event). The recording keeps them all.
 */
export const RETAINED_EVENTS_PER_SESSION = 20_000;
export const RETAINED_BYTES_PER_SESSION = 8 * 1024 * 1024;
/**
 * A transport is behind while more than this many bytes wait to go out to it (a WebSocket's
 * bufferedAmount, stdout's writableLength): nothing is flushed to it and data is counted as
 * not shown until it catches up.
 */
export const SINK_BEHIND_BYTES = 8 * 1024 * 1024;

/**
 * Connections a listener holds at once unless its settings say otherwise; beyond its limit a
 * listener resets new connections. Each idle connection costs a socket and a file descriptor.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const MAX_CONNECTIONS_LIMIT = 100_000;

/** A listener's accept backlog, large so bursts of connects are not dropped. */
export const TCP_LISTEN_BACKLOG = 4096;
/**
 * While clients arrive, a listener asks whether the process could open one more file descriptor
 * at most this often: the notice that it ran out comes this much later at worst, and a burst of
 * thousands of clients costs a few checks, not one each.
 */
export const DESCRIPTOR_CHECK_INTERVAL_MS = 10;

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
/**
 * After the peer's FIN we keep our side open this long, so a request/response client that
 * half-closes (nc -N, socat, ncat with stdin at EOF) still gets the reply, then send our FIN.
 * socat waits 0.5 s; a script answers in milliseconds, but a person replying by hand from the
 * send box needs seconds, so the default is 5 s. 0 answers the FIN at once; halfOpen: no limit.
 */
export const DEFAULT_HALF_CLOSE_LINGER_MS = 5_000;
export const MAX_HALF_CLOSE_LINGER_MS = 60 * 60_000;
/** Closed connections a session remembers, so a send to one says why and when it closed. */
export const RECENTLY_CLOSED_CONNECTIONS = 64;
export const MAX_KEEPALIVE_DELAY_MS = 24 * 60 * 60_000;
/** The longest idle timeout a TCP session takes (socat's -T): a day. */
export const MAX_IDLE_TIMEOUT_MS = 24 * 60 * 60_000;

/** Socket buffer sizes a user may ask for (the OS may clamp them further). */
export const MIN_SOCKET_BUFFER_BYTES = 1024;
export const MAX_SOCKET_BUFFER_BYTES = 64 * 1024 * 1024;
/**
 * The receive buffer a UDP session asks for when its config names none. The OS default
 * (212,992 bytes on Linux) holds about 5 ms of small datagrams at 50,000 a second, so a
 * garbage-collection pause or a busy moment drops datagrams; 4 MiB holds over 100 ms. The OS
 * may grant less (Linux caps it at net.core.rmem_max) and nothing fails if it does.
 */
export const UDP_DEFAULT_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

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
/** One write to a recording file carries at most this much, so memory is not doubled by one big copy. */
export const RECORDING_WRITE_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Recorder backpressure: once this many bytes of a session's recording wait for the disk, the
 * session's TCP sockets stop reading (the peers' sends wait in the kernel) until the wait falls
 * to the low-water mark, so memory stays bounded and nothing is lost. Small marks keep a flood's
 * garbage small. The low mark sits close under the high one so that reading resumes while a
 * write is still in flight: at 2 MiB a session stayed paused through whole 4 MiB writes, and the
 * disk then idled until the next lines gathered (docs/performance.md, 2026-12-07).
 */
export const RECORDING_BACKLOG_HIGH_BYTES = 8 * 1024 * 1024;
export const RECORDING_BACKLOG_LOW_BYTES = 6 * 1024 * 1024;
/**
 * UDP cannot be paused: past this many waiting bytes, a UDP session's datagrams are not recorded
 * but counted, and the recording gets one error record (and the session one error event) saying
 * how many. (TCP needs no cap: reading stops at the high-water mark, and sends wait on the peer.)
 */
export const RECORDING_BACKLOG_MAX_BYTES = 32 * 1024 * 1024;

/** Bytes read and sent per call when sending a file: large enough to keep a fast link busy, small enough to show progress. */
export const FILE_CHUNK_BYTES = 256 * 1024;
/**
 * Over UDP each send of a file is one datagram: 1 KiB stays below any common path MTU, so
 * datagrams are not fragmented and a lost one costs little.
 */
export const UDP_FILE_CHUNK_BYTES = 1024;
/** How long a file send waits for "unblocked" before asking again anyway, in case the event was missed. */
export const QUEUE_RETRY_MS = 250;

/**
 * Automation (auto-reply rules, heartbeat, liveness, repeat): the engine times all of it. The
 * bounds keep a saved workspace or a script from asking for unbounded work per message.
 */
export const MAX_RULES = 200;
export const MAX_RULE_NAME_LENGTH = 80;
/** A match pattern (text, regex or hex): long enough for any real request, short enough to check per message. */
export const MAX_RULE_PATTERN_LENGTH = 4096;
/** A reply template, in characters. */
export const MAX_REPLY_TEMPLATE_LENGTH = 64 * 1024;
/** Rules look at the first this many bytes of a message: a regex over megabytes per chunk would stall the engine. */
export const MAX_RULE_MESSAGE_BYTES = 64 * 1024;
/** Captures and macros one template may use. */
export const MAX_TEMPLATE_REFERENCES = 64;
export const MAX_REPLY_DELAY_MS = 60 * 60_000;
/** Delayed replies a session holds at once; more are refused (and counted) rather than queued without end. */
export const MAX_PENDING_REPLIES = 10_000;
/** The default rate limit of a rule: enough for any request/response protocol, small enough to end a reply storm. */
export const DEFAULT_RULE_RATE_REPLIES = 100;
export const DEFAULT_RULE_RATE_WINDOW_MS = 1000;
export const MAX_RULE_RATE_REPLIES = 10_000;
export const MAX_RULE_RATE_WINDOW_MS = 60 * 60_000;
/** Heartbeat and repeat: every 1 ms up to once a day. */
export const MIN_SEND_INTERVAL_MS = 1;
export const MAX_SEND_INTERVAL_MS = 24 * 60 * 60_000;
/** "No data for M": from 1 ms to a day. */
export const MAX_SILENCE_MS = 24 * 60 * 60_000;
export const MAX_REPEAT_COUNT = 1_000_000;
/** Rule hits, heartbeats and repeat progress reach the page at most this often (state changes go at once). */
export const AUTOMATION_STATUS_INTERVAL_MS = 200;
/**
 * A timer that falls behind (a busy event loop, a machine under load) sends every deadline it
 * missed by less than SCHEDULER_CATCH_UP_MS, at most SCHEDULER_BURST of them per wake-up so
 * sockets get their turn in between; deadlines missed by more (the machine slept, the loop was
 * blocked for seconds) are skipped and counted, rather than burst out all at once.
 */
export const SCHEDULER_CATCH_UP_MS = 1000;
export const SCHEDULER_BURST = 100;

/**
 * Relay sessions (a man in the middle between a client and its server): the bytes a session may
 * hold for the user to release, drop or edit, over all its pairs and both directions. Past it a
 * TCP leg stops reading (its sender waits in the kernel) and a UDP datagram is dropped and
 * counted; an edit that would grow past it is refused.
 */
export const MAX_RELAY_HELD_BYTES = 16 * 1024 * 1024;
/** Held messages a relay session keeps at once, whatever their size. */
export const MAX_RELAY_HELD_MESSAGES = 10_000;
/** A UDP relay forgets a client's mapping (and closes its upstream socket) after this long without a datagram either way. */
export const DEFAULT_RELAY_UDP_IDLE_MS = 60_000;
export const MAX_RELAY_UDP_IDLE_MS = 24 * 60 * 60_000;
/** Client mappings a UDP relay holds at once unless its settings say otherwise; datagrams from new clients past it are dropped and counted. */
export const DEFAULT_RELAY_UDP_MAPPINGS = 1_000;
/** Payload macros (src/shared/macros.ts): a counter's start and step stay well inside exact doubles. */
export const MAX_MACRO_COUNTER = 2 ** 48;
/** Random bytes or digits one macro makes. */
export const MAX_MACRO_LENGTH = 4096;

/** Sequences (src/engine/sequence.ts): steps in one (counted through repeat blocks), block nesting, and repeats of a block. */
export const MAX_SEQUENCE_STEPS = 1000;
export const MAX_SEQUENCE_DEPTH = 8;
export const MAX_SEQUENCE_REPEAT = 100_000;
export const MAX_SEQUENCE_WAIT_MS = 60 * 60_000;
export const MAX_SEQUENCE_NAME_LENGTH = 80;
/** Messages a run holds for its expect steps; beyond it the oldest go. */
export const MAX_SEQUENCE_PENDING_MESSAGES = 1000;
/** Sequences a workspace keeps. */
export const MAX_SAVED_SEQUENCES = 200;
/**
 * TLS key material travels as PEM text in the `open` argument (docs/security.md § TLS): a
 * certificate chain or a key is a few kilobytes; a CA bundle may be the whole of a system's
 * (Mozilla's is about 220 KB).
 */
export const MAX_PEM_LENGTH = 64 * 1024;
export const MAX_CA_BUNDLE_LENGTH = 1024 * 1024;
/** ALPN names offered or accepted (h2, http/1.1, mqtt, …), and the longest one (RFC 7301: 255 bytes). */
export const MAX_ALPN_PROTOCOLS = 16;
export const MAX_ALPN_LENGTH = 255;
/** A client that connects and never finishes its TLS handshake is dropped after this long, so it cannot hold a socket forever. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;
/** Certificates of the peer's chain shown per connection: real chains have 2–4. */
export const MAX_SHOWN_CHAIN = 10;
/** A generated self-signed certificate: valid from now for this many days at most; names it covers at most. */
export const MAX_CERTIFICATE_DAYS = 3650;
export const DEFAULT_CERTIFICATE_DAYS = 365;
export const MAX_CERTIFICATE_NAMES = 32;
/**
 * A removed session can be brought back for this long (the page's Undo); the engine keeps it,
 * closed, for at most the maximum, so a page that goes away cannot keep one forever.
 */
export const REMOVE_UNDO_MS = 8000;
export const MAX_REMOVE_UNDO_MS = 60_000;
/** What the page asks the engine to keep a removed session for: a little past the Undo, so a click at its last moment still finds it. */
export const REMOVE_KEEP_MS = REMOVE_UNDO_MS + 2000;
/**
 * Private keys main holds in memory for the page, beside the ones kept for saved sessions: past
 * it the oldest not kept is forgotten (an open session keeps its own copy).
 */
export const MAX_HELD_KEYS = 256;
/** Keys kept on disk for saved sessions: two a session (a relay's two sides) for the most a workspace saves. */
export const MAX_KEPT_KEYS = 400;
