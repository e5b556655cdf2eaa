import { MAX_SEND_BUDGET_BYTES } from './limits';

/**
 * Error codes of the app's own, beside the OS codes (ECONNREFUSED, …) that pass through as they
 * are, and the hint for each code: what the user can do about it.
 */
export const AppCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  NotFound: 'NOT_FOUND',
  BadState: 'BAD_STATE',
  NoTarget: 'NO_TARGET',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  QueueFull: 'SEND_QUEUE_FULL',
  BudgetFull: 'SEND_BUDGET_FULL',
  Forbidden: 'FORBIDDEN',
  Cancelled: 'CANCELLED',
  Disconnected: 'DISCONNECTED',
  Dropped: 'CONNECTION_DROPPED',
  ConnectionLimit: 'CONNECTION_LIMIT',
  RecordingBehind: 'RECORDING_BEHIND',
  IdleTimeout: 'IDLE_TIMEOUT',
  RuleInvalid: 'RULE_INVALID',
  RuleFailed: 'RULE_FAILED',
  RuleRateLimited: 'RULE_RATE_LIMITED',
  PeerSilent: 'PEER_SILENT',
  Internal: 'INTERNAL',
} as const;
export type AppCode = (typeof AppCode)[keyof typeof AppCode];

const HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Another program (or another session) holds this port. Pick another port, use 0 for a free one, or stop the other program.',
  EACCES:
    'The OS refused: ports below 1024 need administrator rights on many systems, and broadcast needs the broadcast option. Use a port above 1023 or enable broadcast.',
  EADDRNOTAVAIL:
    'This address does not belong to any interface of this machine. Bind to 0.0.0.0, ::, 127.0.0.1 or one of your own addresses.',
  ECONNREFUSED: 'Nothing is listening there. Check the host and port, and that the server is running.',
  ETIMEDOUT: 'No answer in time. Check the host is reachable and not behind a firewall, or raise the connect timeout.',
  ECONNRESET: 'The peer reset the connection (RST): it closed abruptly, crashed, or refused the data.',
  EPIPE:
    'The peer closed the connection and then reset it (RST), or the connection is already gone: nothing more can be sent on it. Reconnect to send again.',
  ENOTFOUND: 'The host name did not resolve. Check its spelling, or use an IP address.',
  EAI_AGAIN: 'The name lookup failed for now. Check the DNS settings or use an IP address.',
  EMSGSIZE: 'The datagram is larger than UDP allows (65,507 bytes over IPv4, 65,527 over IPv6). Send less per datagram.',
  EHOSTUNREACH: 'No route to that host. Check the address, the network and any firewall.',
  ENETUNREACH: 'No route to that network. Check the address and the network connection.',
  EMFILE:
    "The app is out of file descriptors: each connection, socket and open file takes one. Raise the limit (ulimit -n on Linux and macOS, then restart the app), set listeners' connection limit below it so extra clients are refused with a notice, or close some sessions.",
  ENFILE:
    "The whole system is out of file descriptors. Close some programs or sessions, or raise the system's limit (fs.file-max on Linux).",
  EINVAL: 'The OS rejected the request as invalid for this socket. Check the address family and the options.',
  ENODEV: 'No such network interface. Check the interface name or address.',
  EPERM: 'The OS did not permit this operation. A firewall or missing rights may block it.',
  ENOBUFS: 'The OS ran out of socket buffer space. Send less at once or raise the buffer size.',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'The UDP socket is not open. Reopen the session.',
  [AppCode.InvalidArgument]: 'Correct the value named in the message and try again.',
  [AppCode.NotFound]: 'The session or connection is gone; refresh the list.',
  [AppCode.BadState]: 'Wait for the session to open, or reopen it.',
  [AppCode.NoTarget]: 'Choose where to send: a host and port, the last sender, or a connection.',
  [AppCode.PayloadTooLarge]: 'Split the payload into smaller parts.',
  [AppCode.QueueFull]:
    'The peer is not reading. Wait until it catches up (the session shows when it is no longer blocked), or disconnect it.',
  [AppCode.BudgetFull]: `Peers are not reading what was sent to them, and together they hold all the memory the app keeps for them (${MAX_SEND_BUDGET_BYTES / (1024 * 1024)} MiB over every session). Wait until they catch up, disconnect or reset the blocked connections (the message names the fullest), or send to fewer connections at once.`,
  [AppCode.Forbidden]: 'Only the app window may call the inspector.',
  [AppCode.Dropped]:
    'The server accepts connections and closes them at once. Check what it expects first: a handshake, TLS, or a client allow-list.',
  [AppCode.ConnectionLimit]: "Raise the connection limit in the session's settings (up to 100,000), or disconnect idle clients.",
  [AppCode.Disconnected]:
    'The page lost its connection to the Socket Inspector server; it reconnects by itself. Check that "npm run serve" is still running.',
  [AppCode.RecordingBehind]: 'The recordings disk is slower than the traffic. Record to a faster, local disk, or slow the sender down.',
  [AppCode.Cancelled]: 'You cancelled it; reopen the session to try again.',
  [AppCode.IdleTimeout]: "Raise the session's idle timeout, or leave it out to keep quiet connections open.",
  [AppCode.RuleInvalid]:
    'Fix the marked part of the rule (its match pattern or its reply) in the session automation panel; the other rules keep running.',
  [AppCode.RuleFailed]:
    "Check the rule's reply (its encoding must hold every captured character) and that the connection it answers is still open.",
  [AppCode.RuleRateLimited]:
    'Two auto-responders may be answering each other. Make the rule match only requests, or raise its rate limit if this many replies are wanted.',
  [AppCode.PeerSilent]:
    "The peer sent nothing for the session's liveness limit. Check the device, or raise the limit; a heartbeat from this side keeps a peer that answers it talking.",
  [AppCode.Internal]: 'This is a bug in Socket Inspector; please report it with what you did.',
};

