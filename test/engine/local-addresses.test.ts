import { networkInterfaces } from 'node:os';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SessionManager } from '@engine/session-manager';

describe('addresses: the machine’s own', () => {
  it('lists every address of every interface, loopback first, and each can be listened on', async () => {
    const manager = new SessionManager({ onBatch: () => undefined });
    const result = await manager.addresses({});
    await manager.dispose();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const expected = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
    expect(result.value).toHaveLength(expected.length);
    expect(result.value[0]).toMatchObject({ internal: true });
    expect(result.value.map((a) => a.address)).toContain('127.0.0.1');
    // What it names is bindable as given (link-local IPv6 with its zone).
    for (const { address } of result.value.filter((a) => a.family === 'IPv4' || a.internal)) {
      const server = createServer();
      server.listen(0, address);
      await once(server, 'listening');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
