import path from 'node:path';
import type { SessionInfo, TranscriptFormat } from '@shared/contract';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local time, as the user's clock shows it: `2026-11-22_06-22-50.123`. Sorts by time. */
function stamp(at: number): string {
  const d = new Date(at);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date}_${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

const MAX_PART_LENGTH = 64;

/** Letters, digits, dot, dash and underscore only: safe in a file name on Windows, macOS and Linux. */
function safePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, MAX_PART_LENGTH);
}

/**
 * What the session talks to: a client's server, else the address it is bound to or asked for.
 * A recording starts before the socket is bound, so port 0 (any free port) is left out rather
 * than named as a port the session never had.
 */
function where(session: SessionInfo): string {
  const { config } = session;
  if (config.kind === 'tcp-client') return `${config.host}-${config.port}`;
  const local = session.local;
  if (local) return `${local.address}-${local.port}`;
  return config.port === 0 ? config.host : `${config.host}-${config.port}`;
}

/**
 * A recording's file name: start time, session and address, e.g.
 * `2026-11-22_06-22-50.123_s1_tcp-server_127.0.0.1-5000.sirec` (IPv6 colons become dashes).
 */
export function recordingFileName(session: SessionInfo, startedAt: number): string {
  return `${stamp(startedAt)}_${safePart(session.id)}_${session.kind}_${safePart(where(session))}${RECORDING_EXTENSION}`;
}

/**
 * A recording's extension: version 3 stores data bytes raw, so the file is not JSON Lines text.
 * Recordings of earlier versions kept `.jsonl`.
 */
export const RECORDING_EXTENSION = '.sirec';

/** The name without a recording's extension, of this version or an earlier one. */
function stem(recordingFile: string): string {
  const base = path.basename(recordingFile);
  for (const ext of [RECORDING_EXTENSION, '.jsonl']) if (base.endsWith(ext)) return base.slice(0, -ext.length);
  return base;
}

const EXTENSIONS: Readonly<Record<TranscriptFormat, string>> = { jsonl: '.jsonl', text: '.txt', pcapng: '.pcapng' };

/** The TLS key log written beside a recording: its path with `.keylog` for `.sirec`. */
export function keyLogPath(recordingFile: string): string {
  return path.join(path.dirname(recordingFile), `${stem(recordingFile)}.keylog`);
}

/** The recording's name with the extension of the format it is saved as. */
export function savedFileName(recordingFile: string, format: TranscriptFormat): string {
  return `${stem(recordingFile)}${EXTENSIONS[format]}`;
}
