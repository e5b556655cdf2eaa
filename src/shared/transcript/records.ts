/**
 * The records of a transcript (one record a line; version 3 puts a data record's bytes raw after
 * its line) as readers and writers hold them.
 * docs/transcript-format.md describes the same format for people; keep the two in step.
 */
import { z } from 'zod';
import type { Endpoint } from '../address';
import {
  sendOriginSchema,
  type CloseReason,
  type Counters,
  type Direction,
  type RelayFlow,
  type RelayLeg,
  type SendOrigin,
  type SessionKind,
  type SessionState,
  type TlsDetails,
} from '../contract';
import type { AppError } from '../result';

/** An error as a transcript keeps it: the English words, which a file read years later still has. */
export type RecordedError = Pick<AppError, 'code' | 'message' | 'hint'>;

export const TRANSCRIPT_FORMAT_NAME = 'socket-inspector-transcript';
/** The version a recording is written in: data bytes stored as they are, after their line. */
export const TRANSCRIPT_VERSION = 3;
/** The version of a JSON Lines export (Save as JSON Lines, convert --to jsonl): every record one line of text. */
export const JSONL_TRANSCRIPT_VERSION = 2;
/** The first version whose data records may carry their bytes raw. */
export const RAW_DATA_VERSION = 3;
/** Every version the app ever wrote: readers accept each of them (docs/transcript-format.md, Compatibility). */
export const READABLE_TRANSCRIPT_VERSIONS: readonly number[] = [1, 2, 3];

/** A connection as the header lists it: those already open when recording started. */
export interface ConnectionSnapshot {
  conn: string;
  local: Endpoint;
  remote: Endpoint;
  since: number;
}

interface Base {
  /** 0 for the header, then 1, 2, … with no gaps: a gap means a record is missing. */
  seq: number;
  /** Epoch milliseconds, with a fraction where the clock has one. */
  at: number;
  /** The session's id in the app that wrote the file. */
  session: string;
}

export interface HeaderRecord extends Base {
  type: 'header';
  format: typeof TRANSCRIPT_FORMAT_NAME;
  version: number;
  app: { name: string; version: string };
  /** The start time again, as ISO 8601 text for people. */
  started: string;
  kind: SessionKind;
  /** The session's settings as the app held them (JSON). */
  config: Record<string, unknown>;
  /** The bound address (listener, UDP) or the local end (client), if known at the start. */
  local?: Endpoint;
  connections: ConnectionSnapshot[];
}

export interface DataRecord extends Base {
  type: 'data';
  dir: Direction;
  /** TCP: the connection. UDP datagrams have none. */
  conn?: string;
  /** Our end and the peer's end (UDP: the sender for rx, the destination for tx). */
  local: Endpoint;
  remote: Endpoint;
  bytes: Uint8Array;
  /** tx sent by a rule, heartbeat, repeat run or sequence rather than by hand (version 2). */
  origin?: SendOrigin;
}

export interface StateRecord extends Base {
  type: 'state';
  state: SessionState;
  local?: Endpoint;
  error?: RecordedError;
}

export interface OpenRecord extends Base {
  type: 'open';
  conn: string;
  local: Endpoint;
  remote: Endpoint;
  /** A TLS session's connection: what its handshake settled (the data records hold its plaintext). */
  tls?: TlsDetails;
}

export interface HalfCloseRecord extends Base {
  type: 'half-close';
  conn: string;
  by: 'peer' | 'local';
}

export interface CloseRecord extends Base {
  type: 'close';
  conn: string;
  reason: CloseReason;
  counters: Counters;
}

export interface ErrorRecord extends Base {
  type: 'error';
  conn?: string;
  error: RecordedError;
}

