/**
 * The one API of Socket Inspector: method names, their argument schemas, their results, and
 * the events. Every transport (Electron IPC, WebSocket, stdio) and the renderer import this.
 * Schemas are strict: unknown keys are rejected. docs/architecture.md § The contract, and
 * § How to add an API method.
 */
import { z } from 'zod';
import { hostProblem, isMulticast, type AddressFamily, type Endpoint } from './address';
import { CHECKSUM_ALGORITHMS } from './checksums';
import { parseHex } from './hex';
import type { AppError, Result } from './result';
import { untranslated, type PhraseKey } from './phrase';
import { says } from './validate';
import type { HostMethodName, MethodName } from './channels';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HALF_CLOSE_LINGER_MS,
  MAX_HALF_CLOSE_LINGER_MS,
  DEFAULT_MAX_CONNECTIONS,
  MAX_CONNECTIONS_LIMIT,
  DEFAULT_RECONNECT_INITIAL_MS,
  DEFAULT_RECONNECT_MAX_MS,
  MAX_CONNECT_TIMEOUT_MS,
  MAX_RECONNECT_DELAY_MS,
  MAX_ID_LENGTH,
  MAX_INTERFACE_LENGTH,
  MAX_KEEPALIVE_DELAY_MS,
  MAX_IDLE_TIMEOUT_MS,
  MAX_PAYLOAD_TEXT_LENGTH,
  MAX_FILE_BYTES,
  MAX_SEND_TARGETS,
  MAX_SOCKET_BUFFER_BYTES,
  MIN_SOCKET_BUFFER_BYTES,
  DEFAULT_RULE_RATE_REPLIES,
  DEFAULT_RULE_RATE_WINDOW_MS,
  MAX_REPEAT_COUNT,
  MAX_REPLY_DELAY_MS,
  MAX_REPLY_TEMPLATE_LENGTH,
  MAX_RULE_NAME_LENGTH,
  MAX_RULE_PATTERN_LENGTH,
  MAX_RULE_RATE_REPLIES,
  MAX_RULE_RATE_WINDOW_MS,
  MAX_RULES,
  MAX_SEND_BYTES,
  MAX_SEQUENCE_DEPTH,
  MAX_SEQUENCE_NAME_LENGTH,
  MAX_SEQUENCE_REPEAT,
  MAX_SEQUENCE_STEPS,
  MAX_SEQUENCE_WAIT_MS,
  MAX_SEND_INTERVAL_MS,
  MAX_SILENCE_MS,
  MIN_SEND_INTERVAL_MS,
  DEFAULT_RELAY_UDP_IDLE_MS,
  MAX_RELAY_UDP_IDLE_MS,
  DEFAULT_RELAY_UDP_MAPPINGS,
  MAX_RELAY_HELD_MESSAGES,
  MAX_PEM_LENGTH,
  MAX_CA_BUNDLE_LENGTH,
  MAX_ALPN_PROTOCOLS,
  MAX_ALPN_LENGTH,
  MAX_CERTIFICATE_DAYS,
  DEFAULT_CERTIFICATE_DAYS,
  MAX_CERTIFICATE_NAMES,
  MAX_HOST_LENGTH,
  MAX_REMOVE_UNDO_MS,
} from './limits';

export type { Endpoint } from './address';

// ── Building blocks ────────────────────────────────────────────────────────────────────────

// Messages are phrases (`says`): the page shows them in the user's language, scripts in English.
export const hostSchema = z.string({ error: says('host.type') }).superRefine((value, ctx) => {
  const problem = hostProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: says(problem.key as PhraseKey, problem.params) });
});

export const portSchema = z.number({ error: says('port.type') }).superRefine((value, ctx) => {
  // As the user wrote it: a port is never grouped into "65,536".
  if (!Number.isInteger(value)) {
    ctx.addIssue({ code: 'custom', message: says('port.notWhole', { value: String(value) }) });
  } else if (value < 0 || value > 65535) {
    ctx.addIssue({ code: 'custom', message: says('port.range', { value: String(value) }) });
  }
});

/** A port to send or connect to: 0 means "any" only when binding. */
export const remotePortSchema = portSchema.refine((p) => p !== 0, { error: says('port.zero') });

const idSchema = z
  .string({ error: says('id.type') })
  .min(1, says('id.empty'))
  .max(MAX_ID_LENGTH, says('id.tooLong', { max: MAX_ID_LENGTH }));

type FieldKey = Extract<PhraseKey, `field.${string}`>;

const boundedInt = (field: FieldKey, min: number, max: number) => {
  const what = { key: field };
  // Limits as plain numbers, as they were written: "at most 65535", not "65,535".
  return z
    .number({ error: says('int.type', { what }) })
    .int(says('int.whole', { what }))
    .min(min, says('int.min', { what, min: String(min) }))
    .max(max, says('int.max', { what, max: String(max) }));
};

const bufferSize = (field: FieldKey) => boundedInt(field, MIN_SOCKET_BUFFER_BYTES, MAX_SOCKET_BUFFER_BYTES);

const interfaceSchema = z
  .string({ error: says('interface.type') })
  .min(1, says('interface.empty'))
  .max(MAX_INTERFACE_LENGTH, says('interface.tooLong', { max: MAX_INTERFACE_LENGTH }));

/**
 * Every kind: record this session to disk while it runs. Left out, the recorder's global
 * default decides, so a saved definition follows the user's setting.
 */
const recordField = { record: z.boolean().optional() };

const tcpFields = {
  noDelay: z.boolean().default(true),
  /**
   * After the peer's FIN, keep our side open this long to reply, then send our FIN (socat's
   * `-t`). 0: answer the FIN at once. halfOpen: true stays open without a limit instead.
   */
  halfCloseLingerMs: boundedInt('field.halfCloseLinger', 0, MAX_HALF_CLOSE_LINGER_MS).default(DEFAULT_HALF_CLOSE_LINGER_MS),
  /** Keep our side open after the peer's FIN for as long as we like (overrides halfCloseLingerMs). */
  halfOpen: z.boolean().default(false),
  keepAlive: z.boolean().default(false),
  keepAliveInitialDelayMs: boundedInt('field.keepAliveDelay', 0, MAX_KEEPALIVE_DELAY_MS).default(0),
  /** Close a connection (FIN) that sent and received nothing this long, as socat's -T; left out, never. */
  idleTimeoutMs: boundedInt('field.idleTimeout', 1, MAX_IDLE_TIMEOUT_MS).optional(),
};

// ── TLS (docs/automation.md § TLS, docs/security.md § TLS) ────────────────────────────────

export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** The labels of the PEM blocks in `text`: CERTIFICATE, PRIVATE KEY, EC PRIVATE KEY, … */
export function pemLabels(text: string): string[] {
  return [...text.matchAll(PEM_BEGIN)].map((m) => m[1]!);
}

/**
 * PEM text as the user's file holds it: certificates (a chain or a CA bundle) or one private
 * key. Key material is text in the argument, never a path (docs/security.md § TLS).
 */
const pemSchema = (what: 'certificate' | 'ca' | 'key', max: number) =>
  z
    .string({ error: says(`tls.${what}.type`) })
    .max(max, says('tls.pemTooLong', { what: { key: `tls.what.${what}` }, max: String(max) }))
    .superRefine((value, ctx) => {
      const labels = pemLabels(value);
      const isKey = (label: string) => label.endsWith('PRIVATE KEY');
      if (what === 'key') {
        if (labels.includes('ENCRYPTED PRIVATE KEY') || value.includes('Proc-Type: 4,ENCRYPTED'))
          ctx.addIssue({ code: 'custom', message: says('tls.keyEncrypted') });
        else if (labels.filter(isKey).length !== 1) ctx.addIssue({ code: 'custom', message: says('tls.keyNotPem') });
      } else if (!labels.includes('CERTIFICATE') || labels.some(isKey)) {
        ctx.addIssue({
          code: 'custom',
          message: says(labels.some(isKey) ? 'tls.keyInCertificate' : 'tls.certificateNotPem', { what: { key: `tls.what.${what}` } }),
        });
      }
    });

