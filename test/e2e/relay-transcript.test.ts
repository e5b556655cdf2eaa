/**
 * A relay's recording reopened in real Chromium over browser mode: a Node client and server talk
 * through the relay (one answer held and released, one inject with a macro), and the JSON Lines
 * and pcapng downloads, opened again in the page, name each row's direction as the live log did.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { tcpPeerClient, tcpPeerServer } from '../support/peers';
import { until } from '../support/until';
import { boundPort, e2eHarness, logPayloads, openSession, screenshot } from '../support/chromium';
import { tempDir } from '../support/temp-dir';

const h = e2eHarness();
let folder: string;

beforeEach(async () => {
  folder = await tempDir('si-e2e-relay-transcript-');
});

const flows = (page: Page) => page.getByTestId('log-flow').allTextContents();
const marks = (page: Page) => page.getByTestId('log-relay-mark').allTextContents();

async function saveTranscript(page: Page, item: RegExp): Promise<string> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Recording' }).getByRole('button', { name: 'Save transcript…' }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const download = await downloading;
  const file = path.join(folder, 'downloads', download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

async function openTranscript(page: Page, file: string): Promise<void> {
  const choosing = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open transcript…' }).click();
  await (await choosing).setFiles(file);
  await page
    .getByRole('main', { name: 'Selected transcript' })
    .getByRole('heading', { name: path.basename(file) })
    .waitFor();
}

describe('relay transcript', () => {
  it('shows a reopened relay recording with the live log’s directions, JSON Lines and pcapng', async () => {
    const page = await h.app('light', { recordDir: folder });
    const upstream = await tcpPeerServer(h.cleanups, (socket) =>
      socket.on('data', (chunk: Buffer) => socket.write(`pong:${chunk.toString()}`)),
    );
    await openSession(page, 'Relay', '127.0.0.1', 0, upstream.port);
    const client = await tcpPeerClient(await boundPort(page), h.cleanups);
    await page
      .getByRole('table', { name: 'Connections' })
      .getByText(`127.0.0.1:${client.socket.localPort} ⇄ 127.0.0.1:${upstream.port}`)
      .waitFor();
    client.socket.write('ping');
    await until(() => client.received().toString() === 'pong:ping', 'the answer through the relay');

    await page.getByRole('switch', { name: 'Hold server → client' }).check();
    client.socket.write('again');
    await page.getByRole('listitem', { name: /^Held message h\d+ of c1, server → client$/ }).waitFor();
    await page.getByRole('button', { name: 'Release all' }).click();
    await until(() => client.received().toString() === 'pong:pingpong:again', 'the released answer');
    await page.getByRole('switch', { name: 'Hold server → client' }).uncheck();

    const composer = page.getByRole('region', { name: 'Send' });
    await composer.getByRole('combobox', { name: 'Inject' }).click();
    await page.getByRole('option', { name: 'server → client (as the server)' }).click();
    await composer.getByRole('textbox', { name: 'Payload' }).fill('note {{counter start=3}}');
    await composer
      .getByLabel('Next send')
      .getByText(/^Next send: 6 B: 6e 6f 74 65 20 33$/)
      .waitFor();
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    await until(() => client.received().toString().endsWith('note 3'), 'the injected note');

    const live = {
      flows: ['client → server', 'server → client', 'client → server', 'server → client', 'server → client', 'server → client'],
      payloads: ['ping', 'pong:ping', 'again', 'pong:again', 'pong:again', 'note 3'],
    };
    await expect.poll(() => flows(page)).toEqual(live.flows);
    expect(await logPayloads(page).allTextContents()).toEqual(live.payloads);
    expect(await marks(page)).toEqual(['held', 'released', 'injected']);

    await page.getByRole('region', { name: 'Recording' }).getByRole('button', { name: 'Stop recording' }).click();
    await expect.poll(() => page.getByTestId('recording-status').textContent()).toMatch(/^Not recording/);
    const jsonl = await saveTranscript(page, /^JSON Lines/);
    const pcapng = await saveTranscript(page, /^pcapng/);

    // The recording tells held bytes (received, not passed on) but not whether what the relay
    // sent itself was released or injected.
    for (const file of [jsonl, pcapng]) {
      await openTranscript(page, file);
      await expect.poll(() => logPayloads(page).allTextContents()).toEqual(live.payloads);
      expect(await flows(page)).toEqual(live.flows);
      expect(await marks(page)).toEqual(['held', 'released or injected', 'released or injected']);
    }
    await screenshot(page, 'relay-transcript');
  });
});