const FALLBACK_HINT = 'The OS reported this error; check the address, the port and the options.';

const INTERFACE_FORMS =
  "Give the interface by name (lo, eth0: the message of an unknown name lists them) or by an address of the group's family: one of its IPv4 addresses for an IPv4 group, ::%<name> for an IPv6 group.";

/**
 * Hints for an OS code that means something else in a given socket action: EADDRINUSE on a
 * multicast join is a membership that exists, not a port another program holds.
 */
const ACTION_HINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  join: {
    EADDRINUSE:
      'The socket is already a member of this group on this interface, perhaps joined with the interface given another way (by name, by address, or left out). Leave it first, or join on another interface.',
    EINVAL: INTERFACE_FORMS,
    ENODEV: INTERFACE_FORMS,
    EADDRNOTAVAIL: `The interface address is not one of this machine's. ${INTERFACE_FORMS}`,
  },
  leave: {
    EADDRNOTAVAIL:
      'The socket is not a member of this group on this interface: leave it on the interface it was joined on (the session lists its memberships).',
    EINVAL: INTERFACE_FORMS,
    ENODEV: INTERFACE_FORMS,
  },
  send: {
    EACCES: 'The OS refused to send there: a broadcast address needs the broadcast option; otherwise a firewall blocks it.',
  },
  'send-multicast': {
    ENETUNREACH:
      "Set the session's multicast interface (multicastInterface) to one that carries multicast, such as eth0, by name or address. Linux's loopback lo carries no IPv6 multicast until it is given the flag and a route (ip link set lo multicast on; ip -6 route add multicast ff00::/8 dev lo table local).",
    EINVAL: INTERFACE_FORMS,
  },
};

/** What the user can do about `code`; `action` (join, leave, send, bind, …) picks the hint that fits it. */
export function hintFor(code: string, action?: string): string {
  const forAction = action !== undefined && Object.hasOwn(ACTION_HINTS, action) ? ACTION_HINTS[action]! : undefined;
  if (forAction && Object.hasOwn(forAction, code)) return forAction[code]!;
  return Object.hasOwn(HINTS, code) ? HINTS[code]! : FALLBACK_HINT;
}