/** A name offered in ALPN (RFC 7301): h2, http/1.1, mqtt, … printable ASCII. */
const alpnSchema = z
  .array(
    z
      .string({ error: says('tls.alpnType') })
      .min(1, says('tls.alpnEmpty'))
      .max(MAX_ALPN_LENGTH, says('tls.alpnTooLong', { max: String(MAX_ALPN_LENGTH) }))
      .regex(/^[\x21-\x7e]+$/, says('tls.alpnChars')),
  )
  .max(MAX_ALPN_PROTOCOLS, says('tls.alpnTooMany', { max: String(MAX_ALPN_PROTOCOLS) }));

const tlsVersionSchema = z.enum(TLS_VERSIONS, { error: says('tls.version') });

/**
 * The opaque id of a private key held in main's key store (docs/security.md § TLS): random, so
 * it names one key and nothing else, and safe as a file name where main keeps the key.
 */
export const KEY_REF_PATTERN = /^key-[0-9a-f]{32}$/;
export const keyRefSchema = z.string({ error: says('tls.keyRef.type') }).regex(KEY_REF_PATTERN, says('tls.keyRef.type'));

const oneKey = (tls: { key?: string | undefined; keyRef?: string | undefined }) => tls.key === undefined || tls.keyRef === undefined;
const hasKey = (tls: { key?: string | undefined; keyRef?: string | undefined }) => tls.key !== undefined || tls.keyRef !== undefined;

const tlsCommon = {
  /** ALPN protocols, most preferred first: the client offers them, the server picks the first it shares. */
  alpn: alpnSchema.optional(),
  minVersion: tlsVersionSchema.optional(),
  maxVersion: tlsVersionSchema.optional(),
  /** Certificates trusted to sign the peer's: in place of the system's (client) or the ones a client certificate must chain to (server). */
  ca: pemSchema('ca', MAX_CA_BUNDLE_LENGTH).optional(),
  /** Our certificate (and its chain), PEM. */
  cert: pemSchema('certificate', MAX_PEM_LENGTH).optional(),
  /**
   * The private key of `cert`, PEM, not encrypted, as a script gives it: the page never holds a
   * key and gives `keyRef` instead. Held by the engine only: the session's config as events,
   * `list` and recordings show it has none (docs/security.md § TLS).
   */
  key: pemSchema('key', MAX_PEM_LENGTH).optional(),
  /** The private key of `cert` by its id in main's key store (a generated or imported key): what the page gives. */
  keyRef: keyRefSchema.optional(),
  /**
   * Write this side's TLS session keys, in the NSS key log format (SSLKEYLOGFILE) that
   * Wireshark reads, to a `.keylog` file beside the session's recording (docs/security.md § TLS).
   */
  keyLog: z.boolean().default(false),
};

const versionsInOrder = (tls: { minVersion?: TlsVersion | undefined; maxVersion?: TlsVersion | undefined }) =>
  tls.minVersion === undefined ||
  tls.maxVersion === undefined ||
  TLS_VERSIONS.indexOf(tls.minVersion) <= TLS_VERSIONS.indexOf(tls.maxVersion);

/** A TLS client's settings (node:tls connect options). */
export const tlsClientSchema = z
  .strictObject({
    ...tlsCommon,
    /** SNI: the name sent to the server and checked against its certificate; left out, the host when it is a name. */
    servername: z
      .string({ error: says('tls.servernameType') })
      .min(1, says('tls.servernameEmpty'))
      .max(MAX_HOST_LENGTH, says('tls.servernameTooLong', { max: String(MAX_HOST_LENGTH) }))
      .optional(),
    /** Check the server's certificate and name (rejectUnauthorized); false connects to anyone, and the session says so. */
    verify: z.boolean().default(true),
  })
  .refine(versionsInOrder, { error: says('tls.versionOrder'), path: ['maxVersion'] })
  .refine(oneKey, { error: says('tls.keyAndRef'), path: ['keyRef'] })
  .refine((tls) => (tls.cert === undefined) === !hasKey(tls), { error: says('tls.certNeedsKey'), path: ['key'] });
export type TlsClientOptions = z.output<typeof tlsClientSchema>;

/**
 * A TLS server's settings. `cert` and a key (`keyRef`, or `key` inline) are needed to open it; a
 * config shown back (without `key`) still reads, so it can be saved and given its key again.
 */
export const tlsServerSchema = z
  .strictObject({
    ...tlsCommon,
    /** Ask each client for a certificate. */
    requestCert: z.boolean().default(false),
    /** With requestCert: refuse a client without a certificate that chains to `ca` (rejectUnauthorized). */
    verify: z.boolean().default(true),
  })
  .refine(versionsInOrder, { error: says('tls.versionOrder'), path: ['maxVersion'] })
  .refine(oneKey, { error: says('tls.keyAndRef'), path: ['keyRef'] });
export type TlsServerOptions = z.output<typeof tlsServerSchema>;

/** One certificate as the app shows it: never the key, only the public facts. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER, as colon-separated hex (as openssl x509 -fingerprint -sha256 prints it). */
  fingerprint256: string;
  serialNumber: string;
  /** DNS:localhost, IP Address:127.0.0.1, … */
  subjectAltName?: string;
  /** Issued by itself. */
  selfSigned: boolean;
}

/** What a TLS handshake settled, as a connection shows it. */
export interface TlsDetails {
  /** TLSv1.3, TLSv1.2. */
  protocol: string;
  /** The cipher suite, by its IANA name (TLS_AES_256_GCM_SHA384). */
  cipher: string;
  /** The ALPN protocol agreed on; absent when none was. */
  alpn?: string;
  /** SNI: the name the client asked for. */
  servername?: string;
  /** The peer's certificate was checked and trusted (client: the server's; server: the client's, when asked for). */
  authorized: boolean;
  /** Why it was not trusted, as OpenSSL says it (a session with verification off connects anyway). */
  authorizationError?: string;
  /** The peer's chain, leaf first; empty when the peer sent none. */
  peerCertificates: CertificateSummary[];
}

// ── Payloads ───────────────────────────────────────────────────────────────────────────────

export const TEXT_ENCODINGS = ['utf-8', 'gbk', 'gb18030', 'latin1', 'utf-16le'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];
export const LINE_ENDINGS = ['none', 'lf', 'cr', 'crlf'] as const;
export type LineEnding = (typeof LINE_ENDINGS)[number];

/**
 * A check value appended on send (between the body and the line ending) or verified on receive,
 * per framed message: the algorithm, the byte range it covers (slice-like: negative counts from
 * the end of the body, `to` 0 or absent is the end) and the order its bytes travel in (absent:
 * the algorithm's usual one, little-endian for CRC-16/MODBUS, big-endian otherwise).
 */
export const checksumSchema = z.strictObject({
  algorithm: z.enum(CHECKSUM_ALGORITHMS, { error: says('checksum.algorithm', { algorithms: CHECKSUM_ALGORITHMS.join(', ') }) }),
  order: z.enum(['big', 'little'], { error: says('checksum.order') }).optional(),
  from: boundedInt('field.checksumFrom', -MAX_SEND_BYTES, MAX_SEND_BYTES).default(0),
  to: boundedInt('field.checksumTo', -MAX_SEND_BYTES, MAX_SEND_BYTES).optional(),
});
export type ChecksumOption = z.output<typeof checksumSchema>;
export type ChecksumOptionInput = z.input<typeof checksumSchema>;

/**
 * Bytes sent as they are: at most what one send may carry. Told by their tag rather than
 * `instanceof`, so a page's bytes count whatever realm made them (a DOM's FileReader).
 */
const isUint8Array = (value: unknown): value is Uint8Array => Object.prototype.toString.call(value) === '[object Uint8Array]';
const sendBytesSchema = z
  .custom<Uint8Array>(isUint8Array, { error: says('send.bytesType') })
  .refine((bytes) => bytes.byteLength <= MAX_SEND_BYTES, { error: says('send.bytesTooLarge', { max: String(MAX_SEND_BYTES) }) });

