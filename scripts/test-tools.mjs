// The programs `npm test` drives as real peers and tools, in one list. Run first by `npm test`:
// what is missing is installed where this can be done without asking (root with apt-get, as in
// CI and containers), and otherwise named with the command that installs it, before anything
// else runs, so a fresh machine fails in the first second with the fix rather than minutes in.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** command → the Debian package that has it. */
const TOOLS = [
  { command: 'socat', debian: 'socat', why: 'a peer in the CLI, server and engine tests' },
  { command: 'ncat', debian: 'ncat', why: 'a peer in the CLI and engine tests' },
  // Named by its own name: with ncat installed, Debian's `nc` may be ncat, which has no -N.
  { command: 'nc.openbsd', debian: 'netcat-openbsd', why: 'the half-close peer (nc -N sends FIN at the end of stdin)' },
  { command: 'tshark', debian: 'tshark', why: 'reads the pcapng export as Wireshark does' },
  { command: 'prlimit', debian: 'util-linux', why: 'runs the CLI under a descriptor limit' },
  { command: 'chromium', debian: 'chromium', why: 'the end-to-end tests (or set CHROMIUM_PATH)', env: 'CHROMIUM_PATH' },
];

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

function present(tool) {
  const given = tool.env && process.env[tool.env];
  if (given) {
    try {
      accessSync(given, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return onPath(tool.command);
}

const missing = () => TOOLS.filter((tool) => !present(tool));

function canInstall() {
  return process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0 && onPath('apt-get');
}

function install(packages) {
  process.stdout.write(`Installing the test peers: ${packages.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...packages],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) return false;
  }
  return true;
}

let absent = missing();
if (absent.length > 0 && canInstall()) {
  install([...new Set(absent.map((tool) => tool.debian))]);
  absent = missing();
}
if (absent.length > 0) {
  const lines = absent.map((tool) => `  ${tool.command.padEnd(9)} ${tool.why}`);
  const packages = [...new Set(absent.map((tool) => tool.debian))].join(' ');
  process.stderr.write(
    `npm test needs these programs, which are not installed:\n${lines.join('\n')}\n\n` +
      `On Debian or Ubuntu: sudo apt-get install -y ${packages}\n` +
      'Elsewhere, install them from your package manager; for Chromium, CHROMIUM_PATH may name an installed Chrome.\n',
  );
  process.exitCode = 1;
}
