export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds, polling every `everyMs`; throws after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000, everyMs = 2): Promise<void> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}.`);
    await sleep(everyMs);
  }
}

/** Resolves once `read` has not changed for `quietMs`, returning its last value. */
export async function settled(read: () => number | Promise<number>, quietMs = 200, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  let last = await read();
  let since = performance.now();
  for (;;) {
    await sleep(20);
    const now = await read();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= quietMs || performance.now() - start > timeoutMs) {
      return now;
    }
  }
}
