/**
 * Transcripts in real Chromium over browser mode, the server recording into a fresh temp
 * folder: a recording session fed by a real client, its pcapng and JSON Lines downloads, and
 * the JSON Lines file opened again through the page's file chooser.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { tcpPeerClient } from '../support/peers';
import { boundPort, e2eHarness, logPayloads, openSession, screenshot, sendFromComposer } from '../support/chromium';
import { tempDir } from '../support/temp-dir';

const h = e2eHarness();
let folder: string;

beforeEach(async () => {
  folder = await tempDir('si-e2e-transcripts-');
});

const PCAPNG_MAGIC = [0x0a, 0x0d, 0x0d, 0x0a];

/** Save transcript… → the format's menu item; answers the downloaded file's path and suggested name. */
async function saveTranscript(page: Page, item: RegExp): Promise<{ file: string; name: string }> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Recording' }).getByRole('button', { name: 'Save transcript…' }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const download = await downloading;
  const name = download.suggestedFilename();
  // Apart from the recordings: a saved JSON Lines copy may carry the recording's own name.
  const file = path.join(folder, 'downloads', name);
  await download.saveAs(file);
  return { file, name };
}

/**
 * What the workspace's header and connections table show of their structure: the same for a
 * live session and an opened transcript when one header and one connection list draw both.
 */
async function drawnParts(page: Page) {
  const header = page.getByRole('main').getByTestId('session-header');
  const table = page.getByRole('main').getByRole('table', { name: 'Connections' });
  return {
    headers: await header.count(),
    headings: await header.getByRole('heading', { level: 2 }).count(),
    counters: await header.getByText(/^Received \d+ bytes in \d+ chunks?, sent \d+ bytes in \d+ chunks?$/).count(),
    columns: (await table.getByRole('columnheader').allTextContents()).filter((name) => name !== 'Actions'),
    rows: await table.getByRole('row', { name: /c1/ }).count(),
  };
}

/** A listener that records, with a client that said something and got an answer. */
async function recordedConversation(page: Page) {
  await openSession(page, 'TCP server', '127.0.0.1', 0);
  const peer = await tcpPeerClient(await boundPort(page), h.cleanups);
  peer.socket.write('GET /status\r\n');
  await expect.poll(() => logPayloads(page).count()).toBe(1);
  await sendFromComposer(page, 'Text', 'OK 200\\r\\n');
  await expect.poll(() => logPayloads(page).count()).toBe(2);
  return peer;
}

describe('transcripts, end to end', () => {
  it('records a session fed by a real client, shows it recording, and downloads it as pcapng', async () => {
    const page = await h.app('light', { recordDir: folder });
    await recordedConversation(page);
    const status = page.getByTestId('recording-status');
    await expect.poll(() => status.textContent()).toMatch(/^Recording.*\.sirec/);
    await page.getByRole('list', { name: 'Open sessions' }).getByText('Recording').waitFor();
    // The size grows with the recorder's flushes: past a kibibyte with the header and both data records.
    await expect.poll(() => status.textContent()).toMatch(/\d KiB$/);
    await screenshot(page, 'transcripts-recording');

    // In a 1024-pixel window the recording stays one line: the file's name gives way, not the buttons.
    await page.setViewportSize({ width: 1024, height: 700 });
    const recording = page.getByRole('region', { name: 'Recording' });
    const tops = await Promise.all(
      [status, recording.getByRole('button', { name: 'Stop recording' }), recording.getByRole('button', { name: 'Save transcript…' })].map(
        async (part) => (await part.boundingBox())!.y + (await part.boundingBox())!.height / 2,
      ),
    );
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(4);
    const fileName = status.getByLabel(/^Recording to /);
    expect(await fileName.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    await screenshot(page, 'transcripts-recording-1024');

    const { file, name } = await saveTranscript(page, /^pcapng/);
    expect(name).toMatch(/\.pcapng$/);
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 4)]).toEqual(PCAPNG_MAGIC);
    // The answer went out in a packet: its bytes are in the capture.
    expect(bytes.includes(Buffer.from('OK 200\r\n'))).toBe(true);
  });

  it("downloads a text dump that has the connection's open, the peer's FIN and the close beside the bytes, as the log does", async () => {
    const page = await h.app('light', { recordDir: folder });
    await page.setViewportSize({ width: 1280, height: 800 });
    const peer = await recordedConversation(page);
    const remote = `127.0.0.1:${peer.socket.localPort}`;
    peer.socket.end();
    const events = page.getByRole('region', { name: 'Log' }).getByTestId('log-event');
    // The peer's FIN at once, the close once the half-close linger has run out.
    await expect
      .poll(async () => (await events.allTextContents()).join('\n'), { timeout: 15_000 })
      .toMatch(/Peer sent FIN[\s\S]*Closed: peer closed/);

    const { file, name } = await saveTranscript(page, /^Text dump/);
    expect(name).toMatch(/\.txt$/);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const open = at(new RegExp(`Z {2}open {3}conn c1, local 127\\.0\\.0\\.1:\\d+, remote ${remote.replaceAll('.', '\\.')}$`));
    const request = at(/Z {2}← rx {2}conn c1, .*, 13 bytes$/);
    const fin = at(/Z {2}half-close conn c1: the peer will send nothing more$/);
    const close = at(/Z {2}close {2}conn c1: peer-closed; received 13 bytes in 1 message, sent 8 bytes in 1 message$/);
    expect([open, request, fin, close].every((index) => index >= 0)).toBe(true);
    expect(open).toBeLessThan(request);
    expect(request).toBeLessThan(fin);
    expect(fin).toBeLessThan(close);
  });

  it('opens a downloaded JSON Lines transcript read-only with its entries', async () => {
    const page = await h.app('light', { recordDir: folder });
    await recordedConversation(page);
    const live = await drawnParts(page);
    expect(live).toMatchObject({ headers: 1, headings: 1, counters: 1, rows: 1 });
    const main = page.getByRole('main');
    expect(await main.getByRole('button', { name: 'Reset the counters of this session and its connections' }).count()).toBe(1);
    expect(await main.getByRole('button', { name: /^Disconnect / }).count()).toBe(1);
    await page.getByRole('region', { name: 'Recording' }).getByRole('button', { name: 'Stop recording' }).click();
    await expect.poll(() => page.getByTestId('recording-status').textContent()).toMatch(/^Not recording/);
    const { file, name } = await saveTranscript(page, /^JSON Lines/);
    expect(name).toMatch(/\.jsonl$/);

    const choosing = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open transcript…' }).click();
    await (await choosing).setFiles(file);
    const opened = page.getByRole('main', { name: 'Selected transcript' });
    await opened.getByRole('heading', { name: path.basename(file) }).waitFor();
    await expect.poll(() => logPayloads(page).allTextContents()).toEqual(['GET /status\\r\\n', 'OK 200\\r\\n']);
    await page.getByRole('list', { name: 'Open transcripts' }).getByText(path.basename(file)).waitFor();
    expect(await page.getByRole('region', { name: 'Send' }).count()).toBe(0);
    await opened.getByRole('table', { name: 'Connections' }).getByText('c1').waitFor();
    // Drawn by the live session's header and connection list, without what only a live session can do.
    expect(await drawnParts(page)).toEqual(live);
    expect(await opened.getByRole('button', { name: 'Reset the counters of this session and its connections' }).count()).toBe(0);
    expect(await opened.getByRole('button', { name: /^Disconnect / }).count()).toBe(0);
    await screenshot(page, 'transcripts-reopened');
  });
});
