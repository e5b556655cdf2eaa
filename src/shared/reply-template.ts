/**
 * Templates: a text or hex payload in which `{{…}}` stands for something filled in when it is
 * sent. One grammar serves the composer's payloads (and so repeat runs, heartbeats and sequence
 * steps) and auto-reply replies:
 *
 *   {{$0}}            the whole match (auto-reply replies only)
 *   {{$1}} … {{$99}}  a numbered capture: a regex group, or a run of ?? in a hex pattern
 *   {{$name}}         a named regex group, (?<name>…)
 *   {{counter …}} {{timestamp …}} {{random …}} {{uuid}}   macros, see ./macros.ts
 *   \{{               a literal {{ (text payloads)
 *
 * Spaces are allowed inside the braces (`{{ $1 }}`). Everything outside the braces is the payload
 * as usual: text with the escapes of ./escapes.ts in the payload's encoding, or hex.
 *
 * A capture goes in as the message had it: a text capture is encoded in the reply's encoding (in
 * a hex reply, as the bytes it was read from), a hex capture goes in as its bytes. A checksum, if
 * the payload asks for one, is computed over the body once every part is filled in and goes
 * between the body and the line ending, where a receiver's framer finds it.
 */
import { appendChecksum, defaultByteOrder, type ChecksumSpec } from './checksums';
import type { ChecksumOption, LineEnding, TextEncodingName } from './contract';
import { scanEscapes } from './escapes';
import { parseHex } from './hex';
import { MAX_SEND_BYTES, MAX_TEMPLATE_REFERENCES } from './limits';
import { macroFitsHex, macroValue, parseMacro, type Macro, type MacroContext } from './macros';
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

export type TemplatePart =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'capture'; ref: number | string; label: string }
  | { kind: 'macro'; macro: Macro; label: string };

/** What a template is written as: a text or hex payload, or an auto-reply's reply. */
export interface TemplateSource {
  format: 'text' | 'hex';
  value: string;
  encoding: TextEncodingName;
  escapes: boolean;
  lineEnding: LineEnding;
  checksum?: ChecksumOption | undefined;
}

export interface ReplyTemplate {
  format: TemplateSource['format'];
  encoding: TextEncodingName;
  parts: readonly TemplatePart[];
  ending: Uint8Array;
  checksum: ChecksumSpec | undefined;
  /** The counters it advances on each send. */
  counters: readonly string[];
}

export type TemplateCompile = { ok: true; template: ReplyTemplate } | ({ ok: false } & TextProblem);

const LINE_ENDING_CODES: Readonly<Record<LineEnding, readonly number[]>> = { none: [], lf: [0x0a], cr: [0x0d], crlf: [0x0d, 0x0a] };

/** Line endings are characters in a UTF-16LE text, and plain bytes in anything else. */
export function lineEndingBytes(payload: { format: string; encoding: TextEncodingName; lineEnding: LineEnding }): Uint8Array {
  const codes = LINE_ENDING_CODES[payload.lineEnding];
  const wide = payload.format === 'text' && payload.encoding === 'utf-16le';
  return Uint8Array.from(wide ? codes.flatMap((code) => [code, 0]) : codes);
}

