/**
 * The built stdio CLI (out/server/cli.mjs) in a child process, driven by JSON lines: under a low
 * file-descriptor limit (prlimit), the real engine starved of descriptors and its control
 * channel, which must keep answering; or with a memory probe, the real engine's memory as the
 * process holds it, measured after a full garbage collection.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onCleanup } from './engine';

const CLI = path.resolve('out/server/cli.mjs');
const PRLIMIT = '/usr/bin/prlimit';

export type Line = Record<string, unknown> & { kind: string };

export interface LimitedCli {
  child: ChildProcessWithoutNullStreams;
  /** Every line the CLI wrote, in order. */
  lines: Line[];
  exited: Promise<number | null>;
  /** Send a command and wait for its result line. */
  call(method: string, args: unknown, timeoutMs?: number): Promise<Line>;
  /** Wait until `check` holds for the lines so far. */
  until<T>(check: (lines: Line[]) => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  end(): void;
}

export function startLimitedCli(nofile: number, args: string[]): LimitedCli {
  if (!existsSync(PRLIMIT)) throw new Error(`${PRLIMIT} is missing: apt-get install -y util-linux`);
  return startCli(PRLIMIT, [`--nofile=${nofile}:${nofile}`, process.execPath, CLI, '--stdio', ...args]);
}

/** What the probe reads: process.memoryUsage() right after a full collection. */
export type Memory = NodeJS.MemoryUsage;

/**
 * Loaded into the CLI before its own code: on SIGUSR2 it collects all garbage and writes the
 * process's memory as one line to stderr, so the test sees what the engine holds, not what
 * waits to be collected. Nothing else of the CLI changes.
 */
const MEMORY_PROBE =
  'data:text/javascript,process.on("SIGUSR2",()=>{globalThis.gc();globalThis.gc();process.stderr.write("memory "+JSON.stringify(process.memoryUsage())+"\\n")})';

export interface MeasuredCli extends LimitedCli {
  memory(): Promise<Memory>;
}

/** The CLI with the memory probe (Linux: SIGUSR2). */
export function startMeasuredCli(args: string[]): MeasuredCli {
  const cli = startCli(process.execPath, ['--expose-gc', '--import', MEMORY_PROBE, CLI, '--stdio', ...args]);
  const readings: Memory[] = [];
  createInterface({ input: cli.child.stderr }).on('line', (text) => {
    if (text.startsWith('memory ')) readings.push(JSON.parse(text.slice('memory '.length)) as Memory);
  });
  return {
    ...cli,
    async memory() {
      const seen = readings.length;
      cli.child.kill('SIGUSR2');
      const deadline = Date.now() + 10_000;
      while (readings.length === seen) {
        if (Date.now() > deadline || cli.child.exitCode !== null) throw new Error('The CLI did not report its memory.');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return readings[seen]!;
    },
  };
}

function startCli(command: string, commandArgs: string[]): LimitedCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(command, commandArgs, { stdio: 'pipe' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: Line[] = [];
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  createInterface({ input: child.stdout }).on('line', (text) => lines.push(JSON.parse(text) as Line));
  let nextId = 0;

  const until = async <T>(check: (lines: Line[]) => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check(lines);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) {
        const tail = lines.slice(-5).map((l) => JSON.stringify(l).slice(0, 300));
        throw new Error(
          `No ${what} from the CLI (exit ${child.exitCode}); last lines:\n${tail.join('\n')}\nstderr: ${Buffer.concat(stderr).toString()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    child,
    lines,
    exited,
    until,
    call(method, callArgs, timeoutMs) {
      const id = ++nextId;
      child.stdin.write(`${JSON.stringify({ id, method, args: callArgs })}\n`);
      return until((all) => all.find((l) => l.kind === 'result' && l.id === id), `answer to ${method} #${id}`, timeoutMs);
    },
    end() {
      child.stdin.end();
    },
  };
}
