/**
 * Peers that never read, against the built CLI: each connection's send queue has its cap, all
 * connections of all sessions share one budget, and what the process holds for them is the
 * queued bytes themselves, measured after a full garbage collection (the memory probe of
 * test/support/limited-cli.ts). The peers are real: python3 clients that do not read until told
 * to, and a Node server that never reads, in this process.
 */
import { createHash } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { AppCode } from '@shared/errors';
import { MAX_SEND_BUDGET_BYTES, MAX_SEND_BYTES, MAX_SEND_QUEUE_BYTES } from '@shared/limits';
import { disposeAll, listenPeer, pseudoRandomBytes } from '../support/engine';
import { startMeasuredCli, type Line } from '../support/limited-cli';
import { stalledPythonClients, type Cleanups } from '../support/peers';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
  await disposeAll();
});

type Failed = { code: string; message: string; hint: string };

it('refuses past a connection cap and past the budget over every session, and holds no more memory than it queued', async () => {
  // The largest send there is, 16 MiB: base64 with padding, as a script sends it.
  const chunk = pseudoRandomBytes(MAX_SEND_BYTES, 16);
  const payload = { format: 'base64', value: chunk.toString('base64') };
  const cli = startMeasuredCli([]);
  const value = (line: Line) => {
    if (!line.ok) throw new Error(JSON.stringify(line.error));
    return line.value as { id: string; local: { port: number } };
  };
  const refusal = (line: Line): Failed => {
    expect(line.ok).toBe(false);
    return line.error as Failed;
  };
  const events = (type: string) => cli.lines.filter((l) => l.kind === 'event' && l.type === type);

  const listener = value(await cli.call('open', { config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } }));
  const python = await stalledPythonClients(listener.local.port, 6, cleanups);
  await cli.until((lines) => lines.filter((l) => l.type === 'connection-opened').length === 6, 'six connections');
  const connOf = (index: number): string => {
    const opened = events('connection-opened').find((e) => (e.conn as { remote: { port: number } }).remote.port === python.ports[index]);
    return (opened!.conn as { connId: string }).connId;
  };
  const [c1, c2, c3, c4, c5, c6] = [0, 1, 2, 3, 4, 5].map(connOf) as [string, string, string, string, string, string];

  // A second session, a TCP client, to a server that never reads.
  const server = await listenPeer();
  void server.next().then((peer) => peer.socket.pause());
  const client = value(await cli.call('open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: server.port } }));

  const send = (sessionId: string, connIds?: string[]) =>
    cli.call('send', { sessionId, payload, ...(connIds ? { to: { type: 'connections', connIds } } : {}) }, 30_000);
  const settled = async () => {
    // Two small commands, so the last 21 MiB command line is let go of before measuring.
    await cli.call('list', {});
    await cli.call('list', {});
    return cli.memory();
  };

  // Sends the engine reads and decodes in full, then refuses (no such connection): the
  // allocator and the heap grow to what they keep for a 16 MiB command, before the baseline.
  for (let i = 0; i < 8; i++) expect(refusal(await send(listener.id, ['c999'])).code).toBe(AppCode.NotFound);
  const before = await settled();

  // Each connection takes 64 MiB, then refuses with its own cap.
  for (const conn of [c1, c2, c3, c4]) {
    for (let i = 0; i < MAX_SEND_QUEUE_BYTES / MAX_SEND_BYTES; i++) value(await send(listener.id, [conn]));
  }
  expect(refusal(await send(listener.id, [c1]))).toMatchObject({
    code: AppCode.QueueFull,
    message: expect.stringMatching(
      new RegExp(`^Connection ${c1}: ${MAX_SEND_QUEUE_BYTES} bytes are still waiting for 127\\.0\\.0\\.1:${python.ports[0]} to read`),
    ),
  });

  // 256 MiB wait in all: the budget refuses a connection with room, in any session.
  const budgetFull = {
    code: AppCode.BudgetFull,
    message: expect.stringContaining(
      `${MAX_SEND_BUDGET_BYTES} bytes already wait for peers to read them, over all sessions; sending ${MAX_SEND_BYTES} more would pass the ${MAX_SEND_BUDGET_BYTES}-byte budget for all connections. The most, ${MAX_SEND_QUEUE_BYTES} bytes, waits on ${listener.id} c`,
    ),
    hint: expect.stringMatching(/Peers are not reading .*256 MiB over every session.*disconnect or reset the blocked connections/),
  };
  expect(refusal(await send(client.id))).toMatchObject(budgetFull);
  expect(refusal(await send(listener.id, [c5]))).toMatchObject({ ...budgetFull, message: expect.stringMatching(`^Connection ${c5}: `) });

  // What the process holds for 256 MiB queued: the bytes, once. Measured 1.00–1.13× in resident
  // memory (the allocator's slack varies from one build to the next), held to the documented
  // ~1.25×; buffers are held to 1.02×, which a second copy of anything queued would break. Before
  // the decoder wrote into a buffer of the exact size and the lines were read without joining
  // their chunks, 1.13–1.35× (1.5–3× counted from a fresh process, the way the issue found 1.8×).
  const full = await settled();
  const held = MAX_SEND_BUDGET_BYTES;
  expect((full.arrayBuffers - before.arrayBuffers) / held).toBeGreaterThan(0.99);
  expect((full.arrayBuffers - before.arrayBuffers) / held).toBeLessThan(1.02);
  expect((full.rss - before.rss) / held).toBeGreaterThan(0.9);
  expect((full.rss - before.rss) / held).toBeLessThan(1.25);

  // A connection reset gives its 64 MiB back to every session.
  value(await cli.call('disconnect', { sessionId: listener.id, connId: c1, mode: 'reset' }));
  await cli.until((lines) => lines.some((l) => l.type === 'connection-closed' && l.connId === c1), 'c1 closed');
  value(await send(client.id));

  // One send to three connections: the full one refuses, the two others take it, and the
  // budget counts the one buffer they share once.
  const partial = refusal(await send(listener.id, [c2, c5, c6]));
  expect(partial.code).toBe(AppCode.QueueFull);
  expect(partial.message).toMatch(new RegExp(`^Sent to 2 of 3 connections\\. Connection ${c2}: `));
  value(await send(listener.id, [c5, c6]));
  value(await send(listener.id, [c5, c6]));
  expect(refusal(await send(listener.id, [c5, c6]))).toMatchObject({
    ...budgetFull,
    message: expect.stringMatching(
      `^Sent to 0 of 2 connections\\. Connections ${c5} and ${c6}: ${MAX_SEND_BUDGET_BYTES} bytes already wait`,
    ),
  });

  // Every byte the two took arrives; the buffers stay charged until both have read them.
  const expected = createHash('sha256');
  for (let i = 0; i < 3; i++) expected.update(chunk);
  const digest = expected.digest('hex');
  expect(await python.read(4, 3 * MAX_SEND_BYTES)).toEqual({ bytes: 3 * MAX_SEND_BYTES, sha256: digest });
  expect(refusal(await send(listener.id, [c5])).code).toBe(AppCode.BudgetFull);
  expect(await python.read(5, 3 * MAX_SEND_BYTES)).toEqual({ bytes: 3 * MAX_SEND_BYTES, sha256: digest });
  await cli.until((lines) => lines.some((l) => l.type === 'backpressure' && l.connId === c6 && l.blocked === false), 'c6 drained', 20_000);
  value(await send(listener.id, [c5]));
}, 240_000);
