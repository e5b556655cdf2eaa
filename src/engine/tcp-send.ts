import type { SendOrigin, SendReceipt } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { SendBudget } from './send-budget';
import type { TcpConnection } from './tcp-connection';

/** Several connections, named as a person reads them: c1, c2 and c3. */
function connectionList(conns: readonly TcpConnection[]): string {
  const ids = conns.map((c) => c.connId);
  return ids.length === 1 ? `Connection ${ids[0]}` : `Connections ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
}

function budgetRefusal(conns: readonly TcpConnection[], size: number, budget: SendBudget): AppError {
  const largest = budget.largest();
  const most = largest ? ` The most, ${largest.bytes} bytes, waits on ${largest.label}.` : '';
  return {
    code: AppCode.BudgetFull,
    message: `${connectionList(conns)}: ${budget.heldBytes} bytes already wait for peers to read them, over all sessions; sending ${size} more would pass the ${budget.limit}-byte budget for all connections.${most}`,
    hint: hintFor(AppCode.BudgetFull),
  };
}

/**
 * Send the same bytes to several connections. Each connection that cannot take them is named in
 * the error; the others still get them, since one slow peer should not silence the rest. The
 * bytes are one buffer however many connections queue them, so the budget over all connections
 * is charged once, and refuses them to every connection alike.
 */
export function sendToConnections(
  owner: { id: string },
  conns: TcpConnection[],
  bytes: Uint8Array,
  budget: SendBudget,
  origin?: SendOrigin,
): Result<SendReceipt> {
  if (conns.length === 0) {
    return fail(
      AppCode.NoTarget,
      `Session ${owner.id} has no open connection to send to.`,
      'Wait for a client to connect, or connect first.',
    );
  }
  const refusals: AppError[] = [];
  const ready: TcpConnection[] = [];
  for (const conn of conns) {
    const refusal = conn.refusal(bytes.byteLength);
    if (refusal) refusals.push(refusal);
    else ready.push(conn);
  }
  if (ready.length > 0 && !budget.fits(bytes.byteLength)) {
    refusals.push(budgetRefusal(ready, bytes.byteLength, budget));
    ready.length = 0;
  }
  if (ready.length > 0) {
    const releases = budget.charge(
      bytes.byteLength,
      ready.map((conn) => conn.label),
    );
    ready.forEach((conn, i) => conn.queue(bytes, releases[i]!, origin));
  }
  const first = refusals[0];
  if (!first) return ok({ bytes: bytes.byteLength, targets: ready.length });
  if (conns.length === 1) return fail(first.code, first.message, hintFor(first.code));
  const messages = refusals.slice(0, 3).map((r) => r.message);
  return fail(first.code, `Sent to ${ready.length} of ${conns.length} connections. ${messages.join(' ')}`, hintFor(first.code));
}
