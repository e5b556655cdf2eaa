import { formatEndpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import type { AppError } from '@shared/result';

export type SocketAction =
  'listen' | 'bind' | 'connect' | 'send' | 'send-multicast' | 'receive' | 'connection' | 'join' | 'leave' | 'option';

const ACTION_WORDS: Record<SocketAction, string> = {
  listen: 'Listening on',
  bind: 'Binding to',
  connect: 'Connecting to',
  send: 'Sending to',
  'send-multicast': 'Sending to multicast group',
  receive: 'Receiving on',
  connection: 'The connection with',
  join: 'Joining multicast group',
  leave: 'Leaving multicast group',
  option: 'Setting an option on',
};

const PLAIN: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'the address is not available on this machine',
  ECONNREFUSED: 'the connection was refused',
  ETIMEDOUT: 'it timed out',
  ECONNRESET: 'the peer reset the connection',
  EPIPE: 'the peer reset the connection after its FIN',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be looked up',
  EMSGSIZE: 'the message is too long',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EINVAL: 'the OS called the request invalid',
  ENODEV: 'no such interface',
  EPERM: 'the operation is not permitted',
  ENOBUFS: 'no buffer space is available',
};

/** What an OS code means in one action where the plain words would mislead. */
const PLAIN_FOR_ACTION: Readonly<Partial<Record<SocketAction, Readonly<Record<string, string>>>>> = {
  join: {
    EADDRINUSE: 'this socket is already a member of that group on that interface',
    EINVAL: 'the OS called the request invalid (an interface that does not fit the group, or no such interface)',
  },
  'send-multicast': {
    ENETUNREACH: 'the OS has no multicast route for the group on the interface the session sends on',
  },
  leave: {
    EADDRNOTAVAIL: 'this socket is not a member of that group on that interface',
    EINVAL: 'the OS called the request invalid (an interface that does not fit the group, or no such interface)',
  },
};

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return AppCode.Internal;
}

/**
 * Turn whatever Node threw or emitted into an AppError whose message names the action, the
 * address and port, and the OS code, so the user sees "Listening on 127.0.0.1:80 failed:
 * permission denied (EACCES)" rather than a stack trace.
 */
export function socketError(err: unknown, action: SocketAction, target: { address: string; port?: number }): AppError {
  const code = errorCode(err);
  const where = target.port === undefined ? target.address : formatEndpoint(target.address, target.port);
  const what = PLAIN_FOR_ACTION[action]?.[code] ?? PLAIN[code] ?? (err instanceof Error ? err.message : String(err));
  return { code, message: `${ACTION_WORDS[action]} ${where} failed: ${what} (${code}).`, hint: hintFor(code, action) };
}

export function appError(code: string, message: string): AppError {
  return { code, message, hint: hintFor(code) };
}
