/**
 * Remove can be undone, in Chromium over browser mode: the session goes from the sidebar with its
 * sockets closed at once (its port free for another program), Undo brings it back with its log
 * and its settings, and left alone it is gone from the engine too. A deleted saved session comes
 * back the same way.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { REMOVE_KEEP_MS, REMOVE_UNDO_MS } from '@shared/limits';
import { tcpPeerClient } from '../support/peers';
import { boundPort, logPayloads, openSession, screenshot, e2eHarness } from '../support/chromium';

const h = e2eHarness();

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const bound = await Promise.race([once(server, 'listening').then(() => true), once(server, 'error').then(() => false)]);
  if (bound) await new Promise((resolve) => server.close(resolve));
  return bound;
}

describe('Remove, then Undo', () => {
  it('closes the listener at once, and Undo brings it back with its log rows and its settings', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const port = await boundPort(page);
    const peer = await tcpPeerClient(port, h.cleanups);
    const ended = once(peer.socket, 'close');
    peer.socket.write('before the removal');
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before the removal']);

    const before = await h.server!.manager.list({});
    const config = before.ok ? before.value[0]!.config : undefined;
    const sessions = page.getByRole('list', { name: 'Open sessions' });
    await sessions.getByRole('button', { name: /^Remove / }).click();
    const snackbar = page.getByRole('alert').filter({ hasText: 'Removed' });
    await snackbar.getByText(`Removed TCP server 127.0.0.1:${port}; its sockets are closed.`).waitFor();
    await page.getByText('No sessions yet.').waitFor();
    // Not kept bound while no one sees it: the peer is ended and another program can take the port.
    await ended;
    expect(await bindable(port)).toBe(true);
    await screenshot(page, 'remove-undo-snackbar');
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'remove-undo-snackbar-1024');

    await snackbar.getByRole('button', { name: 'Undo' }).click();
    await snackbar.waitFor({ state: 'detached' });
    await sessions.getByText(`127.0.0.1:${port}`).waitFor();
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before the removal']);
    expect(await sessions.getByText('closed').count()).toBe(1);
    // The settings came back too, and Reopen listens again.
    const restored = await h.server!.manager.list({});
    expect(restored.ok && restored.value.map((s) => [s.state, s.removing, s.config])).toEqual([['closed', undefined, config]]);
    await sessions.getByRole('button', { name: /^Reopen / }).click();
    const again = await tcpPeerClient(await boundPort(page), h.cleanups);
    again.socket.write('after the undo');
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before the removal', 'after the undo']);
  });

  it('left alone, the session is gone: the snackbar goes, and the engine forgets it and its log', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const port = await boundPort(page);
    const peer = await tcpPeerClient(port, h.cleanups);
    peer.socket.write('gone soon');
    await expect.poll(() => logPayloads(page).count()).toBe(1);

    await page
      .getByRole('list', { name: 'Open sessions' })
      .getByRole('button', { name: /^Remove / })
      .click();
    const snackbar = page.getByRole('alert').filter({ hasText: 'Removed' });
    await snackbar.waitFor();
    const shownAt = Date.now();
    // Hovering does not hold the Undo open past the engine's keep.
    await snackbar.hover();
    await snackbar.waitFor({ state: 'detached', timeout: REMOVE_UNDO_MS + 5000 });
    expect(Date.now() - shownAt).toBeGreaterThan(REMOVE_UNDO_MS - 1000);
    await expect
      .poll(
        async () => {
          const listed = await h.server!.manager.list({});
          return listed.ok && listed.value.length;
        },
        { timeout: REMOVE_KEEP_MS + 5000 },
      )
      .toBe(0);
    await page.reload();
    await page.getByText('No sessions yet.').waitFor();
    expect(await logPayloads(page).count()).toBe(0);
  });

  it('a deleted saved session comes back where it was', async () => {
    const page = await h.app();
    const sessions = page.getByRole('list', { name: 'Open sessions' });
    for (const [kind, host] of [
      ['TCP server', '127.0.0.1'],
      ['UDP', '127.0.0.1'],
      ['TCP server', '::1'],
    ] as const) {
      await openSession(page, kind, host, 0);
      await sessions
        .getByRole('listitem')
        .last()
        .getByText(/\]?:[1-9]\d*$/)
        .waitFor();
      await sessions
        .getByRole('button', { name: /^More actions for / })
        .last()
        .click();
      await page.getByRole('menuitem', { name: 'Save to workspace' }).click();
      await page.getByRole('menu').waitFor({ state: 'detached' });
    }
    const saved = page.getByRole('list', { name: 'Saved sessions' });
    const names = () => saved.getByRole('listitem').locator('p').allTextContents();
    // The newest saved first.
    const all = ['TCP server [::1]:0', 'UDP 127.0.0.1:0', 'TCP server 127.0.0.1:0'];
    await expect.poll(names).toEqual(all);

    await saved.getByRole('button', { name: 'More actions for saved session UDP 127.0.0.1:0' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await expect.poll(names).toEqual([all[0], all[2]]);
    const snackbar = page.getByRole('alert').filter({ hasText: 'Deleted the saved session UDP 127.0.0.1:0.' });
    await snackbar.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(names).toEqual(all);
    await snackbar.waitFor({ state: 'detached' });
    // Kept, as any saved session is: a reload reads it back.
    await page.reload();
    await expect.poll(names).toEqual(all);
  });
});
