import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { Group, Panel } from 'react-resizable-panels';
import { AutomationPanel } from './automation/AutomationPanel';
import { SectionAbove, Splitter } from './components/Panels';
import { Composer } from './composer/Composer';
import { useT } from './i18n/i18n-context';
import { LogPanel } from './log/LogPanel';
import { ClearClosedButton, ConnectionList, RecordedConnectionList } from './sessions/ConnectionList';
import { HeldPanel } from './sessions/HeldPanel';
import { DismissErrorsButton, SessionErrors, SessionHeader, useSessionErrors } from './sessions/SessionHeader';
import { useConnectionIds, useSessionShape, type SessionShape } from './store/stable-views';
import { StartScreen } from './sessions/StartScreen';
import { useInspector } from './store/store-context';
import { usePanelLayout } from './store/use-panel-layout';
import type { OpenTranscript } from './store/transcript-view';
import { TranscriptHeader } from './transcripts/TranscriptWorkspace';

/** The log keeps at least this much of the window's height, whatever else is open. */
export const LOG_MIN_SIZE = '40vh';
/** The composer's first height in pixels, alone and beside another section (errors, a relay's held messages). */
const COMPOSER_SIZE = 236;
const COMPOSER_SIZE_BESIDE_ERRORS = 170;

/** Automation, connections, errors, log and composer, each resizable and all but the log collapsible. */
function LiveWorkspace({ session }: { session: SessionShape }) {
  const t = useT();
  const errors = useSessionErrors(session);
  const connections = useConnectionIds(session.id).length;
  const withErrors = errors.length > 0;
  // The group's sizes are remembered for each set of panels it has shown.
  const { defaultLayout, onLayoutChanged } = usePanelLayout(
    `${session.kind === 'relay' ? 'relay' : 'session'}${withErrors ? ':errors' : ''}`,
  );
  return (
    <>
      <SessionHeader session={session} />
      <Group orientation="vertical" defaultLayout={defaultLayout} onLayoutChanged={onLayoutChanged} style={{ flex: 1, minHeight: 0 }}>
        {/* In the group, so opening it takes room the group's way and the log keeps its minimum. */}
        {session.kind === 'relay' ? null : <AutomationPanel key={session.id} session={session} />}
        <SectionAbove
          id="connections"
          title={t('layout.connections')}
          summary={
            session.kind === 'udp' ? null : (
              <Typography variant="caption" color="text.secondary">
                {t('layout.connectionCount', { count: connections })}
              </Typography>
            )
          }
          actions={<ClearClosedButton sessionId={session.id} />}
          defaultSize={session.kind === 'udp' ? 64 : 104}
          minSize={60}
        >
          <ConnectionList session={session} />
        </SectionAbove>
        {session.kind === 'relay' ? (
          <SectionAbove id="held" title={t('layout.held')} defaultSize={72} minSize={60}>
            <HeldPanel session={session} />
          </SectionAbove>
        ) : null}
        {withErrors ? (
          <>
            <SectionAbove
              id="errors"
              title={t('header.recentErrors')}
              summary={
                <Typography variant="caption" color="warning.main">
                  {errors.length}
                </Typography>
              }
              actions={<DismissErrorsButton sessionId={session.id} />}
              defaultSize={60}
              minSize={60}
            >
              <SessionErrors errors={errors} />
            </SectionAbove>
          </>
        ) : null}
        <Panel id="log" minSize={LOG_MIN_SIZE}>
          <LogPanel source={{ type: 'session', sessionId: session.id }} />
        </Panel>
        <Splitter orientation="vertical" label={t('layout.resize', { name: t('composer.label') })} />
        {/* Keyed so a half-typed payload and its target never carry over to another session. */}
        <Composer
          key={session.id}
          sessionId={session.id}
          kind={session.kind}
          open={session.state === 'open'}
          udpRemote={session.config.kind === 'udp' ? session.config.remote : undefined}
          // Smaller beside another section, so that every section starts open at 1280×800.
          defaultSize={withErrors || session.kind === 'relay' ? COMPOSER_SIZE_BESIDE_ERRORS : COMPOSER_SIZE}
          minSize={90}
        />
      </Group>
    </>
  );
}

/**
 * An opened transcript, read-only: drawn with the live session's pieces — the connections
 * table, the errors section, the log with its search, framing and lifecycle rows.
 */
function TranscriptView({ transcript }: { transcript: OpenTranscript }) {
  const t = useT();
  const tcp = transcript.kind !== 'udp';
  const withErrors = transcript.errors.length > 0;
  const { defaultLayout, onLayoutChanged } = usePanelLayout(withErrors ? 'transcript:errors' : 'transcript');
  return (
    <>
      <TranscriptHeader transcript={transcript} />
      <Group orientation="vertical" defaultLayout={defaultLayout} onLayoutChanged={onLayoutChanged} style={{ flex: 1, minHeight: 0 }}>
        {tcp ? (
          <>
            <SectionAbove
              id="connections"
              title={t('layout.connections')}
              summary={
                <Typography variant="caption" color="text.secondary">
                  {t('layout.connectionCount', { count: transcript.connections.length })}
                </Typography>
              }
              defaultSize={120}
              minSize={60}
            >
              <RecordedConnectionList connections={transcript.connections} />
            </SectionAbove>
          </>
        ) : null}
        {withErrors ? (
          <>
            <SectionAbove id="errors" title={t('transcripts.errors')} defaultSize={72} minSize={60}>
              <SessionErrors errors={transcript.errors} />
            </SectionAbove>
          </>
        ) : null}
        <Panel id="log" minSize={LOG_MIN_SIZE}>
          <LogPanel source={{ type: 'transcript', transcriptId: transcript.id }} />
        </Panel>
      </Group>
    </>
  );
}

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
      sx={{ height: '100%', minWidth: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}
    >
      {transcript ? (
        <TranscriptView key={transcript.id} transcript={transcript} />
      ) : session ? (
        <LiveWorkspace key={session.id} session={session} />
      ) : null}
      <StartScreen shown={!transcript && !session} />
    </Box>
  );
}
