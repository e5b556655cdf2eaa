/** A send's payload as the bytes that go on the wire: the one place text, hex and base64 are read. */
import { decodeBase64 } from './base64';
import type { LineEnding, Payload } from './contract';
import { AppCode, hintFor } from './errors';
import { scanEscapes } from './escapes';
import { parseHex } from './hex';
import { MAX_SEND_BYTES } from './limits';
import { phrase, untranslated } from './phrase';
import { fail, ok, type Result } from './result';
import { ByteWriter, encodeText, type TextProblem } from './text-encoding';

export type PayloadBody = { ok: true; bytes: Uint8Array } | ({ ok: false } & TextProblem);

const LINE_ENDING_CODES: Readonly<Record<LineEnding, readonly number[]>> = {
  none: [],
  lf: [0x0a],
  cr: [0x0d],
  crlf: [0x0d, 0x0a],
};

function escapedTextBytes(value: string, encoding: Payload['encoding']): PayloadBody {
  const writer = new ByteWriter();
  const problem = scanEscapes(value, {
    text: (part, at) => writer.writeText(part, encoding, at),
    byte: (byte) => writer.writeByte(byte),
  });
  return problem ? { ok: false, ...problem } : { ok: true, bytes: writer.toBytes() };
}

/** The value's bytes, without the line ending. */
export function payloadBodyBytes(payload: Payload): PayloadBody {
  switch (payload.format) {
    case 'hex':
      return parseHex(payload.value);
    case 'base64':
      return decodeBase64(payload.value);
    case 'text':
      return payload.escapes ? escapedTextBytes(payload.value, payload.encoding) : encodeText(payload.value, payload.encoding);
  }
}

/** Line endings are characters in a UTF-16LE text, and plain bytes in anything else. */
export function lineEndingBytes(payload: Payload): Uint8Array {
  const codes = LINE_ENDING_CODES[payload.lineEnding];
  const wide = payload.format === 'text' && payload.encoding === 'utf-16le';
  return Uint8Array.from(wide ? codes.flatMap((code) => [code, 0]) : codes);
}

/**
 * What is wrong with the payload's value and where in `payload.value`, for marking it as the
 * user types; the message lacks the format prefix encodePayload adds.
 */
export function payloadProblem(payload: Payload): TextProblem | undefined {
  const body = payloadBodyBytes(payload);
  return body.ok ? undefined : { message: body.message, phrase: body.phrase, index: body.index };
}

export function encodePayload(payload: Payload): Result<Uint8Array> {
  const body = payloadBodyBytes(payload);
  if (!body.ok) {
    return fail(
      AppCode.InvalidArgument,
      phrase(`payload.${payload.format}`, { problem: body.phrase ?? untranslated(body.message) }),
      phrase(`hint.payload.${payload.format}`),
    );
  }
  const ending = lineEndingBytes(payload);
  const size = body.bytes.length + ending.length;
  if (size > MAX_SEND_BYTES) {
    return fail(
      AppCode.PayloadTooLarge,
      phrase('payload.tooLarge', { size: String(size), limit: String(MAX_SEND_BYTES) }),
      hintFor(AppCode.PayloadTooLarge),
    );
  }
  if (ending.length === 0) return ok(body.bytes);
  const whole = new Uint8Array(size);
  whole.set(body.bytes);
  whole.set(ending, body.bytes.length);
  return ok(whole);
}
