import { formatEndpoint } from '@shared/address';
import type { Translate } from '../i18n/languages';
import type { SessionShape } from '../store/stable-views';

/**
 * The address a session is known by: where a listener or UDP socket is bound (the real port
 * once port 0 has been resolved; every address, when a host name resolved to several), or
 * where a client connects to.
 */
export function sessionEndpoint(session: Pick<SessionShape, 'kind' | 'local' | 'locals' | 'config'>): string {
  if (session.kind !== 'tcp-client' && session.locals && session.locals.length > 0) {
    return session.locals.map((e) => formatEndpoint(e.address, e.port)).join(', ');
  }
  if (session.kind !== 'tcp-client' && session.local) return formatEndpoint(session.local.address, session.local.port);
  return formatEndpoint(session.config.host, session.config.port);
}

export function sessionName(t: Translate, session: Pick<SessionShape, 'kind' | 'local' | 'locals' | 'config'>): string {
  return `${t(`kind.${session.kind}`)} ${sessionEndpoint(session)}`;
}