export const payloadSchema = z.strictObject({
  format: z.enum(['text', 'hex', 'base64'], { error: says('payload.format') }),
  value: z
    .string({ error: says('payload.valueType') })
    .max(MAX_PAYLOAD_TEXT_LENGTH, says('payload.valueTooLong', { max: String(MAX_PAYLOAD_TEXT_LENGTH) })),
  /** Text only: how characters become bytes. */
  encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
  /** Text only: interpret \r \n \t \0 \\ \xNN \uNNNN. */
  escapes: z.boolean().default(true),
  lineEnding: z.enum(LINE_ENDINGS).default('none'),
  /** Text and hex: a check value computed over the body (macros filled in) and appended to it. */
  checksum: checksumSchema.optional(),
});
export type Payload = z.output<typeof payloadSchema>;

// ── Automation: auto-reply rules, heartbeat, liveness (docs/automation.md § Automation) ─────

export const TEXT_MATCH_KINDS = ['exact', 'contains', 'starts', 'ends', 'regex'] as const;
export const HEX_MATCH_KINDS = ['exact', 'contains', 'starts', 'ends'] as const;
export type TextMatchKind = (typeof TEXT_MATCH_KINDS)[number];
export type HexMatchKind = (typeof HEX_MATCH_KINDS)[number];

const patternSchema = z
  .string({ error: says('rule.patternType') })
  .max(MAX_RULE_PATTERN_LENGTH, { error: says('rule.patternTooLong', { max: String(MAX_RULE_PATTERN_LENGTH) }) });

/**
 * What a rule looks for in a message: text (decoded in `encoding`) compared exactly, as a part,
 * a prefix, a suffix or by a regular expression; or bytes by a hex pattern in which `??` is any
 * byte. Whether a regex or a hex pattern is well formed is the engine's check (a rule that is
 * not says why and is skipped), so one bad rule never refuses the others.
 */
export const ruleMatchSchema = z.discriminatedUnion(
  'on',
  [
    z.strictObject({
      on: z.literal('text'),
      kind: z.enum(TEXT_MATCH_KINDS, { error: says('rule.textKind') }),
      pattern: patternSchema,
      encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
      ignoreCase: z.boolean().default(false),
    }),
    z.strictObject({
      on: z.literal('hex'),
      kind: z.enum(HEX_MATCH_KINDS, { error: says('rule.hexKind') }),
      pattern: patternSchema,
    }),
  ],
  { error: says('rule.matchOn') },
);
export type RuleMatch = z.output<typeof ruleMatchSchema>;

/** What a match reads and a reply or heartbeat is written as. */
export const TEMPLATE_FORMATS = ['text', 'hex'] as const;

/** A reply: a payload whose value is a template ({{$1}}, {{$name}}: the match's captures; macros; src/shared/reply-template.ts). */
export const replyTemplateSchema = z.strictObject({
  format: z.enum(TEMPLATE_FORMATS, { error: says('rule.replyFormat') }),
  value: z
    .string({ error: says('rule.replyType') })
    .max(MAX_REPLY_TEMPLATE_LENGTH, { error: says('rule.replyTooLong', { max: String(MAX_REPLY_TEMPLATE_LENGTH) }) }),
  encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
  escapes: z.boolean().default(true),
  lineEnding: z.enum(LINE_ENDINGS).default('none'),
  checksum: checksumSchema.optional(),
});
export type ReplyTemplatePayload = z.output<typeof replyTemplateSchema>;

export const REPLY_TARGETS = ['sender', 'all'] as const;
export type ReplyTarget = (typeof REPLY_TARGETS)[number];

export const ruleRateLimitSchema = z.strictObject({
  replies: boundedInt('field.rateReplies', 1, MAX_RULE_RATE_REPLIES),
  perMs: boundedInt('field.rateWindow', 1, MAX_RULE_RATE_WINDOW_MS),
});
export type RuleRateLimit = z.output<typeof ruleRateLimitSchema>;

export const autoReplyRuleSchema = z.strictObject({
  /** Chosen by the caller, unique in the session: hits and replies are reported by it. */
  id: idSchema,
  name: z
    .string({ error: says('rule.nameType') })
    .max(MAX_RULE_NAME_LENGTH, { error: says('rule.nameTooLong', { max: String(MAX_RULE_NAME_LENGTH) }) })
    .default(''),
  enabled: z.boolean().default(true),
  match: ruleMatchSchema,
  reply: replyTemplateSchema,
  /** Wait this long before replying (timed by the engine). */
  delayMs: boundedInt('field.replyDelay', 0, MAX_REPLY_DELAY_MS).default(0),
  /** sender: the connection or datagram sender the message came from; all: every connection (UDP: the session's remote). */
  to: z.enum(REPLY_TARGETS, { error: says('rule.replyTo') }).default('sender'),
  /** At most `replies` replies in any `perMs` window; matches beyond it are counted, not answered. */
  rateLimit: ruleRateLimitSchema.default({ replies: DEFAULT_RULE_RATE_REPLIES, perMs: DEFAULT_RULE_RATE_WINDOW_MS }),
});
export type AutoReplyRule = z.output<typeof autoReplyRuleSchema>;
export type AutoReplyRuleInput = z.input<typeof autoReplyRuleSchema>;

const delimiterHexSchema = z.string({ error: says('framing.delimiterType') }).superRefine((value, ctx) => {
  const parsed = parseHex(value);
  if (!parsed.ok)
    ctx.addIssue({ code: 'custom', message: says('framing.delimiterBad', { problem: parsed.phrase ?? untranslated(parsed.message) }) });
  else if (parsed.bytes.length === 0) ctx.addIssue({ code: 'custom', message: says('framing.delimiterEmpty') });
  else if (parsed.bytes.length > 64) ctx.addIssue({ code: 'custom', message: says('framing.delimiterTooLong', { max: '64' }) });
});

/** How a TCP stream is cut into the messages rules see (src/shared/framing.ts); datagrams are messages as they are. */
export const messageFramingSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('raw') }),
    z.strictObject({ mode: z.literal('delimiter'), delimiter: delimiterHexSchema, keepDelimiter: z.boolean().default(false) }),
    z.strictObject({
      mode: z.literal('length'),
      size: z.union([z.literal(1), z.literal(2), z.literal(4)], { error: says('framing.lengthSize') }),
      littleEndian: z.boolean().default(false),
      offset: boundedInt('field.lengthOffset', 0, 1024).default(0),
      includesHeader: z.boolean().default(false),
      adjustment: boundedInt('field.lengthAdjustment', -65_536, 65_536).default(0),
      maxFrame: boundedInt('field.longestFrame', 1, MAX_SEND_BYTES).default(MAX_SEND_BYTES),
    }),
    z.strictObject({ mode: z.literal('fixed'), size: boundedInt('field.frameSize', 1, MAX_SEND_BYTES) }),
    z.strictObject({ mode: z.literal('gap'), gapMs: boundedInt('field.gap', 1, 60_000) }),
  ],
  { error: says('framing.mode') },
);
export type MessageFraming = z.output<typeof messageFramingSchema>;

/** Send `payload` every `intervalMs`: per connection on a listener, on the connection of a client, to the remote of a UDP session. */
export const heartbeatSchema = z.strictObject({
  enabled: z.boolean().default(true),
  intervalMs: boundedInt('field.heartbeatInterval', MIN_SEND_INTERVAL_MS, MAX_SEND_INTERVAL_MS),
  payload: payloadSchema,
});
export type Heartbeat = z.output<typeof heartbeatSchema>;

export const LIVENESS_ACTIONS = ['stale', 'reconnect', 'close'] as const;
export type LivenessAction = (typeof LIVENESS_ACTIONS)[number];

/**
 * Nothing received for `silenceMs`: mark the connection (UDP: the session) stale until data comes
 * again, reconnect (TCP clients), or close it with that reason. Unlike the idle timeout, our own
 * sends (a heartbeat) do not count as life.
 */
export const livenessSchema = z.strictObject({
  enabled: z.boolean().default(true),
  silenceMs: boundedInt('field.silence', 1, MAX_SILENCE_MS),
  action: z.enum(LIVENESS_ACTIONS, { error: says('liveness.action') }).default('stale'),
});
export type Liveness = z.output<typeof livenessSchema>;

