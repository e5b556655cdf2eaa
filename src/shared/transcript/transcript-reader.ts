/**
 * Reads a transcript as its bytes arrive, one record a line (and, in version 3, a data record's
 * raw bytes after its line), and says exactly where the whole
 * records end: a file cut by a crash, altered on disk or missing a record is read up to the
 * last record that is whole and in order, and no further.
 */
import { decodeRecordHead, decodeRecordLine, finishRawRecord, type LineCodec, type RawDataHead } from './record-line';
import {
  RAW_DATA_VERSION,
  READABLE_TRANSCRIPT_VERSIONS,
  TRANSCRIPT_FORMAT_NAME,
  type HeaderRecord,
  type TranscriptRecord,
} from './records';
import { printable } from './text-dump';
import { english, phrase, type Phrase } from '../phrase';

export type ReadProblemKind = 'torn' | 'corrupt' | 'not-a-transcript' | 'unsupported-version' | 'gap';

export interface ReadProblem {
  /** Where the first line that was not read starts: the whole records end here. */
  offset: number;
  /** That line's number, from 1; absent for pcapng, which has blocks, not lines. */
  line?: number;
  kind: ReadProblemKind;
  /** In English, for the CLI and scripts; `phrase` is the same for the page to say in its language. */
  message: string;
  phrase: Phrase;
  /** Bytes from `offset` to the end of the input, none of them read. */
  bytesAfter: number;
}

export interface ReadOutcome {
  header?: HeaderRecord;
  /** Whole, checked records read, the header included. */
  records: number;
  /** The offset just past the last whole record. */
  validBytes: number;
  /** An end record was read: the recording was ended on purpose, not cut short. */
  ended: boolean;
  problem?: ReadProblem;
  /**
   * Present when the file was pcapng, which has no end record (`ended` is false); `skipped` says
   * what was left out (a packet of another link type, …) when reading went on past it.
   */
  pcapng?: { skipped?: string };
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/**
 * Far above any record the app writes (one send carries at most 16 MiB, 22 MiB as base64), so
 * a file without line ends, or a raw record claiming more bytes, is refused before it fills the memory.
 */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** The encoder writes `type` first, so every transcript starts with these bytes. */
const HEADER_START = new TextEncoder().encode(`{"type":"header",`);
/** A damaged header is still looked into for its version, up to this size. */
const MAX_SNIFFED_HEADER_BYTES = 1024 * 1024;

function wholeBefore(records: number): Phrase {
  return records === 0 ? phrase('transcript.wholeNone') : phrase('transcript.whole', { records });
}

function concat(pieces: readonly Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/** The version a damaged header claims, when it is recognisably ours. */
function sniffHeader(line: Uint8Array): { format?: unknown; version?: unknown } | undefined {
  if (line.length > MAX_SNIFFED_HEADER_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(line));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { format, version } = value as { format?: unknown; version?: unknown };
    return { format, version };
  } catch {
    return undefined;
  }
}

function unsupportedVersion(version: number): Phrase {
  const readable = READABLE_TRANSCRIPT_VERSIONS.map(String);
  const versions =
    readable.length === 1
      ? phrase('transcript.readsOne', { version: readable[0]! })
      : phrase('transcript.readsMany', { first: readable.slice(0, -1).join(', '), last: readable.at(-1)! });
  return phrase('transcript.version', { version: String(version), versions });
}

export class TranscriptReader {
  private header: HeaderRecord | undefined;
  private records = 0;
  private valid = 0;
  private total = 0;
  private ended = false;
  private lastSeq = 0;
  private problem: Omit<ReadProblem, 'bytesAfter'> | undefined;
  /** A complete line that does not decode: a torn tail if nothing follows it, else damage. */
  private suspect: { problem: Phrase } | undefined;
  /** The start of a line whose end has not arrived yet, copied, in pieces. */
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  /** A raw data record whose line has been read: its bytes so far, then the newline after them. */
  private raw: { head: RawDataHead; bytes: Uint8Array; have: number } | undefined;

  constructor(private readonly codec?: Pick<LineCodec, 'crc32'>) {}

  /** The offset just past the last whole record read so far. */
  get validBytes(): number {
    return this.valid;
  }

