import { encodeBase64 } from './base64';

/**
 * How the built page is served, by Electron's app:// protocol and by the browser-mode server
 * alike: one Content-Security-Policy, one table of types, one rule for safe paths.
 */

/**
 * Vite writes this wherever the built page needs a nonce (`html.cspNonce`): on its tags, in
 * `<meta property="csp-nonce">` and in the CSP meta tag. Every response of the page replaces it
 * with a fresh nonce, so the published value is worth nothing to injected markup. Base64 letters
 * only, like a real nonce, and a word found nowhere else in the page.
 */
export const NONCE_PLACEHOLDER = 'SocketInspectorCspNoncePlaceholder';

/** 128 bits, as the CSP specification asks of a nonce. */
export const NONCE_BYTES = 16;

/**
 * Scripts only from the bundle, never inline or eval'd. MUI (emotion) injects <style> elements at
 * run time: they carry the page's nonce, so no inline style without it applies. Without a nonce
 * (any file but the page) scripts and styles come from files only. `connect-src 'self'` covers the browser
 * mode's same-origin WebSocket.
 */
export function contentSecurityPolicy(nonce?: string): string {
  return [
    "default-src 'none'",
    // With a nonce, only the page's own nonced entry script runs, and what it loads (CSP3
    // 'strict-dynamic'): a file that lands in the bundle folder some other way runs nowhere.
    nonce === undefined ? "script-src 'self'" : `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    nonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The policy of every response that is not the page itself. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** Whether a file named by `assetSegments` is the entry page, the one that gets a nonce. */
export const isEntryPage = (segments: readonly string[]): boolean => segments.length === 1 && segments[0] === 'index.html';

export interface EntryPage {
  html: string;
  /** The Content-Security-Policy header for this response: it allows exactly this nonce. */
  policy: string;
  nonce: string;
}

/**
 * The built page for one response: `random` (at least NONCE_BYTES fresh random bytes, from the
 * caller's crypto) becomes the nonce in its text and in its policy.
 */
export function entryPage(template: string, random: Uint8Array): EntryPage {
  if (random.length < NONCE_BYTES) {
    throw new RangeError(`A CSP nonce needs at least ${NONCE_BYTES} random bytes; got ${random.length}. Pass randomBytes(NONCE_BYTES).`);
  }
  const nonce = encodeBase64(random);
  return { html: template.split(NONCE_PLACEHOLDER).join(nonce), policy: contentSecurityPolicy(nonce), nonce };
}

const MIME: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
};

export function mimeType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
  return Object.hasOwn(MIME, ext) ? MIME[ext]! : 'application/octet-stream';
}

const SAFE_SEGMENT = /^[A-Za-z0-9._@+~-]+$/;

/**
 * The path segments of a bundle file named by a URL path (`/assets/index-abc.js`), or undefined
 * when the path is malformed or could leave the bundle: dot segments, encoded separators, NULs,
 * backslashes and anything outside a conservative file-name alphabet are refused. `/` is the
 * entry page.
 */
export function assetSegments(urlPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/')) return undefined;
  if (decoded === '/') return ['index.html'];
  const segments = decoded.slice(1).split('/');
  for (const segment of segments) {
    if (!SAFE_SEGMENT.test(segment) || segment === '.' || segment === '..') return undefined;
  }
  return segments;
}
