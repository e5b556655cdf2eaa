import { useEffect, useState } from 'react';

/**
 * A part of the page the first screen does not draw, in its own chunk (bench: page load). Unlike
 * React.lazy, a part that has arrived is drawn in the same render that asks for it, so a part
 * preloaded after the first screen never shows its fallback, not even for a frame. What the
 * closure keeps is code, loaded once for every app in the page, never app state.
 */
export interface LazyPart<M> {
  /** Starts loading (once; again after a failed load) and resolves with the module. */
  preload(): Promise<M>;
  /**
   * The module when it has arrived; until then undefined, and the caller draws its fallback.
   * `needed`: whether the caller draws the part now; only then does it start the load itself.
   */
  useLoaded(needed: boolean): M | undefined;
}

export function lazyPart<M>(load: () => Promise<M>): LazyPart<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  const preload = (): Promise<M> => {
    loading ??= load().then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  function useLoaded(needed: boolean): M | undefined {
    const [arrived, setArrived] = useState(() => loaded);
    const module = arrived ?? loaded;
    useEffect(() => {
      if (module || !needed) return undefined;
      let mounted = true;
      // A failed load (the server rebuilt under the page) leaves the fallback; the next mount tries again.
      preload().then(
        (part) => mounted && setArrived(() => part),
        () => undefined,
      );
      return () => {
        mounted = false;
      };
    }, [module, needed]);
    return module;
  }
  return { preload, useLoaded };
}

/** After the first screen is drawn and the page is idle, so that loading them never delays it. */
export function preloadWhenIdle(parts: readonly LazyPart<unknown>[]): () => void {
  let idle: number | undefined;
  const frame = requestAnimationFrame(() => {
    const run = () => parts.forEach((part) => void part.preload().catch(() => undefined));
    idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 1000 }) : window.setTimeout(run, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    if (idle === undefined) return;
    if (typeof cancelIdleCallback === 'function') cancelIdleCallback(idle);
    else clearTimeout(idle);
  };
}
