import { CountersText } from '../components/CountersText';
import { useSessionCounters } from '../store/stable-views';

/** A session's counters, read here so that nothing around them redraws as they change. */
export function SessionCounters({ sessionId }: { sessionId: string }) {
  return <CountersText counters={useSessionCounters(sessionId)} />;
}