  /** The records completed by this chunk, checked and in order; the header comes first. */
  push(chunk: Uint8Array): TranscriptRecord[] {
    const read: TranscriptRecord[] = [];
    if (chunk.length === 0) return read;
    const chunkStart = this.total;
    this.total += chunk.length;
    if (this.problem || this.damagedBy(chunk.length)) return read;
    let at = 0;
    while (at < chunk.length) {
      if (this.raw) {
        const record = this.takeRaw(chunk, at, chunkStart);
        at = record.at;
        if (record.record) read.push(record.record);
        if (this.problem || this.damagedBy(chunk.length - at)) break;
        continue;
      }
      const end = chunk.indexOf(NEWLINE, at);
      if (end === -1) {
        this.hold(chunk.subarray(at));
        break;
      }
      const line = this.takeLine(chunk.subarray(at, end));
      at = end + 1;
      const record = this.accept(line, chunkStart + at);
      if (record) read.push(record);
      if (this.problem || this.damagedBy(chunk.length - at)) break;
    }
    return read;
  }

  /** The input ended: what was read, and the first problem if there was one. */
  finish(): ReadOutcome {
    if (!this.problem) {
      if (this.suspect) {
        this.fail(
          'torn',
          phrase('transcript.lastLineDamaged', { ...this.where(), problem: this.suspect.problem, whole: wholeBefore(this.records) }),
        );
      } else if (this.raw) {
        this.fail(
          'torn',
          phrase('transcript.midRecord', { ...this.where(), whole: wholeBefore(this.records), bytes: this.total - this.valid }),
        );
      } else if (this.pendingLength > 0) {
        this.fail('torn', phrase('transcript.midRecord', { ...this.where(), whole: wholeBefore(this.records), bytes: this.pendingLength }));
      } else if (!this.header) {
        this.fail('torn', phrase('transcript.empty'));
      }
    }
    this.pending = [];
    this.pendingLength = 0;
    this.raw = undefined;
    const outcome: ReadOutcome = { records: this.records, validBytes: this.valid, ended: this.ended };
    if (this.header) outcome.header = this.header;
    if (this.problem) outcome.problem = { ...this.problem, bytesAfter: this.total - this.problem.offset };
    return outcome;
  }

  private get line(): number {
    return this.records + 1;
  }

  private hold(piece: Uint8Array): void {
    this.pending.push(piece.slice());
    this.pendingLength += piece.length;
    if (!this.header && !this.startsLikeHeader()) {
      this.notATranscript();
    } else if (this.pendingLength > MAX_LINE_BYTES) {
      this.fail('corrupt', phrase('transcript.lineTooLong', { ...this.where(), max: MAX_LINE_BYTES, whole: wholeBefore(this.records) }));
    }
  }

  /** The pending pieces and this last one as one line; copies only when the line spans chunks. */
  private takeLine(last: Uint8Array): Uint8Array {
    if (this.pending.length === 0) return last;
    this.pending.push(last);
    const line = concat(this.pending, this.pendingLength + last.length);
    this.pending = [];
    this.pendingLength = 0;
    return line;
  }

  private startsLikeHeader(): boolean {
    let checked = 0;
    for (const piece of this.pending) {
      for (let i = 0; i < piece.length && checked < HEADER_START.length; i++, checked++) {
        if (piece[i] !== HEADER_START[checked]) return false;
      }
      if (checked === HEADER_START.length) break;
    }
    return true;
  }

  private accept(line: Uint8Array, lineEnd: number): TranscriptRecord | undefined {
    if (!this.header) return this.acceptHeader(line, lineEnd);
    const decoded = decodeRecordHead(line, this.codec);
    if (decoded.ok === 'raw') {
      this.startRaw(decoded.head, this.header.version);
      return undefined;
    }
    if (!decoded.ok) {
      this.suspect = { problem: lineProblem(line, decoded.problem) };
      return undefined;
    }
    return this.admit(decoded.record, lineEnd);
  }

  private startRaw(head: RawDataHead, version: number): void {
    const whole = wholeBefore(this.records);
    if (version < RAW_DATA_VERSION) {
      this.fail('corrupt', phrase('transcript.rawVersion', { ...this.where(), version: String(version), whole }));
    } else if (head.len > MAX_LINE_BYTES) {
      this.fail('corrupt', phrase('transcript.lineTooLong', { ...this.where(), max: MAX_LINE_BYTES, whole }));
    } else {
      this.raw = { head, bytes: new Uint8Array(head.len), have: 0 };
    }
  }