/** A template's payload text between references, with positions counted in the whole template. */
function segmentBytes(reply: TemplateSource, start: number, end: number): { ok: true; bytes: Uint8Array } | ({ ok: false } & TextProblem) {
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

/** The capture or macro a reference names, or why it names nothing. `names`: absent outside auto-reply. */
function resolveReference(
  name: string,
  at: number,
  names: CaptureNames | undefined,
  format: TemplateSource['format'],
): TemplatePart | TextProblem {
  const label = `{{${name}}}`;
  if (name.startsWith('$') && !names) {
    return textProblem('rule.template.noMatch', { label, at }, at);
  }
  const numbered = NUMBERED.exec(name);
  if (numbered && names) {
    const index = Number(numbered[1]);
    if (index > names.count) {
      return textProblem('rule.template.noCapture', { label, at, index: String(index), captures: describeCaptures(names) }, at);
    }
    return { kind: 'capture', ref: index, label };
  }
  const named = NAMED.exec(name);
  if (named && names) {
    if (!names.names.has(named[1]!)) {
      return textProblem('rule.template.noNamed', { label, at, name: named[1]!, captures: describeCaptures(names) }, at);
    }
    return { kind: 'capture', ref: named[1]!, label };
  }
  if (name.startsWith('$')) {
    return textProblem('rule.template.notCapture', { label, at }, at);
  }
  const macro = parseMacro(name, at);
  if ('message' in macro) return macro;
  if (format === 'hex' && !macroFitsHex(macro)) {
    return textProblem('template.timeInHex', { label, at }, at);
  }
  return { kind: 'macro', macro, label };
}

/**
 * Checks a template (against the captures its rule offers, for a reply) and encodes every literal
 * part once. `names`: the match's captures; absent for a payload, which then may name none.
 */
export function compileTemplate(reply: TemplateSource, names?: CaptureNames): TemplateCompile {
  const scan = scanTemplate(reply.value, reply.format === 'text');
  if (!scan.ok) return scan;
  const parts: TemplatePart[] = [];
  const counters: string[] = [];
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
      const part = resolveReference(token.name, token.at, names, reply.format);
      if (!('kind' in part)) return { ok: false, ...part };
      parts.push(part);
      if (part.kind === 'macro' && part.macro.kind === 'counter') counters.push(part.macro.name);
    }
  }
  return {
    ok: true,
    template: {
      format: reply.format,
      encoding: reply.encoding,
      parts,
      ending: lineEndingBytes(reply),
      checksum: reply.checksum
        ? { ...reply.checksum, order: reply.checksum.order ?? defaultByteOrder(reply.checksum.algorithm) }
        : undefined,
      counters,
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

/** A macro's text in a text template is encoded; in a hex one it is read as hex digits (padded to whole bytes). */
function macroBytes(template: ReplyTemplate, macro: Macro, label: string, context: MacroContext): RenderResult {
  const value = macroValue(macro, context);
  if ('bytes' in value) return { ok: true, bytes: value.bytes };
  if (template.format === 'text') {
    const encoded = encodeText(value.text, template.encoding);
    return encoded.ok
      ? encoded
      : { ok: false, message: `${label} cannot go into the payload: ${encoded.message.replace(/ at position \d+/, '')}` };
  }
  const digits = value.text.replace(/-/g, '');
  const parsed = parseHex(digits.length % 2 === 1 ? `0${digits}` : digits);
  return parsed.ok
    ? parsed
    : { ok: false, message: `${label} gave ${value.text}, which is not hex digits; a hex payload needs bytes or hex digits` };
}

/** `size`: the failure is that the bytes would be more than one send carries (MAX_SEND_BYTES), this many. */
export type RenderResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string; size?: number };

export interface RenderOptions {
  /** An auto-reply's match; absent for a payload. */
  match?: MatchResult | undefined;
  /** Now, randomness and the session's counters; without it a template must hold no macro. */
  macros?: MacroContext | undefined;
  /** false: a preview, which leaves the counters where they are. */
  advance?: boolean;
}

const tooLarge = (size: number): RenderResult => ({
  ok: false,
  message: `The payload would be ${size} bytes; one send carries at most ${MAX_SEND_BYTES} bytes`,
  size,
});

/** The bytes of one send (or reply): every part filled in, then the checksum and the line ending. */
export function renderTemplate(template: ReplyTemplate, options: RenderOptions = {}): RenderResult {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const part of template.parts) {
    let bytes: Uint8Array;
    if (part.kind === 'bytes') {
      bytes = part.bytes;
    } else if (part.kind === 'capture') {
      const capture = typeof part.ref === 'number' ? options.match?.numbered[part.ref] : options.match?.named.get(part.ref);
      const made = capture ? captureBytes(template, capture, part.label) : { ok: true as const, bytes: new Uint8Array(0) };
      if (!made.ok) return made;
      bytes = made.bytes;
    } else {
      if (!options.macros) return { ok: false, message: `${part.label}: macros are filled in by the engine when it sends` };
      const made = macroBytes(template, part.macro, part.label, options.macros);
      if (!made.ok) return made;
      bytes = made.bytes;
    }
    size += bytes.length;
    chunks.push(bytes);
  }
  // Every part is bounded (the template's length, MAX_TEMPLATE_REFERENCES of bounded captures and macros), so the whole is counted before it is refused.
  if (size > MAX_SEND_BYTES) return tooLarge(size + template.ending.length);
  let body: Uint8Array = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  if (template.checksum) {
    const appended = appendChecksum(template.checksum, body);
    if ('kind' in appended) {
      return {
        ok: false,
        message: `The checksum range from ${appended.from} to ${appended.to || 'the end'} does not fit a body of ${appended.length} bytes; change the range or the payload`,
      };
    }
    body = appended.bytes;
  }
  if (body.length + template.ending.length > MAX_SEND_BYTES) return tooLarge(body.length + template.ending.length);
  const out = new Uint8Array(body.length + template.ending.length);
  out.set(body);
  out.set(template.ending, body.length);
  if (options.advance !== false && options.macros) options.macros.counters.advance(template.counters);
  return { ok: true, bytes: out };
}