export const automationSchema = z.strictObject({
  /** Tried in order on each message. */
  rules: z
    .array(autoReplyRuleSchema)
    .max(MAX_RULES, { error: says('rule.tooMany', { max: MAX_RULES }) })
    .default([])
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((rule, index) => {
        if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: says('rule.idTwice', { id: rule.id }) });
        seen.add(rule.id);
      });
    }),
  /** false: the first rule that matches answers; true: every rule that matches does. */
  everyMatch: z.boolean().default(false),
  framing: messageFramingSchema.default({ mode: 'raw' }),
  heartbeat: heartbeatSchema.optional(),
  liveness: livenessSchema.optional(),
});
export type Automation = z.output<typeof automationSchema>;
export type AutomationInput = z.input<typeof automationSchema>;

/** Every kind: rules, heartbeat and liveness, kept with the session's settings (and so with a saved session). */
const automationField = { automation: automationSchema.optional() };

/** What a rule has done since its session's automation was last set. */
export interface RuleStatus {
  id: string;
  /** Messages it matched. */
  hits: number;
  /** Replies that went out. */
  replies: number;
  /** Matches not answered because of the rate limit. */
  limited: number;
  /** Replies that could not be made or sent. */
  failures: number;
  /** Epoch ms of the last match. */
  lastHitAt?: number;
  /** Why the rule cannot run (a bad regex or hex pattern, a template naming a missing capture), or why it last failed. */
  error?: AppError;
}

export interface RepeatStatus {
  state: 'running' | 'finished' | 'stopped' | 'failed';
  sent: number;
  /** How many sends; absent: until stopped. */
  count?: number;
  intervalMs: number;
  startedAt: number;
  /** Deadlines missed by more than the scheduler catches up (a blocked event loop), so not sent. */
  skipped: number;
  /** Why a failed run stopped. */
  error?: AppError;
}

export interface AutomationStatus {
  rules: RuleStatus[];
  /** Heartbeats sent, over all connections. */
  heartbeats: number;
  /** The last heartbeat that could not be sent, and why. */
  heartbeatError?: AppError;
  /** The latest repeat run, if any. */
  repeat?: RepeatStatus;
}

/** Why bytes went out when the user did not send them by hand; transcripts keep it with the bytes. */
export const sendOriginSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rule'), ruleId: idSchema, name: z.string().max(MAX_RULE_NAME_LENGTH) }),
  z.strictObject({ kind: z.literal('heartbeat') }),
  z.strictObject({ kind: z.literal('repeat') }),
  z.strictObject({ kind: z.literal('sequence'), name: z.string().max(MAX_SEQUENCE_NAME_LENGTH) }),
]);
export type SendOrigin = z.output<typeof sendOriginSchema>;

// ── Sessions ───────────────────────────────────────────────────────────────────────────────

export const tcpServerConfigSchema = z.strictObject({
  kind: z.literal('tcp-server'),
  host: hostSchema,
  port: portSchema,
  /** On `::`, refuse IPv4 clients instead of accepting both (dual-stack). */
  ipv6Only: z.boolean().default(false),
  /** Connections held at once; more are reset, with one notice each time the limit is reached. */
  maxConnections: boundedInt('field.connectionLimit', 1, MAX_CONNECTIONS_LIMIT).default(DEFAULT_MAX_CONNECTIONS),
  /** Speak TLS to each client (node:tls): left out, plain TCP. */
  tls: tlsServerSchema.optional(),
  ...tcpFields,
  ...recordField,
  ...automationField,
});

export const tcpClientConfigSchema = z.strictObject({
  kind: z.literal('tcp-client'),
  host: hostSchema,
  port: remotePortSchema,
  localAddress: hostSchema.optional(),
  localPort: portSchema.optional(),
  connectTimeoutMs: boundedInt('field.connectTimeout', 1, MAX_CONNECT_TIMEOUT_MS).default(DEFAULT_CONNECT_TIMEOUT_MS),
  /** Speak TLS to the server (node:tls), the handshake within the connect timeout: left out, plain TCP. */
  tls: tlsClientSchema.optional(),
  ...tcpFields,
  ...recordField,
  ...automationField,
  /**
   * Connect again after a failed connect or a lost connection (not after the user closes),
   * waiting initialDelayMs, doubling up to maxDelayMs; maxAttempts 0 means without end.
   */
  reconnect: z
    .strictObject({
      enabled: z.boolean().default(false),
      initialDelayMs: boundedInt('field.reconnectDelay', 10, MAX_RECONNECT_DELAY_MS).default(DEFAULT_RECONNECT_INITIAL_MS),
      maxDelayMs: boundedInt('field.longestReconnectDelay', 10, MAX_RECONNECT_DELAY_MS).default(DEFAULT_RECONNECT_MAX_MS),
      maxAttempts: boundedInt('field.reconnectAttempts', 0, 1_000_000).default(0),
    })
    .default({ enabled: false, initialDelayMs: DEFAULT_RECONNECT_INITIAL_MS, maxDelayMs: DEFAULT_RECONNECT_MAX_MS, maxAttempts: 0 }),
});

export const udpTargetSchema = z.strictObject({ host: hostSchema, port: remotePortSchema });

export const udpConfigSchema = z.strictObject({
  kind: z.literal('udp'),
  host: hostSchema,
  port: portSchema,
  ipv6Only: z.boolean().default(false),
  reuseAddress: z.boolean().default(false),
  broadcast: z.boolean().default(false),
  recvBufferSize: bufferSize('field.recvBuffer').optional(),
  sendBufferSize: bufferSize('field.sendBuffer').optional(),
  /** Hops a unicast or broadcast datagram may take (IPv4 TTL, IPv6 hop limit); the OS default (often 64) if left out. */
  ttl: boundedInt('field.ttl', 1, 255).optional(),
  multicastTtl: boundedInt('field.multicastTtl', 0, 255).optional(),
  multicastLoopback: z.boolean().optional(),
  multicastInterface: interfaceSchema.optional(),
  /** Where sends go when a send names no target. */
  remote: udpTargetSchema.optional(),
  /**
   * Connect the socket to `remote` (UDP connect, as socat's UDP-CONNECT): only its datagrams
   * arrive, sends go to it alone, and the OS's "port unreachable" shows as ECONNREFUSED.
   */
  connect: z.boolean().default(false),
  ...recordField,
  ...automationField,
});

// ── Relay: a man in the middle between a client and its server (docs/automation.md § Relay) ──

/** Which way bytes go through a relay: from the client toward the upstream server, or back. */
export const RELAY_FLOWS = ['to-server', 'to-client'] as const;
export type RelayFlow = (typeof RELAY_FLOWS)[number];
/** The two legs of a relayed pair: the client's connection to us, and ours to the upstream server. */
export type RelayLeg = 'client' | 'server';
const flowSchema = z.enum(RELAY_FLOWS, { error: says('relay.flow') });

/**
 * Listen on host:port and relay each client to upstream: over TCP a new upstream connection per
 * client, over UDP a mapping (an upstream socket of its own) per client address, forgotten after
 * udpIdleMs without a datagram. Each pair is one connection of the session. `holdToServer` and
 * `holdToClient` keep a direction's messages (cut by `framing`) until released, dropped or edited.
 */
export const relayConfigSchema = z
  .strictObject({
    kind: z.literal('relay'),
    transport: z.enum(['tcp', 'udp'], { error: says('relay.transport') }).default('tcp'),
    host: hostSchema,
    port: portSchema,
    upstream: z.strictObject({ host: hostSchema, port: remotePortSchema }, { error: says('relay.upstream') }),
    /** TCP: how long the upstream connect of a new client may take before the client is reset. */
    connectTimeoutMs: boundedInt('field.connectTimeout', 1, MAX_CONNECT_TIMEOUT_MS).default(DEFAULT_CONNECT_TIMEOUT_MS),
    /** TCP: pairs held at once; more clients are reset. UDP: client mappings; datagrams of more clients are dropped. */
    maxConnections: boundedInt('field.connectionLimit', 1, MAX_CONNECTIONS_LIMIT).default(DEFAULT_RELAY_UDP_MAPPINGS),
    /** UDP: forget a client's mapping after this long without a datagram either way. */
    udpIdleMs: boundedInt('field.udpMappingIdle', 1, MAX_RELAY_UDP_IDLE_MS).default(DEFAULT_RELAY_UDP_IDLE_MS),
    /** How held bytes are cut into messages (datagrams are messages as they are). */
    framing: messageFramingSchema.default({ mode: 'raw' }),
    holdToServer: z.boolean().default(false),
    holdToClient: z.boolean().default(false),
    /** TCP: end each client's TLS here (with this certificate), so what it says is seen in plain. */
    tls: tlsServerSchema.optional(),
    /** TCP: speak TLS to the upstream server on each pair's upstream leg. */
    upstreamTls: tlsClientSchema.optional(),
    ...recordField,
    ...automationField,
  })
  .refine((relay) => relay.transport === 'tcp' || (relay.tls === undefined && relay.upstreamTls === undefined), {
    error: says('relay.tlsOverUdp'),
    path: ['tls'],
  });

