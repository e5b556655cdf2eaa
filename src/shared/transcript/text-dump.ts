/**
 * A transcript as text for people: one block per record, time first, data as a hex dump with a
 * text column. Everything that came from the file is made visible before it is printed, so peer
 * bytes or a doctored file can neither move the layout nor steer a terminal.
 */
import { formatEndpoint, type Endpoint } from '../address';
import type { Counters, SendOrigin, TlsDetails } from '../contract';
import { formatHexDump } from '../hex-dump';
import { isVisibleCodePoint } from '../visible-text';
import type { BodyRecord, ConnectionSnapshot, HeaderRecord } from './records';

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * Text from the file as it can be shown: controls (escape sequences), bidi and other format
 * characters and line separators become `\u{…}`, so they are seen rather than obeyed.
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    out += isVisibleCodePoint(codePoint) ? char : `\\u{${codePoint.toString(16)}}`;
  }
  return out;
}

/** ISO 8601 UTC with milliseconds; a time outside what a date can hold as its number. */
export function isoTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? `@${at}` : date.toISOString();
}

/** `host:port`, IPv6 in brackets; the recorder writes an empty address for an end it never learnt. */
export const endpointText = (endpoint: Endpoint): string =>
  endpoint.address === '' ? 'unknown' : printable(formatEndpoint(endpoint.address, endpoint.port));

const INDENT = '    ';

function connectionLine(snapshot: ConnectionSnapshot): string {
  return `${INDENT}${printable(snapshot.conn)}  local ${endpointText(snapshot.local)}  remote ${endpointText(snapshot.remote)}  since ${isoTime(snapshot.since)}`;
}

/** The header's facts, one a line, then a blank line. */
export function formatTextHeader(header: HeaderRecord): string {
  const lines = [
    `Socket Inspector transcript, format version ${header.version}, written by ${printable(header.app.name)} ${printable(header.app.version)}`,
    `Session:  ${printable(header.session)} (${header.kind})`,
    `Started:  ${isoTime(header.at)}`,
  ];
  if (header.local) lines.push(`Local:    ${endpointText(header.local)}`);
  lines.push(`Settings: ${printable(JSON.stringify(header.config))}`);
  if (header.connections.length > 0) {
    lines.push('Connections open when recording started:', ...header.connections.map(connectionLine));
  }
  return `${lines.join('\n')}\n\n`;
}

function countersText(counters: Counters): string {
  return `received ${plural(counters.rxBytes, 'byte')} in ${plural(counters.rxMessages, 'message')}, sent ${plural(counters.txBytes, 'byte')} in ${plural(counters.txMessages, 'message')}`;
}

function dataHeading(record: Extract<BodyRecord, { type: 'data' }>): string {
  const arrow = record.dir === 'rx' ? '← rx' : '→ tx';
  const length =
    record.bytes.length === 0 ? (record.conn === undefined ? '0 bytes (empty datagram)' : '0 bytes') : plural(record.bytes.length, 'byte');
  const ends = `local ${endpointText(record.local)}, remote ${endpointText(record.remote)}`;
  const by = record.origin ? `, ${originText(record.origin)}` : '';
  if (record.conn !== undefined) return `${arrow}  conn ${printable(record.conn)}, ${ends}, ${length}${by}`;
  const peer = `datagram ${record.dir === 'rx' ? 'from' : 'to'} ${endpointText(record.remote)}`;
  return `${arrow}  ${peer}, ${ends}, ${length}${by}`;
}

function originText(origin: SendOrigin): string {
  switch (origin.kind) {
    case 'rule':
      return `sent by rule "${printable(origin.name || origin.ruleId)}"`;
    case 'sequence':
      return `sent by sequence "${printable(origin.name)}"`;
    case 'heartbeat':
      return 'sent by the heartbeat';
    case 'repeat':
      return 'sent by a repeat run';
  }
}

function recordLines(record: BodyRecord): string[] {
  switch (record.type) {
    case 'data': {
      const dump = formatHexDump(record.bytes);
      return dump === '' ? [dataHeading(record)] : [dataHeading(record), `${INDENT}${dump.replaceAll('\n', `\n${INDENT}`)}`];
    }
    case 'state': {
      const local = record.local ? `, local ${endpointText(record.local)}` : '';
      const lines = [`state ${record.state}${local}`];
      if (record.error) lines.push(...errorLines(record.error));
      return lines;
    }
    case 'open': {
      const lines = [`open   conn ${printable(record.conn)}, local ${endpointText(record.local)}, remote ${endpointText(record.remote)}`];
      if (record.tls) lines.push(...tlsLines(record.tls));
      return lines;
    }
    case 'half-close':
      return [`half-close conn ${printable(record.conn)}: ${record.by === 'peer' ? 'the peer' : 'this side'} will send nothing more`];
    case 'close':
      return [`close  conn ${printable(record.conn)}: ${record.reason}; ${countersText(record.counters)}`];
    case 'error':
      return [`error${record.conn === undefined ? '' : ` on conn ${printable(record.conn)}`}`, ...errorLines(record.error)];
    case 'end':
      return [`end of the recording (${record.reason})`];
  }
}

/** The handshake of a TLS connection: version, cipher, ALPN, and each certificate of the peer's chain. */
function tlsLines(tls: TlsDetails): string[] {
  const alpn = tls.alpn === undefined ? '' : `, ALPN ${printable(tls.alpn)}`;
  const sni = tls.servername === undefined ? '' : `, SNI ${printable(tls.servername)}`;
  const trust = tls.authorized
    ? 'peer verified'
    : `peer not verified${tls.authorizationError ? ` (${printable(tls.authorizationError)})` : ''}`;
  const lines = [`${INDENT}tls ${printable(tls.protocol)} ${printable(tls.cipher)}${alpn}${sni}; ${trust}`];
  for (const cert of tls.peerCertificates) {
    lines.push(
      `${INDENT}  certificate ${printable(cert.subject)}, issued by ${printable(cert.issuer)}, ${printable(cert.validFrom)} to ${printable(cert.validTo)}`,
      `${INDENT}    SHA-256 ${printable(cert.fingerprint256)}`,
    );
  }
  return lines;
}

function errorLines(error: { code: string; message: string; hint: string }): string[] {
  return [`${INDENT}${printable(error.code)}: ${printable(error.message)}`, `${INDENT}hint: ${printable(error.hint)}`];
}

/** One record: its time and what happened on the first line, details indented below, then a blank line. */
export function formatTextRecord(record: BodyRecord): string {
  const [first, ...rest] = recordLines(record);
  return `${[`${isoTime(record.at)}  ${first}`, ...rest].join('\n')}\n\n`;
}
