/**
 * Hostile input to the automation mode (`--stdio`, JSON lines): lines that are not JSON or not
 * commands, malformed number literals, deep nesting, huge lines, NUL bytes, invalid UTF-8,
 * `__proto__` and friends, and commands of every method with hostile arguments. Each line gets
 * one typed refusal (under its id, or naming its line); the process keeps answering, no socket
 * opens, no recording is written, nothing leaks onto Object.prototype. Run in-process over
 * streams for the many cases, and as the built CLI for what only a real process shows (it must
 * not die). The hostile-argument matrix every transport shares is in test/conformance.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStdio, stdioRecorder } from '@cli/stdio';
import { MAX_COMMAND_BYTES } from '@shared/limits';
import { argSchemas, type MethodName } from '@shared/contract';
import {
  anyJson,
  BASE_ARGS,
  DEPTH,
  jsonDeepLiterals,
  MALFORMED_LITERALS,
  mutatedArgs,
  polluted,
  prototypeKeys,
} from '../support/hostile-input';

type Line = Record<string, unknown> & { kind: string };
interface Answer {
  kind: string;
  line?: number;
  id?: unknown;
  ok?: boolean;
  value?: unknown;
  error?: { code: string; message: string; hint: string };
}

const CLI = path.resolve('out/server/cli.mjs');
let dir: string;
const prototypeBefore = prototypeKeys();
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'si-hostile-stdio-'));
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Something that takes lines and answers them: the in-process runner or the built CLI. */
interface Driver {
  /** Write a line and its \n, numbered by the driver. */
  writeLine(text: string | Buffer): number;
  /** Write bytes without ending the line. */
  write(text: string | Buffer): void;
  /** The answer to a line: its error line, or the result carrying the line number as id. */
  answer(line: number, timeoutMs?: number): Promise<Answer>;
  end(): Promise<Line>;
}

/** Every line written, and a way to wait for one without polling. */
class Lines {
  readonly all: Line[] = [];
  private wake = () => undefined as void;
  private text = '';

  readonly onData = (chunk: Buffer) => {
    this.text += chunk.toString();
    const parts = this.text.split('\n');
    this.text = parts.pop()!;
    for (const part of parts) this.all.push(JSON.parse(part) as Line);
    this.wake();
  };

  async find(match: (line: Line) => boolean, what: string, timeoutMs: number): Promise<Line> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
}

function makeDriver(write: (bytes: string | Buffer) => void, lines: Lines, finish: () => Promise<void>): Driver {
  let count = 0;
  return {
    write,
    writeLine(text) {
      count += 1;
      write(text);
      write('\n');
      return count;
    },
    async answer(line, timeoutMs = 10_000) {
      return (await lines.find(
        (l) => (l.kind === 'error' && l.line === line) || (l.kind === 'result' && l.id === line),
        `the answer to line ${line}`,
        timeoutMs,
      )) as Answer;
    },
    async end() {
      await finish();
      return lines.find((l) => l.kind === 'end', 'the end line', 10_000);
    },
  };
}

/** runStdio in-process over streams, recording into the test's folder. */
async function inProcess(): Promise<Driver> {
  const recorder = await stdioRecorder(path.join(dir, 'recordings'), 'test');
  if (!recorder.ok) throw new Error(recorder.error.message);
  const input = new PassThrough();
  const output = new PassThrough();
  const lines = new Lines();
  output.on('data', lines.onData);
  const done = runStdio({ input, output, bytes: 'base64', version: 'test', recorder: recorder.value });
  return makeDriver(
    (bytes) => input.write(bytes),
    lines,
    async () => {
      input.end();
      await done;
    },
  );
}

/** The built CLI as a child process, recording into the test's folder. */
function childProcess(): { driver: Driver; exited: Promise<number | null> } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [CLI, '--stdio', '--record-dir', path.join(dir, 'recordings')], { stdio: 'pipe' });
  children.push(child);
  const lines = new Lines();
  child.stdout.on('data', lines.onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const driver = makeDriver(
    (bytes) => child.stdin.write(bytes),
    lines,
    async () => {
      child.stdin.end();
    },
  );
  return { driver, exited };
}

const command = (line: number, method: string, argsText: string) => `{"id":${line},"method":${JSON.stringify(method)},"args":${argsText}}`;

/** Writes a command whose id is its own line number. */
function send(driver: Driver, method: string, argsText: string, nextLine: number): number {
  const line = driver.writeLine(command(nextLine, method, argsText));
  expect(line).toBe(nextLine);
  return line;
}

