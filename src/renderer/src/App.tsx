import { useEffect, useMemo, useState } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { InspectorBridge } from '@shared/contract';
import { filesFor, type FileAccess } from './api/files';
import { HostContext, type Host } from './api/host-context';
import { FullPageMessage } from './components/FullPageMessage';
import { LinkBanner } from './components/LinkBanner';
import { UndoProvider } from './components/UndoProvider';
import { createComposerDrafts } from './composer/composer-drafts';
import { ComposerStoresContext, type ComposerStores } from './composer/composer-stores';
import { createPayloadLibrary } from './composer/payload-library';
import { createSendHistory } from './composer/send-history';
import { alwaysOpen, type Link } from './api/link';
import { I18nProvider } from './i18n/I18nProvider';
import { useT } from './i18n/i18n-context';
import type { Language } from './i18n/languages';
import { LanguageSelect } from './settings/LanguageSelect';
import { ThemeModeProvider } from './settings/ThemeModeProvider';
import { ThemeSwitch } from './settings/ThemeSwitch';
import { InspectorStoreProvider } from './store/InspectorStoreProvider';
import { browserStorage, type KeyValueStorage } from './store/persisted';
import type { InspectorStore } from './store/inspector-store';
import { createSequenceLibrary, SequenceLibraryContext, type SequenceLibraryStore } from './protocol/sequence-library';
import { SessionWorkspace, sessionViewPart } from './SessionWorkspace';
import { preloadWhenIdle, type LazyPart } from './lazy-part';
import { NewSessionProvider, newSessionDialogPart } from './sessions/NewSessionProvider';
import { WorkbenchLayout } from './WorkbenchLayout';
import { SessionSidebar } from './sessions/SessionSidebar';
import { OpenTranscriptButton, transcriptReaderPart } from './transcripts/OpenTranscriptButton';
import { RecordingSettingsButton } from './transcripts/RecordingSettingsButton';
import { RecordingSettingsProvider } from './transcripts/RecordingSettingsProvider';
import { WorkspaceContext } from './workspace/workspace-context';
import { KeptKeysNotice } from './workspace/KeptKeysNotice';
import { ServerRestartNotice } from './workspace/ServerRestartNotice';
import { ShortcutsButton } from './workspace/ShortcutsButton';
import { WorkspaceFileButtons } from './workspace/WorkspaceFileButtons';
import { createWorkspaceStore, type WorkspaceStore } from './workspace/workspace-store';

function TopBar() {
  const t = useT();
  return (
    <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
      {/* Room above the fields: the outlined language select's floating label needs it. */}
      {/* One row at 1024 px too: the text buttons never wrap, and take smaller type below 1200 px. */}
      <Toolbar
        variant="regular"
        sx={{
          gap: { xs: 0.5, lg: 1 },
          minHeight: { xs: 56 },
          py: 1,
          '& .MuiButton-text': { whiteSpace: 'nowrap', flexShrink: 0, minWidth: 0, px: 0.75, fontSize: { xs: '0.75rem', lg: '0.875rem' } },
        }}
      >
        <Typography variant="h6" component="h1" sx={{ flex: 1, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography>
        <WorkspaceFileButtons />
        <OpenTranscriptButton />
        <RecordingSettingsButton />
        <ThemeSwitch />
        <LanguageSelect />
        <ShortcutsButton />
      </Toolbar>
    </AppBar>
  );
}

/** What the first screen does not draw, each in its own chunk: loaded after it, before the user asks for it. */
export const APP_PARTS: readonly LazyPart<unknown>[] = [sessionViewPart, newSessionDialogPart, transcriptReaderPart];

function Workbench() {
  useEffect(() => preloadWhenIdle(APP_PARTS), []);
  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
      <TopBar />
      <LinkBanner />
      <ServerRestartNotice />
      <KeptKeysNotice />
      <UndoProvider>
        <NewSessionProvider>
          <WorkbenchLayout sidebar={<SessionSidebar />}>
            <SessionWorkspace />
          </WorkbenchLayout>
        </NewSessionProvider>
      </UndoProvider>
    </Box>
  );
}

function MissingBridge() {
  const t = useT();
  return <FullPageMessage title={t('app.bridgeMissing.title')} body={t('app.bridgeMissing.body')} />;
}

/** What the user keeps across launches: one set per app, so that two apps share nothing. */
export interface SavedStores extends ComposerStores {
  workspace: WorkspaceStore;
  /** Absent: the app keeps none across launches (a test's stores). */
  sequences?: SequenceLibraryStore;
}

/** Each store loads itself from `storage` as it is created. */
export function createSavedStores(storage: KeyValueStorage | undefined): SavedStores {
  return {
    workspace: createWorkspaceStore(storage),
    payloads: createPayloadLibrary(storage),
    sendHistory: createSendHistory(storage),
    drafts: createComposerDrafts(),
    sequences: createSequenceLibrary(storage),
  };
}

export interface AppProps {
  /** The API; undefined when the page was opened without one. */
  bridge: InspectorBridge | undefined;
  /** Whether the bridge can reach the engine; Electron's always can. */
  link?: Link;
  /** How files are saved and opened; by default, what suits the bridge. */
  files?: FileAccess;
  /** Tests pin the language and bring their own stores; the app detects and creates them. */
  language?: Language;
  store?: InspectorStore;
  saved?: SavedStores;
}

export function App({ bridge, link = alwaysOpen, files, language, store, saved: given }: AppProps) {
  // They load themselves from localStorage as they are created, so the saved language is known before the first render.
  const [saved] = useState(() => given ?? createSavedStores(browserStorage()));
  const [sequences] = useState(() => saved.sequences ?? createSequenceLibrary(undefined));
  const host = useMemo<Host | undefined>(() => bridge && { api: bridge, link, files: files ?? filesFor(bridge) }, [bridge, link, files]);
  return (
    <WorkspaceContext.Provider value={saved.workspace}>
      <I18nProvider initial={language ?? saved.workspace.getState().language}>
        <ThemeModeProvider>
          {host ? (
            <HostContext.Provider value={host}>
              <InspectorStoreProvider store={store}>
                <ComposerStoresContext.Provider value={saved}>
                  <SequenceLibraryContext.Provider value={sequences}>
                    <RecordingSettingsProvider>
                      <Workbench />
                    </RecordingSettingsProvider>
                  </SequenceLibraryContext.Provider>
                </ComposerStoresContext.Provider>
              </InspectorStoreProvider>
            </HostContext.Provider>
          ) : (
            <MissingBridge />
          )}
        </ThemeModeProvider>
      </I18nProvider>
    </WorkspaceContext.Provider>
  );
}