  /** The raw record's bytes in `chunk` from `at`, and its newline; the record once both are in and it checks. */
  private takeRaw(chunk: Uint8Array, at: number, chunkStart: number): { at: number; record?: TranscriptRecord } {
    const raw = this.raw!;
    const take = Math.min(raw.head.len - raw.have, chunk.length - at);
    raw.bytes.set(chunk.subarray(at, at + take), raw.have);
    raw.have += take;
    at += take;
    if (raw.have < raw.head.len || at === chunk.length) return { at };
    this.raw = undefined;
    if (chunk[at] !== NEWLINE) {
      this.fail('corrupt', phrase('transcript.rawEnd', { ...this.where(), len: raw.head.len, whole: wholeBefore(this.records) }));
      return { at };
    }
    at += 1;
    const decoded = finishRawRecord(raw.head, raw.bytes, this.codec);
    if (!decoded.ok) {
      this.suspect = { problem: decoded.problem };
      return { at };
    }
    const record = this.admit(decoded.record, chunkStart + at);
    return record ? { at, record } : { at };
  }

  /** A record that checks, taken if it belongs here: this session, next in sequence, before the end. */
  private admit(record: TranscriptRecord, lineEnd: number): TranscriptRecord | undefined {
    const header = this.header!;
    const where = this.where();
    const whole = wholeBefore(this.records);
    if (this.ended) {
      this.fail('corrupt', phrase('transcript.afterEnd', { ...where, whole }));
    } else if (record.type === 'header') {
      this.fail('corrupt', phrase('transcript.secondHeader', { ...where, whole }));
    } else if (record.session !== header.session) {
      this.fail(
        'corrupt',
        phrase('transcript.otherSession', { ...where, session: printable(record.session), own: printable(header.session), whole }),
      );
    } else if (record.seq !== this.lastSeq + 1) {
      const expected = this.lastSeq + 1;
      const why = record.seq > expected ? phrase('transcript.missing', { missing: record.seq - expected }) : phrase('transcript.goesBack');
      this.fail('gap', phrase('transcript.gap', { ...where, seq: record.seq, expected, why, whole }));
    } else {
      this.lastSeq = record.seq;
      if (record.type === 'end') this.ended = true;
      this.took(lineEnd);
      return record;
    }
    return undefined;
  }

  private acceptHeader(line: Uint8Array, lineEnd: number): TranscriptRecord | undefined {
    if (!startsWith(line, HEADER_START)) {
      this.notATranscript();
      return undefined;
    }
    const decoded = decodeRecordLine(line, this.codec);
    if (!decoded.ok) {
      const claimed = sniffHeader(line);
      if (claimed && claimed.format !== TRANSCRIPT_FORMAT_NAME) this.notATranscript();
      else if (claimed && typeof claimed.version === 'number' && !READABLE_TRANSCRIPT_VERSIONS.includes(claimed.version)) {
        this.fail('unsupported-version', unsupportedVersion(claimed.version));
      } else this.suspect = { problem: lineProblem(line, decoded.problem) };
      return undefined;
    }
    const header = decoded.record;
    if (header.type !== 'header') {
      this.notATranscript();
    } else if (!READABLE_TRANSCRIPT_VERSIONS.includes(header.version)) {
      this.fail('unsupported-version', unsupportedVersion(header.version));
    } else if (header.seq !== 0) {
      this.fail('corrupt', phrase('transcript.headerSeq', { seq: header.seq }));
    } else {
      this.header = header;
      this.took(lineEnd);
      return header;
    }
    return undefined;
  }

  private took(lineEnd: number): void {
    this.records += 1;
    this.valid = lineEnd;
  }

  private notATranscript(): void {
    this.fail('not-a-transcript', phrase('transcript.notOurs', { format: TRANSCRIPT_FORMAT_NAME }));
  }

  /**
   * A line that does not decode is damage once more bytes follow it; otherwise the file may
   * just end there (torn). True when reading stops.
   */
  private damagedBy(bytesFollowing: number): boolean {
    if (!this.suspect) return false;
    if (bytesFollowing > 0) {
      this.fail(
        'corrupt',
        phrase('transcript.lineDamaged', { ...this.where(), problem: this.suspect.problem, whole: wholeBefore(this.records) }),
      );
    }
    return true;
  }

  /** The line being read and where it starts, as every problem names them. */
  private where(): { line: number; byte: number } {
    return { line: this.line, byte: this.valid };
  }

  private fail(kind: ReadProblemKind, said: Phrase): void {
    this.problem = { offset: this.valid, line: this.line, kind, message: english(said), phrase: said };
    this.suspect = undefined;
    this.pending = [];
    this.pendingLength = 0;
    this.raw = undefined;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function lineProblem(line: Uint8Array, problem: Phrase): Phrase {
  return line[line.length - 1] === CARRIAGE_RETURN ? phrase('transcript.crlfFix', { problem }) : problem;
}
