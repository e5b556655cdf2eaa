/**
 * Reply templates: a text or hex payload in which `{{…}}` stands for something filled in when the
 * reply is made. The grammar is small on purpose, so that later kinds of `{{…}}` (macros such as
 * a counter or a timestamp) slot in beside the captures without changing what is written today:
 *
 *   {{$0}}            the whole match
 *   {{$1}} … {{$99}}  a numbered capture: a regex group, or a run of ?? in a hex pattern
 *   {{$name}}         a named regex group, (?<name>…)
 *   \{{               a literal {{ (text replies)
 *
 * Spaces are allowed inside the braces (`{{ $1 }}`). A name without `$` is refused with its
 * position, since those names are kept for macros. Everything outside the braces is the payload
 * as usual: text with the escapes of ./escapes.ts in the reply's encoding, or hex.
 *
 * A capture goes in as the message had it: a text capture is encoded in the reply's encoding (in
 * a hex reply, as the bytes it was read from), a hex capture goes in as its bytes.
 */
import type { LineEnding, ReplyTemplatePayload, TextEncodingName } from './contract';
import { scanEscapes } from './escapes';
import { parseHex } from './hex';
import { MAX_SEND_BYTES, MAX_TEMPLATE_REFERENCES } from './limits';
import type { Capture, CaptureNames, MatchResult } from './rule-match';
import { ByteWriter, encodeText, textProblem, type TextProblem } from './text-encoding';

/** One piece of a template as written: payload text, a literal `{{`, or a reference. */
export type TemplateToken =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'braces'; at: number }
  | { kind: 'reference'; name: string; at: number; end: number };

export type TemplateScan = { ok: true; tokens: TemplateToken[] } | ({ ok: false } & TextProblem);

/** Splits a template into its pieces; the first malformed `{{` is the problem. */
export function scanTemplate(value: string, literalBraces: boolean): TemplateScan {
  const tokens: TemplateToken[] = [];
  let textStart = 0;
  let references = 0;
  const closeText = (end: number) => {
    if (end > textStart) tokens.push({ kind: 'text', start: textStart, end });
  };
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c && literalBraces) {
      if (value.startsWith('{{', i + 1)) {
        closeText(i);
        tokens.push({ kind: 'braces', at: i });
        i += 2;
        textStart = i + 1;
      } else if (value.charCodeAt(i + 1) === 0x5c) {
        // \\ belongs to the escapes, and must not turn the backslash after it into \{{.
        i += 1;
      }
      continue;
    }
    if (code !== 0x7b || value.charCodeAt(i + 1) !== 0x7b) continue;
    const close = value.indexOf('}}', i + 2);
    if (close === -1) {
      return { ok: false, ...textProblem('rule.template.unclosed', { at: i }, i) };
    }
    references += 1;
    if (references > MAX_TEMPLATE_REFERENCES) {
      return { ok: false, ...textProblem('rule.template.tooMany', { max: String(MAX_TEMPLATE_REFERENCES), at: i }, i) };
    }
    closeText(i);
    tokens.push({ kind: 'reference', name: value.slice(i + 2, close).trim(), at: i, end: close + 2 });
    i = close + 1;
    textStart = close + 2;
  }
  closeText(value.length);
  return { ok: true, tokens };
}

export type TemplatePart = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'capture'; ref: number | string; label: string };

export interface ReplyTemplate {
  format: ReplyTemplatePayload['format'];
  encoding: TextEncodingName;
  parts: readonly TemplatePart[];
  ending: Uint8Array;
}

export type TemplateCompile = { ok: true; template: ReplyTemplate } | ({ ok: false } & TextProblem);

const LINE_ENDING_CODES: Readonly<Record<LineEnding, readonly number[]>> = { none: [], lf: [0x0a], cr: [0x0d], crlf: [0x0d, 0x0a] };

/** A template's payload text between references, with positions counted in the whole template. */
function segmentBytes(
  reply: ReplyTemplatePayload,
  start: number,
  end: number,
): { ok: true; bytes: Uint8Array } | ({ ok: false } & TextProblem) {
  const segment = reply.value.slice(start, end);
  // Padding instead of the text before the segment: positions in problems stay the template's.
  if (reply.format === 'hex') return parseHex(' '.repeat(start) + segment);
  if (!reply.escapes) {
    const writer = new ByteWriter();
    const problem = writer.writeText(segment, reply.encoding, start);
    return problem ? { ok: false, ...problem } : { ok: true, bytes: writer.toBytes() };
  }
  const writer = new ByteWriter();
  const problem = scanEscapes(' '.repeat(start) + segment, {
    text: (part, at) =>
      at < start ? writer.writeText(part.slice(start - at), reply.encoding, start) : writer.writeText(part, reply.encoding, at),
    byte: (byte) => writer.writeByte(byte),
  });
  return problem ? { ok: false, ...problem } : { ok: true, bytes: writer.toBytes() };
}

