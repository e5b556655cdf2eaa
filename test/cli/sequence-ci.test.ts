/**
 * The CI example of docs/automation.md § Sequences, run as written (with the built CLI in place
 * of `npm run -s cli`, and the device's port): bash, jq and the stdio CLI against the python3
 * Modbus-RTU-like device. Exit status 0 for a sequence that passes, 1 for one that fails, and the
 * failure's words on stderr naming the step.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SequenceInput } from '@shared/contract';
import { startModbusDevice } from '../support/modbus-device';
import { tempDir } from '../support/temp-dir';

const CLI = path.resolve('out/server/cli.mjs');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

/** The script of the docs, as a user would copy it. */
function documentedScript(port: number): string {
  const doc = readFileSync(path.resolve('docs/automation.md'), 'utf8');
  const found = /```sh\n(#!\/usr\/bin\/env bash\n# Exit 0 when the device[\s\S]*?)```/.exec(doc);
  if (!found) throw new Error('docs/automation.md lost its sequence CI example');
  return found[1]!.replaceAll('npm run -s cli --', `node ${JSON.stringify(CLI)}`).replaceAll('5020', String(port));
}

function run(script: string, cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('bash', ['-c', script], { cwd });
  cleanups.push(() => child.kill('SIGKILL'));
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr: Buffer.concat(stderr).toString() })));
}

const poll = (register: string): SequenceInput => ({
  name: 'poll',
  framing: { mode: 'gap', gapMs: 30 },
  steps: [
    { kind: 'send', name: 'ask', payload: { format: 'hex', value: `01 03 00 ${register} 00 02`, checksum: { algorithm: 'crc16-modbus' } } },
    {
      kind: 'expect',
      name: 'reply',
      match: { on: 'hex', kind: 'starts', pattern: '01 03 04' },
      timeoutMs: 3000,
      checksum: { algorithm: 'crc16-modbus' },
    },
  ],
});

describe('a sequence in CI, from the docs', () => {
  it('exits 0 when the device passes, 1 with the failed step on stderr when its CRC is corrupted', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'poll.sequence.json');

    const good = await startModbusDevice((fn) => cleanups.push(fn));
    writeFileSync(file, JSON.stringify(poll('00')));
    expect(await run(documentedScript(good.port), dir)).toEqual({ code: 0, stderr: '' });
    expect(good.lines).toHaveLength(1);

    const faulty = await startModbusDevice((fn) => cleanups.push(fn));
    writeFileSync(file, JSON.stringify(poll('63')));
    const failed = await run(documentedScript(faulty.port), dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^Sequence "poll" failed at step 2 "reply": a message matched, but its CRC-16\/MODBUS is wrong: expected [0-9A-F]{4}, received [0-9A-F]{4}\.\n$/,
    );
  });
});