/** A refusal of line `line`: a result line under its id when the line has one, else an error line naming it. */
function expectErrorLine(answer: Answer, line: number, label: string, mentions?: string | RegExp): void {
  if (answer.kind === 'result') {
    expect(answer.id, label).toBe(line);
    expect(answer.ok, `${label} should be refused`).toBe(false);
  } else {
    expect(answer.kind, `${label} should be refused`).toBe('error');
    expect(answer.line, label).toBe(line);
  }
  expect(Object.keys(answer.error ?? {}).sort(), label).toEqual(['code', 'hint', 'i18n', 'message']);
  expect(answer.error!.code, label).toBe('INVALID_ARGUMENT');
  expect(answer.error!.hint.length, label).toBeGreaterThan(10);
  expect(answer.error!.message.length, `${label}: the message stays readable`).toBeLessThan(2000);
  if (typeof mentions === 'string') expect(answer.error!.message, label).toContain(mentions);
  else if (mentions) expect(answer.error!.message, label).toMatch(mentions);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** A valid command still works, and nothing was opened, recorded or polluted. */
async function expectUntouched(driver: Driver, counter: { line: number }): Promise<void> {
  const line = send(driver, 'list', '{}', ++counter.line);
  expect(await driver.answer(line)).toEqual({ kind: 'result', id: line, ok: true, value: [] });
  // No refused command changed a setting half-way.
  const settings = send(driver, 'recordingSettings', '{}', ++counter.line);
  expect(await driver.answer(settings)).toMatchObject({ kind: 'result', ok: true, value: { recordByDefault: true } });
  expect(await filesUnder(dir)).toEqual([]);
  expect(prototypeKeys()).toEqual(prototypeBefore);
  expect(polluted()).toBe(false);
}

describe('hostile lines in process', () => {
  it('answers lines that are not commands, naming what is wrong, and keeps going', async () => {
    const driver = await inProcess();
    const counter = { line: 0 };
    const bad: [string, RegExp][] = [
      ['not json', /is not JSON/],
      ['{"id":1,"method":"list","args":{}', /is not JSON/],
      ...MALFORMED_LITERALS.map((literal): [string, RegExp] => [
        `{"id":1,"method":"list","args":{"recordByDefault":${literal}}}`,
        /is not JSON/,
      ]),
      ['[]', /must be an object/],
      ['null', /must be an object/],
      ['"list"', /must be an object/],
      ['1e400', /must be an object/],
      [`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`, /must be an object/],
      ...['1.5', '1e400', '9007199254740993', 'null', '[]', '{}', 'true', `"${'i'.repeat(65)}"`].map((id): [string, RegExp] => [
        `{"id":${id},"method":"list","args":{}}`,
        /"id" must be/,
      ]),
      ['{"id":1,"method":"list","args":{},"extra":true}', /unknown field "extra"/],
      ['{"id":1,"method":"list","args":{},"__proto__":{"polluted":true}}', /unknown field "__proto__"/],
      ['{"id":1,"method":"list","args":{},"constructor":{"prototype":{"polluted":true}}}', /unknown field "constructor"/],
      [
        `{"id":1,"method":"list","args":{},${Array.from({ length: 10_000 }, (_, i) => `"k${i}":0`).join(',')}}`,
        /unknown field "k0", "k1", "k2", "k3", "k4" \(and 9995 more\)/,
      ],
      ['{"id":1,"method":"list","args":null}', /Invalid arguments for list: Invalid input: expected object, received null/],
      ['{"id":1,"method":"list","args":[]}', /Invalid arguments for list/],
      ['{"id":1,"method":"list","args":"{}"}', /Invalid arguments for list/],
      ...[
        '"__proto__"',
        '"constructor"',
        '"toString"',
        '"hasOwnProperty"',
        '"saveFile"',
        '"list\\u0000"',
        '""',
        '1',
        'null',
        '["list"]',
        '{}',
      ].map((method): [string, RegExp] => [`{"id":1,"method":${method},"args":{}}`, /Unknown method/]),
      ['{"id":1,"args":{}}', /Unknown method/],
      ['{"id":1,"method":"list","method":"open","args":{}}', /Invalid arguments for open: config/],
      ['{"id":1,"method":"close","args":{"sessionId":"s1","sessionId":5}}', /Invalid arguments for close: sessionId/],
    ];
    for (const [text, mentions] of bad) {
      // A command is answered under its id: give each the number of its line.
      const line = driver.writeLine(text.replace(/^\{"id":1,/, `{"id":${counter.line + 1},`));
      counter.line = line;
      expectErrorLine(await driver.answer(line), line, text.slice(0, 80), mentions);
    }
    // Blank lines, and blanks of other kinds, are skipped or refused, never fatal.
    for (const text of ['', '   ', '\t', '\u00a0', '\u2028', '\u0000']) {
      counter.line = driver.writeLine(text);
    }
    await expectUntouched(driver, counter);
    expect(await driver.end()).toEqual({ kind: 'end', lines: counter.line });
  });

  it('lets go of a line longer than any command, unread, says so, and reads the next one', async () => {
    const driver = await inProcess();
    const counter = { line: 0 };
    const chunk = 'x'.repeat(8 * 1024 * 1024);
    const chunks = Math.ceil(MAX_COMMAND_BYTES / chunk.length) + 1;
    // Written in parts without a newline, as an endless line would arrive.
    for (let i = 0; i < chunks - 1; i++) driver.write(chunk);
    counter.line = driver.writeLine(chunk);
    expectErrorLine(
      await driver.answer(counter.line, 30_000),
      counter.line,
      'the long line',
      `Line 1 is ${chunks * chunk.length} bytes long, more than the ${MAX_COMMAND_BYTES} a command may take`,
    );
    await expectUntouched(driver, counter);
    expect(await driver.end()).toEqual({ kind: 'end', lines: counter.line });
  });

  it('answers generated arguments and generated lines with one typed answer each (property)', async () => {
    const driver = await inProcess();
    const counter = { line: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedArgs(BASE_ARGS, argSchemas, anyJson()), async (c) => {
        const argsText = JSON.stringify(c.args);
        // JSON can change a value (-0 becomes 0): only commands still wrong after the trip count.
        fc.pre(argsText !== undefined && !argSchemas[c.method as MethodName].safeParse(JSON.parse(argsText)).success);
        const line = send(driver, c.method, argsText!, ++counter.line);
        expectErrorLine(await driver.answer(line), line, `${c.method} ${argsText!.slice(0, 80)}`, `Invalid arguments for ${c.method}`);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }).filter((text) => !/[\n\r]/.test(text) && text.trim() !== ''),
        async (text) => {
          const line = driver.writeLine(text);
          counter.line = line;
          expectErrorLine(await driver.answer(line), line, text.slice(0, 40));
        },
      ),
      { numRuns: 150 },
    );
    await expectUntouched(driver, counter);
    await driver.end();
  });
});

