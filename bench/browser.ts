import { existsSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The built page that browser mode serves: what the page figures measure. */
export const STATIC_ROOT = path.resolve('out/renderer');
const CHROMIUM_CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function chromiumPath(): string {
  const found = CHROMIUM_CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!found)
    throw new Error(
      'No Chromium found for the UI figures. Install it (Debian/Ubuntu: apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

async function newestFile(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** The page figures measure the built page: refuse a missing one, warn about a stale one. */
export async function checkBuild(): Promise<string | undefined> {
  const index = path.join(STATIC_ROOT, 'index.html');
  if (!existsSync(index)) throw new Error(`The built page is missing at ${STATIC_ROOT}: run "npm run build" before "npm run bench".`);
  const built = statSync(index).mtimeMs;
  const changed = await newestFile(path.resolve('src/renderer'));
  return changed > built
    ? 'out/renderer is older than src/renderer: these UI figures measure the last build (run "npm run build" to measure the current code).'
    : undefined;
}
