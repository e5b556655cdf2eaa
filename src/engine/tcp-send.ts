import type { SendOrigin, SendReceipt } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { MAX_SEND_BUDGET_BYTES } from '@shared/limits';
import { phrase, type Phrase } from '@shared/phrase';
import { appError, fail, ok, type AppError, type Result } from '@shared/result';
import type { SendBudget } from './send-budget';
import type { TcpConnection } from './tcp-connection';

/** Several connections, named as a person reads them: c1, c2 and c3. */
function connectionList(conns: readonly TcpConnection[]): Phrase {
  const ids = conns.map((c) => c.connId);
  return ids.length === 1
    ? phrase('tcp.connectionOne', { id: ids[0]! })
    : phrase('tcp.connectionMany', { ids: ids.slice(0, -1).join(', '), last: ids.at(-1)! });
}

function budgetRefusal(conns: readonly TcpConnection[], size: number, budget: SendBudget): AppError {
  const largest = budget.largest();
  const refusal = phrase('tcp.budgetFull', {
    connections: connectionList(conns),
    held: String(budget.heldBytes),
    size: String(size),
    limit: String(budget.limit),
  });
  const message = largest
    ? phrase('sentences', { list: [refusal, phrase('tcp.budgetFullest', { bytes: String(largest.bytes), label: largest.label })] })
    : refusal;
  return appError(AppCode.BudgetFull, message, phrase('hint.SEND_BUDGET_FULL', { mib: String(MAX_SEND_BUDGET_BYTES / (1024 * 1024)) }));
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
    return fail(AppCode.NoTarget, phrase('tcp.noOpenConnection', { sessionId: owner.id }), phrase('hint.waitForClient'));
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
  if (conns.length === 1) return { ok: false, error: first };
  const counted = phrase('tcp.sentToSome', { sent: String(ready.length), total: String(conns.length) });
  const messages = refusals.slice(0, 3).map((r) => r.i18n.message);
  return fail(first.code, phrase('sentences', { list: [counted, ...messages] }), first.i18n.hint);
}
