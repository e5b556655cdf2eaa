/**
 * Issue 15's lifecycle rows in real Chromium over browser mode with real sockets: a listener's
 * start and stop, our FIN, a reset here with its counters (the connection kept, greyed, with how it
 * ended, until cleared), a client's connecting and connected rows with both ends, and a UDP bind.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { boundPort, listenerWithClients, openSession, screenshot, e2eHarness, WINDOW_SIZES } from '../support/chromium';
import { tcpPeerServer } from '../support/peers';

const h = e2eHarness();

const eventText = async (page: Page): Promise<string> =>
  (await page.getByRole('region', { name: 'Log' }).getByTestId('log-event').allTextContents()).join('\n');

describe('connection lifecycle in the log, end to end', () => {
  for (const size of WINDOW_SIZES) {
    it(`logs a listener's start and stop, our FIN and a reset here, and keeps the closed ones listed, at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const [gentle, abrupt] = await listenerWithClients(page, 2, h.cleanups);
      const port = await boundPort(page);
      const [gentlePort, abruptPort] = [gentle!.socket.localPort!, abrupt!.socket.localPort!];
      await expect.poll(() => eventText(page)).toMatch(new RegExp(`Listening on 127\\.0\\.0\\.1:${port}`));
      await expect.poll(() => eventText(page)).toContain(`Connected from 127.0.0.1:${abruptPort} (accepted on 127.0.0.1:${port})`);
      abrupt!.socket.write('12345');
      await expect.poll(() => page.getByTestId('log-payload').count()).toBe(1);

      const table = page.getByRole('table', { name: 'Connections' });
      // At 1024×700 the section starts with room for its heading and the table's head alone: made
      // taller by its splitter, as a user would, for the rows to be seen.
      await page.getByRole('separator', { name: 'Resize Connections' }).focus();
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
      const disconnect = async (remotePort: number, mode: string) => {
        await table.getByRole('button', { name: `Disconnect 127.0.0.1:${remotePort}` }).click();
        await page.getByRole('menuitem', { name: mode }).click();
      };
      await disconnect(gentlePort, 'Half-close: send FIN, keep receiving');
      await expect.poll(() => eventText(page)).toMatch(/We sent FIN: we send nothing more/);
      await disconnect(abruptPort, 'Reset: send RST at once');
      await expect.poll(() => eventText(page)).toMatch(/Closed: reset here · ↓ 5 B \(1\) · ↑ 0 B \(0\)/);
      // The reset one stays in the table, greyed, saying how it ended, with what it moved.
      const closedRow = table.locator('tr[data-closed="true"]');
      await expect.poll(() => closedRow.count()).toBe(2);
      const row = (await closedRow.filter({ hasText: `127.0.0.1:${abruptPort}` }).textContent()) ?? '';
      expect(row).toMatch(/closed \d\d:\d\d:\d\d\.\d{3} \(reset here\)$/);
      // Greyed: the light theme's disabled text colour.
      expect(
        await closedRow
          .first()
          .locator('td')
          .first()
          .evaluate((cell) => getComputedStyle(cell).color),
      ).toBe('rgba(0, 0, 0, 0.38)');
      expect(
        await table
          .getByRole('row', { name: new RegExp(`127\\.0\\.0\\.1:${abruptPort}`) })
          .getByRole('cell')
          .nth(4)
          .textContent(),
      ).toBe('5');
      await screenshot(page, `log-lifecycle-${size.width}`);

      await page.getByRole('button', { name: /^Close TCP server/ }).click();
      await expect.poll(() => eventText(page)).toMatch(/Stopped listening/);
    });

    it(`logs a client's connecting and connected rows and a UDP bind, at ${size.width}×${size.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(size);
      const server = await tcpPeerServer(h.cleanups);
      await openSession(page, 'TCP client', '127.0.0.1', server.port);
      await expect.poll(() => server.sockets.length).toBe(1);
      const local = server.sockets[0]!.remotePort;
      await expect.poll(() => eventText(page)).toMatch(new RegExp(`Connecting to 127\\.0\\.0\\.1:${server.port}`));
      await expect.poll(() => eventText(page)).toContain(`Connected to 127.0.0.1:${server.port} from 127.0.0.1:${local}`);
      server.sockets[0]!.resetAndDestroy();
      await expect.poll(() => eventText(page)).toMatch(/Closed: reset by the peer/);

      await openSession(page, 'UDP', '127.0.0.1', 0);
      await expect.poll(() => eventText(page)).toMatch(/Bound to 127\.0\.0\.1:[1-9]\d*/);
    });
  }
});
