/**
 * What a page keeps when it goes away and comes back, in real Chromium against browser mode: a
 * reload shows the log the engine kept, row for row, and a restarted server is said to have
 * taken its sessions with it, with the saved ones one click away.
 */
import { describe, expect, it } from 'vitest';
import { until } from '../support/until';
import {
  boundPort,
  listenerWithClients,
  logPayloads,
  openSession,
  screenshot,
  sendFromComposer,
  startServer,
  e2eHarness,
  WINDOW_SIZES,
} from '../support/chromium';

const h = e2eHarness();

describe('a log that survives', () => {
  for (const viewport of WINDOW_SIZES) {
    it(`shows the same log rows and connections after a reload, then goes on without repeating one, at ${viewport.width}×${viewport.height}`, async () => {
      const page = await h.app();
      await page.setViewportSize(viewport);
      const peers = await listenerWithClients(page, 2, h.cleanups);
      peers[0]!.socket.write('first from A\n');
      await expect.poll(() => logPayloads(page).count()).toBe(1);
      peers[1]!.socket.write('then B\n');
      await expect.poll(() => logPayloads(page).count()).toBe(2);
      await sendFromComposer(page, 'Text', 'reply to both');
      await until(() => peers.every((p) => p.received().toString() === 'reply to both'), 'both clients to get the reply');
      await expect.poll(() => logPayloads(page).count()).toBe(4);
      const payloads = await logPayloads(page).allTextContents();
      const events = await page.getByTestId('log-event').allTextContents();
      expect(events.length).toBeGreaterThanOrEqual(3);

      await page.reload();
      await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
      await expect.poll(() => logPayloads(page).allTextContents()).toEqual(payloads);
      expect(await page.getByTestId('log-event').allTextContents()).toEqual(events);
      const table = page.getByRole('table', { name: 'Connections' });
      for (const peer of peers) await table.getByText(`127.0.0.1:${peer.socket.localPort}`).waitFor();
      // The counters come from the engine too: 20 bytes in, 26 out.
      await page.getByRole('list', { name: 'Open sessions' }).getByText(/20 B/).first().waitFor();
      await screenshot(page, `reload-restored-${viewport.width}`);

      peers[0]!.socket.write('after the reload\n');
      await expect.poll(() => logPayloads(page).allTextContents()).toEqual([...payloads, 'after the reload\\n']);
    });
  }

  it('says, after a reload, how many earlier events the engine no longer keeps', async () => {
    const page = await h.app();
    const [peer] = await listenerWithClients(page, 1, h.cleanups);
    // A quarter MiB at a time, each flushed on its own, past the engine's 8 MiB per session.
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    for (let i = 0; i < 40; i++) {
      peer!.socket.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const server = h.server!;
    await expect
      .poll(
        async () => {
          const history = await server.manager.history({});
          return history.ok ? (history.value.logs[0]?.dropped ?? 0) : 0;
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    await page.getByTestId('log-payload').first().waitFor();
    // Up to the first row as a reader does, with the wheel: the log stops following the newest.
    await page.getByTestId('log-payload').first().hover();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -5000);
    const row = page.getByTestId('log-event').filter({ hasText: 'earlier events are not shown here' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(
      /\d+ earlier events are not shown here: the engine keeps only the newest of each session, and this one is not recorded/,
    );
    await screenshot(page, 'reload-not-kept-1280');
  });

  it('fills in what came while its WebSocket was down, each row once', async () => {
    const page = await h.app();
    // Every WebSocket of the page goes through here, so the test can drop it and keep it down.
    let down = false;
    const open: { close(): Promise<void> }[] = [];
    await page.routeWebSocket(/\/ws/, (ws) => {
      if (down) {
        void ws.close();
        return;
      }
      open.push(ws, ws.connectToServer());
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    const [peer] = await listenerWithClients(page, 1, h.cleanups);
    peer!.socket.write('before\n');
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before\\n']);

    down = true;
    for (const ws of open.splice(0)) await ws.close();
    const banner = page.getByRole('alert').filter({ hasText: 'Disconnected from the Socket Inspector server' });
    await banner.waitFor();
    peer!.socket.write('while away\n');
    const server = h.server!;
    // The engine has them; the page, whose socket is down, does not.
    await expect
      .poll(async () => {
        const list = await server.manager.list({});
        return list.ok ? list.value[0]?.counters.rxBytes : undefined;
      })
      .toBe(18);
    down = false;
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before\\n', 'while away\\n']);
    peer!.socket.write('after\n');
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['before\\n', 'while away\\n', 'after\\n']);
    await expect.poll(() => page.getByTestId('log-event').count()).toBe(2);
  });

  it('says the sessions ended with a restarted server and reopens the saved one', async () => {
    const page = await h.app();
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    await boundPort(page);
    const sessions = page.getByRole('list', { name: 'Open sessions' });
    await sessions.getByRole('button', { name: /^More actions for / }).click();
    await page.getByRole('menuitem', { name: 'Save to workspace' }).click();
    await page.getByRole('heading', { name: 'Saved (1)' }).waitFor();
    const { port } = h.server!;
    const token = new URL(h.server!.url).searchParams.get('token')!;

    await h.server!.close();
    await page.getByRole('alert').filter({ hasText: 'Disconnected from the Socket Inspector server' }).waitFor();
    h.server = await startServer({ port, token });

    const notice = page.getByRole('alert').filter({ hasText: 'The server restarted' });
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toContain('The session this page had ended with the old server');
    await expect.poll(() => sessions.getByText(/^127\.0\.0\.1:/).count()).toBe(0);
    await screenshot(page, 'server-restarted-1280');
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'server-restarted-1024');
    await page.getByRole('combobox', { name: 'Language' }).click();
    await page.getByRole('option', { name: '简体中文' }).click();
    const zhNotice = page.getByRole('alert').filter({ hasText: '服务器已重启' });
    expect(await zhNotice.textContent()).toContain('此页面的 1 个会话已随旧服务器结束');
    await zhNotice.getByRole('button', { name: '重新打开 1 个已保存的会话' }).waitFor();
    await screenshot(page, 'server-restarted-zh-CN-1024');
    await page.getByRole('combobox', { name: '语言' }).click();
    await page.getByRole('option', { name: 'English' }).click();

    await notice.getByRole('button', { name: 'Reopen the saved session' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(await boundPort(page)).toBeGreaterThan(0);
  });

  it('reopens only the saved sessions left ticked, or none on Cancel', async () => {
    const page = await h.app();
    const sessions = page.getByRole('list', { name: 'Open sessions' });
    for (const [kind, count] of [
      ['TCP server', 1],
      ['UDP', 2],
    ] as const) {
      await openSession(page, kind, '127.0.0.1', 0);
      await boundPort(page);
      await sessions
        .getByRole('button', { name: /^More actions for / })
        .last()
        .click();
      await page.getByRole('menuitem', { name: 'Save to workspace' }).click();
      await page.getByRole('heading', { name: `Saved (${count})` }).waitFor();
    }
    const { port } = h.server!;
    const token = new URL(h.server!.url).searchParams.get('token')!;
    await h.server!.close();
    h.server = await startServer({ port, token });
    const notice = page.getByRole('alert').filter({ hasText: 'The server restarted' });
    await notice.waitFor({ timeout: 15_000 });
    await expect.poll(() => sessions.getByText(/^127\.0\.0\.1:/).count()).toBe(0);

    await notice.getByRole('button', { name: 'Choose…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Reopen saved sessions' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await sessions.getByText(/^127\.0\.0\.1:/).count()).toBe(0);

    await notice.getByRole('button', { name: 'Choose…' }).click();
    dialog = page.getByRole('dialog', { name: 'Reopen saved sessions' });
    const boxes = dialog.getByRole('checkbox');
    expect(await boxes.count()).toBe(2);
    for (const box of await boxes.all()) expect(await box.isChecked()).toBe(true);
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'server-restarted-choose-1024');
    await dialog.getByRole('checkbox', { name: /^TCP server/ }).uncheck();
    await dialog.getByRole('button', { name: 'Reopen 1 session' }).click();
    await notice.waitFor({ state: 'detached' });
    await sessions.getByText(/^127\.0\.0\.1:[1-9]/).waitFor();
    expect(await sessions.getByText(/^127\.0\.0\.1:/).count()).toBe(1);
    const listed = await sessions.getByRole('listitem').allTextContents();
    expect(listed.filter((item) => item.includes('UDP'))).toHaveLength(1);
    expect(listed.filter((item) => item.includes('TCP server'))).toHaveLength(0);
  });
});
