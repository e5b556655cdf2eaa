import { automationEn } from './features/automation';
import { composerEn } from './features/composer';
import { layoutEn } from './features/layout';
import { logEn } from './features/log';
import { protocolEn } from './features/protocol';
import { sessionsEn } from './features/sessions';
import { tlsEn } from './features/tls';
import { transcriptsEn } from './features/transcripts';
import { workspaceEn } from './features/workspace';

/**
 * Every string the UI shows or announces, in English: the source of truth for the keys. Other
 * languages must provide exactly these keys (see zh-CN.ts). `{name}` marks a value filled in.
 */
const core = {
  'app.title': 'Socket Inspector',
  'app.bridgeMissing.title': 'Socket Inspector cannot reach its engine',
  'app.bridgeMissing.body':
    'This page was loaded without the inspector API (window.inspector), so it can neither open sockets nor show traffic. Start Socket Inspector as the desktop app, or open the address the app prints for browser mode.',
  'app.empty': 'Open a session on the left, or pick one from the list.',
  'app.sidebar': 'Sessions',
  'app.workspace': 'Selected session',

  'link.connecting': 'Connecting to the Socket Inspector server…',
  'link.closed': 'Disconnected from the Socket Inspector server. Reconnecting… (is "npm run serve" still running?)',

  'settings.language': 'Language',

  'kind.tcp-server': 'TCP server',
  'kind.tcp-client': 'TCP client',
  'kind.udp': 'UDP',
  'kind.relay': 'Relay',

  'state.opening': 'Opening',
  'state.open': 'Open',
  'state.closing': 'Closing',
  'state.closed': 'Closed',
  'state.error': 'Error',

  'open.form': 'Open a session',
  'open.kind': 'Kind',
  'open.host': 'Host',
  'open.port': 'Port',
  'open.about.tcp-server': 'Listens on this address and port; port 0 picks a free one.',
  'open.about.tcp-client': 'Connects to a server at this host and port.',
  'open.about.udp': 'Binds a UDP socket to this address and port; port 0 picks a free one.',
  'open.submit.tcp-server': 'Listen',
  'open.submit.tcp-client': 'Connect',
  'open.submit.udp': 'Bind',
  'open.about.relay':
    'Listens on this address and port (0 picks a free one) and relays each client to the upstream server, showing both directions.',
  'open.submit.relay': 'Start relay',
  'open.failed': 'Could not open the session',

  'error.hint': 'What to do: {hint}',
  'error.code': 'Code {code}',

  'sessions.list': 'Open sessions',
  'sessions.none': 'No sessions yet.',
  'sessions.item': '{kind} {endpoint}, {state}',
  'sessions.close': 'Close',
  'sessions.closeLabel': 'Close {name}',
  'sessions.reopen': 'Reopen',
  'sessions.reopenLabel': 'Reopen {name}',
  'sessions.remove': 'Remove',
  'sessions.removeLabel': 'Remove {name}',
  'sessions.actionFailed': 'The action failed',
  'sessions.removed': 'Removed {name}; its sockets are closed.',

  'undo.action': 'Undo',
  'undo.failed': 'Could not undo',

  'counters.summary': '↓ {rxBytes} B ({rxMessages}) · ↑ {txBytes} B ({txMessages})',
  'counters.label':
    'Received {rxBytes} bytes in {rxMessages, plural, one {# chunk} other {# chunks}}, sent {txBytes} bytes in {txMessages, plural, one {# chunk} other {# chunks}}',

  'header.local': 'Local {endpoint}',
  'header.remote': 'Remote {endpoint}',
  'header.sessionError': 'The session failed',
  'header.recentErrors': 'Recent errors',
  'header.dismissErrors': 'Dismiss errors',
  'header.onConnection': 'on {connId}',

  'connections.title': 'Connections ({count})',
  'connections.none': 'No connections yet.',
  'connections.table': 'Connections',
  'connections.id': 'Id',
  'connections.remote': 'Remote',
  'connections.since': 'Since',
  'connections.received': 'Received',
  'connections.sent': 'Sent',
  'connections.status': 'Status',
  'connections.actions': 'Actions',
  'connections.peerEnded': 'peer sent FIN',
  'connections.closesIn': 'our FIN in {seconds} s',
  'connections.localEnded': 'FIN sent',
  'connections.blocked': 'blocked: peer not reading',
  'connections.relayPair': '{client} ⇄ {upstream}',
  'connections.relayConnecting': 'connecting upstream',
  'connections.serverEnded': 'server sent FIN',
  'connections.serverLegEnded': 'FIN passed on to the server',
  'connections.relayHeld': '{count, plural, one {# message} other {# messages}} held',
  'connections.disconnect': 'Disconnect',
  'connections.disconnectLabel': 'Disconnect {remote}',
  'connections.mode.graceful': 'Graceful: send FIN, then close',
  'connections.mode.half-close': 'Half-close: send FIN, keep receiving',
  'connections.mode.reset': 'Reset: send RST at once',
  'connections.mode.mapping': 'Close the mapping: forget the client, free its upstream port',
  'connections.lastSender': 'Last sender: {endpoint}',
  'connections.noSender': 'No datagram received yet.',

  'log.title': 'Log',
  'log.view': 'Payload view',
  'log.text': 'Text',
  'log.hex': 'Hex',
  'log.clear': 'Clear',
  'log.clearLabel': 'Clear the log',
  'log.list': 'Traffic log',
  'log.empty': 'Nothing received or sent yet.',
  'log.count': 'Entries: {count}',
  'log.dropped': '{count, plural, one {# older entry} other {# older entries}} dropped',
  'log.rx': 'received',
  'log.tx': 'sent',
  'log.length': '{count} B',
  'log.more': '… {count, plural, one {# more byte} other {# more bytes}} not shown',

  'composer.label': 'Send',
  'composer.section': 'the composer',
  'composer.format': 'Payload format',
  'composer.text': 'Text',
  'composer.hex': 'Hex',
  'composer.payload': 'Payload',
  'composer.placeholder.text': 'Text to send. Escapes: \\r \\n \\t \\0 \\\\ \\xNN \\uNNNN',
  'composer.placeholder.hex': 'Bytes in hex, e.g. 48 65 6c 6c 6f or 0x48,0x69',
  'composer.lineEnding': 'Line ending',
  'composer.lineEnding.none': 'None',
  'composer.lineEnding.lf': 'LF (\\n)',
  'composer.lineEnding.cr': 'CR (\\r)',
  'composer.lineEnding.crlf': 'CRLF (\\r\\n)',
  'composer.target': 'Send to',
  'composer.target.all': 'All connections',
  'composer.target.connection': '{connId} ({remote})',
  'composer.targetHost': 'Target host',
  'composer.targetPort': 'Target port',
  'composer.replyToLast': 'Reply to last sender',
  'composer.send': 'Send',
  'composer.shortcut': 'Ctrl+Enter (⌘+Enter) sends',
  'composer.notOpen': 'The session is not open; reopen it to send.',
  'composer.sendFailed': 'Send failed',
  'composer.sent': 'Sent {bytes} B to {targets, plural, one {# target} other {# targets}}.',
} as const;

/**
 * The English strings: the core ones above plus each feature's own module, so features can
 * grow their strings without touching one shared file.
 */
export const en = {
  ...core,
  ...automationEn,
  ...composerEn,
  ...layoutEn,
  ...logEn,
  ...protocolEn,
  ...sessionsEn,
  ...tlsEn,
  ...transcriptsEn,
  ...workspaceEn,
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
