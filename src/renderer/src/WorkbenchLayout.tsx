import { useState, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import SvgIcon from '@mui/material/SvgIcon';
import { Group, Panel, usePanelRef } from 'react-resizable-panels';
import { Splitter } from './components/Panels';
import { useT } from './i18n/i18n-context';
import { usePanelLayout } from './store/use-panel-layout';

const COLLAPSED_SIDEBAR_PX = 36;

function SideArrow({ pointsLeft }: { pointsLeft: boolean }) {
  return (
    <SvgIcon fontSize="small" sx={{ transform: pointsLeft ? 'none' : 'rotate(180deg)' }}>
      <path d="M15.41 7.41 14 6l-6 6 6 6 1.41-1.41L10.83 12z" />
    </SvgIcon>
  );
}

/** The sidebar beside the workspace, with a splitter between them; the sidebar folds to a strip. */
export function WorkbenchLayout({ sidebar, children }: { sidebar: ReactNode; children: ReactNode }) {
  const t = useT();
  const panel = usePanelRef();
  const [collapsed, setCollapsed] = useState(false);
  const { defaultLayout, onLayoutChanged } = usePanelLayout('workbench');
  const name = t('layout.sidebar');
  return (
    <Group orientation="horizontal" defaultLayout={defaultLayout} onLayoutChanged={onLayoutChanged} style={{ flex: 1, minHeight: 0 }}>
      <Panel
        id="sidebar"
        panelRef={panel}
        collapsible
        collapsedSize={COLLAPSED_SIDEBAR_PX}
        defaultSize={300}
        minSize={220}
        maxSize="45%"
        onResize={() => setCollapsed(panel.current?.isCollapsed() ?? false)}
      >
        <Box
          component="aside"
          aria-label={t('app.sidebar')}
          sx={{ height: '100%', display: 'flex', flexDirection: collapsed ? 'column' : 'column-reverse', minHeight: 0 }}
        >
          <Box
            sx={{
              flex: 'none',
              display: 'flex',
              justifyContent: collapsed ? 'center' : 'flex-end',
              borderTop: collapsed ? 0 : 1,
              borderColor: 'divider',
            }}
          >
            <IconButton
              size="small"
              aria-expanded={!collapsed}
              aria-label={t(collapsed ? 'layout.expand' : 'layout.collapse', { name })}
              onClick={() => (collapsed ? panel.current?.expand() : panel.current?.collapse())}
            >
              <SideArrow pointsLeft={!collapsed} />
            </IconButton>
          </Box>
          <Box sx={{ flex: 1, minHeight: 0, overflow: 'auto', display: collapsed ? 'none' : 'block' }}>{sidebar}</Box>
        </Box>
      </Panel>
      <Splitter orientation="horizontal" label={t('layout.resize', { name })} />
      <Panel id="workspace" minSize="40%">
        {children}
      </Panel>
    </Group>
  );
}
