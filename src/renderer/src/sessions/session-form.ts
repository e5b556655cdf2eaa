/**
 * The new-session dialog's fields as typed, turned into a config the contract's own schemas
 * judge: one source of truth for what is valid, with each message routed to its field.
 */
import {
  argSchemas,
  tcpClientConfigSchema,
  relayConfigSchema,
  tcpServerConfigSchema,
  udpConfigSchema,
  type SessionConfig,
  type SessionConfigInput,
  type SessionKind,
  type TlsClientOptions,
  type TlsServerOptions,
  type TlsVersion,
} from '@shared/contract';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HALF_CLOSE_LINGER_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECONNECT_INITIAL_MS,
  DEFAULT_RECONNECT_MAX_MS,
  DEFAULT_RELAY_UDP_IDLE_MS,
} from '@shared/limits';
import { firstIssue, issuesText, parsePortText } from '../form-validation';
import type { Say } from '../i18n/languages';

export type LoopbackChoice = 'default' | 'on' | 'off';

export interface SessionForm {
  kind: SessionKind;
  host: string;
  port: string;
  noDelay: boolean;
  keepAlive: boolean;
  keepAliveDelay: string;
  halfOpen: boolean;
  halfCloseLinger: string;
  idleTimeout: string;
  ipv6Only: boolean;
  localAddress: string;
  localPort: string;
  connectTimeout: string;
  maxConnections: string;
  reconnect: boolean;
  reconnectInitial: string;
  reconnectMax: string;
  reconnectAttempts: string;
  reuseAddress: boolean;
  broadcast: boolean;
  connect: boolean;
  recvBuffer: string;
  sendBuffer: string;
  ttl: string;
  multicastTtl: string;
  multicastLoopback: LoopbackChoice;
  multicastInterface: string;
  multicastGroup: string;
  remoteHost: string;
  remotePort: string;
  /** Relay: the server each client is relayed to (upstream host and port), over TCP or UDP. */
  upstreamHost: string;
  upstreamPort: string;
  relayTransport: 'tcp' | 'udp';
  udpIdle: string;
  holdToServer: boolean;
  holdToClient: boolean;
  /**
   * Record to disk: undefined until the user ticks or clears the box, and then left out of the
   * config, so the recorder's global default decides when the session opens. A definition saved
   * without touching the box thus follows the setting as it is then, not as it was when saved.
   */
  record: boolean | undefined;
  /**
   * TLS (TCP kinds; a relay's listening side): on or off, and its settings, kept while it is off
   * so turning it on again finds them.
   */
  tls: boolean;
  tlsServername: string;
  /** ALPN names as typed: separated by commas or spaces. */
  tlsAlpn: string;
  tlsMinVersion: TlsVersion | '';
  tlsMaxVersion: TlsVersion | '';
  tlsVerify: boolean;
  tlsRequestCert: boolean;
  /**
   * PEM text of the certificates the user chose (or generated), the private key's reference in
   * main's key store (the page never holds a key), and the names to show for them.
   */
  tlsCa: string;
  tlsCaName: string;
  tlsCert: string;
  tlsCertName: string;
  tlsKeyRef: string;
  tlsKeyName: string;
  /** Write this side's TLS secrets to a key log beside the recording. */
  tlsKeyLog: boolean;
  /**
   * A TCP relay's upstream leg: TLS towards the server, a client's settings (the `tls` fields
   * above are then the relay's listening side, a server's).
   */
  tlsUp: boolean;
  tlsUpServername: string;
  tlsUpAlpn: string;
  tlsUpMinVersion: TlsVersion | '';
  tlsUpMaxVersion: TlsVersion | '';
  tlsUpVerify: boolean;
  tlsUpCa: string;
  tlsUpCaName: string;
  tlsUpCert: string;
  tlsUpCertName: string;
  tlsUpKeyRef: string;
  tlsUpKeyName: string;
  tlsUpKeyLog: boolean;
}

export type FormField = keyof SessionForm;
export type FieldProblems = Partial<Record<FormField, string>>;

