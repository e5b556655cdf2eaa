import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assetSegments, CONTENT_SECURITY_POLICY, entryPage, mimeType, NONCE_BYTES } from '@shared/web-assets';

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

/**
 * The answer to an app:// request: a file of the bundle in `root`, labelled with its type and the
 * CSP. The entry page gets a fresh nonce on every load, in its text and in its policy, so emotion's
 * <style> elements apply and nothing else inline does. `fetchFile` reads a file:// URL: Electron's
 * net.fetch.
 */
export async function answerBundleRequest(root: string, url: string, fetchFile: (fileUrl: string) => Promise<Response>): Promise<Response> {
  const file = resolveBundlePath(root, url);
  if (!file) return new Response('Not found', { status: 404 });
  const response = await fetchFile(pathToFileURL(file).toString());
  if (!response.ok) return response;
  const headers = { 'Content-Type': mimeType(file), 'X-Content-Type-Options': 'nosniff' };
  if (file === path.join(path.resolve(root), 'index.html')) {
    const page = entryPage(await response.text(), randomBytes(NONCE_BYTES));
    return new Response(page.html, { status: 200, headers: { ...headers, 'Content-Security-Policy': page.policy } });
  }
  return new Response(response.body, { status: 200, headers: { ...headers, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } });
}
