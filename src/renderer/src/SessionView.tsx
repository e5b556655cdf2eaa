import { useMemo } from 'react';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { Group, Panel } from 'react-resizable-panels';
import { AutomationPanel } from './automation/AutomationPanel';
import { SectionAbove, Splitter } from './components/Panels';
import { Composer } from './composer/Composer';
import { useT } from './i18n/i18n-context';
import { LogPanel } from './log/LogPanel';
import { ClearClosedButton, ConnectionList } from './sessions/ConnectionList';
import { HeldPanel } from './sessions/HeldPanel';
import { DismissErrorsButton, SessionErrors, SessionHeader, useSessionErrors } from './sessions/SessionHeader';
import { liveSessionModel, transcriptModel, type SessionViewModel } from './sessions/session-header-model';
import { useConnectionIds, type SessionShape } from './store/stable-views';
import { useInspector } from './store/store-context';
import { usePanelLayout } from './store/use-panel-layout';
import type { OpenTranscript } from './store/transcript-view';
import type { ConnectionRecord } from './store/views';

/** The log keeps at least this much of the window's height, whatever else is open. */
export const LOG_MIN_SIZE = '40vh';
/** Below this height (1024×700) the composer starts at what a send needs and the connections get the room. */
const SHORT_WINDOW = '(max-height: 759.98px)';
/**
 * The composer's first height in pixels, alone and beside another section (errors, a relay's held
 * messages). In a short window it starts at what a send needs — the payload field, Send and the
 * hint — so that the connections section above the log's minimum keeps two rows in sight.
 */
const COMPOSER_SIZE = { tall: 236, short: 132 };
const COMPOSER_SIZE_BESIDE_ERRORS = { tall: 170, short: 111 };
const COMPOSER_SIZE_BESIDE_HELD = { tall: 150, short: 98 };
/**
 * The connections section's height in pixels: its heading (30), the column names (35) and whole
 * rows (42 each): two in a short window, one in a taller one, where the composer starts with all
 * its rows. Where it fits, it is the section's minimum too, so that a shrinking window takes from
 * the composer and not from these rows; beside the errors a short window has no room for that.
 */
const CONNECTIONS_SIZE = { tall: 108, short: 152 };
/**
 * A relay's pair shows two legs, and with TLS each leg's handshake in a row below: whole from
 * 1920×1080 on, scrolled to in a smaller window.
 */
const RELAY_CONNECTIONS_SIZE = { tall: 160, short: 152 };
const UDP_CONNECTIONS_SIZE = 64;
/** Its heading and the row of hold switches. */
const HELD_SIZE = 64;
const SECTION_MIN_SIZE = 60;

const NO_RECORDS: readonly ConnectionRecord[] = [];
const NO_SESSION = '';

/**
 * A live session or an opened transcript, drawn from one model: header, connections, errors,
 * log and its status bar, each resizable and all but the log collapsible. What only a live
 * session has (automation, a relay's held messages, the composer) is absent for a transcript.
 */
function SessionView({ view }: { view: SessionViewModel }) {
  const t = useT();
  const { live } = view;
  const open = useConnectionIds(live?.id ?? NO_SESSION).length;
  const withErrors = view.errors.length > 0;
  // The group's sizes are remembered for each set of panels it has shown.
  const { defaultLayout, onLayoutChanged } = usePanelLayout(
    `${live ? (live.kind === 'relay' ? 'relay' : 'session') : 'transcript'}${withErrors ? ':errors' : ''}`,
  );
  const udp = view.header.kind === 'udp';
  // Followed as the window changes, so that a window made short gets the short one's sizes.
  const height = useMediaQuery(SHORT_WINDOW, { noSsr: true }) ? 'short' : 'tall';
  const relay = live?.kind === 'relay';
  const connectionsSize = udp ? UDP_CONNECTIONS_SIZE : (relay ? RELAY_CONNECTIONS_SIZE : CONNECTIONS_SIZE)[height];
  return (
    <>
      <SessionHeader model={view.header} />
      <Group orientation="vertical" defaultLayout={defaultLayout} onLayoutChanged={onLayoutChanged} style={{ flex: 1, minHeight: 0 }}>
        {/* In the group, so opening it takes room the group's way and the log keeps its minimum. */}
        {live && live.kind !== 'relay' ? <AutomationPanel key={live.id} session={live} /> : null}
        {/* A transcript of UDP names no connections, and no last sender either. */}
        {live || !udp ? (
          <SectionAbove
            id="connections"
            title={t('layout.connections')}
            summary={
              udp ? null : (
                <Typography variant="caption" color="text.secondary">
                  {t('layout.connectionCount', { count: live ? open : view.connections.length })}
                </Typography>
              )
            }
            actions={live ? <ClearClosedButton sessionId={live.id} /> : null}
            defaultSize={connectionsSize}
            minSize={udp || withErrors ? SECTION_MIN_SIZE : connectionsSize}
          >
            <ConnectionList view={view} />
          </SectionAbove>
        ) : null}
        {live?.kind === 'relay' ? (
          <SectionAbove id="held" title={t('layout.held')} defaultSize={HELD_SIZE} minSize={SECTION_MIN_SIZE}>
            <HeldPanel session={live} />
          </SectionAbove>
        ) : null}
        {withErrors ? (
          <SectionAbove
            id="errors"
            title={t(live ? 'header.recentErrors' : 'transcripts.errors')}
            summary={
              <Typography variant="caption" color="warning.main">
                {view.errors.length}
              </Typography>
            }
            actions={live ? <DismissErrorsButton sessionId={live.id} /> : null}
            defaultSize={SECTION_MIN_SIZE}
            minSize={SECTION_MIN_SIZE}
          >
            <SessionErrors errors={view.errors} />
          </SectionAbove>
        ) : null}
        <Panel id="log" minSize={LOG_MIN_SIZE}>
          <LogPanel source={live ? { type: 'session', sessionId: live.id } : { type: 'transcript', transcriptId: view.id }} />
        </Panel>
        {live ? (
          <>
            <Splitter orientation="vertical" label={t('layout.resize', { name: t('composer.label') })} />
            {/* Keyed so a half-typed payload and its target never carry over to another session. */}
            <Composer
              key={live.id}
              sessionId={live.id}
              kind={live.kind}
              open={live.state === 'open'}
              udpRemote={live.config.kind === 'udp' ? live.config.remote : undefined}
              // Smaller beside another section, so that every section starts open at 1280×800.
              defaultSize={(withErrors ? COMPOSER_SIZE_BESIDE_ERRORS : relay ? COMPOSER_SIZE_BESIDE_HELD : COMPOSER_SIZE)[height]}
              minSize={90}
            />
          </>
        ) : null}
      </Group>
    </>
  );
}

export function LiveSession({ session }: { session: SessionShape }) {
  const errors = useSessionErrors(session);
  const closed = useInspector((state) => state.closedConnections.get(session.id) ?? NO_RECORDS);
  const view = useMemo(() => liveSessionModel(session, closed, errors), [session, closed, errors]);
  return <SessionView view={view} />;
}

export function OpenedTranscript({ transcript }: { transcript: OpenTranscript }) {
  const view = useMemo(() => transcriptModel(transcript), [transcript]);
  return <SessionView view={view} />;
}
