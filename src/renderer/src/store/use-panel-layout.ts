import { useCallback, useState } from 'react';
import type { PanelLayout } from './layout-prefs';
import { useInspector } from './store-context';

/**
 * A resizable group's remembered sizes: the layout to start from (read once, as the group
 * mounts) and the callback that keeps what the user chose. Only the user's own moves are kept,
 * not the library's fitting of panels into a smaller window.
 */
export function usePanelLayout(groupId: string): {
  defaultLayout: PanelLayout | undefined;
  onLayoutChanged: (layout: PanelLayout, meta: { isUserInteraction: boolean; requestedLayout?: PanelLayout | undefined }) => void;
} {
  const saved = useInspector((state) => state.layouts[groupId]);
  const [defaultLayout] = useState(saved);
  const setPanelLayout = useInspector((state) => state.setPanelLayout);
  const onLayoutChanged = useCallback(
    (layout: PanelLayout, meta: { isUserInteraction: boolean; requestedLayout?: PanelLayout | undefined }) => {
      if (meta.isUserInteraction) setPanelLayout(groupId, meta.requestedLayout ?? layout);
    },
    [groupId, setPanelLayout],
  );
  return { defaultLayout, onLayoutChanged };
}