export const sessionConfigSchema = z.discriminatedUnion('kind', [
  tcpServerConfigSchema,
  tcpClientConfigSchema,
  udpConfigSchema,
  relayConfigSchema,
]);

export type SessionConfig = z.output<typeof sessionConfigSchema>;
export type SessionConfigInput = z.input<typeof sessionConfigSchema>;
export type SessionKind = SessionConfig['kind'];
export type TcpServerConfig = z.output<typeof tcpServerConfigSchema>;
export type TcpClientConfig = z.output<typeof tcpClientConfigSchema>;
export type UdpConfig = z.output<typeof udpConfigSchema>;
export type RelayConfig = z.output<typeof relayConfigSchema>;

export const SESSION_STATES = ['opening', 'open', 'closing', 'closed', 'error'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export interface Counters {
  rxBytes: number;
  txBytes: number;
  rxMessages: number;
  txMessages: number;
}

/**
 * Data the display path let go because the UI or its transport could not keep up: counted
 * instead of queued. A recording of the session still holds every byte of it.
 */
export interface NotShown {
  bytes: number;
  /** Data events (TCP chunks, datagrams) not shown. */
  messages: number;
}

export interface ConnectionInfo {
  connId: string;
  remote: Endpoint;
  local: Endpoint;
  /** Epoch ms when the connection was established. */
  since: number;
  counters: Counters;
  /** The peer sent FIN: it will send nothing more. */
  peerEnded: boolean;
  /** Epoch ms when the half-close linger ends and we send our FIN; absent when none is pending. */
  closesAt?: number;
  /** We sent FIN: we can send nothing more. */
  localEnded: boolean;
  /** Sends are waiting for the peer to read. */
  blocked: boolean;
  /** Liveness: epoch ms since which the peer is stale (nothing received for the session's silence limit); absent while it is live. */
  staleSince?: number;
  /** A TLS session's connection: what its handshake settled. */
  tls?: TlsDetails;
  /** Relay: the upstream leg of the pair (remote and local above are the client's leg). */
  relay?: RelayPairInfo;
}

/** Messages a relay pair holds in one direction. */
export interface HeldCount {
  messages: number;
  bytes: number;
}

export interface RelayPairInfo {
  /** The upstream server: the address connected (or being connected) to. */
  upstream: Endpoint;
  /** Our end of the upstream leg, once connected (UDP: the mapping's own socket). */
  upstreamLocal?: Endpoint;
  /** The upstream leg is connected (UDP: its socket is bound), through its TLS handshake with upstreamTls. */
  connected: boolean;
  /** The upstream leg's TLS, once its handshake is done. */
  upstreamTls?: TlsDetails;
  /** The server sent FIN on the upstream leg. */
  serverEnded: boolean;
  /** We passed a FIN on to the server. */
  serverLegEnded: boolean;
  held: Record<RelayFlow, HeldCount>;
}

/** One held message: a frame of one direction of one pair, waiting to be released, dropped or edited. */
export interface HeldMessage {
  /** Unique in the session: `h1`, `h2`, … */
  id: string;
  connId: string;
  flow: RelayFlow;
  /** Epoch ms when its last byte arrived. */
  at: number;
  bytes: Uint8Array;
  /** Changed by an edit since it arrived. */
  edited: boolean;
  /** The framing still waits for more of it; releasing it sends what has come so far. */
  partial: boolean;
}

export interface SessionInfo {
  id: string;
  kind: SessionKind;
  config: SessionConfig;
  state: SessionState;
  counters: Counters;
  createdAt: number;
  /** The bound address (listener, UDP) or the local end (client), once known; for a listener or UDP session on a name, the first of `locals`. */
  local?: Endpoint;
  /** Listener, UDP: every bound address, once bound — one for an IP address, one per address a host name resolves to. */
  locals?: Endpoint[];
  /** TCP connections: a listener's accepted ones, or a client's single one. */
  connections: ConnectionInfo[];
  /** UDP: who sent the last datagram; replies go there. */
  lastSender?: Endpoint;
  /** UDP: multicast groups joined. */
  memberships: string[];
  /** The error that put the session in state `error`. */
  error?: AppError;
  /** TCP client auto-reconnect under way (state `opening`): the reconnect attempt (from 1) being made or awaited, and when it starts (epoch ms; undefined while it is being made); `error` keeps the last failure. */
  reconnect?: { attempt: number; nextAt: number | undefined };
  /** The session's recording to disk; absent when it was never recorded. */
  recording?: RecordingInfo;
  /** Data of this session that was not shown; absent while everything was. */
  notShown?: NotShown;
  /** Rules' hits, heartbeats and the repeat run; absent while the session never automated anything. */
  automation?: AutomationStatus;
  /** UDP liveness: epoch ms since which nothing was received for the silence limit; absent while live. */
  staleSince?: number;
  /** Removed with keepForUndoMs: closed, and forgotten at `until` (epoch ms) unless restored first. */
  removing?: { until: number };
}

/** A session's transcript on disk, as the recorder reports it. */
export interface RecordingInfo {
  /** Records are being written now. */
  active: boolean;
  /** The file being written, or the last one: a full path, shown to the user, never written by the page. */
  path: string;
  /** The file name alone. */
  fileName: string;
  /** Epoch ms when this file was started. */
  startedAt: number;
  /** Records and bytes written to the file so far (as of the last flush). */
  records: number;
  bytes: number;
  /** The TLS key log beside the file (NSS format, for Wireshark), once a key was written to it. */
  keyLogPath?: string;
  /** Why recording stopped without being asked to (disk full, folder gone, …). */
  error?: AppError;
}

/** Where recordings go and whether new sessions record unless they say otherwise. */
export interface RecorderSettings {
  folder: string;
  recordByDefault: boolean;
}

/** What a recording can be saved or converted as. */
export const TRANSCRIPT_FORMATS = ['jsonl', 'text', 'pcapng'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export const sendTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({
    type: z.literal('connections'),
    connIds: z.array(idSchema).min(1, says('target.connections')).max(MAX_SEND_TARGETS),
  }),
  z.strictObject({ type: z.literal('address'), host: hostSchema, port: remotePortSchema }),
  z.strictObject({ type: z.literal('last-sender') }),
]);
export type SendTarget = z.output<typeof sendTargetSchema>;

// ── Sequences (docs/automation.md § Sequences) ────────────────────────────────────────────

const stepNameSchema = z
  .string({ error: says('sequence.stepNameType') })
  .max(MAX_SEQUENCE_NAME_LENGTH, says('sequence.stepNameTooLong', { max: String(MAX_SEQUENCE_NAME_LENGTH) }))
  .default('');

/**
 * One step of a sequence: send a payload (its macros filled in as it goes), wait, wait for a
 * message that matches (failing the run after timeoutMs; with `checksum`, a matching message
 * whose check value is wrong fails it at once), or run a block of steps `times` times.
 */
export type SequenceStep =
  | { kind: 'send'; name: string; payload: Payload }
  | { kind: 'wait'; name: string; ms: number }
  | { kind: 'expect'; name: string; match: RuleMatch; timeoutMs: number; checksum?: ChecksumOption | undefined }
  | { kind: 'repeat'; name: string; times: number; steps: SequenceStep[] };
