/**
 * A newcomer's first minute in real Chromium: bytes at a listener from a fresh page in a few
 * actions (counted), no favicon 404, nothing left behind a failed open, and every word in 简体中文.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tcpPeerServer, udpPeer } from '../support/peers';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';
import { e2eHarness, openSession, screenshot } from '../support/chromium';

const h = e2eHarness();

async function inChinese(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: 'Language' }).click();
  await page.getByRole('option', { name: '简体中文' }).click();
  await page.getByRole('button', { name: '新建会话', exact: true }).waitFor();
}

/** Names of two words, which stay as they are in every language: the app's and a file format's. */
const NAMES = new Set(['Socket Inspector', 'JSON Lines']);

/** English left on the page: two English words in a row make a phrase someone forgot; names and codes are single words. */
async function englishOn(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return (text.match(/\b[A-Za-z]{2,}[a-z]* [A-Za-z]{2,}[a-z]*\b/g) ?? []).filter((m) => !NAMES.has(m));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Each user action goes through here, so the test can say how many it took. */
function actions(page: Page) {
  let count = 0;
  const quick = page.getByRole('form', { name: 'Send to a host and port' });
  return {
    get count() {
      return count;
    },
    async fill(label: string, value: string) {
      count += 1;
      await quick.getByLabel(label, { exact: true }).fill(value);
    },
    async click(name: string) {
      count += 1;
      await quick.getByRole('button', { name, exact: true }).click();
    },
  };
}

describe('first steps', () => {
  it('sends TCP bytes to a listener from a fresh page in three actions, with no request failing', async () => {
    const missing: string[] = [];
    const page = await h.app();
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
    });
    const favicon = page.waitForResponse((response) => new URL(response.url()).pathname === '/favicon.svg');
    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    // The tab's icon: asked for on every load, and served.
    const icon = await favicon;
    expect([icon.status(), icon.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    const { port, received } = await tcpPeerServer(h.cleanups);

    const user = actions(page);
    await user.fill('Text to send', 'hello\\r\\n');
    await user.fill('Port', String(port));
    await user.click('Send');
    await until(() => received().equals(Buffer.from('hello\r\n')), 'the listener to get the bytes');
    expect(user.count).toBe(3);
    await screenshot(page, 'first-steps-quick-send');

    expect(missing).toEqual([]);
  });

  it('sends one UDP datagram from a fresh page in four actions, the kind being one', async () => {
    const page = await h.app();
    const peer = await udpPeer(h.cleanups);
    const datagrams: string[] = [];
    peer.on('message', (message) => datagrams.push(message.toString()));
    const user = actions(page);
    await user.click('UDP datagram');
    await user.fill('Text to send', 'ping');
    await user.fill('Port', String(peer.address().port));
    await user.click('Send');
    await until(() => datagrams.includes('ping'), 'the datagram');
    expect(user.count).toBe(4);
  });

  it('says why a quick send failed on the start screen, keeping what was typed and leaving no session', async () => {
    const page = await h.app();
    // A port that was just free: nothing listens there now.
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const user = actions(page);
    await user.fill('Text to send', 'hello');
    await user.fill('Port', String(port));
    await user.click('Send');
    const quick = page.getByRole('form', { name: 'Send to a host and port' });
    await expect.poll(() => quick.getByRole('alert').textContent()).toContain('the connection was refused (ECONNREFUSED)');
    expect(await quick.getByLabel('Text to send', { exact: true }).inputValue()).toBe('hello');
    expect(await quick.getByLabel('Port', { exact: true }).inputValue()).toBe(String(port));
    expect(await page.getByRole('list', { name: 'Open sessions' }).getByRole('listitem').count()).toBe(0);
  });

  it('leaves no session behind a listen that fails, and says why in the dialog', async () => {
    const page = await h.app();
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    h.cleanups.push(() => taken.close());
    const port = (taken.address() as { port: number }).port;
    await openSession(page, 'TCP server', '127.0.0.1', port);
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('the address is already in use (EADDRINUSE)');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Open sessions' }).getByRole('listitem').count()).toBe(0);
  });

  it('shows the start screen, the dialog, a refused connection and a port in use in 简体中文 with no English sentence', async () => {
    const page = await h.app();
    await inChinese(page);
    const english = () => englishOn(page);
    expect(await english()).toEqual([]);
    await screenshot(page, 'first-steps-zh-start');

    // A refused connection from the quick send: the OS's words, the action and the hint in Chinese.
    const refused = createServer();
    refused.listen(0, '127.0.0.1');
    await once(refused, 'listening');
    const closedPort = (refused.address() as { port: number }).port;
    await new Promise((done) => refused.close(done));
    const quick = page.getByRole('form', { name: '发送到主机和端口' });
    await quick.getByLabel('要发送的文本', { exact: true }).fill('hello');
    await quick.getByLabel('端口', { exact: true }).fill(String(closedPort));
    await quick.getByRole('button', { name: '发送', exact: true }).click();
    await expect.poll(() => quick.getByRole('alert').textContent()).toContain('连接被拒绝（ECONNREFUSED）');
    expect(await english()).toEqual([]);

    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    h.cleanups.push(() => taken.close());
    await page.getByRole('button', { name: '监听 TCP…' }).click();
    const dialog = page.getByRole('dialog', { name: '新建会话' });
    await dialog.getByRole('textbox', { name: '端口', exact: true }).fill(String((taken.address() as { port: number }).port));
    await dialog.getByRole('button', { name: '高级选项' }).click();
    expect(await english()).toEqual([]);
    await dialog.getByRole('button', { name: '监听', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('地址已被占用（EADDRINUSE）');
    expect(await english()).toEqual([]);
    await screenshot(page, 'first-steps-zh-error');
  });

  it('shows a client retrying a refused connection, a bad hex payload, the log settings and transcripts from bad files in 简体中文 with no English sentence', async () => {
    const page = await h.app();
    await inChinese(page);
    const english = () => englishOn(page);

    await page.getByRole('button', { name: '新建会话', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: '新建会话' });
    await dialog.getByRole('button', { name: 'TCP 客户端', exact: true }).click();
    await dialog.getByRole('textbox', { name: '端口', exact: true }).fill(String(await closedPort()));
    await dialog.getByRole('button', { name: '高级选项' }).click();
    await dialog.getByRole('checkbox', { name: '自动重连' }).check();
    await dialog.getByRole('button', { name: '连接', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const main = page.getByRole('main', { name: '所选会话' });
    await expect.poll(() => main.innerText()).toContain('ECONNREFUSED');
    expect(await english()).toEqual([]);
    await screenshot(page, 'first-steps-zh-retrying');

    const composer = page.getByRole('region', { name: '发送' });
    await composer.getByRole('group', { name: '负载格式' }).getByRole('button', { name: '十六进制' }).click();
    await composer.getByRole('textbox', { name: '负载' }).fill('41 4G');
    await expect.poll(() => composer.innerText()).toContain('4G');
    expect(await english()).toEqual([]);
    await screenshot(page, 'first-steps-zh-bad-hex');

    const settingsButton = page.getByRole('region', { name: '日志' }).getByRole('button', { name: '日志设置' });
    await settingsButton.click();
    const settings = page.getByRole('dialog', { name: '日志设置' });
    await settings.waitFor();
    expect(await english()).toEqual([]);
    await screenshot(page, 'first-steps-zh-log-settings');
    await settingsButton.click();
    await page.getByRole('dialog', { name: '日志设置' }).waitFor({ state: 'detached' });

    // A file of something else, and a transcript whose header line was cut and damaged.
    const folder = await tempDir();
    const foreign = path.join(folder, 'notes.txt');
    await writeFile(foreign, 'GET / HTTP/1.1\r\nHost: example\r\n\r\n');
    const damaged = path.join(folder, 'damaged.jsonl');
    await writeFile(damaged, '{"type":"header","seq":0,"format":"socket-inspector-transcript"\n{"type":"data"}\n');
    for (const [file, words] of [
      [foreign, '不是'],
      [damaged, '校验和'],
    ] as const) {
      const choosing = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: '打开记录…' }).click();
      await (await choosing).setFiles(file);
      const alert = page.getByRole('alert').filter({ hasText: path.basename(file) });
      await expect.poll(() => alert.innerText()).toContain(words);
      expect(await english()).toEqual([]);
      await screenshot(page, `first-steps-zh-${path.basename(file, path.extname(file))}`);
      await alert.getByRole('button').first().click();
      await alert.waitFor({ state: 'detached' });
    }
  });
});
