import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';

const make = (prefix: string) => mkdtemp(path.join(os.tmpdir(), prefix));
const remove = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * A fresh folder under the system temp folder, removed with all it holds when the current test
 * ends, after its afterEach hooks (so engines and recorders have closed their files by then).
 * Call it from a test or a beforeEach.
 */
export async function tempDir(prefix = 'si-test-'): Promise<string> {
  const dir = await make(prefix);
  onTestFinished(() => remove(dir));
  return dir;
}

/**
 * One folder for all the tests of a file or describe block: call it where hooks are declared,
 * before the beforeAll that fills the folder; read the path through the returned function.
 */
export function tempDirForAll(prefix = 'si-test-'): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await make(prefix);
  });
  afterAll(async () => {
    if (dir) await remove(dir);
  });
  return () => {
    if (!dir) throw new Error('tempDirForAll: the folder is made in beforeAll, so read it from a hook or a test');
    return dir;
  };
}