export const EMPTY_FORM: SessionForm = {
  kind: 'tcp-server',
  host: '127.0.0.1',
  port: '0',
  noDelay: true,
  keepAlive: false,
  keepAliveDelay: '0',
  halfOpen: false,
  halfCloseLinger: String(DEFAULT_HALF_CLOSE_LINGER_MS),
  idleTimeout: '',
  ipv6Only: false,
  localAddress: '',
  localPort: '',
  connectTimeout: String(DEFAULT_CONNECT_TIMEOUT_MS),
  maxConnections: String(DEFAULT_MAX_CONNECTIONS),
  reconnect: false,
  reconnectInitial: String(DEFAULT_RECONNECT_INITIAL_MS),
  reconnectMax: String(DEFAULT_RECONNECT_MAX_MS),
  reconnectAttempts: '0',
  reuseAddress: false,
  broadcast: false,
  connect: false,
  recvBuffer: '',
  sendBuffer: '',
  ttl: '',
  multicastTtl: '',
  multicastLoopback: 'default',
  multicastInterface: '',
  multicastGroup: '',
  remoteHost: '',
  remotePort: '',
  upstreamHost: '127.0.0.1',
  upstreamPort: '',
  relayTransport: 'tcp',
  udpIdle: String(DEFAULT_RELAY_UDP_IDLE_MS),
  holdToServer: false,
  holdToClient: false,
  record: undefined,
  tls: false,
  tlsServername: '',
  tlsAlpn: '',
  tlsMinVersion: '',
  tlsMaxVersion: '',
  tlsVerify: true,
  tlsRequestCert: false,
  tlsCa: '',
  tlsCaName: '',
  tlsCert: '',
  tlsCertName: '',
  tlsKeyRef: '',
  tlsKeyName: '',
  tlsKeyLog: false,
  tlsUp: false,
  tlsUpServername: '',
  tlsUpAlpn: '',
  tlsUpMinVersion: '',
  tlsUpMaxVersion: '',
  tlsUpVerify: true,
  tlsUpCa: '',
  tlsUpCaName: '',
  tlsUpCert: '',
  tlsUpCertName: '',
  tlsUpKeyRef: '',
  tlsUpKeyName: '',
  tlsUpKeyLog: false,
};

/** Which TLS settings of the form: the session's own (a client's, a listener's, a relay's listening side) or a relay's upstream leg. */
export type TlsSide = 'own' | 'upstream';

type FieldOf<T> = { [K in FormField]: SessionForm[K] extends T ? K : never }[FormField];
/** The form fields of one side's TLS settings. */
export interface TlsFields {
  on: FieldOf<boolean>;
  servername: FieldOf<string>;
  alpn: FieldOf<string>;
  minVersion: FieldOf<TlsVersion | ''>;
  maxVersion: FieldOf<TlsVersion | ''>;
  verify: FieldOf<boolean>;
  ca: FieldOf<string>;
  caName: FieldOf<string>;
  cert: FieldOf<string>;
  certName: FieldOf<string>;
  key: FieldOf<string>;
  keyName: FieldOf<string>;
  keyLog: FieldOf<boolean>;
}

export const TLS_FIELDS: Readonly<Record<TlsSide, TlsFields>> = {
  own: {
    on: 'tls',
    servername: 'tlsServername',
    alpn: 'tlsAlpn',
    minVersion: 'tlsMinVersion',
    maxVersion: 'tlsMaxVersion',
    verify: 'tlsVerify',
    ca: 'tlsCa',
    caName: 'tlsCaName',
    cert: 'tlsCert',
    certName: 'tlsCertName',
    key: 'tlsKeyRef',
    keyName: 'tlsKeyName',
    keyLog: 'tlsKeyLog',
  },
  upstream: {
    on: 'tlsUp',
    servername: 'tlsUpServername',
    alpn: 'tlsUpAlpn',
    minVersion: 'tlsUpMinVersion',
    maxVersion: 'tlsUpMaxVersion',
    verify: 'tlsUpVerify',
    ca: 'tlsUpCa',
    caName: 'tlsUpCaName',
    cert: 'tlsUpCert',
    certName: 'tlsUpCertName',
    key: 'tlsUpKeyRef',
    keyName: 'tlsUpKeyName',
    keyLog: 'tlsUpKeyLog',
  },
};

