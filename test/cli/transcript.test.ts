/**
 * `transcript verify | export | convert` as a user runs it: the built CLI as a child process on
 * real transcript files in a temp folder; exit codes, what it prints, the bytes it writes.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE, TCP, UDP, encodeAll, encodeRecording, tcpRecords, udpRecords, writeTranscript } from '../support/transcript-fixtures';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

const CLI = path.resolve('out/server/cli.mjs');

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  return spawnRun(process.execPath, [CLI, 'transcript', ...args], options);
}

function spawnRun(command: string, args: string[], options: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const joined = (parts: readonly Uint8Array[]): Buffer => Buffer.concat(parts);

async function fixtures() {
  const dir = await tempDir();
  const tcpBytes = encodeAll(tcpRecords());
  return {
    dir,
    tcp: await writeTranscript(dir, 'tcp.jsonl', tcpBytes),
    udp: await writeTranscript(dir, 'udp.jsonl', udpRecords()),
    unfinished: await writeTranscript(dir, 'unfinished.jsonl', tcpRecords({ end: false })),
    torn: await writeTranscript(dir, 'torn.jsonl', tcpBytes.subarray(0, tcpBytes.length - 10)),
    tcpBytes,
  };
}

describe('transcript verify', () => {
  it('exits 0 for a whole, ended file and prints what it holds', async () => {
    const { tcp, udp, tcpBytes } = await fixtures();
    const run = await cli(['verify', tcp]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout.toString('utf8');
    expect(text).toContain('Session s1 (tcp-server), local [::]:4000');
    expect(text).toContain('Records: 16 (header 1, data 6, open 2, half-close 1, close 2, state 2, error 1, end 1)');
    expect(text).toContain(
      '  c1  local 127.0.0.1:4000  remote 127.0.0.1:50001\n      rx 48 bytes in 2 messages   tx 24 bytes in 1 message\n      closed: peer-closed',
    );
    expect(text).toContain(
      '  c2  local [::1]:4000  remote [::1]:50002\n      rx 100,003 bytes in 2 messages   tx 70,001 bytes in 1 message',
    );
    expect(text).toContain(`WHOLE: 16 records, ${tcpBytes.length.toLocaleString('en-US')} bytes, ending with an end record.`);

    const udpRun = await cli(['verify', udp]);
    expect(udpRun.code).toBe(0);
    expect(udpRun.stdout.toString('utf8')).toContain(
      '127.0.0.1:6000  rx 2 datagrams, 65,507 bytes (1 empty)   tx 1 datagram, 65,507 bytes',
    );
  });

  it('exits 3 for a whole file without an end record and says why that may be', async () => {
    const { unfinished } = await fixtures();
    const run = await cli(['verify', unfinished]);
    expect(run.code).toBe(3);
    expect(run.stdout.toString('utf8')).toContain('WHOLE BUT UNFINISHED: 15 records');
    expect(run.stdout.toString('utf8')).toContain('interrupted (the app crashed or was killed) or is still running');
  });

  it('exits 1 for a torn or damaged file and says where the whole records end', async () => {
    const { dir, torn, tcpBytes } = await fixtures();
    const run = await cli(['verify', torn]);
    expect(run.code).toBe(1);
    const lastLineStart = tcpBytes.lastIndexOf(0x0a, tcpBytes.length - 2) + 1;
    expect(run.stdout.toString('utf8')).toContain(
      `TORN: the file ends mid-record at byte ${lastLineStart.toLocaleString('en-US')} (line 16): the 15 records before it are whole`,
    );

    const damaged = Buffer.from(tcpBytes);
    damaged[lastLineStart - 40] ^= 0x01;
    const corrupt = await cli(['verify', await writeTranscript(dir, 'corrupt.jsonl', damaged)]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout.toString('utf8')).toMatch(/CORRUPT: line 15 at byte [\d,]+ is damaged: checksum mismatch/);

    const notOne = await cli(['verify', await writeTranscript(dir, 'notes.txt', new TextEncoder().encode('hello\n'))]);
    expect(notOne.code).toBe(1);
    expect(notOne.stdout.toString('utf8')).toContain('NOT A TRANSCRIPT');
  });

  it('exits 2 with the problem and the fix for a missing file, a folder and wrong usage', async () => {
    const { dir, tcp } = await fixtures();
    const missing = await cli(['verify', path.join(dir, 'gone.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('gone.jsonl does not exist: check the path');
    const folder = await cli(['verify', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a folder: name a transcript file');
    for (const [args, message] of [
      [[], 'Name a command'],
      [['check', tcp], '"check" is not a transcript command'],
      [['verify'], 'verify needs the transcript FILE'],
      [['verify', tcp, tcp], 'Unexpected argument'],
      [['verify', tcp, '--to', 'text'], '--to does not apply to verify'],
      [['verify', tcp, '--bogus'], "Unknown option '--bogus'"],
    ] as const) {
      const run = await cli([...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage: npm run -s cli -- transcript');
    }
  });

  it('exits 2 for a file it may not read', async () => {
    const { dir, tcp } = await fixtures();
    // Root reads anything, so the CLI runs as nobody; mkdtemp made the folder private.
    await chmod(dir, 0o755);
    await chmod(tcp, 0o600);
    const run = await spawnRun('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      CLI,
      'transcript',
      'verify',
      tcp,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tcp.jsonl may not be read (permission denied): read it as its owner');
  });

  it('resolves a relative path from the folder it runs in', async () => {
    const { dir } = await fixtures();
    const run = await cli(['verify', 'tcp.jsonl'], { cwd: dir });
    expect(run.code).toBe(0);
  });
});

describe('transcript export', () => {
  it('writes the raw bytes of one direction of one TCP connection, byte-exact', async () => {
    const { tcp } = await fixtures();
    const cases = [
      ['c1', 'rx', joined(TCP.c1Rx)],
      ['c1', 'tx', joined(TCP.c1Tx)],
      ['c2', 'rx', joined(TCP.c2Rx)],
      ['c2', 'tx', joined(TCP.c2Tx)],
    ] as const;
    for (const [conn, dir, expected] of cases) {
      const run = await cli(['export', tcp, '--conn', conn, '--dir', dir]);
      expect(run.code, `${conn} ${dir}`).toBe(0);
      expect(sha256(run.stdout)).toBe(sha256(expected));
    }
    expect((await cli(['export', tcp, '--conn', 'c1', '--dir', 'rx'])).stdout.includes(Buffer.from(HOSTILE))).toBe(true);
  });

  it('writes the datagrams of a UDP session one after another, of one peer with --peer', async () => {
    const { udp } = await fixtures();
    const all = await cli(['export', udp, '--dir', 'rx']);
    expect(all.code).toBe(0);
    expect(sha256(all.stdout)).toBe(sha256(joined([UDP.empty, UDP.small, UDP.max])));
    const one = await cli(['export', udp, '--dir', 'tx', '--peer', '127.0.0.1:6000']);
    expect(one.code).toBe(0);
    expect(sha256(one.stdout)).toBe(sha256(UDP.max));
    const none = await cli(['export', udp, '--dir', 'rx', '--peer', '[::1]:6000']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No datagram from or to [::1]:6000');
    expect(none.stderr).toContain('its peers are: 127.0.0.1:6000, 127.0.0.1:6001');
  });

  it('writes --out atomically and leaves no temporary file', async () => {
    const { dir, tcp } = await fixtures();
    const target = path.join(dir, 'c2-rx.bin');
    await writeFile(target, 'old');
    const run = await cli(['export', tcp, '--conn', 'c2', '--dir', 'rx', '--out', target]);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(sha256(await readFile(target))).toBe(sha256(joined(TCP.c2Rx)));
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 2 and lists the connections when --conn is wrong, missing or given for UDP', async () => {
    const { dir, tcp, udp } = await fixtures();
    const target = path.join(dir, 'none.bin');
    const wrong = await cli(['export', tcp, '--conn', 'c9', '--dir', 'rx', '--out', target]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('There is no connection "c9"');
    expect(wrong.stderr).toContain('its connections are: c1 (remote 127.0.0.1:50001), c2 (remote [::1]:50002)');
    expect(existsSync(target)).toBe(false);
    const missing = await cli(['export', tcp, '--dir', 'rx']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('name the connection with --conn ID; its connections are: c1');
    const onUdp = await cli(['export', udp, '--conn', 'c1', '--dir', 'rx']);
    expect(onUdp.code).toBe(2);
    expect(onUdp.stderr).toContain('this is a UDP transcript');
    const noDir = await cli(['export', tcp, '--conn', 'c1']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('export needs --dir rx');
    const badPeer = await cli(['export', udp, '--dir', 'rx', '--peer', 'localhost']);
    expect(badPeer.code).toBe(2);
    expect(badPeer.stderr).toContain('is not HOST:PORT');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('exports what is whole of a torn file, says so on stderr and exits 1', async () => {
    const { torn } = await fixtures();
    const run = await cli(['export', torn, '--conn', 'c2', '--dir', 'rx']);
    expect(run.code).toBe(1);
    expect(sha256(run.stdout)).toBe(sha256(joined(TCP.c2Rx)));
    expect(run.stderr).toContain('Only the whole records were used: the file ends mid-record');
  });
});

describe('transcript on a recording (version 3, data bytes raw)', () => {
  it('verifies, exports, dumps and converts it to version-2 JSON Lines; a torn or altered one exits 1', async () => {
    const dir = await tempDir();
    const bytes = encodeRecording(tcpRecords());
    const file = await writeTranscript(dir, 'tcp.sirec', bytes);
    const verify = await cli(['verify', file]);
    expect(verify.code).toBe(0);
    expect(verify.stdout.toString('utf8')).toContain(
      'Records: 16 (header 1, data 6, open 2, half-close 1, close 2, state 2, error 1, end 1)',
    );
    expect(verify.stdout.toString('utf8')).toContain(
      `WHOLE: 16 records, ${bytes.length.toLocaleString('en-US')} bytes, ending with an end record.`,
    );
    const exported = await cli(['export', file, '--conn', 'c2', '--dir', 'rx']);
    expect(exported.code).toBe(0);
    expect(sha256(exported.stdout)).toBe(sha256(joined(TCP.c2Rx)));
    const text = await cli(['convert', file, '--to', 'text']);
    expect(text.stdout.toString('utf8').startsWith('Socket Inspector transcript, format version 3')).toBe(true);

    const target = path.join(dir, 'tcp.jsonl');
    expect((await cli(['convert', file, '--to', 'jsonl', '--out', target])).code).toBe(0);
    const jsonl = await readFile(target);
    const read = readTranscript(jsonl);
    expect(read.header?.version).toBe(2);
    expect(read.records).toEqual(readTranscript(bytes).records);
    for (const line of jsonl.toString('utf8').split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    expect((await cli(['verify', target])).code).toBe(0);

    const torn = await cli(['verify', await writeTranscript(dir, 'torn.sirec', bytes.subarray(0, bytes.length - 200_000))]);
    expect(torn.code).toBe(1);
    expect(torn.stdout.toString('utf8')).toContain('TORN: the file ends mid-record');
    const altered = Buffer.from(bytes);
    // A byte of c2's 100,000 received bytes, deep inside the raw data.
    altered[altered.indexOf(Buffer.from(TCP.c2Rx[0]!)) + 50_000] ^= 0x01;
    const corrupt = await cli(['verify', await writeTranscript(dir, 'altered.sirec', altered)]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout.toString('utf8')).toMatch(/CORRUPT: line 7 at byte [\d,]+ is damaged: checksum mismatch/);
  });
});

describe('transcript convert', () => {
  it('writes a text dump to standard output', async () => {
    const { udp } = await fixtures();
    const run = await cli(['convert', udp, '--to', 'text']);
    expect(run.code).toBe(0);
    const text = run.stdout.toString('utf8');
    expect(text.startsWith('Socket Inspector transcript, format version 2')).toBe(true);
    expect(text).toContain('← rx  datagram from 127.0.0.1:6000, local 0.0.0.0:5000, remote 127.0.0.1:6000, 0 bytes (empty datagram)');
  });

  it('writes pcapng to --out, starting with the section header block', async () => {
    const { dir, tcp } = await fixtures();
    const target = path.join(dir, 'tcp.pcapng');
    const run = await cli(['convert', tcp, '--to', 'pcapng', '--out', target]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect([...(await readFile(target)).subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
  });

  it('turns a torn file into JSON Lines that verify accepts', async () => {
    const { dir, torn, tcpBytes } = await fixtures();
    const target = path.join(dir, 'repaired.jsonl');
    const run = await cli(['convert', torn, '--to', 'jsonl', '--out', target]);
    expect(run.code).toBe(1);
    const repaired = await readFile(target);
    expect(repaired.equals(Buffer.from(tcpBytes.subarray(0, tcpBytes.lastIndexOf(0x0a, tcpBytes.length - 2) + 1)))).toBe(true);
    expect(readTranscript(repaired).outcome.problem).toBeUndefined();
    expect((await cli(['verify', target])).code).toBe(3);
  });

  it('refuses an unknown format, a missing --to, an unwritable --out and a file that is not a transcript', async () => {
    const { dir, tcp } = await fixtures();
    const unknown = await cli(['convert', tcp, '--to', 'csv']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--to "csv" is not one of jsonl, text, pcapng');
    expect((await cli(['convert', tcp])).stderr).toContain('convert needs --to pcapng');
    const noFolder = await cli(['convert', tcp, '--to', 'text', '--out', path.join(dir, 'no', 'such', 'x.txt')]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('does not exist; create it or write somewhere else');
    const intoFolder = await cli(['convert', tcp, '--to', 'text', '--out', dir]);
    expect(intoFolder.code).toBe(2);
    expect(intoFolder.stderr).toContain('is a folder: name a file inside it');
    const target = path.join(dir, 'x.pcapng');
    const notOne = await cli([
      'convert',
      await writeTranscript(dir, 'notes.txt', new TextEncoder().encode('hi\n')),
      '--to',
      'pcapng',
      '--out',
      target,
    ]);
    expect(notOne.code).toBe(1);
    expect(notOne.stderr).toContain('Nothing was written: the file is not a Socket Inspector transcript');
    expect(existsSync(target)).toBe(false);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write pcapng or exported bytes to a terminal', async () => {
    const { tcp } = await fixtures();
    for (const args of [
      ['convert', tcp, '--to', 'pcapng'],
      ['export', tcp, '--conn', 'c1', '--dir', 'rx'],
    ]) {
      // util-linux `script` gives the CLI a real terminal as its standard output.
      const command = [process.execPath, CLI, 'transcript', ...args].map((arg) => `'${arg}'`).join(' ');
      const run = await spawnRun('script', ['-qec', command, '/dev/null']);
      const shown = run.stdout.toString('latin1');
      expect(run.code, args.join(' ')).toBe(2);
      expect(shown).toContain('would garble the terminal: add --out PATH');
      expect(shown).not.toContain('\x0a\x0d\x0d\x0a');
      expect(shown).not.toContain('GET / HTTP');
    }
  });

  it('prints its help with exit code 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("datagrams' payloads one after another (their boundaries are lost)");
    expect(run.stderr).toContain('3  the file is whole but has no end record');
  });
});
