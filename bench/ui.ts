import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newToken } from '@server/access';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import { MAX_LOG_LIMIT } from '@renderer/store/log-prefs';
import { checkBuild, launchChromium, STATIC_ROOT } from './browser';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { installProbes, logCounts, scrollLogToTop, takeReadings, timeAction, type ActionArgs, type ProbeReadings } from './ui-probes';
import { settled, sleep } from './wait';

const MB = 1e6;
const ENTRY_SIZE = 64;
const FLOOD_RATE = 10_000;
/** How fast the log is filled for the memory figure: well inside the display's budget. */
const FILL_RATE = 40_000;
const LONG_TASK_LIMIT_MS = 50;
const INPUT_LIMIT_MS = 100;
const ACTION_LIMIT_MS = 100;
/** #21's target for a million 64-byte entries (docs/performance.md, "A million entries in the heap"). */
const HEAP_LIMIT_MB = 100;
/** The page's process with that log, with room over what it took after #21 (same section). */
const RENDERER_LIMIT_MB = 300;
/** Keys typed during the flood (and while idle, for the baseline), one every this often. */
const KEY_EVERY_MS = 100;

/** The page as a user meets it, with a UDP session opened through the New session dialog. */
async function openUdpSession(page: Page): Promise<number> {
  await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
  await page.getByRole('button', { name: 'New session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByRole('button', { name: 'UDP', exact: true }).click();
  await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
  await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
  await dialog.getByRole('button', { name: 'Bind', exact: true }).click();
  const endpoint = page
    .getByRole('list', { name: 'Open sessions' })
    .getByText(/^127\.0\.0\.1:[1-9]\d*$/)
    .first();
  await endpoint.waitFor();
  return Number((await endpoint.textContent())!.split(':')[1]);
}

/** Keep up to the most entries the log settings allow, set as a user sets it. */
async function setLogLimit(page: Page, limit: number): Promise<void> {
  await page.getByRole('button', { name: 'Log settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Log settings' });
  await dialog.getByRole('textbox', { name: 'Entries kept per session' }).fill(String(limit));
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

const counts = (page: Page) => page.evaluate(logCounts);

/** What the engine behind the page took in, and what its display path let go. */
async function engineCounts(server: BrowserServer): Promise<{ received: number; notShown: number }> {
  const list = await server.manager.list({});
  const session = list.ok ? list.value[0] : undefined;
  return { received: session?.counters.rxMessages ?? 0, notShown: session?.notShown?.messages ?? 0 };
}

/** Type into the composer's payload field every KEY_EVERY_MS until `done` settles. */
async function typeWhile(page: Page, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let keys = 0;
  while (!finished) {
    await page.keyboard.press(keys % 20 === 19 ? 'Backspace' : 'x');
    keys += 1;
    await sleep(KEY_EVERY_MS);
  }
  return keys;
}

interface Memory {
  /** V8 heap in use after a full garbage collection. */
  jsHeap: number;
  /** The page's renderer process (Linux /proc), if it could be read. */
  renderer: ProcessMemory | undefined;
}

interface ProcessMemory {
  /** Pages only this process holds: what closing it would give back (Chrome's "memory footprint"). */
  private: number;
  rss: number;
  pss: number;
}

/** The renderer process of the page: of the renderers, the one that has done the most work. */
async function rendererPid(browser: Browser): Promise<number | undefined> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const renderers = processInfo.filter((p) => p.type === 'renderer').sort((a, b) => b.cpuTime - a.cpuTime);
    return renderers[0]?.id;
  } finally {
    await cdp.detach();
  }
}

function processMemory(pid: number | undefined): ProcessMemory | undefined {
  if (pid === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    // No /proc (macOS, Windows): the JS heap figure stands alone.
    return undefined;
  }
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { private: kB('Private_Clean') + kB('Private_Dirty'), rss: kB('Rss'), pss: kB('Pss') };
}

async function measureMemory(browser: Browser, context: BrowserContext, page: Page): Promise<Memory> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await sleep(200);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    return { jsHeap: heap.usedSize, renderer: processMemory(await rendererPid(browser)) };
  } finally {
    await cdp.detach();
  }
}