/** Whether the side speaks as a TLS server: a listener, and a relay towards its clients. */
export const tlsServerSide = (kind: SessionKind, side: TlsSide): boolean => side === 'own' && (kind === 'tcp-server' || kind === 'relay');

/** Whether the form's session can have this side's TLS: TCP kinds, and a relay over TCP (both sides). */
export const offersTls = (form: Pick<SessionForm, 'kind' | 'relayTransport'>, side: TlsSide): boolean =>
  form.kind === 'relay' ? form.relayTransport === 'tcp' : side === 'own' && form.kind !== 'udp';

/** The TLS fields: a section of their own, not among the folded options. */
export const isTlsField = (field: FormField): boolean => field.startsWith('tls');

/** A port a listener or a UDP socket suggests before the user has one of their own. */
export const SUGGESTED_PORT = '9000';

/**
 * Where a new session of `kind` starts: the last endpoint of that kind the user opened, else
 * loopback and a port that fits — a listener or a UDP socket suggests one, a client has none,
 * since only the user knows the server's.
 */
export function endpointFor(
  kind: SessionKind,
  recent: readonly { kind: SessionKind; host: string; port: number }[],
): Pick<SessionForm, 'host' | 'port'> {
  const last = recent.find((entry) => entry.kind === kind);
  if (last) return { host: last.host, port: String(last.port) };
  return { host: '127.0.0.1', port: kind === 'tcp-client' ? '' : SUGGESTED_PORT };
}

/** A new session's form: its kind's endpoint, every option at its default. */
export function newForm(kind: SessionKind, recent: Parameters<typeof endpointFor>[1]): SessionForm {
  return { ...EMPTY_FORM, kind, ...endpointFor(kind, recent) };
}

/** The same form for another kind: its endpoint follows unless the user changed it. */
export function switchKind(form: SessionForm, kind: SessionKind, recent: Parameters<typeof endpointFor>[1]): SessionForm {
  const before = endpointFor(form.kind, recent);
  const untouched = form.host === before.host && form.port === before.port;
  return { ...form, kind, ...(untouched ? endpointFor(kind, recent) : {}) };
}

/** How many advanced options differ from their defaults, to say so on the folded section. */
export function changedOptions(form: SessionForm): number {
  const fields = Object.keys(EMPTY_FORM) as FormField[];
  return fields.filter(
    (field) => !['kind', 'host', 'port', 'record'].includes(field) && !isTlsField(field) && form[field] !== EMPTY_FORM[field],
  ).length;
}

const text = (value: number | undefined): string => (value === undefined ? '' : String(value));

/**
 * The TLS fields of a config. A config names its key by reference (main keeps the key); one
 * given a key inline by a script shows none, and opening asks for it (docs/security.md § TLS).
 */
function tlsForm(config: SessionConfig): Partial<SessionForm> {
  const own = 'tls' in config && config.tls ? sideForm('own', config.tls) : {};
  const upstream = config.kind === 'relay' && config.upstreamTls ? sideForm('upstream', config.upstreamTls) : {};
  return { ...own, ...upstream };
}

function sideForm(side: TlsSide, tls: TlsClientOptions | TlsServerOptions): Partial<SessionForm> {
  const f = TLS_FIELDS[side];
  return {
    [f.on]: true,
    [f.servername]: 'servername' in tls ? (tls.servername ?? '') : '',
    [f.alpn]: (tls.alpn ?? []).join(', '),
    [f.minVersion]: tls.minVersion ?? '',
    [f.maxVersion]: tls.maxVersion ?? '',
    [f.verify]: tls.verify,
    ...('requestCert' in tls ? { tlsRequestCert: tls.requestCert } : {}),
    [f.ca]: tls.ca ?? '',
    [f.caName]: tls.ca === undefined ? '' : 'ca.pem',
    [f.cert]: tls.cert ?? '',
    [f.certName]: tls.cert === undefined ? '' : 'cert.pem',
    [f.key]: tls.keyRef ?? '',
    [f.keyName]: tls.keyRef === undefined ? '' : 'key.pem',
    [f.keyLog]: tls.keyLog,
  };
}

