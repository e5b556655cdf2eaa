import { closeSync, openSync } from 'node:fs';
import { devNull } from 'node:os';

/**
 * Whether this process could open one more file descriptor right now: undefined if it could,
 * else the OS code that says why not (EMFILE: this process's limit; ENFILE: the system's).
 *
 * A listener needs to know, because at the limit libuv accepts each new client and closes it at
 * once (its "EMFILE trick", which keeps the accept loop from spinning) without telling Node: the
 * listener would never hear of the clients it lost. Opening the null device is a cheap, portable
 * way to ask, since every socket and file draws on the same descriptors.
 */
export function descriptorShortage(): string | undefined {
  try {
    closeSync(openSync(devNull, 'r'));
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EMFILE' || code === 'ENFILE' ? code : undefined;
  }
}