export type SequenceStepInput =
  | { kind: 'send'; name?: string; payload: z.input<typeof payloadSchema> }
  | { kind: 'wait'; name?: string; ms: number }
  | { kind: 'expect'; name?: string; match: z.input<typeof ruleMatchSchema>; timeoutMs: number; checksum?: ChecksumOptionInput | undefined }
  | { kind: 'repeat'; name?: string; times: number; steps: SequenceStepInput[] };

export const sequenceStepSchema: z.ZodType<SequenceStep, SequenceStepInput> = z.lazy(() =>
  z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('send'), name: stepNameSchema, payload: payloadSchema }),
      z.strictObject({ kind: z.literal('wait'), name: stepNameSchema, ms: boundedInt('field.wait', 0, MAX_SEQUENCE_WAIT_MS) }),
      z.strictObject({
        kind: z.literal('expect'),
        name: stepNameSchema,
        match: ruleMatchSchema,
        timeoutMs: boundedInt('field.expectTimeout', 1, MAX_SEQUENCE_WAIT_MS),
        checksum: checksumSchema.optional(),
      }),
      z.strictObject({
        kind: z.literal('repeat'),
        name: stepNameSchema,
        times: boundedInt('field.repeatTimes', 1, MAX_SEQUENCE_REPEAT),
        steps: z.array(sequenceStepSchema).min(1, says('sequence.repeatEmpty')),
      }),
    ],
    { error: says('sequence.stepKind') },
  ),
);

function countSteps(steps: readonly SequenceStep[], depth: number): { steps: number; depth: number } {
  let count = 0;
  let deepest = depth;
  for (const step of steps) {
    count += 1;
    if (step.kind === 'repeat') {
      const inner = countSteps(step.steps, depth + 1);
      count += inner.steps;
      deepest = Math.max(deepest, inner.depth);
    }
  }
  return { steps: count, depth: deepest };
}

export const sequenceSchema = z
  .strictObject({
    name: z
      .string({ error: says('sequence.nameType') })
      .min(1, says('sequence.nameEmpty'))
      .max(MAX_SEQUENCE_NAME_LENGTH, says('sequence.nameTooLong', { max: String(MAX_SEQUENCE_NAME_LENGTH) })),
    /** How expect steps split what arrives into messages, as for auto-reply. */
    framing: messageFramingSchema.default({ mode: 'raw' }),
    steps: z.array(sequenceStepSchema).min(1, says('sequence.empty')),
  })
  .superRefine((sequence, ctx) => {
    const { steps, depth } = countSteps(sequence.steps, 1);
    if (steps > MAX_SEQUENCE_STEPS)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: says('sequence.tooManySteps', { max: String(MAX_SEQUENCE_STEPS), steps: String(steps) }),
      });
    if (depth > MAX_SEQUENCE_DEPTH)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: says('sequence.tooDeep', { max: String(MAX_SEQUENCE_DEPTH) }) });
  });
export type Sequence = z.output<typeof sequenceSchema>;
export type SequenceInput = z.input<typeof sequenceSchema>;

/** Where a run is: a step by its path of indexes (into nested repeat blocks, from 0) and name, and the round of each enclosing block (from 1). */
export interface SequencePosition {
  path: number[];
  name: string;
  kind: SequenceStep['kind'];
  rounds: number[];
}

export interface SequenceStatus {
  name: string;
  state: 'running' | 'passed' | 'failed' | 'stopped';
  startedAt: number;
  endedAt?: number;
  /** Steps finished (each round of a block counts its steps again). */
  stepsDone: number;
  /** The step running, or the one the run ended at (failed, stopped). */
  step?: SequencePosition;
  /** Why it failed or stopped, naming the step. */
  error?: AppError;
}

/** What the next send of a payload would be. */
export interface PayloadPreview {
  bytes: Uint8Array;
}

// ── Methods ────────────────────────────────────────────────────────────────────────────────

const sessionRef = { sessionId: idSchema };

export const DISCONNECT_MODES = ['graceful', 'half-close', 'reset'] as const;
export type DisconnectMode = (typeof DISCONNECT_MODES)[number];

const heldFilter = {
  ...sessionRef,
  /** Only the messages with these ids; left out, every held message of the pair and direction given. */
  ids: z.array(idSchema).min(1, says('held.ids')).max(MAX_RELAY_HELD_MESSAGES).optional(),
  connId: idSchema.optional(),
  flow: flowSchema.optional(),
};

/** Where a send goes and from which session; what it carries is a payload or bytes. */
export const sendRouteSchema = z.strictObject({ ...sessionRef, to: sendTargetSchema.optional() });