/** Time jumping from the oldest row to the newest, `times` times; the slowest counts. */
async function timeJumps(page: Page, lastIndex: number, times: number): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < times; i++) {
    // Paused with the button (unless already paused), then scrolled to the top of what the
    // list holds, as a reader does. Scrolling alone pauses too, but whether the list reports
    // leaving the bottom before or after it settles is a race the measurement should not
    // depend on.
    const pauseButton = page.getByRole('button', { name: 'Pause autoscroll' });
    if ((await pauseButton.count()) > 0) await pauseButton.click();
    await page.evaluate(scrollLogToTop);
    await page.getByRole('button', { name: /^Autoscroll paused with/ }).waitFor();
    await sleep(300);
    const args: ActionArgs = { action: 'jump', label: '', lastIndex, timeoutMs: 10_000 };
    const { ms, done } = await page.evaluate(timeAction, args);
    if (!done) throw new Error(`Jumping to the end of the log did not show its newest row (index ${lastIndex}) within 10 s.`);
    results.push(ms);
    await sleep(300);
  }
  return results;
}

/** Time switching the whole log to hex and back to text, `times` times each. */
async function timeViewSwitches(page: Page, times: number): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < times; i++) {
    for (const label of ['Hex', 'Text']) {
      const args: ActionArgs = { action: 'view', label, lastIndex: 0, timeoutMs: 10_000 };
      const { ms, done } = await page.evaluate(timeAction, args);
      if (!done) throw new Error(`Switching the log to ${label} did not redraw its rows within 10 s.`);
      results.push(ms);
      await sleep(300);
    }
  }
  return results;
}

/** Send `rate` datagrams a second until the log keeps `target` entries or keeps no more. */
async function fillLog(
  page: Page,
  peer: PeerProcess,
  port: number,
  target: number,
): Promise<{ kept: number; dropped: number; seconds: number }> {
  const start = performance.now();
  const sending = peer.request({ cmd: 'udp-paced', port, size: ENTRY_SIZE, rate: FILL_RATE, ms: 30 * 60_000 });
  let last = await counts(page);
  let grewAt = performance.now();
  for (;;) {
    await sleep(250);
    const now = await counts(page);
    if (now.kept > last.kept) grewAt = performance.now();
    last = now;
    // Full, or the log's byte bound drops entries before the entry limit is reached.
    if (now.kept >= target || now.dropped > 0 || performance.now() - grewAt > 10_000) break;
  }
  await peer.request({ cmd: 'stop' });
  await sending;
  await settled(
    async () => {
      const now = await counts(page);
      return now.kept + now.dropped;
    },
    1000,
    60_000,
  );
  return { ...(await counts(page)), seconds: (performance.now() - start) / 1000 };
}

const max = (values: number[]): number => (values.length === 0 ? 0 : Math.max(...values));

function responsiveness(readings: ProbeReadings) {
  return {
    longestTask: max(readings.longTasks),
    longTasks: readings.longTasks.length,
    /** The worse of the two input timings (see installProbes). */
    slowestInput: Math.max(max(readings.inputs), max(readings.eventTimings)),
    keysTimed: readings.inputs.length,
    slowestToFrame: max(readings.inputs),
    slowestEventTiming: max(readings.eventTimings),
    eventTimings: readings.eventTimings.length,
  };
}

