/**
 * The workspace layout's own strings (splitters, collapsing, maximizing), English first; the
 * Chinese record must have exactly the same keys. Keys start with "layout.".
 */
export const layoutEn = {
  'layout.collapse': 'Collapse {name}',
  'layout.expand': 'Expand {name}',
  'layout.resize': 'Resize {name}',
  'layout.sidebar': 'the sidebar',
  'layout.connections': 'Connections',
  'layout.connectionCount': '{count} listed',
  'layout.clearClosed': 'Clear closed ({count})',
  'layout.maximizeLog': 'Maximize the log',
  'layout.restoreLog': 'Restore the layout',
  'layout.maximized': 'The log fills the window; press Esc or the button to restore the layout.',
  'layout.held': 'Held',
} as const;

export const layoutZhCN: Readonly<Record<keyof typeof layoutEn, string>> = {
  'layout.collapse': '折叠{name}',
  'layout.expand': '展开{name}',
  'layout.resize': '调整{name}的大小',
  'layout.sidebar': '侧边栏',
  'layout.connections': '连接',
  'layout.connectionCount': '共 {count} 个',
  'layout.clearClosed': '清除已关闭的（{count}）',
  'layout.maximizeLog': '最大化日志',
  'layout.restoreLog': '恢复布局',
  'layout.maximized': '日志占满窗口；按 Esc 或该按钮恢复布局。',
  'layout.held': '扣留',
};
