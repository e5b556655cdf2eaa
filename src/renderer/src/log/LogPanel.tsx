import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Divider from '@mui/material/Divider';
import FormControlLabel from '@mui/material/FormControlLabel';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import IconButton from '@mui/material/IconButton';
import SvgIcon from '@mui/material/SvgIcon';
import Tooltip from '@mui/material/Tooltip';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { compileByteQuery, containsBytes } from '@shared/byte-search';
import type { TextEncodingName } from '@shared/contract';
import { usePayloadLibraryStore } from '../composer/composer-stores';
import { saveBytesAsPayload } from '../composer/payload-library';
import { formatByteSize } from '../format';
import { ChecksumField } from '../protocol/ChecksumField';
import { checksumGood } from '../protocol/checksum-mark';
import { useFormatNumber, useSay, useT } from '../i18n/i18n-context';
import { problemWords } from '@shared/text-encoding';
import { EMPTY_LOG } from '../store/apply-batch';
import { ZERO_COUNTERS, type SessionLog } from '../store/views';
import { LOG_VIEWS, type FramingSettings, type LogView } from '../store/log-prefs';
import { useInspector } from '../store/store-context';
import { framingConfigOf } from './framing-config';
import { describeFraming } from './FramingControls';
import { FilteredView, FramedView, listOf, rawSource, SeenSources, sourceOf, type LogItem } from './log-items';
import { activeFilters, LogFilters, LogSearchField, NO_FILTERS, type LogFilterState } from './LogFilters';
import { ToolbarPopover } from './ToolbarPopover';
import { PauseIcon } from '../components/PauseIcon';
import { LogList, type Reveal } from './LogList';
import { indexOfItem, MatchIndex, NO_MATCHES, type MatchPlace } from './search-matches';
import { LogSettingsButton } from './LogSettingsButton';
import { LiveLogStatusBar, LogStatusBar } from './LogStatusBar';
import { defaultPayloadName, payloadHex, payloadText } from './payload-view';
import { SavePayloadDialog } from './SavePayloadDialog';

const VIEW_LABELS = { text: 'log.text', hex: 'log.hex', both: 'log.both' } as const;
const OVERRIDE_LABELS = { text: 'log.actions.viewText', hex: 'log.actions.viewHex', both: 'log.actions.viewBoth' } as const;

/** Per-entry views belong to the items of one framing: other framings have other items. */
interface Overrides {
  framing: FramingSettings;
  views: ReadonlyMap<number, LogView>;
}

function useClipboard(report: (message: string) => void) {
  const t = useT();
  return useCallback(
    async (text: string, kind: 'hex' | 'text') => {
      const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
      try {
        if (!clipboard || typeof clipboard.writeText !== 'function') throw new Error('no clipboard');
        await clipboard.writeText(text);
        report(t(kind === 'hex' ? 'log.copied.hex' : 'log.copied.text'));
      } catch {
        // Missing (plain http in browser mode) or refused (no focus, no permission): say so.
        report(t('log.copyUnavailable'));
      }
    },
    [report, t],
  );
}

