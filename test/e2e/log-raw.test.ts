/**
 * Raw means raw, in real Chromium over browser mode with the server recording: a client that
 * writes a few milliseconds apart gets one log row per read, as many as the recording holds, at
 * both common window sizes. (A flood merged past the shared limit is tested in the engine, over a
 * real socket with the limit lowered: in browser mode on a loaded machine the engine's per-read
 * work keeps a flood below the limit, so every read gets its row.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { tcpPeerClient } from '../support/peers';
import { boundPort, e2eHarness, openSession, screenshot, WINDOW_SIZES } from '../support/chromium';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

const h = e2eHarness();
let folder: string;

beforeEach(async () => {
  folder = await tempDir('si-e2e-log-raw-');
});

/** The rx data records of the one recording in the folder, as the recorder saw the reads. */
async function recordedReads(): Promise<{ reads: number; bytes: number }> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.sirec'));
  if (names.length !== 1) return { reads: 0, bytes: 0 };
  // Through the app's reader: a recording's data bytes are raw after their lines, not JSON text.
  const { records } = readTranscript(new Uint8Array(await readFile(path.join(folder, names[0]!))));
  let reads = 0;
  let bytes = 0;
  for (const record of records) {
    if (record.type !== 'data' || record.dir !== 'rx') continue;
    reads += 1;
    bytes += record.bytes.byteLength;
  }
  return { reads, bytes };
}

interface Row {
  dir: string;
  merged: string | undefined;
}

/**
 * Every data row of the log, read by scrolling the virtual list from the top (it draws only
 * what is in sight), keyed by place; `stop` ends the walk early once it holds. Autoscroll stays paused.
 */
async function dataRows(page: Page, stop?: (rows: Map<number, Row>) => boolean): Promise<Map<number, Row>> {
  const rows = new Map<number, Row>();
  // Following the newest row, the list would pull the walk back to the end.
  const pause = page.getByRole('region', { name: 'Log' }).getByRole('button', { name: 'Pause autoscroll' });
  if ((await pause.count()) > 0) await pause.click();
  await page.evaluate(() => {
    const scroller = document.querySelector('[role="list"][aria-label="Traffic log"]')!.closest('[data-virtuoso-scroller]')!;
    scroller.scrollTop = 0;
  });
  for (;;) {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const seen = await page.evaluate(() => {
      const list = document.querySelector('[role="list"][aria-label="Traffic log"]')!;
      const scroller = list.closest('[data-virtuoso-scroller]')!;
      const items = [...list.querySelectorAll('[role="listitem"]')].flatMap((item) => {
        const entry = item.querySelector('[data-testid="log-entry"]');
        if (!entry) return [];
        const merged = entry.querySelector('[data-testid="log-merged"]');
        return [
          {
            at: Number(item.getAttribute('aria-posinset')),
            dir: entry.getAttribute('data-dir') ?? '',
            merged: merged?.textContent ?? undefined,
          },
        ];
      });
      const end = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
      scroller.scrollTop += scroller.clientHeight;
      return { items, end };
    });
    for (const item of seen.items) rows.set(item.at, { dir: item.dir, merged: item.merged });
    if (seen.end || stop?.(rows)) return rows;
  }
}

describe('raw chunks, as received', () => {
  for (const { width, height } of WINDOW_SIZES) {
    it(`shows one row per read for writes a few milliseconds apart, as the recording holds them, at ${width}×${height}`, async () => {
      const page = await h.app('light', { recordDir: folder });
      await page.setViewportSize({ width, height });
      await openSession(page, 'TCP server', '127.0.0.1', 0);
      const peer = await tcpPeerClient(await boundPort(page), h.cleanups);
      peer.socket.setNoDelay(true);
      const messages = Array.from({ length: 30 }, (_, i) => `read ${i};`);
      for (const message of messages) {
        peer.socket.write(message);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const total = messages.join('').length;
      // The recorder writes at least every 250 ms.
      await expect.poll(async () => (await recordedReads()).bytes, { timeout: 10_000 }).toBe(total);
      const { reads } = await recordedReads();
      // Reads 2 ms apart share the display's 16 ms flushes: merged always, they would be fewer rows.
      expect(reads).toBeGreaterThan(10);
      await page.getByText('Framing: raw chunks, as received').waitFor();
      await expect
        .poll(async () => [...(await dataRows(page)).values()].filter((row) => row.dir === 'rx').length, { timeout: 10_000 })
        .toBe(reads);
      const rows = [...(await dataRows(page)).values()];
      expect(rows.filter((row) => row.merged !== undefined)).toEqual([]);
      await screenshot(page, `log-raw-reads-${width}`);
    });
  }
});
