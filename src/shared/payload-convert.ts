/**
 * The composer's text ⇄ hex switch: the same bytes written the other way, so that switching
 * never changes what Send puts on the wire. Text becomes its bytes in the chosen encoding; bytes
 * become text as typed when they read back exactly, else text with escapes for what cannot be.
 */
import type { Payload } from './contract';
import { formatHex } from './hex';
import { lineEndingBytes, payloadBodyBytes } from './payload';
import { decodeText, encodeText, type TextProblem } from './text-encoding';
import { isVisibleCodePoint, toEscapedText } from './visible-text';

/** A payload typed into a field: text or hex (base64 is for files and scripts). */
export type TypedPayload = Omit<Payload, 'format'> & { format: 'text' | 'hex' };

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
 * Whether `text` shows as itself in a text field: every character visible, or a line break or
 * tab. A field turns CR LF into LF and hides controls, so text with those would not send back
 * the same bytes.
 */
function typeable(text: string): boolean {
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

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const whole = new Uint8Array(a.length + b.length);
  whole.set(a);
  whole.set(b, a.length);
  return whole;
}

/**
 * `payload` rewritten in format `to` with the same bytes on the wire, or the problem (with its
 * position in the value) that keeps its bytes from being known.
 */
export function convertPayload(payload: TypedPayload, to: TypedPayload['format']): Conversion {
  if (payload.format === to) return { ok: true, payload, notes: [] };
  const body = payloadBodyBytes(payload);
  if (!body.ok) return { ok: false, problem: { message: body.message, phrase: body.phrase, index: body.index } };
  const notes: ConversionNote[] = [];
  let bytes = body.bytes;
  let lineEnding = payload.lineEnding;
  const ending = lineEndingBytes(payload);
  if (!sameBytes(ending, lineEndingBytes({ ...payload, format: to }))) {
    bytes = joined(bytes, ending);
    lineEnding = 'none';
    notes.push('lineEndingFolded');
  }
  if (to === 'hex') return { ok: true, payload: { ...payload, format: 'hex', value: formatHex(bytes), lineEnding }, notes };
  const literal = payload.escapes ? undefined : literalText(bytes, payload.encoding);
  if (literal !== undefined) return { ok: true, payload: { ...payload, format: 'text', value: literal, lineEnding }, notes };
  if (!payload.escapes) notes.push('escapesTurnedOn');
  return {
    ok: true,
    payload: { ...payload, format: 'text', value: toEscapedText(bytes, payload.encoding), escapes: true, lineEnding },
    notes,
  };
}