export const argSchemas = {
  /**
   * Open a listener, a client connection or a UDP socket. keepIfFailed: false leaves nothing
   * behind an open that fails — no session, no recording file — unless a client goes on
   * retrying (auto-reconnect): then the answer is ok, the session opening with its error.
   */
  open: z.strictObject({ config: sessionConfigSchema, keepIfFailed: z.boolean().optional() }),
  /** Stop listening / disconnect / unbind; cancels a connect in progress. */
  close: z.strictObject(sessionRef),
  /** Open a closed session again with the same settings (a client reconnects). */
  reopen: z.strictObject(sessionRef),
  /**
   * Forget a session, closing it first. With keepForUndoMs the engine keeps it, closed, for that
   * long (its sockets are released at once, its recording stays open), answers `list` with it
   * marked `removing`, and `restore` brings it back; then it is forgotten as without.
   */
  remove: z.strictObject({ ...sessionRef, keepForUndoMs: boundedInt('field.keepForUndo', 1, MAX_REMOVE_UNDO_MS).optional() }),
  /** Bring back a session removed with keepForUndoMs while it is kept: closed, with its settings and its recording. */
  restore: z.strictObject(sessionRef),
  /**
   * Send bytes: a payload to render, or `bytes` as they are (a file's chunks, which the page sends
   * as bytes: a Uint8Array over IPC, a binary call frame in browser mode; a JSON line cannot
   * carry them). Exactly one of the two. Without `to`: a listener sends to all its connections, a
   * client to its connection, a UDP socket to its configured remote.
   */
  send: sendRouteSchema
    .extend({ payload: payloadSchema.optional(), bytes: sendBytesSchema.optional() })
    .refine((args) => (args.payload === undefined) !== (args.bytes === undefined), {
      error: says('send.payloadOrBytes'),
      path: ['payload'],
    }),
  /** End one TCP connection: FIN then close, FIN only (half-close), or RST. */
  disconnect: z.strictObject({
    ...sessionRef,
    connId: idSchema.optional(),
    mode: z.enum(DISCONNECT_MODES, { error: says('disconnect.mode') }),
  }),
  /**
   * Start counting again from zero: the session's totals and every connection's, or, with
   * `connId`, that connection's alone. Sockets, the log and recordings are left as they are.
   */
  resetCounters: z.strictObject({ ...sessionRef, connId: idSchema.optional() }),
  /** Join or leave a multicast group on a UDP session. */
  multicast: z.strictObject({
    ...sessionRef,
    action: z.enum(['join', 'leave'], { error: says('multicast.action') }),
    group: hostSchema.refine(isMulticast, { error: says('multicast.group') }),
    interface: interfaceSchema.optional(),
  }),
  /** Every session with its connections. */
  list: z.strictObject({}),
  /**
   * What the engine kept of each session's log (src/engine/log-retention.ts), for a page that
   * reloads or reconnects: the events of batches after `after`, the last batch it applied.
   */
  history: z.strictObject({ after: boundedInt('field.after', 0, Number.MAX_SAFE_INTEGER).optional() }),
  /** Start recording a session to a new file, or stop (the file is closed with an end record). */
  record: z.strictObject({
    ...sessionRef,
    action: z.enum(['start', 'stop'], { error: says('record.action') }),
  }),
  /** Read the recorder's settings, changing those given. The folder is set by the host (a dialog, or a command-line option). */
  recordingSettings: z.strictObject({ recordByDefault: z.boolean().optional() }),
  /** This machine's own addresses, by interface, to bind a listener or a UDP socket to. */
  addresses: z.strictObject({}),
  /** Replace a session's rules, heartbeat and liveness (config.automation); left out, automation stops. Counts start afresh. */
  automate: z.strictObject({ ...sessionRef, automation: automationSchema.optional() }),
  /** Send a payload every intervalMs, timed by the engine, count times or until stopped; one run per session. */
  repeat: z.discriminatedUnion(
    'action',
    [
      z.strictObject({
        ...sessionRef,
        action: z.literal('start'),
        payload: payloadSchema,
        to: sendTargetSchema.optional(),
        intervalMs: boundedInt('field.repeatInterval', MIN_SEND_INTERVAL_MS, MAX_SEND_INTERVAL_MS),
        count: boundedInt('field.repeatCount', 1, MAX_REPEAT_COUNT).optional(),
      }),
      z.strictObject({ ...sessionRef, action: z.literal('stop') }),
    ],
    { error: says('record.action') },
  ),
  /** Relay: hold one direction's messages from now on, or stop holding it (what is held is released, in order). */
  hold: z.strictObject({ ...sessionRef, flow: flowSchema, hold: z.boolean({ error: says('relay.holdFlag') }) }),
  /** Relay: list the held messages, or release (forward), drop or edit some of them. */
  held: z.discriminatedUnion(
    'action',
    [
      z.strictObject({ ...sessionRef, action: z.literal('list') }),
      z.strictObject({ ...heldFilter, action: z.literal('release') }),
      z.strictObject({ ...heldFilter, action: z.literal('drop') }),
      z.strictObject({ ...sessionRef, action: z.literal('edit'), id: idSchema, payload: payloadSchema }),
    ],
    { error: says('held.action') },
  ),
  /**
   * Relay: send bytes into one direction of one pair (connId) or of every pair, as if its sender
   * had sent them: a payload (its macros filled in as for send, from the session's counters) or
   * `bytes` as they are (a file's chunks, carried as for send), exactly one of the two.
   */
  inject: z
    .strictObject({
      ...sessionRef,
      connId: idSchema.optional(),
      flow: flowSchema,
      payload: payloadSchema.optional(),
      bytes: sendBytesSchema.optional(),
    })
    .refine((args) => (args.payload === undefined) !== (args.bytes === undefined), {
      error: says('send.payloadOrBytes'),
      path: ['payload'],
    }),
  /** The bytes the next send of this payload on the session would be, macros filled in; nothing advances. */
  preview: z.strictObject({ ...sessionRef, payload: payloadSchema }),
  /** Run a sequence on an open session (start: answers at once; run: answers when it ends), or stop the one running. */
  sequence: z.discriminatedUnion(
    'action',
    [
      z.strictObject({ ...sessionRef, action: z.literal('start'), sequence: sequenceSchema, to: sendTargetSchema.optional() }),
      z.strictObject({ ...sessionRef, action: z.literal('run'), sequence: sequenceSchema, to: sendTargetSchema.optional() }),
      z.strictObject({ ...sessionRef, action: z.literal('stop') }),
    ],
    { error: says('sequence.action') },
  ),
  /**
   * Make a self-signed certificate and its key for a quick TLS server (ECDSA P-256, SHA-256),
   * valid from now for `days`, for the names given (DNS names and IP addresses). The key stays
   * in main's key store: the answer names it by `keyRef` (docs/security.md § TLS).
   */
  certificate: z.strictObject({
    commonName: z
      .string({ error: says('tls.servernameType') })
      .min(1, says('tls.commonNameEmpty'))
      .max(64, says('tls.commonNameTooLong'))
      .default('localhost'),
    names: z
      .array(hostSchema)
      .min(1, says('tls.namesEmpty'))
      .max(MAX_CERTIFICATE_NAMES, says('tls.namesTooMany', { max: String(MAX_CERTIFICATE_NAMES) }))
      .default(['localhost', '127.0.0.1', '::1']),
    days: boundedInt('field.certificateDays', 1, MAX_CERTIFICATE_DAYS).default(DEFAULT_CERTIFICATE_DAYS),
  }),
  /**
   * Main's key store (docs/security.md § TLS): `import` takes a key file's PEM that a browser
   * read (the one time a key crosses from the page, towards main) and answers its reference;
   * `keep` writes a key to main's own folder for a saved session, so it outlives a restart;
   * `forget` frees it, from memory and disk.
   */
  keys: z.discriminatedUnion(
    'action',
    [
      z.strictObject({ action: z.literal('import'), key: pemSchema('key', MAX_PEM_LENGTH) }),
      z.strictObject({ action: z.literal('keep'), keyRef: keyRefSchema }),
      z.strictObject({ action: z.literal('forget'), keyRef: keyRefSchema }),
    ],
    { error: says('keys.action') },
  ),
} as const satisfies Record<MethodName, z.ZodType>;

export { METHOD_NAMES, HOST_METHOD_NAMES, ipcChannel, EVENTS_CHANNEL, type MethodName, type HostMethodName } from './channels';

export interface SendReceipt {
  /** Bytes accepted for each target. */
  bytes: number;
  /** How many connections or datagram targets the bytes went to. */
  targets: number;
}

/** One address of one of this machine's network interfaces. */
export interface LocalAddress {
  /** The interface's name: lo, eth0, en0, Wi-Fi, … */
  interface: string;
  address: string;
  family: AddressFamily;
  /** Loopback: reachable from this machine only. */
  internal: boolean;
}

export interface MethodResults {
  open: SessionInfo;
  close: SessionInfo;
  reopen: SessionInfo;
  remove: null;
  restore: SessionInfo;
  send: SendReceipt;
  disconnect: null;
  resetCounters: null;
  multicast: SessionInfo;
  list: SessionInfo[];
  history: LogHistory;
  record: RecordingInfo;
  recordingSettings: RecorderSettings;
  addresses: LocalAddress[];
  automate: SessionInfo;
  repeat: RepeatStatus;
  hold: SessionInfo;
  /** What the session still holds after the action, in arrival order. */
  held: HeldMessage[];
  inject: SendReceipt;
  preview: PayloadPreview;
  sequence: SequenceStatus;
  certificate: GeneratedCertificate;
  keys: { keyRef: string };
}

/** The `history` answer: each session's kept events, up to batch `seq`. */
export interface LogHistory {
  /** The last batch these events come from; live batches numbered up to it add nothing new. */
  seq: number;
  logs: SessionHistory[];
}

export interface SessionHistory {
  sessionId: string;
  /** The events follow on the batch the call named, so they extend the page's log; otherwise they replace it. */
  follows: boolean;
  /** In order; `session` events among them as they came, so replaying them tells the same rows. */
  events: InspectorEvent[];
  /** Older events the engine no longer keeps (the recording, if there is one, has them). */
  dropped: number;
  /** Whether the session is being recorded, when some were dropped. */
  recorded?: boolean;
  /** The session as it was before the first of `events`, when its opening was dropped. */
  base?: SessionInfo;
}

/** A generated certificate, PEM, with what the app shows of it; its key stays in main, named by `keyRef`. */
export interface GeneratedCertificate {
  cert: string;
  keyRef: string;
  summary: CertificateSummary;
}

export type MethodArgs<M extends MethodName> = z.input<(typeof argSchemas)[M]>;
export type ParsedArgs<M extends MethodName> = z.output<(typeof argSchemas)[M]>;

/** What callers (renderer, scripts) see: arguments before defaults, results always settled. */
export type InspectorApi = {
  [M in MethodName]: (args: MethodArgs<M>) => Promise<Result<MethodResults[M]>>;
};

/** What a transport calls after validation: arguments with defaults applied. */
export type EngineApi = {
  [M in MethodName]: (args: ParsedArgs<M>) => Promise<Result<MethodResults[M]>>;
};

// ── Events ─────────────────────────────────────────────────────────────────────────────────

export type Direction = 'rx' | 'tx';

/**
 * A relay's data events: rx is what arrived from the flow's sender (the client for to-server)
 * and was passed on at once, unless `held`; tx is what left toward the flow's receiver later:
 * a held message released (`edited` if changed) or bytes `injected` from the composer.
 */
export interface RelayDataMark {
  flow: RelayFlow;
  held?: true;
  edited?: true;
  injected?: true;
}

