/**
 * The workspace file: saved sessions, recent endpoints, saved payloads and view preferences as
 * one JSON document. Reading is strict (unknown keys, wrong types and out-of-range values are
 * refused, each named by its path) so a file either opens whole or changes nothing.
 */
import { z } from 'zod';
import { sequenceSchema, type Sequence } from '@shared/contract';
import { MAX_SAVED_SEQUENCES } from '@shared/limits';
import { says } from '@shared/validate';
import { MAX_SAVED_PAYLOADS, savedPayloadSchema, type SavedPayload } from '../composer/payload-library';
import { languageSchema } from '../i18n/languages';
import {
  cleanSessionName,
  MAX_RECENT_ENDPOINTS,
  MAX_SAVED_SESSIONS,
  recentEndpointSchema,
  savedSessionSchema,
  themeChoiceSchema,
  type RecentEndpoint,
  type SavedSession,
  type WorkspaceData,
} from './workspace-store';

export const WORKSPACE_FORMAT = 'socket-inspector-workspace';
export const WORKSPACE_VERSION = 1;
/** Far above any real workspace; refuses to parse a huge file someone picked by mistake. */
export const MAX_WORKSPACE_FILE_BYTES = 32 * 1024 * 1024;

/**
 * The version a file states, for the message: a number or short text as written, anything else
 * by its kind (the file may hold megabytes there, or nesting too deep for JSON.stringify).
 */
function shownVersion(input: unknown): string {
  if (typeof input === 'number' || typeof input === 'boolean' || input === null) return String(input);
  if (typeof input === 'string') return input.length <= 20 ? JSON.stringify(input) : 'a long text';
  return Array.isArray(input) ? 'a list' : `a ${typeof input}`;
}

export const workspaceFileSchema = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT, { error: `This is not a Socket Inspector workspace: "format" must be "${WORKSPACE_FORMAT}".` }),
  version: z.literal(WORKSPACE_VERSION, {
    error: (issue) =>
      `Version ${shownVersion(issue.input)} is not supported: this version of Socket Inspector reads version ${WORKSPACE_VERSION}.`,
  }),
  /** When the file was written (ISO 8601); informative only. */
  savedAt: z.string({ error: 'savedAt must be text.' }).max(64).optional(),
  sessions: z
    // The file leaves out ids: they are the workspace's, made afresh when a file is opened.
    .array(savedSessionSchema.omit({ id: true }), { error: 'sessions must be a list.' })
    .max(MAX_SAVED_SESSIONS, `At most ${MAX_SAVED_SESSIONS} saved sessions.`),
  recentEndpoints: z
    .array(recentEndpointSchema, { error: 'recentEndpoints must be a list.' })
    .max(MAX_RECENT_ENDPOINTS, `At most ${MAX_RECENT_ENDPOINTS} recent endpoints.`),
  payloads: z
    .array(savedPayloadSchema, { error: 'payloads must be a list.' })
    .max(MAX_SAVED_PAYLOADS, `At most ${MAX_SAVED_PAYLOADS} saved payloads.`),
  /** Sequences (the contract's, as a sequence file holds one); absent in files from before them. */
  sequences: z
    .array(sequenceSchema, { error: 'sequences must be a list.' })
    .max(MAX_SAVED_SEQUENCES, `At most ${MAX_SAVED_SEQUENCES} sequences.`)
    .optional(),
  preferences: z.strictObject({
    theme: themeChoiceSchema,
    /** Absent: follow the OS. */
    language: languageSchema.optional(),
  }),
});

export type WorkspaceFile = z.output<typeof workspaceFileSchema>;

export interface WorkspaceContents extends WorkspaceData {
  payloads: readonly SavedPayload[];
  /** Undefined: the file has none, and opening it leaves the sequences as they are. */
  sequences?: readonly Sequence[] | undefined;
}

/** Fields copied by name: objects read from a file or a store are never spread into ours. */
const copyPayload = (p: SavedPayload): SavedPayload => ({
  id: p.id,
  name: p.name,
  format: p.format,
  value: p.value,
  encoding: p.encoding,
  escapes: p.escapes,
  lineEnding: p.lineEnding,
  savedAt: p.savedAt,
});

const copyEndpoint = (recent: RecentEndpoint): RecentEndpoint => ({ kind: recent.kind, host: recent.host, port: recent.port });

export function workspaceToFile(contents: WorkspaceContents, now: Date): WorkspaceFile {
  const file: WorkspaceFile = {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    savedAt: now.toISOString(),
    sessions: contents.savedSessions.map((saved) => ({ name: saved.name, config: saved.config })),
    recentEndpoints: contents.recentEndpoints.map(copyEndpoint),
    payloads: contents.payloads.map(copyPayload),
    ...(contents.sequences && contents.sequences.length > 0 ? { sequences: [...contents.sequences] } : {}),
    preferences: contents.language ? { theme: contents.theme, language: contents.language } : { theme: contents.theme },
  };
  return file;
}

export function encodeWorkspace(contents: WorkspaceContents, now: Date): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(workspaceToFile(contents, now), null, 2)}\n`);
}

/** Where in the file a problem is, as people write it: sessions[0].config.port. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text;
}

export interface WorkspaceProblem {
  /** Empty for the file as a whole. */
  path: string;
  /** A schema's message: zod's words, or a phrase as `says` marks it (issuePhrase reads either). */
  message: string;
}

export type WorkspaceReading = { ok: true; contents: WorkspaceContents } | { ok: false; problems: WorkspaceProblem[] };

const MAX_PROBLEMS_SHOWN = 20;

export function decodeWorkspace(bytes: Uint8Array, makeId: () => string): WorkspaceReading {
  if (bytes.byteLength > MAX_WORKSPACE_FILE_BYTES) {
    return {
      ok: false,
      problems: [
        { path: '', message: says('workspace.fileTooBig', { size: String(bytes.byteLength), limit: String(MAX_WORKSPACE_FILE_BYTES) }) },
      ],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // The parser's own words are English only.
    return { ok: false, problems: [{ path: '', message: says('workspace.notJson') }] };
  }
  const parsed = workspaceFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, MAX_PROBLEMS_SHOWN).map((issue) => ({ path: pathText(issue.path), message: issue.message })),
    };
  }
  const file = parsed.data;
  const savedSessions: SavedSession[] = file.sessions.map((entry) => ({
    id: makeId(),
    name: cleanSessionName(entry.name),
    config: entry.config,
  }));
  return {
    ok: true,
    contents: {
      savedSessions,
      recentEndpoints: file.recentEndpoints.map(copyEndpoint),
      payloads: file.payloads.map(copyPayload),
      sequences: file.sequences,
      theme: file.preferences.theme,
      language: file.preferences.language,
    },
  };
}