export async function uiFigures(quick: boolean): Promise<Figure[]> {
  const stale = await checkBuild();
  if (stale) process.stdout.write(`Warning: ${stale}\n`);
  const floodMs = quick ? 3000 : 10_000;
  const fillTarget = quick ? 100_000 : MAX_LOG_LIMIT;
  let server: BrowserServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startBrowserServer({ host: '127.0.0.1', port: 0, token: newToken(), staticRoot: STATIC_ROOT, version: 'bench' });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(server.url);
    const port = await openUdpSession(page);
    await setLogLimit(page, MAX_LOG_LIMIT);
    await page.getByRole('region', { name: 'Send' }).getByRole('textbox', { name: 'Payload' }).click();
    await page.evaluate(installProbes);
    const liveBrowser = browser;
    const liveServer = server;

    return await withPeer(async (peer) => {
      // Baselines: the same page idle, with an empty log.
      await sleep(500);
      await page.evaluate(takeReadings);
      await typeWhile(page, sleep(quick ? 1000 : 3000));
      const idle = responsiveness(await page.evaluate(takeReadings));
      const emptyMemory = await measureMemory(liveBrowser, context, page);

      // Baselines for jump and view switch: a log of 1,000 entries.
      await peer.request({ cmd: 'udp-paced', port, size: ENTRY_SIZE, rate: 5000, ms: 200 });
      const small = await settled(async () => (await counts(page)).kept, 500);
      await page.getByRole('region', { name: 'Send' }).getByRole('textbox', { name: 'Payload' }).click();
      const smallJumps = await timeJumps(page, small - 1, 2);
      const smallViews = await timeViewSwitches(page, 1);

      // The flood, typing all the while.
      await page.getByRole('region', { name: 'Send' }).getByRole('textbox', { name: 'Payload' }).click();
      const before = await counts(page);
      const engineBefore = await engineCounts(liveServer);
      await page.evaluate(takeReadings);
      const flooding = peer.request({ cmd: 'udp-paced', port, size: ENTRY_SIZE, rate: FLOOD_RATE, ms: floodMs });
      const keys = await typeWhile(page, flooding);
      const sent = (await flooding).sent ?? 0;
      await settled(async () => {
        const now = await counts(page);
        return now.kept + now.dropped;
      }, 500);
      const flood = responsiveness(await page.evaluate(takeReadings));
      const after = await counts(page);
      const shown = after.kept + after.dropped - (before.kept + before.dropped);
      const engineAfter = await engineCounts(liveServer);
      const reached = { engine: engineAfter.received - engineBefore.received, notShown: engineAfter.notShown - engineBefore.notShown };

      // The big log, then what it costs and how it handles.
      const fill = await fillLog(page, peer, port, fillTarget);
      const fullMemory = await measureMemory(liveBrowser, context, page);
      await page.evaluate(takeReadings);
      const jumps = await timeJumps(page, fill.kept - 1, 3);
      const views = await timeViewSwitches(page, 2);
      const actionTasks = responsiveness(await page.evaluate(takeReadings));

      return figures({
        quick,
        floodMs,
        sent,
        shown,
        reached,
        keys,
        idle,
        flood,
        fill,
        fillTarget,
        emptyMemory,
        fullMemory,
        small,
        smallJumps,
        smallViews,
        jumps,
        views,
        actionTasks,
      });
    });
  } finally {
    await browser?.close();
    await server?.close();
  }
}

interface UiRun {
  quick: boolean;
  floodMs: number;
  sent: number;
  shown: number;
  /** Of the flood: datagrams the engine received, and those its display path did not show. */
  reached: { engine: number; notShown: number };
  keys: number;
  idle: ReturnType<typeof responsiveness>;
  flood: ReturnType<typeof responsiveness>;
  fill: { kept: number; dropped: number; seconds: number };
  fillTarget: number;
  emptyMemory: Memory;
  fullMemory: Memory;
  small: number;
  smallJumps: number[];
  smallViews: number[];
  jumps: number[];
  views: number[];
  actionTasks: ReturnType<typeof responsiveness>;
}

/**
 * Memory at a million entries. When fewer were kept (quick mode, or a log bound that drops
 * entries sooner), what they added over the empty log is scaled to a million and said so.
 */
function atFullLog(run: UiRun, read: (m: Memory) => number | undefined): { value: number; projected: boolean } | undefined {
  const empty = read(run.emptyMemory);
  const full = read(run.fullMemory);
  if (empty === undefined || full === undefined) return undefined;
  if (run.fill.kept >= MAX_LOG_LIMIT) return { value: full, projected: false };
  return { value: empty + ((full - empty) * MAX_LOG_LIMIT) / Math.max(1, run.fill.kept - run.small), projected: true };
}