export const END_REASONS = ['stopped', 'removed', 'quit'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** The last record of a recording that was ended on purpose; a file without one was cut short. */
export interface EndRecord extends Base {
  type: 'end';
  reason: EndReason;
}

/**
 * A relay's transcript holds both legs of each pair as connections of their own: the client's
 * leg under the pair's id (`c1`: the client connected to us) and the upstream leg under the id
 * with this suffix (`c1/server`: we connected to the server). docs/transcript-format.md § Relay.
 */
export const SERVER_LEG_SUFFIX = '/server';

export const serverLegOf = (conn: string): string => `${conn}${SERVER_LEG_SUFFIX}`;

/** A relay record's connection as the pair it belongs to and the leg it is. */
export function relayLegOf(conn: string): { pair: string; leg: RelayLeg } {
  return conn.endsWith(SERVER_LEG_SUFFIX)
    ? { pair: conn.slice(0, -SERVER_LEG_SUFFIX.length), leg: 'server' }
    : { pair: conn, leg: 'client' };
}

/**
 * Which way a relay's recorded bytes went: received from the client or sent to the server is
 * client → server, the other two server → client.
 */
export const relayFlowOf = (leg: RelayLeg, dir: Direction): RelayFlow =>
  (leg === 'client') === (dir === 'rx') ? 'to-server' : 'to-client';

/** Whether the peer opened this connection (a listener's client, a relay's client leg) rather than we. */
export function peerOpened(header: Pick<HeaderRecord, 'kind'>, conn: string): boolean {
  return header.kind === 'tcp-server' || (header.kind === 'relay' && !conn.endsWith(SERVER_LEG_SUFFIX));
}

/** Whether the session's records are datagrams: a UDP socket, or a relay over UDP. */
export function carriesDatagrams(header: Pick<HeaderRecord, 'kind' | 'config'>): boolean {
  return header.kind === 'udp' || (header.kind === 'relay' && header.config['transport'] === 'udp');
}

export type BodyRecord = DataRecord | StateRecord | OpenRecord | HalfCloseRecord | CloseRecord | ErrorRecord | EndRecord;
export type TranscriptRecord = HeaderRecord | BodyRecord;
export type RecordType = TranscriptRecord['type'];

// ── The schema of a line, as written ───────────────────────────────────────────────────────

const endpointSchema = z.strictObject({
  address: z.string().max(256),
  port: z.number().int().min(0).max(65535),
  family: z.enum(['IPv4', 'IPv6']),
});

const countersSchema = z.strictObject({
  rxBytes: z.number().nonnegative(),
  txBytes: z.number().nonnegative(),
  rxMessages: z.number().nonnegative(),
  txMessages: z.number().nonnegative(),
});

const errorSchema = z.strictObject({ code: z.string().max(256), message: z.string().max(65_536), hint: z.string().max(65_536) });

const id = z.string().min(1).max(64);

const shortText = z.string().max(4096);

const certificateSchema = z.strictObject({
  subject: shortText,
  issuer: shortText,
  validFrom: shortText,
  validTo: shortText,
  fingerprint256: shortText,
  serialNumber: shortText,
  subjectAltName: z.string().max(65_536).optional(),
  selfSigned: z.boolean(),
});

/** TlsDetails as a record holds them. */
export const tlsRecordSchema = z.strictObject({
  protocol: shortText,
  cipher: shortText,
  alpn: shortText.optional(),
  servername: shortText.optional(),
  authorized: z.boolean(),
  authorizationError: shortText.optional(),
  peerCertificates: z.array(certificateSchema).max(64),
});

const base = {
  seq: z.number().int().nonnegative(),
  at: z.number().nonnegative(),
  session: id,
  crc: z.string().regex(/^[0-9a-f]{8}$/),
};

/** Every record as it appears on a line: bytes are their length plus base64 text, or (version 3) `raw` with the bytes after the line. */
export const lineSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('header'),
    format: z.literal(TRANSCRIPT_FORMAT_NAME),
    version: z.number().int().positive(),
    app: z.strictObject({ name: z.string().max(256), version: z.string().max(256) }),
    started: z.string().max(64),
    kind: z.enum(['tcp-server', 'tcp-client', 'udp', 'relay']),
    config: z.record(z.string(), z.unknown()),
    local: endpointSchema.optional(),
    connections: z.array(z.strictObject({ conn: id, local: endpointSchema, remote: endpointSchema, since: z.number() })),
  }),
  z.strictObject({
    ...base,
    type: z.literal('data'),
    dir: z.enum(['rx', 'tx']),
    conn: id.optional(),
    local: endpointSchema,
    remote: endpointSchema,
    origin: sendOriginSchema.optional(),
    len: z.number().int().nonnegative(),
    /** Base64 text (versions 1 and 2, and what exports write); or `raw` (version 3): the bytes follow the line. */
    data: z.string().optional(),
    raw: z.literal(true).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('state'),
    state: z.enum(['opening', 'open', 'closing', 'closed', 'error']),
    local: endpointSchema.optional(),
    error: errorSchema.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('open'),
    conn: id,
    local: endpointSchema,
    remote: endpointSchema,
    tls: tlsRecordSchema.optional(),
  }),
  z.strictObject({ ...base, type: z.literal('half-close'), conn: id, by: z.enum(['peer', 'local']) }),
  z.strictObject({
    ...base,
    type: z.literal('close'),
    conn: id,
    reason: z.enum(['peer-closed', 'peer-reset', 'local-closed', 'local-reset', 'error', 'session-closed']),
    counters: countersSchema,
  }),
  z.strictObject({ ...base, type: z.literal('error'), conn: id.optional(), error: errorSchema }),
  z.strictObject({ ...base, type: z.literal('end'), reason: z.enum(END_REASONS) }),
]);