/** A form showing an existing config, e.g. to duplicate a session with changes. */
export function formFromConfig(config: SessionConfig): SessionForm {
  const base: SessionForm = {
    ...EMPTY_FORM,
    kind: config.kind,
    host: config.host,
    port: String(config.port),
    record: config.record,
    ...tlsForm(config),
  };
  switch (config.kind) {
    case 'tcp-server':
      return {
        ...base,
        ipv6Only: config.ipv6Only,
        maxConnections: String(config.maxConnections),
        noDelay: config.noDelay,
        halfOpen: config.halfOpen,
        halfCloseLinger: String(config.halfCloseLingerMs),
        idleTimeout: text(config.idleTimeoutMs),
        keepAlive: config.keepAlive,
        keepAliveDelay: String(config.keepAliveInitialDelayMs),
      };
    case 'tcp-client':
      return {
        ...base,
        localAddress: config.localAddress ?? '',
        localPort: text(config.localPort),
        connectTimeout: String(config.connectTimeoutMs),
        noDelay: config.noDelay,
        halfOpen: config.halfOpen,
        halfCloseLinger: String(config.halfCloseLingerMs),
        idleTimeout: text(config.idleTimeoutMs),
        keepAlive: config.keepAlive,
        keepAliveDelay: String(config.keepAliveInitialDelayMs),
        reconnect: config.reconnect.enabled,
        reconnectInitial: String(config.reconnect.initialDelayMs),
        reconnectMax: String(config.reconnect.maxDelayMs),
        reconnectAttempts: String(config.reconnect.maxAttempts),
      };
    case 'udp':
      return {
        ...base,
        ipv6Only: config.ipv6Only,
        reuseAddress: config.reuseAddress,
        broadcast: config.broadcast,
        connect: config.connect,
        recvBuffer: text(config.recvBufferSize),
        sendBuffer: text(config.sendBufferSize),
        ttl: text(config.ttl),
        multicastTtl: text(config.multicastTtl),
        multicastLoopback: config.multicastLoopback === undefined ? 'default' : config.multicastLoopback ? 'on' : 'off',
        multicastInterface: config.multicastInterface ?? '',
        remoteHost: config.remote?.host ?? '',
        remotePort: config.remote ? String(config.remote.port) : '',
      };
    case 'relay':
      return {
        ...base,
        upstreamHost: config.upstream.host,
        upstreamPort: String(config.upstream.port),
        relayTransport: config.transport,
        connectTimeout: String(config.connectTimeoutMs),
        maxConnections: String(config.maxConnections),
        udpIdle: String(config.udpIdleMs),
        holdToServer: config.holdToServer,
        holdToClient: config.holdToClient,
      };
  }
}

/** A number field: empty means "not set" where the option is optional. */
const optionalNumber = (value: string): number | undefined => (value.trim() === '' ? undefined : parsePortText(value));

const pem = (text: string, key: 'ca' | 'cert') => (text === '' ? {} : { [key]: text });

/** One side's TLS object of a config, when it is on and the session can have it. */
function tlsSideInput(form: SessionForm, side: TlsSide): Record<string, unknown> | undefined {
  const f = TLS_FIELDS[side];
  if (!form[f.on] || !offersTls(form, side)) return undefined;
  const server = tlsServerSide(form.kind, side);
  const alpn = form[f.alpn]
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const servername = form[f.servername].trim();
  const minVersion = form[f.minVersion];
  const maxVersion = form[f.maxVersion];
  return {
    ...(alpn.length > 0 ? { alpn } : {}),
    ...(minVersion === '' ? {} : { minVersion }),
    ...(maxVersion === '' ? {} : { maxVersion }),
    verify: form[f.verify],
    ...pem(form[f.ca], 'ca'),
    ...pem(form[f.cert], 'cert'),
    ...(form[f.key] === '' ? {} : { keyRef: form[f.key] }),
    ...(form[f.keyLog] ? { keyLog: true } : {}),
    ...(!server && servername !== '' ? { servername } : {}),
    ...(server ? { requestCert: form.tlsRequestCert } : {}),
  };
}

