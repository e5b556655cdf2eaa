/**
 * TLS test material and peers: certificates made with `openssl req` / `openssl x509` in a temp
 * folder, and openssl s_server / s_client, ncat --ssl (client and server) and curl as real peers on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cleanups } from './peers';

export interface Certificates {
  dir: string;
  /** A CA, and a server and a client certificate it signed (the server's for localhost and 127.0.0.1). */
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** A CA that signed nothing here: trusting it alone, the server's certificate is from an unknown CA. */
  otherCaPem: string;
  /** The same as files, for the openssl tools. */
  files: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
}

function openssl(dir: string, args: string[]): void {
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
}

/** A new P-256 key, unencrypted: the arguments `openssl req` takes for it. */
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * A self-signed certificate for `cn` with its key, made in `dir` as `<name>.pem` and `<name>.key`;
 * `extensions`: each an `-addext` value (a CA's basicConstraints, a server's subjectAltName).
 */
export function makeSelfSigned(dir: string, name: string, cn: string, extensions: string[]): { cert: string; key: string } {
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_EC_KEY,
    '-days',
    '2',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    `/CN=${cn}`,
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ]);
  return { cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8'), key: readFileSync(path.join(dir, `${name}.key`), 'utf8') };
}

const CA_EXTENSIONS = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];

function makeLeaf(dir: string, name: string, cn: string, ext: string): void {
  openssl(dir, ['req', '-new', ...NEW_EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

/** A CA, a server certificate and a client certificate, made fresh in `dir`. */
export function makeCertificates(dir: string): Certificates {
  makeSelfSigned(dir, 'ca', 'Socket Inspector Test CA', CA_EXTENSIONS);
  makeSelfSigned(dir, 'other-ca', 'Some Other CA', CA_EXTENSIONS);
  makeLeaf(dir, 'server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'test client', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    serverCertPem: read('server.pem'),
    serverKeyPem: read('server.key'),
    clientCertPem: read('client.pem'),
    clientKeyPem: read('client.key'),
    otherCaPem: read('other-ca.pem'),
    files: {
      ca: path.join(dir, 'ca.pem'),
      serverCert: path.join(dir, 'server.pem'),
      serverKey: path.join(dir, 'server.key'),
      clientCert: path.join(dir, 'client.pem'),
      clientKey: path.join(dir, 'client.key'),
    },
  };
}

/** SHA-256 fingerprint of a PEM certificate file as openssl prints it: AA:BB:…. */
export function opensslFingerprint(file: string): string {
  const run = spawnSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return run.stdout.trim().replace(/^.*=/, '');
}

/** A child process and everything it printed. */
export interface Tool {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once it ends. */
  exited: Promise<number | null>;
}

/** Run a peer program, kept until the test's cleanups end it. */
export function runTool(command: string, args: string[], cleanups: Cleanups, cwd?: string): Tool {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    return exited;
  });
  return { child, output: () => text, exited };
}

/** openssl s_server on 127.0.0.1, a free port; what it prints includes what clients sent it. */
export async function opensslServer(args: string[], cleanups: Cleanups): Promise<Tool & { port: number }> {
  const tool = runTool('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], cleanups);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(tool.output());
    if (found) return { ...tool, port: Number(found[1]) };
    if (Date.now() > deadline || tool.child.exitCode !== null) throw new Error(`openssl s_server did not start: ${tool.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** openssl s_client connecting to 127.0.0.1:`port`; `args` say how (-CAfile, -alpn, -cert, …). */
export function opensslClient(port: number, args: string[], cleanups: Cleanups): Tool {
  return runTool('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], cleanups);
}

/**
 * The TCP port a process listens on, from Linux's /proc: ncat told port 0 binds a free port but
 * prints ":0", so the port is read from the socket its descriptors hold.
 */
function listeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // A descriptor closed while listing: not the listening socket.
    }
  }
  // sl local_address rem_address st … inode; state 0A is LISTEN.
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) return parseInt(fields[1]!.split(':')[1]!, 16);
  }
  return undefined;
}

/** ncat --ssl listening on 127.0.0.1, a free port, with `args` (--ssl-cert, --ssl-key, …). */
export async function ncatSslServer(args: string[], cleanups: Cleanups): Promise<Tool & { port: number }> {
  const tool = runTool('ncat', ['-v', '--ssl', ...args, '-l', '127.0.0.1', '0'], cleanups);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const port = tool.output().includes('Listening on') && tool.child.pid !== undefined ? listeningPort(tool.child.pid) : undefined;
    if (port !== undefined) return { ...tool, port };
    if (Date.now() > deadline || tool.child.exitCode !== null) throw new Error(`ncat --ssl -l did not start: ${tool.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
