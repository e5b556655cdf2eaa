/**
 * How the built page is served, by Electron's app:// protocol and by the browser-mode server
 * alike: one Content-Security-Policy, one table of types, one rule for safe paths.
 */

/**
 * Scripts only from the bundle; MUI (emotion) injects <style> elements at run time, so styles
 * allow 'unsafe-inline' — scripts never do. `connect-src 'self'` covers the browser mode's
 * same-origin WebSocket.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

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