/** The tls object of a TCP config, when TLS is on. */
function tlsInput(form: SessionForm): { tls?: Record<string, unknown> } {
  const tls = tlsSideInput(form, 'own');
  return tls ? { tls } : {};
}

/** The config exactly as it will be sent, before the schema judges it. */
export function configInput(form: SessionForm): SessionConfigInput {
  const host = form.host.trim();
  const port = parsePortText(form.port);
  const record = form.record === undefined ? {} : { record: form.record };
  const idleTimeoutMs = optionalNumber(form.idleTimeout);
  const tcp = {
    ...record,
    noDelay: form.noDelay,
    halfOpen: form.halfOpen,
    halfCloseLingerMs: parsePortText(form.halfCloseLinger),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    keepAlive: form.keepAlive,
    // The delay means nothing without keep-alive; a stale value must not block the form.
    keepAliveInitialDelayMs: form.keepAlive ? parsePortText(form.keepAliveDelay) : 0,
    ...tlsInput(form),
  };
  switch (form.kind) {
    case 'tcp-server':
      return { kind: 'tcp-server', host, port, ipv6Only: form.ipv6Only, maxConnections: parsePortText(form.maxConnections), ...tcp };
    case 'tcp-client': {
      const localAddress = form.localAddress.trim();
      const localPort = optionalNumber(form.localPort);
      return {
        kind: 'tcp-client',
        host,
        port,
        ...(localAddress === '' ? {} : { localAddress }),
        ...(localPort === undefined ? {} : { localPort }),
        connectTimeoutMs: parsePortText(form.connectTimeout),
        ...tcp,
        reconnect: form.reconnect
          ? {
              enabled: true,
              initialDelayMs: parsePortText(form.reconnectInitial),
              maxDelayMs: parsePortText(form.reconnectMax),
              maxAttempts: parsePortText(form.reconnectAttempts),
            }
          : { enabled: false },
      };
    }
    case 'udp': {
      const recvBufferSize = optionalNumber(form.recvBuffer);
      const sendBufferSize = optionalNumber(form.sendBuffer);
      const ttl = optionalNumber(form.ttl);
      const multicastTtl = optionalNumber(form.multicastTtl);
      const multicastInterface = form.multicastInterface.trim();
      const remoteHost = form.remoteHost.trim();
      const remotePort = form.remotePort.trim();
      return {
        kind: 'udp',
        host,
        port,
        ipv6Only: form.ipv6Only,
        reuseAddress: form.reuseAddress,
        broadcast: form.broadcast,
        ...(form.connect ? { connect: true } : {}),
        ...record,
        ...(recvBufferSize === undefined ? {} : { recvBufferSize }),
        ...(sendBufferSize === undefined ? {} : { sendBufferSize }),
        ...(ttl === undefined ? {} : { ttl }),
        ...(multicastTtl === undefined ? {} : { multicastTtl }),
        ...(form.multicastLoopback === 'default' ? {} : { multicastLoopback: form.multicastLoopback === 'on' }),
        ...(multicastInterface === '' ? {} : { multicastInterface }),
        ...(remoteHost === '' && remotePort === '' ? {} : { remote: { host: remoteHost, port: parsePortText(remotePort) } }),
      };
    }
    case 'relay': {
      const upstreamTls = tlsSideInput(form, 'upstream');
      return {
        kind: 'relay',
        transport: form.relayTransport,
        host,
        port,
        upstream: { host: form.upstreamHost.trim(), port: parsePortText(form.upstreamPort) },
        connectTimeoutMs: parsePortText(form.connectTimeout),
        maxConnections: parsePortText(form.maxConnections),
        udpIdleMs: parsePortText(form.udpIdle),
        holdToServer: form.holdToServer,
        holdToClient: form.holdToClient,
        ...tlsInput(form),
        ...(upstreamTls ? { upstreamTls } : {}),
        ...record,
      };
    }
  }
}

