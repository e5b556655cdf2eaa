import type { MessageKey } from './en';
import { automationZhCN } from './features/automation';
import { composerZhCN } from './features/composer';
import { layoutZhCN } from './features/layout';
import { logZhCN } from './features/log';
import { protocolZhCN } from './features/protocol';
import { sessionsZhCN } from './features/sessions';
import { tlsZhCN } from './features/tls';
import { transcriptsZhCN } from './features/transcripts';
import { workspaceZhCN } from './features/workspace';

/**
 * Simplified Chinese. Typed as a record over the English keys, so a missing or an extra key
 * is a compile error.
 */
export const zhCN: Readonly<Record<MessageKey, string>> = {
  ...automationZhCN,
  ...composerZhCN,
  ...layoutZhCN,
  ...logZhCN,
  ...protocolZhCN,
  ...sessionsZhCN,
  ...tlsZhCN,
  ...transcriptsZhCN,
  ...workspaceZhCN,
  'app.title': 'Socket Inspector',
  'app.bridgeMissing.title': 'Socket Inspector 无法连接到其引擎',
  'app.bridgeMissing.body':
    '此页面加载时没有 inspector 接口（window.inspector），因此既不能打开套接字，也不能显示流量。请以桌面应用方式启动 Socket Inspector，或打开应用为浏览器模式输出的地址。',
  'app.empty': '在左侧打开一个会话，或从列表中选择一个。',
  'app.sidebar': '会话',
  'app.workspace': '所选会话',

  'link.connecting': '正在连接 Socket Inspector 服务器…',
  'link.closed': '与 Socket Inspector 服务器的连接已断开，正在重新连接…（"npm run serve" 是否仍在运行？）',

  'settings.language': '语言',

  'kind.tcp-server': 'TCP 服务器',
  'kind.tcp-client': 'TCP 客户端',
  'kind.udp': 'UDP',
  'kind.relay': '中继',

  'state.opening': '正在打开',
  'state.open': '已打开',
  'state.closing': '正在关闭',
  'state.closed': '已关闭',
  'state.error': '错误',

  'open.form': '打开会话',
  'open.kind': '类型',
  'open.host': '主机',
  'open.port': '端口',
  'open.about.tcp-server': '在此地址和端口上监听；端口 0 表示自动选择空闲端口。',
  'open.about.tcp-client': '连接到此主机和端口上的服务器。',
  'open.about.udp': '将 UDP 套接字绑定到此地址和端口；端口 0 表示自动选择空闲端口。',
  'open.submit.tcp-server': '监听',
  'open.submit.tcp-client': '连接',
  'open.submit.udp': '绑定',
  'open.about.relay': '在此地址和端口上监听（端口 0 表示自动选择空闲端口），把每个客户端中继到上游服务器，并显示两个方向的数据。',
  'open.submit.relay': '启动中继',
  'open.failed': '无法打开会话',

  'error.hint': '建议：{hint}',
  'error.code': '代码 {code}',

  'sessions.list': '已打开的会话',
  'sessions.none': '还没有会话。',
  'sessions.item': '{kind} {endpoint}，{state}',
  'sessions.close': '关闭',
  'sessions.closeLabel': '关闭 {name}',
  'sessions.reopen': '重新打开',
  'sessions.reopenLabel': '重新打开 {name}',
  'sessions.remove': '移除',
  'sessions.removeLabel': '移除 {name}',
  'sessions.actionFailed': '操作失败',
  'sessions.removed': '已移除 {name}，其套接字已关闭。',

  'undo.action': '撤销',
  'undo.failed': '无法撤销',

  'counters.summary': '↓ {rxBytes} B（{rxMessages}）· ↑ {txBytes} B（{txMessages}）',
  'counters.label': '已接收 {rxBytes} 字节（{rxMessages} 块），已发送 {txBytes} 字节（{txMessages} 块）',

  'header.local': '本地 {endpoint}',
  'header.remote': '远端 {endpoint}',
  'header.sessionError': '会话出错',
  'header.recentErrors': '最近的错误',
  'header.dismissErrors': '清除错误',
  'header.onConnection': '连接 {connId}',

  'connections.title': '连接（{count}）',
  'connections.none': '还没有连接。',
  'connections.table': '连接',
  'connections.id': '编号',
  'connections.remote': '远端',
  'connections.since': '建立于',
  'connections.received': '已接收',
  'connections.sent': '已发送',
  'connections.status': '状态',
  'connections.actions': '操作',
  'connections.peerEnded': '对端已发送 FIN',
  'connections.closesIn': '{seconds} 秒后我方发送 FIN',
  'connections.localEnded': '已发送 FIN',
  'connections.blocked': '阻塞：对端未读取',
  'connections.relayPair': '{client} ⇄ {upstream}',
  'connections.relayConnecting': '正在连接上游',
  'connections.serverEnded': '服务器已发送 FIN',
  'connections.serverLegEnded': '已向服务器转发 FIN',
  'connections.relayHeld': '已扣留 {count} 条消息',
  'connections.disconnect': '断开',
  'connections.disconnectLabel': '断开 {remote}',
  'connections.mode.graceful': '正常断开：发送 FIN 后关闭',
  'connections.mode.half-close': '半关闭：发送 FIN，继续接收',
  'connections.mode.reset': '重置：立即发送 RST',
  'connections.mode.mapping': '关闭映射：忘记该客户端，释放其上游端口',
  'connections.lastSender': '最近发送方：{endpoint}',
  'connections.noSender': '还没有收到数据报。',

  'log.title': '日志',
  'log.view': '负载显示方式',
  'log.text': '文本',
  'log.hex': '十六进制',
  'log.clear': '清空',
  'log.clearLabel': '清空日志',
  'log.list': '流量日志',
  'log.empty': '还没有收发任何数据。',
  'log.count': '{count} 条',
  'log.dropped': '已丢弃 {count} 条较早的记录',
  'log.rx': '接收',
  'log.tx': '发送',
  'log.length': '{count} B',
  'log.more': '… 另有 {count} 字节未显示',

  'composer.label': '发送',
  'composer.section': '发送区',
  'composer.format': '负载格式',
  'composer.text': '文本',
  'composer.hex': '十六进制',
  'composer.payload': '负载',
  'composer.placeholder.text': '要发送的文本。转义：\\r \\n \\t \\0 \\\\ \\xNN \\uNNNN',
  'composer.placeholder.hex': '十六进制字节，例如 48 65 6c 6c 6f 或 0x48,0x69',
  'composer.lineEnding': '行尾',
  'composer.lineEnding.none': '无',
  'composer.lineEnding.lf': 'LF (\\n)',
  'composer.lineEnding.cr': 'CR (\\r)',
  'composer.lineEnding.crlf': 'CRLF (\\r\\n)',
  'composer.target': '发送到',
  'composer.target.all': '所有连接',
  'composer.target.connection': '{connId}（{remote}）',
  'composer.targetHost': '目标主机',
  'composer.targetPort': '目标端口',
  'composer.replyToLast': '回复最近发送方',
  'composer.send': '发送',
  'composer.shortcut': 'Ctrl+Enter（⌘+Enter）发送',
  'composer.notOpen': '会话未打开；请重新打开后再发送。',
  'composer.sendFailed': '发送失败',
  'composer.sent': '已发送 {bytes} B 到 {targets} 个目标。',
};