/** The whole-log view; memoized so a batch of traffic does not redraw it. */
const ViewControls = memo(function ViewControls() {
  const t = useT();
  const view = useInspector((state) => state.logView);
  const setLogView = useInspector((state) => state.setLogView);
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      aria-label={t('log.view')}
      value={view}
      sx={{ flex: 'none' }}
      onChange={(_event, next: unknown) => {
        if (LOG_VIEWS.includes(next as LogView)) setLogView(next as LogView);
      }}
    >
      {LOG_VIEWS.map((option) => (
        <ToggleButton key={option} value={option} sx={{ whiteSpace: 'nowrap', py: 0.25 }}>
          {t(VIEW_LABELS[option])}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
});

function MaximizeIcon({ maximized }: { maximized: boolean }) {
  return (
    <SvgIcon fontSize="small">
      {maximized ? (
        <path d="M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z" />
      ) : (
        <path d="M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z" />
      )}
    </SvgIcon>
  );
}

/** Fills the window with the log, and back; Esc restores too. */
const MaximizeButton = memo(function MaximizeButton() {
  const t = useT();
  const maximized = useInspector((state) => state.logMaximized);
  const setLogMaximized = useInspector((state) => state.setLogMaximized);
  useEffect(() => {
    if (!maximized) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) setLogMaximized(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [maximized, setLogMaximized]);
  return (
    <Tooltip title={t(maximized ? 'layout.restoreLog' : 'layout.maximizeLog')}>
      <IconButton size="small" aria-pressed={maximized} aria-label={t('layout.maximizeLog')} onClick={() => setLogMaximized(!maximized)}>
        <MaximizeIcon maximized={maximized} />
      </IconButton>
    </Tooltip>
  );
});

/** Where a panel's entries come from: a live session in the store, or a transcript opened read-only. */
export type LogSource = { type: 'session'; sessionId: string } | { type: 'transcript'; transcriptId: string };

interface EntryMenuProps {
  menu: { item: LogItem; anchor: HTMLElement } | undefined;
  views: ReadonlyMap<number, LogView> | undefined;
  encoding: TextEncodingName;
  onClose(): void;
  onView(item: LogItem, view: LogView | undefined): void;
  onCopy(text: string, kind: 'hex' | 'text'): void;
  onSave(item: LogItem): void;
  /** A live session that runs rules: received messages can be tried on them. */
  onTryRules: ((item: LogItem) => void) | undefined;
}

/** One entry's actions; memoized so that a batch of traffic does not redraw the closed menu. */
const EntryMenu = memo(function EntryMenu({ menu, views, encoding, onClose, onView, onCopy, onSave, onTryRules }: EntryMenuProps) {
  const t = useT();
  const menuItem = menu?.item;
  return (
    <Menu anchorEl={menu?.anchor} open={menu !== undefined} onClose={onClose}>
      {menuItem
        ? [
            <MenuItem key="log" selected={!views?.has(menuItem.id)} onClick={() => onView(menuItem, undefined)}>
              {t('log.actions.viewLog')}
            </MenuItem>,
            ...LOG_VIEWS.map((option) => (
              <MenuItem key={option} selected={views?.get(menuItem.id) === option} onClick={() => onView(menuItem, option)}>
                {t(OVERRIDE_LABELS[option])}
              </MenuItem>
            )),
            <Divider key="divider" />,
            <MenuItem key="copy-hex" onClick={() => onCopy(payloadHex(menuItem.bytes), 'hex')}>
              {t('log.actions.copyHex')}
            </MenuItem>,
            <MenuItem key="copy-text" onClick={() => onCopy(payloadText(menuItem.bytes, encoding), 'text')}>
              {t('log.actions.copyText')}
            </MenuItem>,
            <MenuItem key="save" onClick={() => onSave(menuItem)}>
              {t('log.actions.save')}
            </MenuItem>,
            ...(onTryRules && menuItem.dir === 'rx'
              ? [
                  <MenuItem key="try-rules" onClick={() => onTryRules(menuItem)}>
                    {t('log.actions.tryRules')}
                  </MenuItem>,
                ]
              : []),
          ]
        : null}
    </Menu>
  );
});

/** A sweep, for emptying the log (a bin would say the session goes). */
function ClearLogIcon() {
  return (
    <SvgIcon fontSize="small">
      <path d="M15 16h4v2h-4zm0-8h7v2h-7zm0 4h6v2h-6zM3 18c0 1.1.9 2 2 2h6c1.1 0 2-.9 2-2V8H3v10zM14 5h-3l-1-1H6L5 5H2v2h12z" />
    </SvgIcon>
  );
}

function PlayIcon() {
  return (
    <SvgIcon fontSize="small">
      <path d="M8 5v14l11-7z" />
    </SvgIcon>
  );
}

/** Entries that came after `frozen` was taken: the whole log if it was cleared since. */
function heldBack(live: SessionLog, frozen: SessionLog): number {
  if (live.epoch !== frozen.epoch) return live.dropped + live.entries.length;
  return live.dropped + live.entries.length - (frozen.dropped + frozen.entries.length);
}

function SourceLogPanel({ source: from }: { source: LogSource }) {
  const t = useT();
  const liveLog = useInspector(
    (state) => (from.type === 'session' ? state.logs.get(from.sessionId) : state.transcripts.get(from.transcriptId)?.log) ?? EMPTY_LOG,
  );
  // Capture paused: the view keeps the log as it was (a snapshot the store never writes into);
  // the engine, the sockets and the recording go on, and resuming shows everything in order.
  const [frozen, setFrozen] = useState<SessionLog | undefined>();
  const log = frozen ?? liveLog;
  const transcriptCounters = useInspector((state) =>
    from.type === 'transcript' ? state.transcripts.get(from.transcriptId)?.counters : undefined,
  );
  const view = useInspector((state) => state.logView);
  const encoding = useInspector((state) => state.logEncoding);
  const framing = useInspector((state) => state.framing);
  const rowLook = useInspector((state) => state.rowLook);
  const limit = useInspector((state) => state.logLimit);
  const bytesLimit = useInspector((state) => state.logBytesLimit);
  const formatNumber = useFormatNumber();
  const clearLog = useInspector((state) => state.clearLog);
  const library = usePayloadLibraryStore();

  const [filters, setFilters] = useState<LogFilterState>(NO_FILTERS);
  const checksum = useInspector((state) => state.logChecksum);
  const setChecksum = useInspector((state) => state.setLogChecksum);
  const [badOnly, setBadOnly] = useState(false);
  const badChecksumsOnly = badOnly ? checksum : undefined;
  const [overrides, setOverrides] = useState<Overrides>({ framing, views: new Map() });
  const [menu, setMenu] = useState<{ item: LogItem; anchor: HTMLElement } | undefined>();
  const [saving, setSaving] = useState<LogItem | undefined>();
  const [message, setMessage] = useState('');
  const copy = useClipboard(setMessage);

  const choice = useMemo(() => framingConfigOf(framing), [framing]);
  const framedView = useMemo(() => (choice.ok && choice.config.mode !== 'raw' ? new FramedView(choice.config) : undefined), [choice]);
  // Gap framing completes a frame by silence alone: wake when the next one's gap has passed.
  // Until then, time is what the newest entry says, so the same entries always frame the same.
  const [wokeAt, setWokeAt] = useState(0);
  const source = useMemo(
    () => (framedView ? framedView.update(log, Math.max(wokeAt, log.entries.at(log.entries.length - 1)?.at ?? 0)) : rawSource(log)),
    [framedView, log, wokeAt],
  );
  useEffect(() => {
    const deadline = framedView?.nextDeadline();
    if (deadline === undefined) return undefined;
    const timer = setTimeout(() => setWokeAt(Math.max(deadline, Date.now())), Math.max(0, deadline - Date.now()) + 1);
    return () => clearTimeout(timer);
  }, [framedView, source]);

  const seenSources = useMemo(() => new SeenSources(), []);
  const sources = useMemo(() => seenSources.update(log), [seenSources, log]);

  const compiled = useMemo(
    () =>
      compileByteQuery(
        filters.queryKind === 'hex'
          ? { kind: 'hex', value: filters.query }
          : { kind: 'text', value: filters.query, encoding, ignoreCase: filters.ignoreCase },
      ),
    [filters.query, filters.queryKind, filters.ignoreCase, encoding],
  );
  const query = compiled.ok ? compiled.query : undefined;
  const filterQuery = filters.matchMode === 'filter' ? query : undefined;
  const say = useSay();
  const { direction, source: onlySource, events } = filters;
  const filteredView = useMemo(() => {
    if (direction === 'both' && onlySource === '' && filterQuery === undefined && events && badChecksumsOnly === undefined)
      return undefined;
    return new FilteredView((item) =>
      item.lifecycle
        ? // Events have no bytes to match or direction to go: shown unless hidden, or a search narrows to bytes.
          events && filterQuery === undefined && badChecksumsOnly === undefined && (onlySource === '' || item.connId === onlySource)
        : (direction === 'both' || item.dir === direction) &&
          (onlySource === '' || sourceOf(item) === onlySource) &&
          (filterQuery === undefined || containsBytes(item.bytes, filterQuery)) &&
          (badChecksumsOnly === undefined || (item.dir === 'rx' && !item.partial && !checksumGood(badChecksumsOnly, item.bytes))),
    );
  }, [direction, onlySource, filterQuery, events, badChecksumsOnly]);
  const shown = useMemo(() => (filteredView ? filteredView.update(source) : source), [filteredView, source]);
  const items = useMemo(() => listOf(shown), [shown]);

  const matchIndex = useMemo(() => (query ? new MatchIndex(query) : undefined), [query]);
  const matches = useMemo(() => (matchIndex ? matchIndex.update(shown) : NO_MATCHES), [matchIndex, shown]);
  // The match next and previous stand on, with its index when it was chosen (for when its row leaves).
  const [current, setCurrent] = useState<{ place: MatchPlace; index: number; query: object } | undefined>();
  const [reveal, setReveal] = useState<Reveal | undefined>();
  const currentPlace = current && current.query === query ? current.place : undefined;
  const currentIndex = currentPlace ? (matches.indexOf(currentPlace) ?? Math.min(current!.index, matches.total - 1)) : undefined;
  const goToMatch = useCallback(
    (step: 1 | -1) => {
      if (!query || matches.total === 0) return;
      const index =
        currentIndex === undefined || currentIndex < 0
          ? step === 1
            ? 0
            : matches.total - 1
          : (currentIndex + step + matches.total) % matches.total;
      const place = matches.at(index);
      if (!place) return;
      setCurrent({ place, index, query });
      const row = indexOfItem(items, shown, place.id);
      if (row !== undefined) setReveal((last) => ({ index: row, seq: (last?.seq ?? 0) + 1 }));
    },
    [query, matches, currentIndex, items, shown],
  );
  // F3 and Shift+F3 go through the matches from anywhere, as in an editor or a browser.
  useEffect(() => {
    if (!query) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'F3' || event.defaultPrevented) return;
      event.preventDefault();
      goToMatch(event.shiftKey ? -1 : 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [query, goToMatch]);

  const views = overrides.framing === framing ? overrides.views : undefined;
  const viewOf = useCallback((item: LogItem) => views?.get(item.id) ?? view, [views, view]);
  const onActions = useCallback((item: LogItem, anchor: HTMLElement) => setMenu({ item, anchor }), []);
  const row = useMemo(() => ({ encoding, highlight: query, checksum, onActions }), [encoding, query, checksum, onActions]);

  const closeMenu = useCallback(() => setMenu(undefined), []);
  const setOverride = useCallback(
    (item: LogItem, next: LogView | undefined) => {
      const map = new Map(views ?? []);
      if (next) map.set(item.id, next);
      else map.delete(item.id);
      setOverrides({ framing, views: map });
      setMenu(undefined);
    },
    [views, framing],
  );
  const copyFrom = useCallback(
    (text: string, kind: 'hex' | 'text') => {
      setMenu(undefined);
      void copy(text, kind);
    },
    [copy],
  );
  const saveFrom = useCallback((item: LogItem) => {
    setMenu(undefined);
    setSaving(item);
  }, []);
  const sessionId = from.type === 'session' ? from.sessionId : undefined;
  const runsRules = useInspector((state) => sessionId !== undefined && state.sessions.get(sessionId)?.kind !== 'relay');
  const tryRulesOn = useInspector((state) => state.tryRulesOn);
  const tryRulesFrom = useCallback(
    (item: LogItem) => {
      setMenu(undefined);
      if (sessionId !== undefined) tryRulesOn(sessionId, item.bytes);
    },
    [sessionId, tryRulesOn],
  );

  const framed = framedView !== undefined;
  const maximized = useInspector((state) => state.logMaximized);
  const filtering = filteredView !== undefined;

  return (
    <Box
      component="section"
      aria-label={t('log.title')}
      sx={
        maximized
          ? { position: 'fixed', inset: 0, zIndex: 'appBar', bgcolor: 'background.default', display: 'flex', flexDirection: 'column' }
          : { height: '100%', minHeight: 0, display: 'flex', flexDirection: 'column' }
      }
    >
      <Stack
        direction="row"
        spacing={1}
        useFlexGap
        sx={{ px: 1.5, py: 0.5, borderBottom: 1, borderColor: 'divider', alignItems: 'center', flex: 'none', minWidth: 0 }}
        role="toolbar"
        aria-label={t('log.toolbar')}
      >
        <Typography variant="subtitle2" component="h3" sx={{ flex: 'none' }}>
          {t('log.title')}
        </Typography>
        <Typography variant="caption" color="text.secondary" noWrap sx={{ flex: 'none' }}>
          {framed
            ? t('log.countFrames', { count: source.completed.length + source.partials.length - (source.events ?? 0) })
            : t('log.count', { count: log.entries.length })}
        </Typography>
        {filtering ? (
          <Typography variant="caption" color="text.secondary" noWrap sx={{ flex: 'none' }}>
            {t('log.shown', { count: items.length })}
          </Typography>
        ) : null}
        <Typography variant="caption" color="primary" data-testid="log-framing" noWrap sx={{ minWidth: 0, flex: '0 1 auto' }}>
          {describeFraming(framing, t)}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <LogSearchField
          filters={filters}
          onChange={setFilters}
          problem={compiled.ok ? undefined : { words: problemWords(compiled, say), index: compiled.index }}
          matches={query ? { total: matches.total, current: currentIndex } : undefined}
          onStep={goToMatch}
        />
        <ToolbarPopover label={t('log.filters')} active={activeFilters(filters) + (badChecksumsOnly ? 1 : 0)}>
          <LogFilters filters={filters} onChange={setFilters} sources={sources} />
          {checksum ? (
            <FormControlLabel
              control={<Checkbox size="small" checked={badOnly} onChange={(event) => setBadOnly(event.target.checked)} />}
              label={t('protocol.verify.badOnly')}
            />
          ) : null}
        </ToolbarPopover>
        <ViewControls />
        <LogSettingsButton checksum={<ChecksumField value={checksum} onChange={setChecksum} />} checksumOn={checksum !== undefined} />
        {from.type === 'session' ? (
          <Tooltip title={t(frozen ? 'log.capture.resume' : 'log.capture.pause')}>
            <IconButton
              size="small"
              aria-label={t('log.capture.pauseLabel')}
              aria-pressed={frozen !== undefined}
              color={frozen ? 'warning' : 'default'}
              onClick={() => setFrozen(frozen ? undefined : liveLog)}
            >
              {frozen ? <PlayIcon /> : <PauseIcon />}
            </IconButton>
          </Tooltip>
        ) : null}
        {/* A transcript is evidence as read from its file: nothing to clear. */}
        {from.type === 'session' ? (
          <Tooltip title={t('log.clearLabel')}>
            <span>
              <IconButton
                size="small"
                aria-label={t('log.clearLabel')}
                disabled={liveLog.entries.length === 0 && liveLog.dropped === 0}
                onClick={() => clearLog(from.sessionId)}
              >
                <ClearLogIcon />
              </IconButton>
            </span>
          </Tooltip>
        ) : null}
        <MaximizeButton />
      </Stack>
      {frozen ? (
        <Stack
          direction="row"
          spacing={1}
          role="status"
          data-testid="log-capture-paused"
          useFlexGap
          sx={{
            px: 1.5,
            py: 0.25,
            alignItems: 'center',
            flexWrap: 'wrap',
            bgcolor: 'warning.main',
            color: 'warning.contrastText',
            flex: 'none',
          }}
        >
          <Typography variant="caption" sx={{ fontWeight: 600 }}>
            {t('log.capture.paused', { count: heldBack(liveLog, frozen) })}
          </Typography>
          <Button
            size="small"
            color="inherit"
            variant="outlined"
            onClick={() => setFrozen(undefined)}
            sx={{ py: 0, minHeight: 0, flex: 'none' }}
          >
            {t('log.capture.resumeButton')}
          </Button>
        </Stack>
      ) : null}
      {log.dropped > 0 ? (
        <Typography variant="caption" color="warning.main" sx={{ px: 1.5 }} data-testid="log-dropped">
          {log.droppedFor === 'bytes'
            ? t(from.type === 'session' ? 'log.droppedNote.bytes' : 'transcripts.notShown.bytes', {
                count: log.dropped,
                bytes: formatByteSize(bytesLimit, formatNumber),
              })
            : t(from.type === 'session' ? 'log.droppedNote' : 'transcripts.notShown', { count: log.dropped, limit })}
        </Typography>
      ) : null}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {log.entries.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 1 }}>
            {t(from.type === 'session' ? 'log.empty' : 'transcripts.noData')}
          </Typography>
        ) : items.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 1 }}>
            {t('log.noMatches')}
          </Typography>
        ) : (
          <LogList items={items} label={t('log.list')} row={row} viewOf={viewOf} look={rowLook} current={currentPlace} reveal={reveal} />
        )}
      </Box>
      {from.type === 'session' ? (
        <LiveLogStatusBar sessionId={from.sessionId} log={log} message={message} />
      ) : (
        <LogStatusBar counters={transcriptCounters ?? ZERO_COUNTERS} log={log} message={message} />
      )}
      <EntryMenu
        menu={menu}
        views={views}
        encoding={encoding}
        onClose={closeMenu}
        onView={setOverride}
        onCopy={copyFrom}
        onSave={saveFrom}
        onTryRules={runsRules ? tryRulesFrom : undefined}
      />
      {saving ? (
        <SavePayloadDialog
          defaultName={defaultPayloadName(saving)}
          onClose={() => setSaving(undefined)}
          onSave={(name) => {
            saveBytesAsPayload(library, name, saving.bytes);
            setSaving(undefined);
            setMessage(t('log.saved', { name }));
          }}
        />
      ) : null}
    </Box>
  );
}

/** Keyed by source: searches, filters and per-entry views belong to the session or file they were made in. */
export function LogPanel({ source }: { source: LogSource }) {
  const key = source.type === 'session' ? `session:${source.sessionId}` : `transcript:${source.transcriptId}`;
  return <SourceLogPanel key={key} source={source} />;
}
