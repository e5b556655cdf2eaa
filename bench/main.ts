import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatTable, outcome, ratioOf, rowOf, targetText, type Figure, type SectionError } from './figure';

const USAGE = `Usage: npm run bench -- [--quick] [--only SECTION[,SECTION…]] [--out FILE]
  --quick   a smoke run, under a minute: smaller transfers, shorter floods, a 100,000-entry log
  --only    run some sections: tcp, udp, accept, idle, idle-ui, events, timing, ui, load
  --out     where the JSON goes (default artifacts/bench.json)
Exit code: 0 every target met, 1 a target missed, 2 a section could not run (or bad arguments).`;

/** Loaded only when run, so that (say) the network figures never load Playwright. */
const SECTIONS: Record<string, (quick: boolean) => Promise<Figure[]>> = {
  tcp: async (quick) => (await import('./tcp-ingest')).tcpIngest(quick),
  udp: async (quick) => (await import('./udp-receive')).udpReceive(quick),
  accept: async () => (await import('./tcp-accept')).tcpAccept(),
  idle: async (quick) => (await import('./idle-clients')).idleClients(quick),
  'idle-ui': async (quick) => (await import('./idle-ui')).idleUi(quick),
  events: async (quick) => (await import('./event-rate')).eventRate(quick),
  timing: async (quick) => (await import('./send-timing')).sendTiming(quick),
  ui: async (quick) => (await import('./ui')).uiFigures(quick),
  load: async (quick) => (await import('./page-load')).pageLoad(quick),
};

interface Options {
  quick: boolean;
  only: string[];
  out: string;
}

function parseArgs(argv: string[]): Options | string {
  const options: Options = { quick: false, only: Object.keys(SECTIONS), out: path.resolve('artifacts', 'bench.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only' || arg === '--out') {
      const value = argv[++i];
      if (!value) return `${arg} needs a value.`;
      if (arg === '--out') options.out = path.resolve(value);
      else {
        options.only = value.split(',').map((s) => s.trim());
        const unknown = options.only.filter((s) => !Object.hasOwn(SECTIONS, s));
        if (unknown.length > 0) return `Unknown section ${unknown.join(', ')}: use ${Object.keys(SECTIONS).join(', ')}.`;
      }
    } else if (arg === '--help' || arg === '-h') return '';
    else return `Unknown argument ${arg}.`;
  }
  return options;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryGB: Math.round(os.totalmem() / 1e9),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stdout.write(`${parsed ? `${parsed}\n` : ''}${USAGE}\n`);
    return parsed ? 2 : 0;
  }
  const { quick, only, out } = parsed;
  const startedAt = new Date();
  const host = machine();
  process.stdout.write(
    `Socket Inspector bench (${quick ? 'quick' : 'full'}): ${host.cpus} × ${host.cpuModel}, Node ${host.node}, load ${host.loadAverageAtStart.join(' ')}\n`,
  );
  const figures: Figure[] = [];
  const errors: SectionError[] = [];
  for (const section of only) {
    const start = performance.now();
    process.stdout.write(`• ${section} … `);
    try {
      const measured = await SECTIONS[section]!(quick);
      figures.push(...measured);
      process.stdout.write(`${((performance.now() - start) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ section, message });
      process.stdout.write(`could not run: ${message}\n`);
    }
  }
  const rows = figures.map(rowOf);
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  const missed = figures.filter((f) => outcome(f) === 'FAIL');
  const targeted = figures.filter((f) => f.target).length;
  for (const f of missed) process.stdout.write(`Missed: ${f.name}: ${rows[figures.indexOf(f)]!.value}, target ${targetText(f)}.\n`);
  for (const e of errors) process.stdout.write(`Not measured: ${e.section}: ${e.message}\n`);

  const report = {
    mode: quick ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: { ...host, loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
    passed: missed.length === 0 && errors.length === 0,
    figures: figures.map((f, i) => ({ ...f, ratio: ratioOf(f) ?? null, result: rows[i]!.result })),
    errors,
  };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  const verdict =
    errors.length > 0
      ? 'some sections could not run'
      : missed.length > 0
        ? `${missed.length} of ${targeted} targets missed`
        : `all ${targeted} targets met`;
  process.stdout.write(`${verdict}. JSON: ${path.relative(process.cwd(), out)}\n`);
  return errors.length > 0 ? 2 : missed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`The bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
