/**
 * The README's "First steps" pictures, made as a newcomer makes a first send: a fresh page at
 * 1280×800, the quick send filled in (payload and port: the host is already 127.0.0.1), Send, and
 * the log with what went and what came back from a Node server standing in for a device. Written
 * to artifacts/screenshots on every run; `README_IMAGES=1 npx vitest run test/e2e/readme-images.test.ts`
 * writes them into docs/images as well.
 */
import { copyFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eHarness, logPayloads, screenshot } from '../support/chromium';

const h = e2eHarness();
const DOCS_IMAGES = path.resolve('docs/images');

async function picture(page: Page, name: string): Promise<void> {
  const file = await screenshot(page, name);
  if (process.env['README_IMAGES'] === '1') await copyFile(file, path.join(DOCS_IMAGES, `${name}.png`));
}

describe('the README first steps', () => {
  it('sends to a device from a fresh page in three actions and shows the answer in the log', async () => {
    // A device that answers each line, as a Modbus gateway or an AT modem would.
    const sockets: Socket[] = [];
    const device = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (data) => socket.write(`OK ${data.toString().trim().toUpperCase()}\r\n`));
      socket.on('error', () => undefined);
    });
    device.listen(0, '127.0.0.1');
    await once(device, 'listening');
    h.cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      device.close();
    });
    const { port } = device.address() as { port: number };

    const page = await h.app();
    expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
    const quick = page.getByRole('form', { name: 'Send to a host and port' });
    await quick.waitFor();
    await picture(page, 'first-steps-start');

    await quick.getByLabel('Text to send', { exact: true }).fill('hello\\r\\n');
    await quick.getByLabel('Port', { exact: true }).fill(String(port));
    await picture(page, 'first-steps-send');

    await quick.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['hello\\r\\n', 'OK HELLO\\r\\n']);
    await picture(page, 'first-steps-log');
  });
});
