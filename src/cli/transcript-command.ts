/**
 * `transcript verify | export | convert`: check a recorded transcript, take the raw bytes of
 * one direction out of it, or turn it into pcapng or text. The exit code says what state the
 * file is in (see USAGE), whatever the command.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatEndpoint } from '@shared/address';
import { TRANSCRIPT_FORMATS, type Direction, type TranscriptFormat } from '@shared/contract';
import type { TranscriptRecord } from '@shared/transcript/records';
import { endpointText, printable } from '@shared/transcript/text-dump';
import type { ReadOutcome } from '@shared/transcript/transcript-reader';
import { TranscriptSummarizer, formatSummary, type TranscriptSummary } from '@shared/transcript/transcript-summary';
import { OutputSink, convertTranscript, writeFileAtomically } from '@recorder/convert';
import { TranscriptFileError, readTranscriptFile } from '@recorder/transcript-file';
import { version } from '../../package.json';

export const TRANSCRIPT_USAGE = `Usage: npm run -s cli -- transcript <command> FILE [options]

Commands:
  verify FILE
      Check every record of a transcript and print what it holds: records, bytes and messages
      per connection and direction, datagrams per peer, and where a torn tail begins.

FILE is a JSON Lines transcript or a pcapng file (told by its first bytes, not its name): the
app's own pcapng comes back whole; another capture is read as far as it holds TCP or UDP over
IP on raw IP, Ethernet, Linux cooked or loopback links, and refused when nothing in it does.
  export FILE --dir rx|tx [--conn ID | --peer HOST:PORT] [--out PATH]
      The raw bytes of one direction: rx (received) or tx (sent).
      TCP: of the connection --conn ID (verify lists the ids).
      UDP: the datagrams' payloads one after another (their boundaries are lost), of every
      peer or of --peer HOST:PORT only (IPv6 in brackets: [::1]:5000).
  convert FILE --to pcapng|text|jsonl [--out PATH]
      pcapng for Wireshark and tshark, a readable text dump (hex and text), or JSON Lines
      (the whole records of a torn file, which verify then accepts).

Options:
  --out PATH  write there instead of to standard output, through a temporary file in the same
              folder that is renamed into place once complete; binary output (export, pcapng)
              is never written to a terminal
  --help      show this text

Exit codes:
  0  the file is whole and ends with an end record, or is a whole pcapng (which has none)
  3  the file is whole but has no end record: the recording was interrupted or is still running
  1  the file is torn or damaged (it was read up to its last whole record or block) or is not a
     transcript
  2  wrong usage, or a file that cannot be read or written`;

const EXIT_OK = 0;
const EXIT_DAMAGED = 1;
const EXIT_USAGE = 2;
const EXIT_UNFINISHED = 3;

/** Stops a command early with a message and an exit code. */
class CommandExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const usageError = (message: string): CommandExit => new CommandExit(EXIT_USAGE, `${message}\n\n${TRANSCRIPT_USAGE}`);

interface Options {
  conn?: string;
  dir?: string;
  peer?: string;
  out?: string;
  to?: string;
  help: boolean;
}

const OPTIONS_OF: Readonly<Record<string, readonly (keyof Options)[]>> = {
  verify: [],
  export: ['conn', 'dir', 'peer', 'out'],
  convert: ['to', 'out'],
};

/** `npm run cli` runs in the project folder; a relative path means the folder npm was started in. */
function userPath(file: string): string {
  const base = process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  return path.resolve(base, file);
}

/**
 * A whole pcapng is 0: it has no end record by its nature, and a file the app saved or converted
 * is written complete or not at all, so "unfinished" (3) would say nothing about it.
 */
function exitCodeOf(outcome: ReadOutcome): number {
  if (outcome.problem) return EXIT_DAMAGED;
  return outcome.ended || outcome.pcapng ? EXIT_OK : EXIT_UNFINISHED;
}

/** What stderr says after an export or a conversion when the file was not whole and ended. */
function outcomeNote(outcome: ReadOutcome): string | undefined {
  if (outcome.problem) {
    if (!outcome.header) return `Nothing was written: ${outcome.problem.message}.`;
    return `Only the whole records were used: ${outcome.problem.message}.`;
  }
  if (outcome.pcapng) return outcome.pcapng.skipped && `Not everything in the pcapng was used: ${outcome.pcapng.skipped}.`;
  if (!outcome.ended)
    return 'The transcript has no end record: the recording was interrupted (the app crashed or was killed) or is still running; everything in it was used.';
  return undefined;
}

