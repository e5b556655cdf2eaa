/**
 * A send's payload as the bytes that go on the wire: the one place text, hex and base64 are read.
 * Text and hex payloads are templates (./reply-template.ts): their macros are filled in per send,
 * by the engine, which holds the clock, the randomness and the session's counters.
 */
import { defaultByteOrder } from './checksums';
import { decodeBase64 } from './base64';
import type { Payload } from './contract';
import { AppCode, hintFor } from './errors';
import { MAX_SEND_BYTES } from './limits';
import type { MacroContext } from './macros';
import { compileTemplate, lineEndingBytes, renderTemplate, type ReplyTemplate } from './reply-template';
import { phrase, untranslated } from './phrase';
import { fail, ok, type Result } from './result';
import type { TextProblem } from './text-encoding';

/** The payload read once, ready to be sent any number of times. */
function compile(payload: Payload): { ok: true; template: ReplyTemplate } | ({ ok: false } & TextProblem) {
  if (payload.format !== 'base64') return compileTemplate({ ...payload, format: payload.format });
  const body = decodeBase64(payload.value);
  if (!body.ok) return body;
  const checksum = payload.checksum;
  return {
    ok: true,
    template: {
      format: 'hex',
      encoding: payload.encoding,
      parts: [{ kind: 'bytes', bytes: body.bytes }],
      ending: lineEndingBytes(payload),
      checksum: checksum ? { ...checksum, order: checksum.order ?? defaultByteOrder(checksum.algorithm) } : undefined,
      counters: [],
    },
  };
}

/**
 * What is wrong with the payload's value and where in `payload.value`, for marking it as the
 * user types; the message lacks the format prefix compilePayload adds.
 */
export function payloadProblem(payload: Payload): TextProblem | undefined {
  const compiled = compile(payload);
  return compiled.ok ? undefined : { message: compiled.message, phrase: compiled.phrase, index: compiled.index };
}

export function compilePayload(payload: Payload): Result<ReplyTemplate> {
  const compiled = compile(payload);
  if (!compiled.ok) {
    return fail(
      AppCode.InvalidArgument,
      phrase(`payload.${payload.format}`, { problem: compiled.phrase ?? untranslated(compiled.message) }),
      phrase(`hint.payload.${payload.format}`),
    );
  }
  return ok(compiled.template);
}

/**
 * One send's bytes: macros filled in from `macros` (advancing its counters unless `advance` is
 * false, as for a preview of the next send), then the checksum and the line ending.
 */
export function renderPayload(template: ReplyTemplate, macros: MacroContext | undefined, advance = true): Result<Uint8Array> {
  const made = renderTemplate(template, { macros, advance });
  if (made.ok) return ok(made.bytes);
  if (made.size !== undefined) {
    return fail(
      AppCode.PayloadTooLarge,
      phrase('payload.tooLarge', { size: String(made.size), limit: String(MAX_SEND_BYTES) }),
      hintFor(AppCode.PayloadTooLarge),
    );
  }
  return fail(AppCode.InvalidArgument, phrase('payload.unmade', { problem: untranslated(made.message) }), phrase('hint.payload.unmade'));
}

export function encodePayload(payload: Payload, macros?: MacroContext, advance = true): Result<Uint8Array> {
  const template = compilePayload(payload);
  return template.ok ? renderPayload(template.value, macros, advance) : template;
}
