import type { SendOrigin, SendReceipt } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { phrase, type Phrase } from '@shared/phrase';
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
    return fail(AppCode.NoTarget, phrase('tcp.noOpenConnection', { sessionId: owner.id }), phrase('hint.waitForClient'));
  }
  let sent = 0;
  const failures: Phrase[] = [];
  let firstCode: string | undefined;
  for (const conn of conns) {
    const result = conn.send(bytes, origin);
    if (result.ok) {
      sent += 1;
    } else {
      firstCode ??= result.error.code;
      failures.push(result.error.i18n.message);
    }
  }
  if (failures.length > 0 && sent === 0 && conns.length === 1) return fail(firstCode!, failures[0]!, hintFor(firstCode!));
  if (failures.length > 0) {
    const counted = phrase('tcp.sentToSome', { sent: String(sent), total: String(conns.length) });
    return fail(firstCode!, phrase('sentences', { list: [counted, ...failures.slice(0, 3)] }), hintFor(firstCode!));
  }
  return ok({ bytes: bytes.byteLength, targets: sent });
}