/** Where a schema issue's path lands in the form. */
const FIELD_OF_PATH: Readonly<Record<string, FormField>> = {
  host: 'host',
  port: 'port',
  keepAliveInitialDelayMs: 'keepAliveDelay',
  localAddress: 'localAddress',
  localPort: 'localPort',
  connectTimeoutMs: 'connectTimeout',
  halfCloseLingerMs: 'halfCloseLinger',
  idleTimeoutMs: 'idleTimeout',
  maxConnections: 'maxConnections',
  'reconnect.initialDelayMs': 'reconnectInitial',
  'reconnect.maxDelayMs': 'reconnectMax',
  'reconnect.maxAttempts': 'reconnectAttempts',
  recvBufferSize: 'recvBuffer',
  sendBufferSize: 'sendBuffer',
  ttl: 'ttl',
  multicastTtl: 'multicastTtl',
  multicastInterface: 'multicastInterface',
  'remote.host': 'remoteHost',
  'remote.port': 'remotePort',
  'upstream.host': 'upstreamHost',
  'upstream.port': 'upstreamPort',
  upstream: 'upstreamHost',
  udpIdleMs: 'udpIdle',
  'tls.servername': 'tlsServername',
  'tls.alpn': 'tlsAlpn',
  'tls.minVersion': 'tlsMinVersion',
  'tls.maxVersion': 'tlsMaxVersion',
  'tls.ca': 'tlsCa',
  'tls.cert': 'tlsCert',
  'tls.key': 'tlsKeyRef',
  'tls.keyRef': 'tlsKeyRef',
  'upstreamTls.servername': 'tlsUpServername',
  'upstreamTls.alpn': 'tlsUpAlpn',
  'upstreamTls.minVersion': 'tlsUpMinVersion',
  'upstreamTls.maxVersion': 'tlsUpMaxVersion',
  'upstreamTls.ca': 'tlsUpCa',
  'upstreamTls.cert': 'tlsUpCert',
  'upstreamTls.key': 'tlsUpKeyRef',
  'upstreamTls.keyRef': 'tlsUpKeyRef',
};

/** The form field of an issue's path: an ALPN name's issue (tls.alpn.2) goes to the ALPN field. */
const fieldOfPath = (path: readonly PropertyKey[]): FormField | undefined => {
  const joined = path.map(String).join('.');
  if (FIELD_OF_PATH[joined]) return FIELD_OF_PATH[joined];
  if (joined.startsWith('tls.alpn.')) return 'tlsAlpn';
  return joined.startsWith('upstreamTls.alpn.') ? 'tlsUpAlpn' : undefined;
};

const SCHEMAS = {
  'tcp-server': tcpServerConfigSchema,
  'tcp-client': tcpClientConfigSchema,
  udp: udpConfigSchema,
  relay: relayConfigSchema,
} as const;

export type FormCheck = { ok: true; config: SessionConfig; group: string | undefined } | { ok: false; problems: FieldProblems };

/** The config the schema accepts (defaults applied), or each field's problem. */
export function checkForm(form: SessionForm, say: Say): FormCheck {
  const problems: FieldProblems = {};
  const parsed = SCHEMAS[form.kind].safeParse(configInput(form));
  if (!parsed.success) {
    const byField = new Map<FormField, (typeof parsed.error.issues)[number][]>();
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path) ?? 'host';
      byField.set(field, [...(byField.get(field) ?? []), issue]);
    }
    for (const [field, issues] of byField) problems[field] = issuesText(issues, say);
  }
  const groupText = form.kind === 'udp' ? form.multicastGroup.trim() : '';
  if (groupText !== '') {
    const groupProblem = firstIssue(argSchemas.multicast.shape.group.safeParse(groupText), say);
    if (groupProblem) problems.multicastGroup = groupProblem;
  }
  if (!parsed.success || Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, config: parsed.data, group: groupText === '' ? undefined : groupText };
}
