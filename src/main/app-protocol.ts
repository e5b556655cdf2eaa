import path from 'node:path';
import { assetSegments } from '../shared/web-assets';

/** The production page is served from app://bundle/, an origin of its own, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The file inside `root` that an app:// URL names, or undefined when it names none safely. */
export function resolveBundlePath(root: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  const segments = assetSegments(parsed.pathname);
  return segments ? path.join(path.resolve(root), ...segments) : undefined;
}
