/**
 * The composer's text ⇄ hex switch: the same bytes written the other way, so that switching
 * never changes what Send puts on the wire. Text becomes its bytes in the chosen encoding; bytes
 * become text as typed when they read back exactly, else text with escapes for what cannot be.
 */
import type { Payload } from './contract';
import { formatHex } from './hex';
import { compileTemplate, lineEndingBytes, type TemplatePart } from './reply-template';
import { decodeText, encodeText, textProblem, type TextProblem } from './text-encoding';
import { isVisibleCodePoint, toEscapedText } from './visible-text';

/** A payload typed into a field: text or hex (base64 is for files and scripts). */
export type TypedPayload = Omit<Payload, 'format' | 'checksum'> & { format: 'text' | 'hex' };

/**
 * What a conversion had to change besides the value, for the user to be told:
 * `escapesTurnedOn` — the bytes hold some that text without escapes cannot show;
 * `lineEndingFolded` — the line ending is two bytes a character in UTF-16LE text and one in
 * hex, so it moved into the value to keep the bytes and the line ending is now None.
 */
export type ConversionNote = 'escapesTurnedOn' | 'lineEndingFolded';

export type Conversion = { ok: true; payload: TypedPayload; notes: readonly ConversionNote[] } | { ok: false; problem: TextProblem };

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Whether `text` shows as itself in a text field and reads back as itself: every character
 * visible, or a line break or tab (a field turns CR LF into LF and hides controls), and no `{{`,
 * which would start a macro.
 */
function typeable(text: string): boolean {
  if (text.includes('{{')) return false;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint !== 0x0a && codePoint !== 0x09 && !isVisibleCodePoint(codePoint)) return false;
  }
  return true;
}

/** `bytes` as the text that writes them without escapes, when there is one. */
function literalText(bytes: Uint8Array, encoding: Payload['encoding']): string | undefined {
  const text = decodeText(bytes, encoding);
  if (!typeable(text)) return undefined;
  const again = encodeText(text, encoding);
  return again.ok && sameBytes(again.bytes, bytes) ? text : undefined;
}

/** `bytes` as text with escapes (toEscapedText writes a `{{` among them as `\{{`, so it opens no macro). */
function escapedText(bytes: Uint8Array, encoding: Payload['encoding'], beforeMacro: boolean): string {
  const text = toEscapedText(bytes, encoding);
  // A brace just before a macro's {{ would open it one character early.
  return beforeMacro && text.endsWith('{') ? `${text.slice(0, -1)}\\x7b` : text;
}

type Piece = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'macro'; label: string };

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const whole = new Uint8Array(a.length + b.length);
  whole.set(a);
  whole.set(b, a.length);
  return whole;
}

/** The template's parts with neighbouring bytes joined, so that each run is converted whole. */
function piecesOf(parts: readonly TemplatePart[]): Piece[] {
  const pieces: Piece[] = [];
  for (const part of parts) {
    const last = pieces.at(-1);
    if (part.kind === 'bytes') {
      if (last?.kind === 'bytes') last.bytes = joined(last.bytes, part.bytes);
      else pieces.push({ kind: 'bytes', bytes: part.bytes });
    } else pieces.push({ kind: 'macro', label: part.label });
  }
  return pieces;
}

function asText(pieces: readonly Piece[], payload: TypedPayload): { value: string; escapes: boolean } {
  if (!payload.escapes) {
    const literal: string[] = [];
    for (const [i, piece] of pieces.entries()) {
      if (piece.kind === 'macro') {
        literal.push(piece.label);
        continue;
      }
      const text = literalText(piece.bytes, payload.encoding);
      // A brace or a backslash just before a macro's {{ would change what the macro is.
      if (text === undefined || (pieces[i + 1] && /[{\\]$/.test(text))) break;
      literal.push(text);
    }
    if (literal.length === pieces.length) return { value: literal.join(''), escapes: false };
  }
  const value = pieces
    .map((piece, i) => (piece.kind === 'macro' ? piece.label : escapedText(piece.bytes, payload.encoding, pieces[i + 1] !== undefined)))
    .join('');
  return { value, escapes: true };
}

/** Where the reference written `{{name}}` (spaces aside) is in `value`. */
function referenceAt(value: string, label: string): number {
  const name = label.slice(2, -2).trim();
  for (let at = value.indexOf('{{'); at !== -1; at = value.indexOf('{{', at + 2)) {
    const close = value.indexOf('}}', at + 2);
    if (close !== -1 && value.slice(at + 2, close).trim() === name) return at;
  }
  return 0;
}

/**
 * `payload` rewritten in format `to` with the same bytes on the wire (macros kept as they are,
 * filled in when sent), or the problem, with its position in the value, that stands in the way.
 */
export function convertPayload(payload: TypedPayload, to: TypedPayload['format']): Conversion {
  if (payload.format === to) return { ok: true, payload, notes: [] };
  const compiled = compileTemplate(payload);
  if (!compiled.ok) return { ok: false, problem: { message: compiled.message, phrase: compiled.phrase, index: compiled.index } };
  const notes: ConversionNote[] = [];
  const pieces = piecesOf(compiled.template.parts);
  let lineEnding = payload.lineEnding;
  const ending = compiled.template.ending;
  if (!sameBytes(ending, lineEndingBytes({ ...payload, format: to }))) {
    const last = pieces.at(-1);
    if (last?.kind === 'bytes') last.bytes = joined(last.bytes, ending);
    else pieces.push({ kind: 'bytes', bytes: ending });
    lineEnding = 'none';
    notes.push('lineEndingFolded');
  }
  if (to === 'hex') {
    const value = pieces
      .map((piece) => (piece.kind === 'macro' ? piece.label : formatHex(piece.bytes)))
      .filter((part) => part !== '')
      .join(' ');
    const converted: TypedPayload = { ...payload, format: 'hex', value, lineEnding };
    const check = compileTemplate(converted);
    if (!check.ok) {
      // A macro that hex cannot hold (a time as text), named where the user wrote it.
      const label = /\{\{[^}]*\}\}/.exec(value.slice(check.index))?.[0] ?? '{{';
      const at = referenceAt(payload.value, label);
      return { ok: false, problem: textProblem('convert.macroNotHex', { macro: label, at }, at) };
    }
    return { ok: true, payload: converted, notes };
  }
  const text = asText(pieces, payload);
  if (text.escapes && !payload.escapes) notes.push('escapesTurnedOn');
  return { ok: true, payload: { ...payload, format: 'text', value: text.value, escapes: text.escapes, lineEnding }, notes };
}