function refuseTerminal(out: string | undefined, what: string): void {
  if (out === undefined && process.stdout.isTTY) {
    throw new CommandExit(
      EXIT_USAGE,
      `${what} is binary and would garble the terminal: add --out PATH to write a file, or redirect the output (> file, | xxd).`,
    );
  }
}

async function verify(file: string): Promise<number> {
  const summarizer = new TranscriptSummarizer();
  const outcome = await readTranscriptFile(file, (record) => summarizer.add(record));
  process.stdout.write(formatSummary(summarizer.summary(), outcome));
  return exitCodeOf(outcome);
}

/** A failure to write the output as the user can act on it. */
function outputError(target: string | undefined, err: unknown): CommandExit {
  const error = err as NodeJS.ErrnoException;
  if (target === undefined) return new CommandExit(EXIT_USAGE, `Standard output could not be written: ${error.message}.`);
  const where = printable(target);
  const folder = printable(path.dirname(target));
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CommandExit(EXIT_USAGE, `--out ${where}: the folder ${folder} does not exist; create it or write somewhere else.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new CommandExit(EXIT_USAGE, `--out ${where}: ${folder} may not be written to (${error.code}); choose a folder of your own.`);
    case 'EISDIR':
      return new CommandExit(EXIT_USAGE, `--out ${where} is a folder: name a file inside it.`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new CommandExit(EXIT_USAGE, `--out ${where}: the disk is full; free some space or write somewhere else. Nothing was written.`);
    default:
      return new CommandExit(
        EXIT_USAGE,
        `--out ${where} could not be written: ${error.message}. Check the folder and the disk; nothing was written.`,
      );
  }
}

/**
 * Standard output, or a file written atomically and kept only when `keep` says so. A failure of
 * the output (not of the transcript) comes back as a CommandExit naming the output.
 */
async function withOutput(
  out: string | undefined,
  produce: (stream: NodeJS.WritableStream) => Promise<ReadOutcome>,
  keep: (outcome: ReadOutcome) => boolean,
): Promise<ReadOutcome> {
  const target = out === undefined ? undefined : userPath(out);
  try {
    return target === undefined ? await produce(process.stdout) : await writeFileAtomically(target, produce, keep);
  } catch (err) {
    const isOsError = (err as NodeJS.ErrnoException).code !== undefined;
    if (err instanceof CommandExit || err instanceof TranscriptFileError || !isOsError) throw err;
    throw outputError(target, err);
  }
}

/** A peer as records name it, so `[::0001]:53` finds `[::1]:53`. */
function peerKey(text: string): string {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535)
    throw usageError(`--peer "${printable(text)}" is not HOST:PORT: write for example 192.0.2.7:5000, or [2001:db8::7]:5000 for IPv6.`);
  let host = match[1]!;
  if (host.includes(':')) {
    try {
      host = new URL(`http://[${host}]`).hostname.slice(1, -1);
    } catch {
      // A zone (fe80::1%eth0) is not URL syntax; it is compared as written.
    }
  }
  return formatEndpoint(host, port);
}

function connectionList(summary: TranscriptSummary): string {
  if (summary.connections.length === 0) return 'it has no connections';
  const items = summary.connections.map((c) => `${printable(c.conn)}${c.remote ? ` (remote ${endpointText(c.remote)})` : ''}`);
  return `its connections are: ${items.join(', ')}`;
}

function peerList(summary: TranscriptSummary): string {
  if (summary.peers.length === 0) return 'it holds no datagrams';
  return `its peers are: ${summary.peers.map((p) => endpointText(p.peer)).join(', ')}`;
}

/** Why the export names nothing in the file, or undefined when it names a connection or peers that are there. */
function missingTarget(
  file: string,
  summary: TranscriptSummary,
  conn: string | undefined,
  peer: string | undefined,
): CommandExit | undefined {
  const header = summary.header;
  if (!header) return undefined;
  if (header.kind !== 'udp') {
    if (conn === undefined) return usageError(`This is a TCP transcript: name the connection with --conn ID; ${connectionList(summary)}.`);
    if (!summary.connections.some((c) => c.conn === conn))
      return new CommandExit(EXIT_USAGE, `There is no connection "${printable(conn)}" in ${printable(file)}; ${connectionList(summary)}.`);
  } else if (peer !== undefined && !summary.peers.some((p) => formatEndpoint(p.peer.address, p.peer.port) === peer)) {
    return new CommandExit(EXIT_USAGE, `No datagram from or to ${printable(peer)} is in ${printable(file)}; ${peerList(summary)}.`);
  }
  return undefined;
}

