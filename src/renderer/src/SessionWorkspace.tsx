import Box from '@mui/material/Box';
import { useT } from './i18n/i18n-context';
import { lazyPart } from './lazy-part';
import { useSessionShape } from './store/stable-views';
import { StartScreen } from './sessions/StartScreen';
import { useInspector } from './store/store-context';

/** The session view (log, composer, automation, connections, a relay's held messages): not on the first screen. */
export const sessionViewPart = lazyPart(() => import('./SessionView'));

/** The selected session (header, connections, log and composer), or the selected transcript, read-only. */
export function SessionWorkspace() {
  const t = useT();
  const transcript = useInspector((state) =>
    state.selectedTranscriptId === undefined ? undefined : state.transcripts.get(state.selectedTranscriptId),
  );
  const session = useSessionShape(useInspector((state) => state.selectedId));
  const parts = sessionViewPart.useLoaded(!!(transcript || session));

  return (
    <Box
      component="main"
      aria-label={t(transcript ? 'transcripts.workspace' : 'app.workspace')}
      sx={{ height: '100%', minWidth: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}
    >
      {(transcript || session) && !parts ? (
        // Until the view arrives, the room it takes stays taken, so nothing moves when it does.
        <Box sx={{ flex: 1 }} />
      ) : transcript && parts ? (
        <parts.OpenedTranscript key={transcript.id} transcript={transcript} />
      ) : session && parts ? (
        <parts.LiveSession key={session.id} session={session} />
      ) : null}
      <StartScreen shown={!transcript && !session} />
    </Box>
  );
}
