/**
 * The page's half of "idle connections beside one that talks" (#21): browser mode served by
 * the real server, a page attached to a listener that holds 5,000 idle clients and one more
 * whose peer writes 1,000 messages of 64 B a second, against the same with no idle clients.
 * The figure is the page's main-thread work per batch it received while the talker sent.
 */
import { newToken } from '@server/access';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import { dispatch } from '@shared/dispatch';
import type { SessionInfo } from '@shared/contract';
import type { Browser, CDPSession } from 'playwright-core';
import { checkBuild, launchChromium, STATIC_ROOT } from './browser';
import type { Figure } from './figure';
import { withPeer, type PeerProcess } from './peer-process';
import { alternate, medianRound } from './rounds';
import { sleep, until } from './wait';

const IDLE = 5000;
const RATE = 1000;
const SIZE = 64;
/**
 * "Independent of the number of idle connections", held as: a batch may cost the page at most
 * a quarter more with 5,000 idle connections beside the talker than with none. The rounds of
 * one kind spread by about a tenth on a loaded machine, so a cost that grows with the idle
 * connections (a 5,000-entry copy or walk per batch is several times the batch's own work) is
 * caught and noise is not.
 */
const RATIO_LIMIT = 1.25;
/** The WebSocket opcode of a binary frame: a batch (text frames carry hello and results). */
const BINARY_OPCODE = 2;

interface PageRun {
  idle: number;
  /** Main-thread task time (script, style, layout, paint) while the talker sent, ms. */
  taskMs: number;
  /** Of which running script, ms. */
  scriptMs: number;
  /** Batches the page received meanwhile (binary WebSocket frames). */
  batches: number;
  seconds: number;
  sent: number;
  /** From navigation until the connections table said it lists every connection and showed the last, ms. */
  shownMs: number;
  /** Rows of the connections table in the page meanwhile: those in sight and a few around them. */
  drawn: number;
}

const perBatch = (run: PageRun) => (run.batches > 0 ? run.taskMs / run.batches : Number.POSITIVE_INFINITY);

async function listenerInfo(server: BrowserServer, sessionId: string): Promise<SessionInfo> {
  const list = await server.manager.list({});
  const info = list.ok ? list.value.find((s) => s.id === sessionId) : undefined;
  if (!info) throw new Error(`Session ${sessionId} is gone from the engine.`);
  return info;
}

async function metrics(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const read = (name: string) => list.find((m) => m.name === name)?.value ?? 0;
  return { task: read('TaskDuration') * 1000, script: read('ScriptDuration') * 1000 };
}

/** The connections table's body rows in the page, and the ids they show. */
function tableRows(): string[] {
  const rows = document.querySelector('table[aria-label="Connections"]')?.querySelectorAll('tbody > tr[data-index]') ?? [];
  return [...rows].map((row) => row.querySelector('td')?.textContent ?? '');
}

/** Scroll the connections table to its end, as a user looking for the newest connection does. */
function scrollTableToEnd(): void {
  const scroller = document.querySelector('table[aria-label="Connections"]')?.closest<HTMLElement>('[data-virtuoso-scroller]');
  if (scroller) scroller.scrollTop = scroller.scrollHeight;
}

/**
 * A fresh server and listener with `idle` idle clients and the talker connected, then a page
 * opened on it (which learns of them from `list`), then `ms` of talking, measured.
 */