async function exportBytes(file: string, options: Options): Promise<number> {
  if (options.dir !== 'rx' && options.dir !== 'tx') {
    throw usageError(
      options.dir === undefined
        ? 'export needs --dir rx (received bytes) or --dir tx (sent bytes).'
        : `--dir "${printable(options.dir)}" is not rx or tx.`,
    );
  }
  if (options.conn !== undefined && options.peer !== undefined)
    throw usageError('Give --conn (a TCP connection) or --peer (a UDP peer), not both.');
  refuseTerminal(options.out, 'The exported data');
  const dir: Direction = options.dir;
  const wantedPeer = options.peer === undefined ? undefined : peerKey(options.peer);
  const summarizer = new TranscriptSummarizer();
  const missing = () => missingTarget(file, summarizer.summary(), options.conn, wantedPeer);
  const outcome = await withOutput(
    options.out,
    async (stream) => {
      const sink = new OutputSink(stream);
      const result = await readTranscriptFile(file, (record: TranscriptRecord) => {
        summarizer.add(record);
        if (record.type === 'header') {
          if (record.kind === 'udp' && options.conn !== undefined) {
            throw usageError(
              '--conn names a TCP connection, but this is a UDP transcript: leave --conn out (and use --peer HOST:PORT for one peer).',
            );
          }
          if (record.kind !== 'udp' && options.peer !== undefined) {
            throw usageError('--peer names a UDP peer, but this is a TCP transcript: use --conn ID (verify lists the connections).');
          }
          return undefined;
        }
        if (record.type !== 'data' || record.dir !== dir) return undefined;
        const matches =
          record.conn === undefined
            ? wantedPeer === undefined || formatEndpoint(record.remote.address, record.remote.port) === wantedPeer
            : record.conn === options.conn;
        return matches ? sink.write(record.bytes) : undefined;
      });
      await sink.flush();
      return result;
    },
    (result) => result.header !== undefined && missing() === undefined,
  );
  const problem = missing();
  if (problem) throw problem;
  return finishWith(outcome);
}

async function convert(file: string, options: Options): Promise<number> {
  const to = options.to;
  if (to === undefined) throw usageError('convert needs --to pcapng, --to text or --to jsonl.');
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(to))
    throw usageError(`--to "${printable(to)}" is not one of ${TRANSCRIPT_FORMATS.join(', ')}.`);
  const format = to as TranscriptFormat;
  if (format === 'pcapng') refuseTerminal(options.out, 'pcapng');
  const app = { name: 'Socket Inspector', version };
  const outcome = await withOutput(
    options.out,
    (out) => convertTranscript(file, format, out, { app }),
    (result) => result.header !== undefined,
  );
  return finishWith(outcome);
}

function finishWith(outcome: ReadOutcome): number {
  const note = outcomeNote(outcome);
  if (note) process.stderr.write(`${note}\n`);
  return exitCodeOf(outcome);
}

function parse(args: string[]): { command: string; file: string; options: Options } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        conn: { type: 'string' },
        dir: { type: 'string' },
        peer: { type: 'string' },
        out: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const options: Options = parsed.values;
  const [command, file, ...extra] = parsed.positionals;
  if (command === undefined) throw usageError('Name a command: verify, export or convert.');
  const allowed = Object.hasOwn(OPTIONS_OF, command) ? OPTIONS_OF[command]! : undefined;
  if (!allowed) throw usageError(`"${printable(command)}" is not a transcript command: use verify, export or convert.`);
  if (file === undefined) throw usageError(`${command} needs the transcript FILE to read.`);
  if (extra.length > 0) throw usageError(`Unexpected argument "${printable(extra[0]!)}": ${command} reads one FILE.`);
  for (const name of ['conn', 'dir', 'peer', 'out', 'to'] as const) {
    if (options[name] !== undefined && !allowed.includes(name)) throw usageError(`--${name} does not apply to ${command}.`);
  }
  return { command, file: userPath(file), options };
}

/** Run `transcript …` with the arguments after the word `transcript`; resolves to the exit code. */
export async function runTranscriptCommand(args: string[]): Promise<number> {
  try {
    if (args.includes('--help')) {
      process.stderr.write(`${TRANSCRIPT_USAGE}\n`);
      return EXIT_OK;
    }
    const { command, file, options } = parse(args);
    if (command === 'verify') return await verify(file);
    if (command === 'export') return await exportBytes(file, options);
    return await convert(file, options);
  } catch (err) {
    if (err instanceof CommandExit) {
      process.stderr.write(`${err.message}\n`);
      return err.code;
    }
    if (err instanceof TranscriptFileError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