export type CloseReason = 'peer-closed' | 'peer-reset' | 'local-closed' | 'local-reset' | 'error' | 'session-closed';

export type InspectorEvent =
  /** A session was created or changed state, address or memberships. */
  | { type: 'session'; at: number; session: SessionInfo }
  | { type: 'session-removed'; at: number; sessionId: string }
  | { type: 'connection-opened'; at: number; sessionId: string; conn: ConnectionInfo }
  /** FIN seen (by: 'peer') or sent (by: 'local'); the other direction may still carry data. */
  /** closesAt: when the half-close linger will send our FIN, if one runs. */
  /** leg (relay): the client's leg (by peer: the client's FIN) or the server's (by peer: the server's FIN; by local: ours, passed on). */
  | { type: 'half-closed'; at: number; sessionId: string; connId: string; by: 'peer' | 'local'; closesAt?: number; leg?: RelayLeg }
  /** leg (relay): the leg on which the pair's end began (its reset, its FIN, its failure). */
  | { type: 'connection-closed'; at: number; sessionId: string; connId: string; reason: CloseReason; counters: Counters; leg?: RelayLeg }
  /** Relay: what one pair holds in one direction changed; `messages` is all of it, in order. */
  | { type: 'held'; at: number; sessionId: string; connId: string; flow: RelayFlow; messages: HeldMessage[] }
  | {
      type: 'data';
      at: number;
      sessionId: string;
      dir: Direction;
      /** TCP: the connection. */
      connId?: string;
      /** UDP: the sender (rx) or destination (tx). */
      peer?: Endpoint;
      bytes: Uint8Array;
      /** tx only: sent by a rule, a heartbeat or a repeat run rather than by hand. */
      origin?: SendOrigin;
      /** Relay: which way the bytes go, and what the relay did with them. */
      relay?: RelayDataMark;
      /**
       * TCP, for display: the reads of the socket this event joins, when the batcher merged more
       * than one under load (EVENT_FLUSH_MERGE_AFTER_DATA_EVENTS; the recorder still has each read alone).
       */
      reads?: number;
    }
  | { type: 'error'; at: number; sessionId: string; connId?: string; error: AppError }
  /** Sends wait on a peer that does not read (blocked) or have all gone out (unblocked). */
  | { type: 'backpressure'; at: number; sessionId: string; connId: string; blocked: boolean; queuedBytes: number }
  /** A sequence's progress: at once when it ends, otherwise at most every 200 ms. */
  | { type: 'sequence'; at: number; sessionId: string; status: SequenceStatus }
  /** Rules' hits, heartbeats, repeat progress: at once on a change of state, otherwise at most every 200 ms. */
  | { type: 'automation'; at: number; sessionId: string; status: AutomationStatus }
  /** Liveness: a connection (UDP: the session, no connId) went stale after silentMs without data, or is live again. */
  | { type: 'liveness'; at: number; sessionId: string; connId?: string; stale: boolean; silentMs: number; action: LivenessAction }
  /** A session's recording started, stopped, failed, or grew (at most once per recorder flush). */
  | { type: 'recording'; at: number; sessionId: string; recording: RecordingInfo }
  /**
   * Totals after each flush, for every session that moved bytes since the previous one;
   * `connections` lists only its connections that did (the others are as last told); `notShown`
   * (session and connection) once some of their data was not shown.
   */
  | {
      type: 'counters';
      at: number;
      sessionId: string;
      counters: Counters;
      connections: { connId: string; counters: Counters; notShown?: NotShown }[];
      notShown?: NotShown;
    };

/** One flush of the engine's queue: what a transport delivers as one message. */
export interface EventBatch {
  events: InspectorEvent[];
  /** Data events that were merged into their neighbours for display (same connection, same direction). */
  coalesced: number;
  /**
   * Events other than data left out of this batch because too many came at once; the batch ends
   * with a fresh `session` event for each session they touched.
   */
  omitted?: number;
  /**
   * This flush's number, one more than the last one's (src/engine/log-retention.ts): a page that
   * read its history up to batch n applies only the live batches after n.
   */
  seq?: number;
}

/** `window.inspector`, as the preload exposes it. */
export interface InspectorBridge extends InspectorApi {
  onEvents(listener: (batch: EventBatch) => void): () => void;
}

// ── Desktop host methods: files chosen in native dialogs ───────────────────────────────────

const fileFilterSchema = z.strictObject({
  name: z.string().min(1, says('filter.nameEmpty')).max(64, says('filter.nameTooLong')),
  extensions: z
    .array(z.string().regex(/^[A-Za-z0-9]{1,16}$/, says('filter.extension')))
    .min(1, says('filter.noExtension'))
    .max(10, says('filter.tooManyExtensions')),
});

const RESERVED_IN_NAMES = new Set(['/', '\\', '<', '>', ':', '"', '|', '?', '*']);

/** No folders, no characters any of the three desktop OSes reserve, no control characters. */
function isPlainFileName(name: string): boolean {
  if (name === '.' || name === '..') return false;
  for (const char of name) if (char.charCodeAt(0) < 0x20 || RESERVED_IN_NAMES.has(char)) return false;
  return true;
}

/** A name to suggest in the save dialog: a file name only, never a path. */
const suggestedNameSchema = z
  .string({ error: says('suggestedName.type') })
  .min(1, says('suggestedName.empty'))
  .max(255, says('suggestedName.tooLong'))
  .refine(isPlainFileName, { error: says('suggestedName.plain') });

const bytesSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { error: says('file.bytes') })
  .refine((bytes) => bytes.byteLength <= MAX_FILE_BYTES, { error: says('file.tooLarge', { max: String(MAX_FILE_BYTES) }) });

export const hostArgSchemas = {
  /** Ask where to save (main shows the dialog and picks the path) and write the bytes there. */
  saveFile: z.strictObject({ suggestedName: suggestedNameSchema, filters: z.array(fileFilterSchema).max(10), data: bytesSchema }),
  /** Ask which file to open and return its name and bytes. */
  openFile: z.strictObject({ filters: z.array(fileFilterSchema).max(10) }),
  /** Ask for a private key file, read it in main and keep the key in main's key store: the answer is its name and reference, never its bytes. */
  openKeyFile: z.strictObject({ filters: z.array(fileFilterSchema).max(10) }),
  /** The user's "Export certificate and key…": ask where to save, and write the key (after its certificate, when main made it) there, owner-only. */
  exportKey: z.strictObject({ keyRef: keyRefSchema }),
  /** Ask where to save a session's recording and write it there converted to the format (temp file, then rename). */
  saveRecording: z.strictObject({
    sessionId: idSchema,
    format: z.enum(TRANSCRIPT_FORMATS, { error: says('transcript.format') }),
  }),
  /** Ask for a new recordings folder (a native folder dialog) and use it for files started from now on. */
  chooseRecordingFolder: z.strictObject({}),
  /** Show the recordings folder in the system's file manager. */
  openRecordingFolder: z.strictObject({}),
} as const satisfies Record<HostMethodName, z.ZodType>;

export interface HostResults {
  /** `saved: false` when the user cancelled; `name` is the file name only, never the path. */
  saveFile: { saved: boolean; name?: string };
  /** null when the user cancelled. */
  openFile: { name: string; data: Uint8Array } | null;
  /** null when the user cancelled. */
  openKeyFile: { name: string; keyRef: string } | null;
  /** `saved: false` when the user cancelled. */
  exportKey: { saved: boolean; name?: string };
  saveRecording: { saved: boolean; name?: string };
  /** null when the user cancelled. */
  chooseRecordingFolder: RecorderSettings | null;
  openRecordingFolder: null;
}

export type HostApi = {
  [M in HostMethodName]: (args: z.input<(typeof hostArgSchemas)[M]>) => Promise<Result<HostResults[M]>>;
};

export type HostHandlers = {
  [M in HostMethodName]: (args: z.output<(typeof hostArgSchemas)[M]>) => Promise<Result<HostResults[M]>>;
};

/** `window.inspector` in the desktop app: the API plus the native file dialogs. */
export interface ElectronBridge extends InspectorBridge, HostApi {}