function figures(run: UiRun): Figure[] {
  const flood = `${FLOOD_RATE.toLocaleString('en-US')} × ${ENTRY_SIZE}-byte datagrams/s for ${run.floodMs / 1000} s from a peer process, a key typed every ${KEY_EVERY_MS} ms`;
  const entries = run.fill.kept.toLocaleString('en-US');
  const heap = atFullLog(run, (m) => m.jsHeap);
  const rss = atFullLog(run, (m) => m.renderer?.private);
  const projection = (p: { projected: boolean } | undefined) =>
    p?.projected
      ? ` Projected to ${MAX_LOG_LIMIT.toLocaleString('en-US')} from ${entries} kept entries (growth over the empty log scaled).`
      : '';
  const out: Figure[] = [
    {
      key: 'ui-flood-long-task',
      name: 'UI flood: longest task',
      value: run.flood.longestTask,
      unit: 'ms',
      baseline: { value: run.idle.longestTask, unit: 'ms', what: 'the same page idle' },
      target: { of: 'value', op: '<=', limit: LONG_TASK_LIMIT_MS },
      notes:
        `${flood}; 0 means no task over 50 ms. Of ${run.sent.toLocaleString('en-US')} datagrams sent the engine received ` +
        `${run.reached.engine.toLocaleString('en-US')}, the log shows ${run.shown.toLocaleString('en-US')} (${run.reached.notShown.toLocaleString('en-US')} counted as not shown).`,
      details: {
        flood: run.flood,
        idle: run.idle,
        sent: run.sent,
        engineReceived: run.reached.engine,
        notShown: run.reached.notShown,
        shown: run.shown,
        keys: run.keys,
      },
    },
    {
      key: 'ui-flood-input',
      name: 'UI flood: slowest key press to paint',
      value: run.flood.slowestInput,
      unit: 'ms',
      baseline: { value: run.idle.slowestInput, unit: 'ms', what: 'the same page idle' },
      target: { of: 'value', op: '<=', limit: INPUT_LIMIT_MS },
      notes:
        `${flood}; the worse of Event Timing (key event to the next paint; slowest ${run.flood.slowestEventTiming.toFixed(0)} ms) ` +
        `and key event to the next frame (${run.flood.keysTimed} keys; slowest ${run.flood.slowestToFrame.toFixed(0)} ms).`,
      details: { flood: run.flood, idle: run.idle },
    },
    {
      key: 'ui-retained-entries',
      name: `UI log entries of ${ENTRY_SIZE} B kept`,
      value: run.fill.kept,
      unit: 'entries',
      baseline: undefined,
      target: { of: 'value', op: '>=', limit: run.fillTarget },
      notes: `log limit set to ${MAX_LOG_LIMIT.toLocaleString('en-US')} in Log settings; filled at ${FILL_RATE.toLocaleString('en-US')} datagrams/s; ${run.fill.dropped.toLocaleString('en-US')} dropped by the log's bounds.`,
      details: { ...run.fill, target: run.fillTarget },
    },
  ];
  if (heap) {
    out.push({
      key: 'ui-memory-js-heap',
      name: `UI JS heap, ${MAX_LOG_LIMIT.toLocaleString('en-US')} entries`,
      value: heap.value / MB,
      unit: 'MB',
      baseline: { value: run.emptyMemory.jsHeap / MB, unit: 'MB', what: 'the same page with an empty log' },
      target: { of: 'value', op: '<=', limit: HEAP_LIMIT_MB },
      notes: `V8 heap used after garbage collection (CDP Runtime.getHeapUsage).${projection(heap)}`,
      details: { measured: run.fullMemory, empty: run.emptyMemory, kept: run.fill.kept, projected: heap.projected },
    });
  }
  if (rss) {
    out.push({
      key: 'ui-memory-renderer',
      name: `UI renderer process, ${MAX_LOG_LIMIT.toLocaleString('en-US')} entries`,
      value: rss.value / MB,
      unit: 'MB',
      baseline: { value: (run.emptyMemory.renderer?.private ?? 0) / MB, unit: 'MB', what: 'the same page with an empty log' },
      target: { of: 'value', op: '<=', limit: RENDERER_LIMIT_MB },
      notes: `private memory of the page's renderer process (/proc smaps_rollup Private_*; RSS in details), after garbage collection.${projection(rss)}`,
      details: { measured: run.fullMemory, empty: run.emptyMemory, kept: run.fill.kept, projected: rss.projected },
    });
  }
  out.push(
    {
      key: 'ui-jump-to-end',
      name: `UI jump to end, ${entries} entries`,
      value: max(run.jumps),
      unit: 'ms',
      baseline: { value: max(run.smallJumps), unit: 'ms', what: `the same on ${run.small.toLocaleString('en-US')} entries` },
      target: { of: 'value', op: '<=', limit: ACTION_LIMIT_MS },
      notes: `slowest of ${run.jumps.length}: from the top of the log, click "jump to newest" until the newest row is painted.`,
      details: { jumps: run.jumps, smallJumps: run.smallJumps, longTasksMeanwhile: run.actionTasks },
    },
    {
      key: 'ui-switch-view',
      name: `UI switch hex/text, ${entries} entries`,
      value: max(run.views),
      unit: 'ms',
      baseline: { value: max(run.smallViews), unit: 'ms', what: `the same on ${run.small.toLocaleString('en-US')} entries` },
      target: { of: 'value', op: '<=', limit: ACTION_LIMIT_MS },
      notes: `slowest of ${run.views.length}: click Hex (or Text) until every row in sight is painted in that view.`,
      details: { views: run.views, smallViews: run.smallViews },
    },
  );
  return out;
}
