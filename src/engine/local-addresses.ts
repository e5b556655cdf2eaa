import { networkInterfaces } from 'node:os';
import type { LocalAddress } from '@shared/contract';

/**
 * The machine's own addresses, interface by interface, as the OS lists them: loopback first,
 * then the others, IPv4 before IPv6 within each. Link-local IPv6 addresses carry their zone
 * (`fe80::1%eth0`), without which they cannot be bound.
 */
export function localAddresses(): LocalAddress[] {
  const found: LocalAddress[] = [];
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const family = entry.family === 'IPv6' ? 'IPv6' : 'IPv4';
      const zoned = family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80:') && !entry.address.includes('%');
      found.push({ interface: name, address: zoned ? `${entry.address}%${name}` : entry.address, family, internal: entry.internal });
    }
  }
  const rank = (a: LocalAddress) => (a.internal ? 0 : 2) + (a.family === 'IPv4' ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b));
}
