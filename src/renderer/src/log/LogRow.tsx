import { memo, useMemo, type MouseEvent, type ReactNode } from 'react';
import Chip from '@mui/material/Chip';
import GlobalStyles from '@mui/material/GlobalStyles';
import type { CSSObject, Theme } from '@mui/material/styles';
import type { ChecksumOption, SendOrigin, TextEncodingName } from '@shared/contract';
import { matchRanges, type ByteQuery } from '@shared/byte-search';
import { hexDumpSpans } from '@shared/hex-dump';
import { visuallyHidden } from '../components/visually-hidden';
import { formatClock } from '../format';
import { useFormatNumber, useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import type { Lifecycle } from '../store/lifecycle';
import { lifecycleText } from './lifecycle-text';
import type { LogView } from '../store/log-prefs';
import { checksumMark } from '../protocol/checksum-mark';
import { MONO_FONT } from '../theme';
import { sourceOf, type LogItem } from './log-items';
import { formatDelta, payloadHexDump, payloadText, previewOf } from './payload-view';

const ARROWS = { rx: '↓', tx: '↑' } as const;

/** Class of the element that holds the rows: the rows' stylesheet applies inside it. */
export const LOG_ROWS_CLASS = 'si-rows';

function logRowStyles(theme: Theme): CSSObject {
  const { palette } = theme;
  const muted = { color: palette.text.secondary };
  return {
    '&[data-time="off"] .si-row-time, &[data-delta="off"] .si-row-delta': { display: 'none' },
    '&[data-wrap="off"] .si-row-payload[data-view="text"]': { whiteSpace: 'pre', overflowX: 'auto', wordBreak: 'normal' },
    '& .si-row[data-line="true"]': { display: 'flex', gap: theme.spacing(1), alignItems: 'baseline' },
    '& .si-row[data-line="true"] .si-row-head': { flex: 'none', flexWrap: 'nowrap' },
    '& .si-row[data-line="true"] .si-row-payload': { flex: 1, minWidth: 0 },
    '& .si-row': {
      padding: theme.spacing(0.25, 1.5),
      borderBottom: `1px solid ${palette.divider}`,
      fontSize: 'var(--si-log-font, 12px)',
      // Palette "main" colours have light and dark variants that both read on their theme's background.
      '&[data-dir="rx"]': { borderLeft: `3px solid ${palette.success.main}` },
      '&[data-dir="tx"]': { borderLeft: `3px solid ${palette.info.main}` },
      '&[data-dir="event"]': { borderLeft: `3px solid ${palette.text.disabled}`, backgroundColor: palette.action.hover },
      '&[data-dir="event"][data-tone="warning"]': { borderLeft: `3px solid ${palette.warning.main}` },
    },
    '& .si-row-event': { fontFamily: MONO_FONT, color: palette.text.primary, minWidth: 0, overflowWrap: 'anywhere' },
    '& [data-tone="warning"] .si-row-event': { color: palette.warning.main },
    '& .si-row-head': { display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' },
    '& .si-row-time': { fontFamily: MONO_FONT, ...muted },
    '& .si-row-delta': { fontFamily: MONO_FONT, ...muted, minWidth: 88 },
    '& .si-row-dir': { fontWeight: 700 },
    '& .si-row-flow': { fontWeight: 600, whiteSpace: 'nowrap' },
    '& .si-row-flow[data-flow="to-server"]': { color: palette.success.main },
    '& .si-row-flow[data-flow="to-client"]': { color: palette.info.main },
    '& [data-dir="rx"] .si-row-dir': { color: palette.success.main },
    '& [data-dir="tx"] .si-row-dir': { color: palette.info.main },
    '& .si-row-source': { fontFamily: MONO_FONT, minWidth: 48 },
    '& .si-row-length': { ...muted, minWidth: 56, textAlign: 'right' },
    '& .si-row-more': muted,
    '& .si-row-checksum': { fontFamily: MONO_FONT, color: palette.success.main },
    '& .si-row-checksum[data-good="false"]': { color: palette.error.main, fontWeight: 700 },
    '& .si-row-spacer': { flex: 1 },
    '& .si-row-hidden': visuallyHidden as CSSObject,
    '& .si-row-actions': {
      border: 0,
      margin: 0,
      padding: theme.spacing(0, 1),
      borderRadius: '50%',
      background: 'transparent',
      color: palette.action.active,
      font: 'inherit',
      fontSize: 14,
      // Under the line of text beside it, so the button never makes the row taller.
      lineHeight: '16px',
      cursor: 'pointer',
      '&:hover': { backgroundColor: palette.action.hover },
      '&:focus-visible': { outline: `2px solid ${palette.primary.main}`, outlineOffset: 1 },
    },
    '& .si-row-payload': { margin: 0, fontFamily: MONO_FONT },
    // Marks keep the text's own colour on a light ground in either theme, so they read at once.
    '& .si-mark': { backgroundColor: palette.warning.light, color: palette.common.black, borderRadius: 2 },
    '& .si-mark[data-current="true"]': {
      backgroundColor: palette.warning.dark,
      color: palette.common.white,
      outline: `2px solid ${palette.warning.dark}`,
    },
    '& .si-row-payload[data-view="text"]': { whiteSpace: 'pre-wrap', wordBreak: 'break-all' },
    '& .si-row-payload[data-view="hex"]': { whiteSpace: 'pre', overflowX: 'auto' },
  };
}

/**
 * The rows' look, as one stylesheet, drawn again only when the theme changes. A following log
 * mounts every row in sight anew at each batch; rows of plain elements with class names cost a
 * fraction of rows of styled components, each of which serializes and hashes its styles as it
 * renders.
 */
export const LogRowStyles = memo(function LogRowStyles() {
  return <GlobalStyles styles={(theme) => ({ [`.${LOG_ROWS_CLASS}`]: logRowStyles(theme) })} />;
});

export interface LogRowProps {
  item: LogItem;
  /** Time of the row above, for the delta; undefined for the first row. */
  previousAt: number | undefined;
  view: LogView;
  encoding: TextEncodingName;
  /** What is searched for: its matches are marked inside the payload; undefined when nothing is. */
  highlight: ByteQuery | undefined;
  /** Which of this row's matches is the one next and previous stand on, if it is here. */
  currentMatch?: number | undefined;
  /** Received rows are checked against it: ✓ or ✗ with the expected and the received value. */
  checksum: ChecksumOption | undefined;
  onActions: (item: LogItem, anchor: HTMLElement) => void;
}

/**
 * One entry or frame. Peer bytes reach the DOM only as the text of a text node: React escapes
 * it, and nothing here ever sets HTML. Decoding and the hex dump run when a row is drawn, and
 * the list draws only the rows in sight.
 */
export const LogRow = memo(function LogRow(props: LogRowProps) {
  return props.item.lifecycle ? (
    <LifecycleRow item={props.item} lifecycle={props.item.lifecycle} previousAt={props.previousAt} />
  ) : (
    <DataRow {...props} />
  );
});

/** Tones that ask for attention: a failure, a reset, an error. */
function toneOf(lifecycle: Lifecycle): 'warning' | undefined {
  if (lifecycle.kind === 'failed' || (lifecycle.kind === 'stale' && lifecycle.stale)) return 'warning';
  if (lifecycle.kind === 'closed' && (lifecycle.code !== undefined || lifecycle.reason.endsWith('reset') || lifecycle.reason === 'error'))
    return 'warning';
  return undefined;
}

/** Who sent bytes the user did not send by hand, in the words of the chip on their row. */
function originLabel(t: Translate, origin: SendOrigin): string {
  switch (origin.kind) {
    case 'rule':
      return t('automation.origin.rule', { name: origin.name === '' ? origin.ruleId : origin.name });
    case 'sequence':
      return t('automation.origin.sequence', { name: origin.name });
    case 'heartbeat':
      return t('automation.origin.heartbeat');
    case 'repeat':
      return t('automation.origin.repeat');
  }
}

/** When a row happened, and how long after the row above it. */
function RowTimes({ at, previousAt }: { at: number; previousAt: number | undefined }) {
  return (
    <>
      <span className="si-row-time" data-testid="log-time">
        {formatClock(at)}
      </span>
      <span className="si-row-delta" data-testid="log-delta">
        {previousAt === undefined ? '' : formatDelta(at - previousAt)}
      </span>
    </>
  );
}

/** What happened to the session or a connection: no bytes, words instead. */
function LifecycleRow({ item, lifecycle, previousAt }: { item: LogItem; lifecycle: Lifecycle; previousAt: number | undefined }) {
  const t = useT();
  const formatNumber = useFormatNumber();
  return (
    <div className="si-row" data-testid="log-event" data-dir="event" data-kind={lifecycle.kind} data-tone={toneOf(lifecycle)}>
      <div className="si-row-head">
        <RowTimes at={item.at} previousAt={previousAt} />
        <span className="si-row-dir">
          <span aria-hidden="true">●</span>
          <span className="si-row-hidden">{t('log.eventLabel')}</span>
        </span>
        <span className="si-row-source">{item.connId ?? ''}</span>
        <span className="si-row-event">{lifecycleText(t, lifecycle, formatNumber)}</span>
      </div>
    </div>
  );
}

/** A match as drawn: a mark element over text, never markup. */
function Mark({ text, current }: { text: string; current: boolean }) {
  return (
    <mark className="si-mark" data-testid="log-mark" data-current={current ? 'true' : undefined}>
      {text}
    </mark>
  );
}

/** The payload as text with each match's bytes decoded apart and marked. */
function markedText(bytes: Uint8Array, ranges: readonly [number, number][], encoding: TextEncodingName, current: number | undefined) {
  const parts: ReactNode[] = [];
  let from = 0;
  ranges.forEach(([start, end], nth) => {
    if (start > from) parts.push(payloadText(bytes.subarray(from, start), encoding));
    parts.push(<Mark key={nth} text={payloadText(bytes.subarray(start, end), encoding)} current={nth === current} />);
    from = end;
  });
  if (from < bytes.length) parts.push(payloadText(bytes.subarray(from), encoding));
  return parts;
}

/** The hex dump with each match marked in both columns. */
function markedDump(dump: string, ranges: readonly [number, number][], current: number | undefined) {
  const spans = ranges.flatMap(([start, end], nth) => hexDumpSpans(start, end).map(([from, to]) => ({ from, to, nth })));
  spans.sort((a, b) => a.from - b.from);
  const parts: ReactNode[] = [];
  let at = 0;
  spans.forEach(({ from, to, nth }, index) => {
    if (from > at) parts.push(dump.slice(at, from));
    parts.push(<Mark key={index} text={dump.slice(from, to)} current={nth === current} />);
    at = to;
  });
  parts.push(dump.slice(at));
  return parts;
}

function DataRow({ item, previousAt, view, encoding, highlight, currentMatch, checksum, onActions }: LogRowProps) {
  const t = useT();
  // Keyed on the item: a stored entry makes a new view of its bytes at each read.
  const preview = useMemo(() => previewOf(item.bytes), [item]);
  // Only the bytes drawn can be marked; a match running past the preview is marked up to its end.
  const ranges = useMemo(() => {
    if (highlight === undefined) return [];
    const limit = preview.bytes.length;
    return matchRanges(item.bytes.subarray(0, limit + highlight.needle.length - 1), highlight)
      .filter(([start]) => start < limit)
      .map(([start, end]): [number, number] => [start, Math.min(end, limit)]);
  }, [item, preview, highlight]);
  const matches = ranges.length > 0;
  const text = useMemo(
    () =>
      view === 'hex'
        ? undefined
        : matches
          ? markedText(preview.bytes, ranges, encoding, currentMatch)
          : payloadText(preview.bytes, encoding),
    [preview, view, encoding, ranges, matches, currentMatch],
  );
  const hex = useMemo(() => {
    if (view === 'text') return undefined;
    const dump = payloadHexDump(preview.bytes);
    return matches ? markedDump(dump, ranges, currentMatch) : dump;
  }, [preview, view, ranges, matches, currentMatch]);
  const source = sourceOf(item);
  const mark = useMemo(
    () => (checksum && item.dir === 'rx' && !item.partial ? checksumMark(t, checksum, item.bytes) : undefined),
    [checksum, item, t],
  );

  return (
    <div
      className="si-row"
      data-testid="log-entry"
      data-dir={item.dir}
      data-line={item.line ? 'true' : undefined}
      data-match={matches ? 'true' : undefined}
    >
      <div className="si-row-head">
        <RowTimes at={item.at} previousAt={previousAt} />
        <span className="si-row-dir">
          <span aria-hidden="true">{ARROWS[item.dir]}</span>
          <span className="si-row-hidden">{t(item.dir === 'rx' ? 'log.rx' : 'log.tx')}</span>
        </span>
        <span className="si-row-source">{source}</span>
        {item.relay ? (
          <span className="si-row-flow" data-testid="log-flow" data-flow={item.relay.flow}>
            {t(item.relay.flow === 'to-server' ? 'log.relay.toServer' : 'log.relay.toClient')}
          </span>
        ) : null}
        {item.relay?.held ? (
          <Chip size="small" color="warning" variant="outlined" data-testid="log-relay-mark" label={t('log.relay.held')} />
        ) : null}
        {item.relay?.edited ? (
          <Chip size="small" color="secondary" variant="outlined" data-testid="log-relay-mark" label={t('log.relay.edited')} />
        ) : null}
        {item.relay?.injected ? (
          <Chip size="small" color="info" variant="outlined" data-testid="log-relay-mark" label={t('log.relay.injected')} />
        ) : null}
        {item.relay?.byRelay ? (
          <Chip size="small" variant="outlined" data-testid="log-relay-mark" label={t('log.relay.byRelay')} />
        ) : item.relay && item.dir === 'tx' && !item.relay.edited && !item.relay.injected ? (
          <Chip size="small" variant="outlined" data-testid="log-relay-mark" label={t('log.relay.released')} />
        ) : null}
        <span className="si-row-length">{t('log.length', { count: item.bytes.byteLength })}</span>
        {item.origin ? <Chip size="small" variant="outlined" data-testid="log-origin" label={originLabel(t, item.origin)} /> : null}
        {item.reads ? (
          <Chip
            size="small"
            variant="outlined"
            data-testid="log-merged"
            label={t('log.merged', { count: item.reads })}
            aria-label={t('log.mergedLabel', { count: item.reads })}
          />
        ) : null}
        {item.partial ? (
          <Chip size="small" color="warning" variant="outlined" label={t('log.partial')} aria-label={t('log.partialLabel')} />
        ) : null}
        {item.endedByClose ? (
          <Chip size="small" variant="outlined" label={t('log.endedByClose')} aria-label={t('log.endedByCloseLabel')} />
        ) : null}
        {item.badLength ? (
          <Chip size="small" color="error" variant="outlined" label={t('log.badLength')} aria-label={t('log.badLengthLabel')} />
        ) : null}
        {mark ? (
          <span className="si-row-checksum" data-testid="log-checksum" data-good={mark.good ? 'true' : 'false'}>
            {mark.text}
          </span>
        ) : null}
        {matches ? <span className="si-row-hidden">{t('log.match')}</span> : null}
        <span className="si-row-spacer" />
        <button
          type="button"
          className="si-row-actions"
          aria-label={t('log.actions')}
          aria-haspopup="menu"
          onClick={(event: MouseEvent<HTMLElement>) => onActions(item, event.currentTarget)}
        >
          <span aria-hidden="true">⋯</span>
        </button>
      </div>
      {text !== undefined ? (
        <pre className="si-row-payload" data-testid="log-payload" data-view="text">
          {text}
        </pre>
      ) : null}
      {hex !== undefined ? (
        <pre className="si-row-payload" data-testid="log-payload" data-view="hex">
          {hex}
        </pre>
      ) : null}
      {preview.hidden > 0 ? <span className="si-row-more">{t('log.more', { count: preview.hidden })}</span> : null}
    </div>
  );
}
