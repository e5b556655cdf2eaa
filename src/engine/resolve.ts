import { lookup } from 'node:dns/promises';
import { ipFamily, type AddressFamily } from '@shared/address';
import { unmapIPv4 } from './endpoint';

export interface ResolvedAddress {
  address: string;
  family: AddressFamily;
}

/** Every address a name resolves to, in the resolver's order. Injected so tests can give a name two addresses. */
export type HostLookup = (host: string) => Promise<ResolvedAddress[]>;

/**
 * The OS resolver (getaddrinfo: /etc/hosts, then DNS), every address in the order it gives
 * them — the order Python's create_connection, ncat and socat try them in.
 */
export const systemLookup: HostLookup = async (host) => {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 'IPv6' : 'IPv4' }));
};

/**
 * A literal address as it is; a name through `lookup`, IPv4-mapped answers as IPv4, each
 * address once. Rejects with the resolver's error (ENOTFOUND, EAI_AGAIN, …), or ENOTFOUND when
 * the name has no address at all.
 */
export async function resolveHost(host: string, lookupHost: HostLookup): Promise<ResolvedAddress[]> {
  const literal = literalAddress(host);
  if (literal) return [literal];
  const seen = new Set<string>();
  const addresses: ResolvedAddress[] = [];
  for (const found of await lookupHost(host)) {
    const address = unmapIPv4(found.address);
    const family = address === found.address ? found.family : 'IPv4';
    if (seen.has(address)) continue;
    seen.add(address);
    addresses.push({ address, family });
  }
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  return addresses;
}

/** An IP address needs no lookup: it is known at once, so a connect to it starts at once. */
export function literalAddress(host: string): ResolvedAddress | undefined {
  const family = ipFamily(host);
  return family ? { address: host, family } : undefined;
}

/** `localhost (::1, 127.0.0.1)`: a name and what it resolved to, for messages. */
export function describeResolved(host: string, addresses: readonly ResolvedAddress[]): string {
  return `${host} (${addresses.map((a) => a.address).join(', ')})`;
}
