import { useEffect, useRef, useState, type KeyboardEventHandler, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import SvgIcon from '@mui/material/SvgIcon';
import Typography from '@mui/material/Typography';
import { styled, useTheme } from '@mui/material/styles';
import { Panel, Separator, useParentGroup, usePanelRef } from 'react-resizable-panels';
import { useT } from '../i18n/i18n-context';

/** Height of a section's heading row: what a collapsed section keeps, so it can be opened again. */
export const SECTION_HEAD_PX = 30;

/**
 * The handle between two panels: thin to the eye, with a wider hit area (the library's
 * minimum target), keyboard-operable (arrows move it, Enter collapses) and named for what it resizes.
 */
export function Splitter({ label, orientation }: { label: string; orientation: 'horizontal' | 'vertical' }) {
  const theme = useTheme();
  const across = orientation === 'horizontal';
  return (
    <FocusMarkedSeparator
      aria-label={label}
      style={{
        flexBasis: across ? 4 : 5,
        background: theme.palette.divider,
        cursor: across ? 'col-resize' : 'row-resize',
      }}
    />
  );
}

/** The browser's own 1px ring is lost on a 4px grey bar; focused from the keyboard it gets the controls' mark. */
const FocusMarkedSeparator = styled(Separator)(({ theme }) => ({
  '&:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 0 },
}));

function Chevron({ open }: { open: boolean }) {
  return (
    <SvgIcon fontSize="small" sx={{ transform: open ? 'none' : 'rotate(-90deg)', transition: 'transform 120ms' }}>
      <path d="M7 10l5 5 5-5z" />
    </SvgIcon>
  );
}

export interface SectionPanelProps {
  /** Unique in its group: the key its size is remembered by. */
  id: string;
  /** The section's name, for its heading and its landmark. */
  title: string;
  /** Beside the title: a count, a note. */
  summary?: ReactNode;
  /** At the end of the heading row. */
  actions?: ReactNode;
  defaultSize: string | number;
  minSize: string | number;
  maxSize?: string | number;
  /**
   * What the fold toggle names, where the title would make it a second button named like one
   * inside (the composer's "Send"): the title otherwise.
   */
  toggleName?: string;
  /** Keys caught before any control of the section sees them, heading included (the composer's Ctrl+Enter). */
  onKeyDownCapture?: KeyboardEventHandler<HTMLElement>;
  /**
   * Starts folded and is opened for a while (the automation panel): opened by its toggle it takes
   * `defaultSize`, or the size it last had, and folded by its toggle it hands the others back the
   * sizes they had before it opened, so nothing the library folded to make room stays folded.
   */
  startsCollapsed?: boolean;
  /** A new value opens the section if it is folded (something elsewhere on the page wants it seen). */
  openRequest?: number;
  /**
   * Grows and shrinks with the window beside the log (the composer), where the other sections keep
   * their height in pixels and leave the change to the log.
   */
  sharesWindowChange?: boolean;
  children: ReactNode;
}

/** The layout from before a section opened, for the panels still in the group; one that came since keeps its size. */
function layoutBefore(before: Readonly<Record<string, number>>, now: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(now).map(([id, size]) => [id, before[id] ?? size]));
}

/**
 * A resizable, collapsible section of a vertical group: a heading row with a toggle, and its
 * contents scrolling below. Collapsed, only the heading stays; the contents stay mounted (what
 * was typed or chosen there is kept) but hidden.
 */
export function SectionPanel({
  id,
  title,
  summary,
  actions,
  defaultSize,
  minSize,
  maxSize,
  toggleName = title,
  onKeyDownCapture,
  startsCollapsed = false,
  openRequest,
  sharesWindowChange = false,
  children,
}: SectionPanelProps) {
  const t = useT();
  const panel = usePanelRef();
  const group = useParentGroup();
  const [collapsed, setCollapsed] = useState(startsCollapsed);
  // For a section that starts folded: the group's layout before it opened, and the size it was open at.
  const before = useRef<Readonly<Record<string, number>> | undefined>(undefined);
  const [openSize, setOpenSize] = useState(defaultSize);
  const open = () => {
    if (!startsCollapsed || !group) {
      panel.current?.expand();
    } else {
      before.current = group.getLayout();
      panel.current?.resize(openSize);
    }
  };
  const toggle = () => {
    if (collapsed) open();
    else if (!startsCollapsed || !group) panel.current?.collapse();
    else {
      setOpenSize(panel.current?.getSize().inPixels ?? defaultSize);
      if (before.current) group.setLayout(layoutBefore(before.current, group.getLayout()));
      else panel.current?.collapse();
      before.current = undefined;
    }
  };
  const seenRequest = useRef(openRequest);
  useEffect(() => {
    if (openRequest === seenRequest.current) return;
    seenRequest.current = openRequest;
    if (panel.current?.isCollapsed()) open();
  });
  return (
    <Panel
      id={id}
      panelRef={panel}
      collapsible
      collapsedSize={SECTION_HEAD_PX}
      // A section that comes or goes makes the library lay the group out afresh from each panel's
      // default: an open section that started folded stays open then.
      defaultSize={startsCollapsed && collapsed ? SECTION_HEAD_PX : startsCollapsed ? openSize : defaultSize}
      // When the log reaches its minimum in a shrinking window the library takes the rest from the
      // panels in order, top first, and folds one pushed far enough under its minimum: with this
      // threshold a squeeze leaves an open section at its minimum, and only its toggle (or a drag
      // all the way) folds it.
      {...(typeof minSize === 'number' ? { collapsedThreshold: minSize - SECTION_HEAD_PX } : {})}
      // Without it a 30-pixel heading grows with the window into a band of hidden contents, and a
      // section sized for two rows shrinks to part of one (from 1280×800 to 1024×700).
      groupResizeBehavior={sharesWindowChange ? 'preserve-relative-size' : 'preserve-pixel-size'}
      minSize={minSize}
      {...(maxSize === undefined ? {} : { maxSize })}
      onResize={() => setCollapsed(panel.current?.isCollapsed() ?? false)}
    >
      <Box
        component="section"
        aria-label={title}
        onKeyDownCapture={onKeyDownCapture}
        sx={{ height: '100%', display: 'flex', flexDirection: 'column', minHeight: 0 }}
      >
        <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', height: SECTION_HEAD_PX, flex: 'none', pl: 0.5, pr: 1 }}>
          <IconButton
            size="small"
            aria-expanded={!collapsed}
            aria-label={t(collapsed ? 'layout.expand' : 'layout.collapse', { name: toggleName })}
            onClick={toggle}
          >
            <Chevron open={!collapsed} />
          </IconButton>
          <Typography variant="subtitle2" component="h3" noWrap>
            {title}
          </Typography>
          {summary}
          <Box sx={{ flex: 1 }} />
          {actions}
        </Stack>
        <Box sx={{ flex: 1, minHeight: 0, overflow: 'auto', display: collapsed ? 'none' : 'block' }}>{children}</Box>
      </Box>
    </Panel>
  );
}

/** A section above the log: the section, then the handle that resizes it against what comes below. */
export function SectionAbove(props: SectionPanelProps) {
  const t = useT();
  return (
    <>
      <SectionPanel {...props} />
      <Splitter orientation="vertical" label={t('layout.resize', { name: props.title })} />
    </>
  );
}
