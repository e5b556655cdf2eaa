import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'si_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request carries: in the URL (`?token=`) the first time, in the cookie after. */
export function requestToken(request: IncomingMessage, url: URL): { token: string | undefined; fromQuery: boolean } {
  const query = url.searchParams.get('token');
  if (query !== null) return { token: query, fromQuery: true };
  return { token: cookieValue(request.headers.cookie, TOKEN_COOKIE), fromQuery: false };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

/**
 * The Host headers a request may carry. On loopback only the loopback names, so a web page
 * whose name was rebound to 127.0.0.1 (DNS rebinding) is refused; a wildcard bind, which the
 * user chose explicitly, accepts any.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  if (isWildcard(boundHost)) return true;
  const names = isLoopbackHost(boundHost) ? ['localhost', '127.0.0.1', '[::1]'] : [boundHost.includes(':') ? `[${boundHost}]` : boundHost];
  return names.some((name) => hostHeader.toLowerCase() === `${name}:${port}`);
}

/** Browsers always send Origin on WebSocket upgrades; a page of another origin is refused. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  return hostHeader !== undefined && origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}
