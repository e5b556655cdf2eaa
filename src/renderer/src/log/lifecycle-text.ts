import { endpointText } from '../format';
import type { Translate } from '../i18n/languages';
import type { Lifecycle } from '../store/lifecycle';

const IDLE_TIMEOUT = 'IDLE_TIMEOUT';

/** How a connection ended, in words: "reset by the peer", "failed with ETIMEDOUT". */
export function closeReasonText(t: Translate, reason: Extract<Lifecycle, { kind: 'closed' }>['reason'], code: string | undefined): string {
  if (code === IDLE_TIMEOUT) return t('log.reason.timeout');
  if (reason === 'error') return t('log.reason.error', { code: code ?? '?' });
  return t(`log.reason.${reason}`);
}

/** A lifecycle row's words, as the log shows them and its text copy carries them. */
export function lifecycleText(t: Translate, lifecycle: Lifecycle, formatNumber: (value: number) => string): string {
  switch (lifecycle.kind) {
    case 'listening':
    case 'bound':
      return t(`log.event.${lifecycle.kind}`, { endpoints: lifecycle.endpoints.map(endpointText).join(', ') });
    case 'connecting':
      return t('log.event.connecting', { remote: lifecycle.remote });
    case 'stopped':
      return t(`log.event.stopped.${lifecycle.session}`);
    case 'failed':
      return t('log.event.failed', { message: lifecycle.message.replace(/\.$/, ''), code: lifecycle.code });
    case 'opened':
      return t(lifecycle.accepted ? 'log.event.accepted' : 'log.event.connected', {
        remote: endpointText(lifecycle.remote),
        local: endpointText(lifecycle.local),
      });
    case 'fin':
      if (lifecycle.leg) return t(`log.event.relayFin.${lifecycle.leg}.${lifecycle.by}`);
      return t(lifecycle.by === 'peer' ? 'log.event.fin.peer' : 'log.event.fin.local');
    case 'stale':
      return lifecycle.stale ? t(`log.event.stale.${lifecycle.action}`, { ms: formatNumber(lifecycle.silentMs) }) : t('log.event.live');
    case 'not-kept':
      return t(lifecycle.recorded ? 'log.event.notKept.recorded' : 'log.event.notKept', { n: lifecycle.events });
    case 'closed':
      return t(lifecycle.leg ? `log.event.relayClosed.${lifecycle.leg}` : 'log.event.closed', {
        reason: closeReasonText(t, lifecycle.reason, lifecycle.code),
        rx: formatNumber(lifecycle.counters.rxBytes),
        tx: formatNumber(lifecycle.counters.txBytes),
        rxMessages: formatNumber(lifecycle.counters.rxMessages),
        txMessages: formatNumber(lifecycle.counters.txMessages),
      });
  }
}