describe('hostile lines to the built CLI', () => {
  it('answers deep nesting, tens of megabytes, NUL bytes and invalid UTF-8 without dying', async () => {
    const { driver, exited } = childProcess();
    const counter = { line: 0 };
    const huge = 'h'.repeat(20 * 1024 * 1024);
    const deep = jsonDeepLiterals();
    const cases: [string | Buffer, string | RegExp][] = [
      [command(1, 'list', deep[0]![1]), 'Invalid arguments for list'],
      [command(2, 'open', `{"config":${deep[1]![1]}}`), 'Invalid arguments for open: config'],
      [deep[1]![1], /unknown field "a"/],
      [command(4, 'close', JSON.stringify({ sessionId: huge })), 'Invalid arguments for close: sessionId: Id is longer than 64 characters'],
      [command(5, 'list', JSON.stringify({ [huge]: 1 })), /Unrecognized key: "h{100}/],
      [`{"id":6,"method":"list","args":{},"${huge}":1}`, /unknown field "h{64}…"/],
      [
        command(7, 'open', '{"config":{"kind":"tcp-server","host":"127.0.0.1\\u0000","port":0}}'),
        'Invalid arguments for open: config.host',
      ],
      [
        Buffer.concat([
          Buffer.from('{"id":8,"method":"close","args":{"sessionId":"'),
          Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
          Buffer.from('"}}'),
        ]),
        'NOT_FOUND',
      ],
      [Buffer.from([0x7b, 0xff, 0x00, 0x7d]), /is not JSON/],
      [command(10, 'open', '{"config":{"kind":"tcp-server","host":"127.0.0.1","port":1e400}}'), 'config.port: Port must be a number'],
      [
        command(11, 'open', '{"config":{"kind":"tcp-server","host":"127.0.0.1","port":0,"__proto__":{"port":1}}}'),
        'Unrecognized key: "__proto__"',
      ],
    ];
    for (const [text, mentions] of cases) {
      const line = driver.writeLine(text);
      counter.line = line;
      const answer = await driver.answer(line, 20_000);
      if (mentions === 'NOT_FOUND') {
        // Bytes that are not UTF-8 arrive as U+FFFD: a well-formed id of no session.
        expect(answer).toMatchObject({ kind: 'result', id: line, ok: false, error: { code: 'NOT_FOUND' } });
      } else {
        expectErrorLine(answer, line, `line ${line}`, mentions);
      }
    }
    await expectUntouched(driver, counter);
    expect(await driver.end()).toEqual({ kind: 'end', lines: counter.line });
    expect(await exited).toBe(0);
  });
});
