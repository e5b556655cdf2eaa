import Box from '@mui/material/Box';
import { AutomationPanel } from './automation/AutomationPanel';
import { Composer } from './composer/Composer';
import { useT } from './i18n/i18n-context';
import { LogPanel } from './log/LogPanel';
import { ConnectionList } from './sessions/ConnectionList';
import { SessionHeader } from './sessions/SessionHeader';
import { StartScreen } from './sessions/StartScreen';
import { useSessionShape } from './store/stable-views';
import { useInspector } from './store/store-context';
import { TranscriptWorkspace } from './transcripts/TranscriptWorkspace';

/** The selected session (header, connections, log and composer), or the selected transcript, read-only. */
export function SessionWorkspace() {
  const t = useT();
  const transcript = useInspector((state) =>
    state.selectedTranscriptId === undefined ? undefined : state.transcripts.get(state.selectedTranscriptId),
  );
  const session = useSessionShape(useInspector((state) => state.selectedId));

  return (
    <Box
      component="main"
      aria-label={t(transcript ? 'transcripts.workspace' : 'app.workspace')}
      sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}
    >
      {transcript ? (
        <TranscriptWorkspace transcript={transcript} />
      ) : session ? (
        <>
          <SessionHeader session={session} />
          <ConnectionList session={session} />
          <AutomationPanel key={session.id} session={session} />
          <LogPanel source={{ type: 'session', sessionId: session.id }} />
          {/* Keyed so a half-typed payload and its target never carry over to another session. */}
          <Composer
            key={session.id}
            sessionId={session.id}
            kind={session.kind}
            open={session.state === 'open'}
            udpRemote={session.config.kind === 'udp' ? session.config.remote : undefined}
          />
        </>
      ) : (
        <StartScreen />
      )}
    </Box>
  );
}
