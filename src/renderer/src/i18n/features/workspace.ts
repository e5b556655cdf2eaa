/**
 * The workspace feature's own strings, English first; the Chinese record must have exactly the
 * same keys. Keys start with "workspace." to stay clear of the core ones in en.ts.
 */
export const workspaceEn = {
  'workspace.saved': 'Saved ({count})',
  'workspace.savedList': 'Saved sessions',
  'workspace.savedNone': 'No saved sessions. Save one from the new-session dialog or a session’s menu.',
  'workspace.openSaved': 'Open',
  'workspace.openSavedLabel': 'Open saved session {name}',
  'workspace.savedMore': 'More actions for saved session {name}',
  'workspace.rename': 'Rename…',
  'workspace.delete': 'Delete',
  'workspace.renameTitle': 'Rename saved session',
  'workspace.renameField': 'Name',
  'workspace.renameSubmit': 'Rename',
  'workspace.cancel': 'Cancel',
  'workspace.nameEmpty': 'Name is empty.',
  'workspace.openFailed': 'Could not open {name}',

  'workspace.save': 'Save workspace',
  'workspace.open': 'Open workspace',
  'workspace.fileType': 'Socket Inspector workspace',
  'workspace.fileName': 'socket-inspector-workspace.json',
  'workspace.saveHint':
    'Ctrl+S (⌘+S). Saves the open sessions’ settings as saved sessions (open again in one click; logs stay out, record them to keep them), the saved sessions and payloads, the sequences, the theme and the language.',
  'workspace.savedFile':
    'Workspace saved: {sessions, plural, one {# saved session} other {# saved sessions}} ({open} of them open now), {payloads, plural, one {# payload} other {# payloads}}, {sequences, plural, one {# sequence} other {# sequences}}, the theme and the language.',
  'workspace.shortcuts': 'Keyboard shortcuts',
  'workspace.shortcut.save': 'Save workspace',
  'workspace.shortcut.composer': 'Go to the composer’s payload field',
  'workspace.shortcut.log': 'Go to the log (arrows and Page Up/Down scroll it)',
  'workspace.shortcut.send': 'Send, from anywhere in the composer',
  'workspace.shortcut.restoreLog': 'Restore a maximised log',
  'workspace.saveFailed': 'Could not save the workspace',
  'workspace.opened': 'Opened {file}: {sessions} saved sessions, {payloads} saved payloads.',
  'workspace.fileRefused': '{file} was not opened; nothing was changed',
  'workspace.fileReadFailed': 'Could not read the workspace file',
  'workspace.problemAt': '{path}: {message}',
  'workspace.dismiss': 'Dismiss',

  'workspace.theme': 'Theme',
  'workspace.theme.system': 'System',
  'workspace.theme.light': 'Light',
  'workspace.theme.dark': 'Dark',
} as const;

export const workspaceZhCN: Readonly<Record<keyof typeof workspaceEn, string>> = {
  'workspace.saved': '已保存（{count}）',
  'workspace.savedList': '已保存的会话',
  'workspace.savedNone': '还没有保存的会话。可在新建会话对话框或会话菜单中保存。',
  'workspace.openSaved': '打开',
  'workspace.openSavedLabel': '打开已保存的会话 {name}',
  'workspace.savedMore': '已保存会话 {name} 的更多操作',
  'workspace.rename': '重命名…',
  'workspace.delete': '删除',
  'workspace.renameTitle': '重命名已保存的会话',
  'workspace.renameField': '名称',
  'workspace.renameSubmit': '重命名',
  'workspace.cancel': '取消',
  'workspace.nameEmpty': '名称为空。',
  'workspace.openFailed': '无法打开 {name}',

  'workspace.save': '保存工作区',
  'workspace.open': '打开工作区',
  'workspace.fileType': 'Socket Inspector 工作区',
  'workspace.fileName': 'socket-inspector-workspace.json',
  'workspace.saveHint':
    'Ctrl+S（⌘+S）。把打开的会话的设置存为已保存的会话（一键即可再次打开；日志不在其中，要保留请录制），并保存已保存的会话和负载、序列、主题和语言。',
  'workspace.savedFile':
    '工作区已保存：{sessions} 个已保存的会话（其中 {open} 个当前打开）、{payloads} 个负载、{sequences} 个序列、主题和语言。',
  'workspace.shortcuts': '键盘快捷键',
  'workspace.shortcut.save': '保存工作区',
  'workspace.shortcut.composer': '转到编辑器的负载输入框',
  'workspace.shortcut.log': '转到日志（用方向键和 Page Up/Down 滚动）',
  'workspace.shortcut.send': '在编辑器中任意位置发送',
  'workspace.shortcut.restoreLog': '还原最大化的日志',
  'workspace.saveFailed': '无法保存工作区',
  'workspace.opened': '已打开 {file}：{sessions} 个已保存的会话，{payloads} 个已保存的负载。',
  'workspace.fileRefused': '未打开 {file}；没有任何更改',
  'workspace.fileReadFailed': '无法读取工作区文件',
  'workspace.problemAt': '{path}：{message}',
  'workspace.dismiss': '关闭',

  'workspace.theme': '主题',
  'workspace.theme.system': '跟随系统',
  'workspace.theme.light': '浅色',
  'workspace.theme.dark': '深色',
};
