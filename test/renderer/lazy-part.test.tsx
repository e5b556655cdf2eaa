/** The page's parts in their own chunks: a part in hand is drawn at once, one still coming keeps its room. */
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { lazyPart } from '@renderer/lazy-part';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const Part = () => <p>the part</p>;

function Host({ part, needed }: { part: ReturnType<typeof lazyPart<{ Part: typeof Part }>>; needed: boolean }) {
  const loaded = part.useLoaded(needed);
  if (!needed) return <p>not asked</p>;
  return loaded ? <loaded.Part /> : <p>room kept</p>;
}

describe('lazyPart', () => {
  it('draws the fallback until the part arrives, and loads only when it is needed', async () => {
    const module = deferred<{ Part: typeof Part }>();
    let loads = 0;
    const part = lazyPart(() => {
      loads += 1;
      return module.promise;
    });
    const { rerender } = render(<Host part={part} needed={false} />);
    expect(loads).toBe(0);
    rerender(<Host part={part} needed />);
    expect(screen.getByText('room kept')).toBeInTheDocument();
    expect(loads).toBe(1);
    await act(async () => module.resolve({ Part }));
    expect(screen.getByText('the part')).toBeInTheDocument();
  });

  it('draws a preloaded part in the first render that asks for it, never its fallback', async () => {
    let loads = 0;
    const part = lazyPart(() => {
      loads += 1;
      return Promise.resolve({ Part });
    });
    const { rerender } = render(<Host part={part} needed={false} />);
    await part.preload();
    await part.preload();
    rerender(<Host part={part} needed />);
    expect(screen.queryByText('room kept')).toBeNull();
    expect(screen.getByText('the part')).toBeInTheDocument();
    expect(loads).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let loads = 0;
    const part = lazyPart(() => (++loads === 1 ? Promise.reject(new Error('gone')) : Promise.resolve({ Part })));
    await expect(part.preload()).rejects.toThrow('gone');
    await expect(part.preload()).resolves.toEqual({ Part });
    expect(loads).toBe(2);
  });
});
