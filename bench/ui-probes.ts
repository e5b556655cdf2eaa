/**
 * Code that runs inside the page (handed to page.evaluate, so each function stands alone and
 * uses only the DOM). Times are the page's own performance.now().
 */

export interface ProbeReadings {
  /** Durations of tasks over 50 ms (the Long Tasks API reports no shorter ones). */
  longTasks: number[];
  /** Key press to the start of the next frame after it was handled, per key. */
  inputs: number[];
  /** Event Timing API durations of interactions (it reports only those of 16 ms and more). */
  eventTimings: number[];
}

interface Probe extends ProbeReadings {
  installed: true;
}

/**
 * Watch long tasks and input. Input is timed two ways: the browser's Event Timing API (from the
 * event's time stamp, taken when the browser got the input so that time queued behind other
 * work counts, to the next paint after its handlers ran; it reports only 16 ms and more), and
 * here, from the same time stamp to the start of the next frame after the handlers ran.
 */
export function installProbes(): void {
  const host = window as unknown as { __benchProbe?: Probe };
  if (host.__benchProbe) return;
  const probe: Probe = { installed: true, longTasks: [], inputs: [], eventTimings: [] };
  host.__benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as PerformanceEntry & { interactionId?: number }).interactionId) probe.eventTimings.push(entry.duration);
  }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
  document.addEventListener(
    'keydown',
    (event) => {
      const stamp = event.timeStamp;
      requestAnimationFrame(() => probe.inputs.push(performance.now() - stamp));
    },
    true,
  );
}

/** What the probes saw since the last call; they start afresh. */
export function takeReadings(): ProbeReadings {
  const probe = (window as unknown as { __benchProbe: Probe }).__benchProbe;
  const readings = { longTasks: probe.longTasks.splice(0), inputs: probe.inputs.splice(0), eventTimings: probe.eventTimings.splice(0) };
  return readings;
}

/** The log's "Kept: N · dropped: M" line, as numbers. */
export function logCounts(): { kept: number; dropped: number } {
  const footer = document.querySelector('footer[aria-label="Log status"]');
  const match = /Kept: ([\d,]+) · dropped: ([\d,]+)/.exec(footer?.textContent ?? '');
  const read = (text: string | undefined) => Number((text ?? '0').replace(/,/g, ''));
  return { kept: read(match?.[1]), dropped: read(match?.[2]) };
}

export interface ActionArgs {
  action: 'jump' | 'view';
  /** For `view`: the view button's label ("Hex", "Text"). */
  label: string;
  /** For `jump`: the index of the newest row. */
  lastIndex: number;
  timeoutMs: number;
}

/**
 * Click a control the way a user's click reaches React, and time until what it asked for is on
 * screen: the newest row drawn (jump), or every row drawn in the new view (view), and that
 * frame painted.
 */
export function timeAction(args: ActionArgs): Promise<{ ms: number; done: boolean }> {
  const list = document.querySelector('[role="list"][aria-label="Traffic log"]');
  let control: HTMLElement | null = null;
  if (args.action === 'jump') {
    control = document.querySelector<HTMLElement>('[aria-label^="Autoscroll paused with"]');
  } else {
    const group = document.querySelector('[aria-label="Payload view"]');
    control = [...(group?.querySelectorAll<HTMLElement>('button') ?? [])].find((b) => b.textContent === args.label) ?? null;
  }
  if (!list || !control) return Promise.resolve({ ms: Number.NaN, done: false });
  const wanted = args.label.toLowerCase();
  const shown = (): boolean => {
    // Asked afresh each frame: the list may be redrawn. Rows say their place in the whole log.
    const now = document.querySelector('[role="list"][aria-label="Traffic log"]');
    if (!now) return false;
    if (args.action === 'jump') return now.querySelector(`[aria-posinset="${args.lastIndex + 1}"]`) !== null;
    const payloads = [...now.querySelectorAll<HTMLElement>('[data-testid="log-payload"]')];
    return payloads.length > 0 && payloads.every((p) => p.dataset['view'] === wanted);
  };
  const start = performance.now();
  return new Promise((resolve) => {
    const check = () => {
      if (shown()) {
        // Runs after the paint of the frame whose callback saw the rows.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ ms: performance.now() - start, done: true });
        channel.port2.postMessage(null);
      } else if (performance.now() - start > args.timeoutMs) {
        resolve({ ms: performance.now() - start, done: false });
      } else {
        requestAnimationFrame(check);
      }
    };
    control.click();
    requestAnimationFrame(check);
  });
}

/** Scroll the log to its oldest row, which pauses following, as a reader scrolling up does. */
export function scrollLogToTop(): void {
  const list = document.querySelector('[role="list"][aria-label="Traffic log"]');
  const scroller = list?.closest<HTMLElement>('[data-virtuoso-scroller]');
  if (scroller) scroller.scrollTop = 0;
}