const NUMBERED = /^\$(\d{1,2})$/;
const NAMED = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

function describeCaptures(names: CaptureNames): string {
  const numbered = names.count === 0 ? '{{$0}}' : `{{$0}} to {{$${names.count}}}`;
  return names.names.size === 0 ? numbered : `${numbered}, ${[...names.names].map((n) => `{{$${n}}}`).join(', ')}`;
}

/** The capture a reference names, or why it names none this match has. */
function resolveReference(name: string, at: number, names: CaptureNames): TemplatePart | TextProblem {
  const label = `{{${name}}}`;
  const numbered = NUMBERED.exec(name);
  if (numbered) {
    const index = Number(numbered[1]);
    if (index > names.count) {
      return textProblem('rule.template.noCapture', { label, at, index: String(index), captures: describeCaptures(names) }, at);
    }
    return { kind: 'capture', ref: index, label };
  }
  const named = NAMED.exec(name);
  if (named) {
    if (!names.names.has(named[1]!)) {
      return textProblem('rule.template.noNamed', { label, at, name: named[1]!, captures: describeCaptures(names) }, at);
    }
    return { kind: 'capture', ref: named[1]!, label };
  }
  return textProblem('rule.template.notCapture', { label, at }, at);
}

/** Checks a template against the captures its rule offers, and encodes every literal part once. */
export function compileTemplate(reply: ReplyTemplatePayload, names: CaptureNames): TemplateCompile {
  const scan = scanTemplate(reply.value, reply.format === 'text');
  if (!scan.ok) return scan;
  const parts: TemplatePart[] = [];
  for (const token of scan.tokens) {
    if (token.kind === 'text') {
      const bytes = segmentBytes(reply, token.start, token.end);
      if (!bytes.ok) return bytes;
      parts.push({ kind: 'bytes', bytes: bytes.bytes });
    } else if (token.kind === 'braces') {
      const bytes = encodeText('{{', reply.encoding);
      if (!bytes.ok) return { ok: false, message: bytes.message, phrase: bytes.phrase, index: token.at };
      parts.push({ kind: 'bytes', bytes: bytes.bytes });
    } else {
      const part = resolveReference(token.name, token.at, names);
      if (!('kind' in part)) return { ok: false, ...part };
      parts.push(part);
    }
  }
  const codes = LINE_ENDING_CODES[reply.lineEnding];
  const wide = reply.format === 'text' && reply.encoding === 'utf-16le';
  return {
    ok: true,
    template: {
      format: reply.format,
      encoding: reply.encoding,
      parts,
      ending: Uint8Array.from(wide ? codes.flatMap((c) => [c, 0]) : codes),
    },
  };
}

function captureBytes(
  template: ReplyTemplate,
  capture: Capture,
  label: string,
): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  if ('bytes' in capture) return { ok: true, bytes: capture.bytes };
  const encoding = template.format === 'text' ? template.encoding : capture.encoding;
  const encoded = encodeText(capture.text, encoding);
  if (encoded.ok) return encoded;
  return { ok: false, message: `The capture ${label} cannot go into the reply: ${encoded.message.replace(/ at position \d+/, '')}` };
}

export type RenderResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

/** The reply's bytes for one match. */
export function renderTemplate(template: ReplyTemplate, match: MatchResult): RenderResult {
  const chunks: Uint8Array[] = [];
  let size = template.ending.length;
  for (const part of template.parts) {
    let bytes: Uint8Array;
    if (part.kind === 'bytes') {
      bytes = part.bytes;
    } else {
      const capture = typeof part.ref === 'number' ? match.numbered[part.ref] : match.named.get(part.ref);
      const made = capture ? captureBytes(template, capture, part.label) : { ok: true as const, bytes: new Uint8Array(0) };
      if (!made.ok) return made;
      bytes = made.bytes;
    }
    size += bytes.length;
    if (size > MAX_SEND_BYTES)
      return { ok: false, message: `The reply would be more than ${MAX_SEND_BYTES} bytes, the most one send carries` };
    chunks.push(bytes);
  }
  chunks.push(template.ending);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes: out };
}