async function pageRun(browser: Browser, peer: PeerProcess, idle: number, ms: number): Promise<PageRun> {
  const server = await startBrowserServer({ host: '127.0.0.1', port: 0, token: newToken(), staticRoot: STATIC_ROOT, version: 'bench' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  try {
    // No linger after the talker's FIN: the round ends by closing it, and the default 5 s for a reply would only be waited out.
    const opened = await dispatch(server.manager, 'open', {
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, halfCloseLingerMs: 0 },
    });
    if (!opened.ok) throw new Error(`The engine could not open a listener: ${opened.error.message}`);
    const session = opened.value as SessionInfo;
    const port = session.local!.port;
    const held = async () => (await listenerInfo(server, session.id)).connections.length;
    if (idle > 0) {
      const many = await peer.request({ cmd: 'tcp-connect-many', port, count: idle });
      if (many.connected !== idle) throw new Error(`Only ${many.connected ?? 0} of ${idle} idle clients connected.`);
    }
    await peer.request({ cmd: 'tcp-connect', port });
    await until(async () => (await held()) >= idle + 1, `${idle + 1} connections to be accepted`, 60_000, 50);
    // Accepted last, so listed last.
    const talker = (await listenerInfo(server, session.id)).connections.at(-1)!.connId;

    const page = await context.newPage();
    const start = performance.now();
    await page.goto(server.url);
    const expected = idle + 1;
    await page.getByText(`${expected.toLocaleString('en-US')} listed`, { exact: true }).waitFor({ timeout: 120_000 });
    await page.evaluate(scrollTableToEnd);
    await until(async () => (await page.evaluate(tableRows)).includes(talker), `the table to show the talker ${talker}`, 30_000, 100);
    const shownMs = performance.now() - start;
    const drawn = (await page.evaluate(tableRows)).length;

    const cdp = await context.newCDPSession(page);
    let frames = 0;
    cdp.on('Network.webSocketFrameReceived', (event) => {
      if (event.response.opcode === BINARY_OPCODE) frames += 1;
    });
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    // Let the first render's garbage and timers go before the clock starts.
    await sleep(1000);
    const before = await metrics(cdp);
    const framesBefore = frames;
    const talkStart = performance.now();
    const reply = await peer.request({ cmd: 'tcp-paced', size: SIZE, rate: RATE, ms });
    const after = await metrics(cdp);
    const batches = frames - framesBefore;
    const seconds = (performance.now() - talkStart) / 1000;
    const sent = reply.sent ?? 0;
    await until(
      async () => (await listenerInfo(server, session.id)).counters.rxBytes >= sent * SIZE,
      'every paced byte to arrive',
      30_000,
      50,
    );
    await page.getByText(`${expected.toLocaleString('en-US')} listed`, { exact: true }).waitFor({ timeout: 5000 });
    if (!(await page.evaluate(tableRows)).includes(talker)) throw new Error(`The table no longer shows the talker ${talker}.`);
    await cdp.detach();
    await peer.request({ cmd: 'tcp-blast', total: 0, chunk: 1 });
    await peer.request({ cmd: 'tcp-close-all' });
    return { idle, taskMs: after.task - before.task, scriptMs: after.script - before.script, batches, seconds, sent, shownMs, drawn };
  } finally {
    await context.close();
    await server.close();
  }
}

export async function idleUi(quick: boolean): Promise<Figure[]> {
  const stale = await checkBuild();
  if (stale) process.stdout.write(`Warning: ${stale}\n`);
  const ms = quick ? 3000 : 6000;
  const browser = await launchChromium();
  try {
    return await withPeer(async (peer) => {
      // Chromium's first renderer and the code paths are warmed on a first run, unreported.
      await pageRun(browser, peer, 0, 1000);
      const all = await alternate({ alone: () => pageRun(browser, peer, 0, ms), crowded: () => pageRun(browser, peer, IDLE, ms) });
      const lean = (run: PageRun) => -perBatch(run);
      const [alone, crowded] = [medianRound(all.alone, lean), medianRound(all.crowded, lean)];
      return [
        {
          key: 'page-idle-talker-per-batch',
          name: `${IDLE.toLocaleString('en-US')} idle TCP clients + 1 at ${RATE.toLocaleString('en-US')} msg/s: page work per batch`,
          value: perBatch(crowded),
          unit: 'ms',
          baseline: { value: perBatch(alone), unit: 'ms', what: 'the same page and talker with no idle clients' },
          target: { of: 'ratio', op: '<=', limit: RATIO_LIMIT },
          notes:
            `Browser mode in Chromium, the page attached to the listener after its clients connected; ${SIZE}-byte messages at ` +
            `${RATE}/s for ${ms / 1000} s from a peer process. CDP TaskDuration of the page's main thread over the talk ÷ the ` +
            `binary frames (batches) it received: ${crowded.batches} crowded, ${alone.batches} alone. Median of ` +
            `${all.crowded.length} rounds alternating with the baseline.`,
          details: { alone, crowded, rounds: all },
        },
      ];
    });
  } finally {
    await browser.close();
  }
}
