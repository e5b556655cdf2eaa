import type { SendOrigin, SendReceipt } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { fail, ok, type Result } from '@shared/result';
import type { TcpConnection } from './tcp-connection';

/**
 * Send the same bytes to several connections. Each connection that cannot take them is named in
 * the error; the others still get them, since one slow peer should not silence the rest.
 */
export function sendToConnections(
  owner: { id: string },
  conns: TcpConnection[],
  bytes: Uint8Array,
  origin?: SendOrigin,
): Result<SendReceipt> {
  if (conns.length === 0) {
    return fail(
      AppCode.NoTarget,
      `Session ${owner.id} has no open connection to send to.`,
      'Wait for a client to connect, or connect first.',
    );
  }
  let sent = 0;
  const failures: string[] = [];
  let firstCode: string | undefined;
  for (const conn of conns) {
    const result = conn.send(bytes, origin);
    if (result.ok) {
      sent += 1;
    } else {
      firstCode ??= result.error.code;
      failures.push(result.error.message);
    }
  }
  if (failures.length > 0 && sent === 0 && conns.length === 1) return fail(firstCode!, failures[0]!, hintFor(firstCode!));
  if (failures.length > 0) {
    return fail(firstCode!, `Sent to ${sent} of ${conns.length} connections. ${failures.slice(0, 3).join(' ')}`, hintFor(firstCode!));
  }
  return ok({ bytes: bytes.byteLength, targets: sent });
}
