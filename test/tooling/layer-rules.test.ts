/**
 * The layer rules of eslint.config.mjs (docs/architecture.md § Layers) catch what they exist for:
 * forbidden imports at any folder depth, by alias or relative path, of app layers, Node built-ins
 * and packages, and allow what the architecture allows. Runs ESLint on a scratch copy of the
 * lint-relevant tree with one probe import per case, so a rule that is removed or widened fails
 * here, and the real tree stays untouched.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const LAYER_RULE = 'boundaries/dependencies';
/** A file in a folder of src that no layer declares. */
const orphan = 'src/undeclared/orphan.ts';

interface Probe {
  /** File relative to the scratch root; an existing file gets the import appended. */
  file: string;
  line: string;
}

const forbidden: Record<string, Probe> = {
  'shared → engine by alias, at depth 2 (appended)': {
    file: 'src/shared/transcript/record-line.ts',
    line: "import '@engine/session-manager';",
  },
  'shared → engine by relative path, at depth 2': {
    file: 'src/shared/transcript/probe-relative.ts',
    line: "import '../../engine/session-manager';",
  },
  'shared → renderer': { file: 'src/shared/transcript/probe-renderer.ts', line: "import '@renderer/format';" },
  'shared → ports': { file: 'src/shared/probe-ports.ts', line: "import '@ports/clock';" },
  "shared → 'node:path'": { file: 'src/shared/transcript/probe-node-path.ts', line: "import 'node:path';" },
  "shared → 'path' (no node: prefix)": { file: 'src/shared/probe-path.ts', line: "import 'path';" },
  "shared → 'react'": { file: 'src/shared/transcript/probe-react.ts', line: "import 'react';" },
  "shared → import('node:net') in a type": {
    file: 'src/shared/probe-import-type.ts',
    line: "export type Net = typeof import('node:net');",
  },
  'ports → a value from shared': { file: 'src/ports/probe-value.ts', line: "import { errorMessage } from '@shared/errors';" },
  'engine → recorder, at depth 2': { file: 'src/engine/deep/probe-recorder.ts', line: "import '../../recorder/recorder';" },
  'recorder → engine': { file: 'src/recorder/probe-engine.ts', line: "import '@engine/session-manager';" },
  "engine → 'ws' (a package it does not use)": { file: 'src/engine/probe-ws.ts', line: "import 'ws';" },
  'host → main': { file: 'src/host/deep/probe-main.ts', line: "import '@main/window';" },
  'host → server': { file: 'src/host/probe-server.ts', line: "import '../server/access';" },
  'server → @main/window': { file: 'src/server/probe-main.ts', line: "import '@main/window';" },
  "server → 'electron'": { file: 'src/server/probe-electron.ts', line: "import 'electron';" },
  'cli → main by relative path': { file: 'src/cli/probe-main.ts', line: "import '../main/window';" },
  'cli → server': { file: 'src/cli/probe-server.ts', line: "import '@server/access';" },
  'main → renderer': { file: 'src/main/ipc/probe-renderer.ts', line: "import '@renderer/format';" },
  'main → server': { file: 'src/main/probe-server.ts', line: "import '@server/access';" },
  'preload → main': { file: 'src/preload/probe-main.ts', line: "import '../main/window';" },
  "preload → 'node:fs'": { file: 'src/preload/probe-fs.ts', line: "import 'node:fs';" },
  'renderer → @engine (appended to a feature file)': { file: 'src/renderer/src/log/LogRow.tsx', line: "import '@engine/session-manager';" },
  "renderer → 'node:fs'": { file: 'src/renderer/src/log/probe-fs.ts', line: "import 'node:fs';" },
  "renderer → 'electron'": { file: 'src/renderer/src/api/probe-electron.ts', line: "import 'electron';" },
  'renderer → preload': { file: 'src/renderer/src/probe-preload.ts', line: "import '@preload/index';" },
  'renderer feature upward: components → log': { file: 'src/renderer/src/components/probe-log.ts', line: "import '../log/LogPanel';" },
  'renderer feature upward: store → sessions': {
    file: 'src/renderer/src/store/probe-sessions.ts',
    line: "import '@renderer/sessions/SessionHeader';",
  },
  'renderer feature upward, at depth 2: i18n → store': {
    file: 'src/renderer/src/i18n/features/probe-store.ts',
    line: "import '../../store/store-context';",
  },
  'renderer helper files → the app files': { file: 'src/renderer/src/probe-app.ts', line: "import './App';" },
  'renderer feature upward: log → sessions': {
    file: 'src/renderer/src/log/probe-sessions.ts',
    line: "import '../sessions/SessionHeader';",
  },
  'renderer feature upward: store → transcripts': {
    file: 'src/renderer/src/store/probe-transcripts.ts',
    line: "import type { OpenTranscriptButton } from '../transcripts/OpenTranscriptButton';",
  },
  'renderer feature upward: transcripts → sessions': {
    file: 'src/renderer/src/transcripts/probe-sessions.ts',
    line: "import '@renderer/sessions/SessionCounters';",
  },
};

const allowed: Record<string, Probe> = {
  'engine → @ports/clock': { file: 'src/engine/deep/probe-clock.ts', line: "import '@ports/clock';" },
  'engine → Node built-ins': { file: 'src/engine/probe-net.ts', line: "import 'node:net';" },
  'shared → zod': { file: 'src/shared/transcript/probe-zod.ts', line: "import 'zod';" },
  'ports → types from shared': { file: 'src/ports/probe-type.ts', line: "import type { Result } from '@shared/result';" },
  'server → @host (a file made in the scratch copy)': { file: 'src/server/probe-host.ts', line: "import '@host/probe-wiring';" },
  'main → @host and electron': { file: 'src/main/probe-host.ts', line: "import '@host/probe-wiring';\nimport 'electron';" },
  'cli → the root package.json': { file: 'src/cli/probe-manifest.ts', line: "import '../../package.json';" },
  'renderer → @shared/contract, at depth 2': { file: 'src/renderer/src/i18n/features/probe-shared.ts', line: "import '@shared/contract';" },
  'renderer feature downward: sessions → transcripts': {
    file: 'src/renderer/src/sessions/probe-transcripts.ts',
    line: "import '../transcripts/RecordingDot';",
  },
  'renderer feature downward: log → components/CountersText': {
    file: 'src/renderer/src/log/probe-counters.ts',
    line: "import '@renderer/components/CountersText';",
  },
};

let scratch: string;
/** Probe key → where its lines landed (1-based, inclusive). */
const placed = new Map<string, { file: string; first: number; last: number }>();
let results: Map<string, ESLint.LintResult>;

function place(key: string, probe: Probe): void {
  const abs = path.join(scratch, probe.file);
  mkdirSync(path.dirname(abs), { recursive: true });
  const existing = existsSync(abs) ? readFileSync(abs, 'utf8') : '';
  const before = existing === '' ? 0 : existing.replace(/\n$/, '').split('\n').length;
  const text = `${existing !== '' && !existing.endsWith('\n') ? '\n' : ''}${probe.line}\n`;
  if (existing === '') writeFileSync(abs, text);
  else appendFileSync(abs, text);
  placed.set(key, { file: abs, first: before + 1, last: before + probe.line.split('\n').length });
}

function layerMessagesAt(key: string): string[] {
  const { file, first, last } = placed.get(key)!;
  const result = results.get(file);
  expect(result, `${file} was linted`).toBeDefined();
  return result!.messages.filter((m) => m.ruleId === LAYER_RULE && m.line >= first && m.line <= last).map((m) => m.message);
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'layer-rules-'));
  cpSync(path.join(repo, 'src'), path.join(scratch, 'src'), { recursive: true });
  const rootFiles = readdirSync(repo).filter(
    (name) => name === 'eslint.config.mjs' || name === 'package.json' || /^tsconfig.*\.json$/.test(name),
  );
  for (const name of rootFiles) cpSync(path.join(repo, name), path.join(scratch, name));
  symlinkSync(path.join(repo, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
  // src/host is a declared layer that may have no code and no alias yet: the scratch copy gets both.
  mkdirSync(path.join(scratch, 'src/host'), { recursive: true });
  writeFileSync(path.join(scratch, 'src/host/probe-wiring.ts'), 'export const wiring = 1;\n');
  const tsconfigPath = path.join(scratch, 'tsconfig.base.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  tsconfig.compilerOptions.paths['@host/*'] ??= ['./src/host/*'];
  writeFileSync(tsconfigPath, JSON.stringify(tsconfig));
  mkdirSync(path.join(scratch, 'src/undeclared'));
  writeFileSync(path.join(scratch, orphan), 'export const orphan = 1;\n');

  for (const [key, probe] of [...Object.entries(forbidden), ...Object.entries(allowed)]) place(key, probe);
  const eslint = new ESLint({ cwd: scratch });
  const files = [...new Set([...placed.values()].map((p) => p.file)), path.join(scratch, orphan)];
  results = new Map((await eslint.lintFiles(files)).map((r) => [r.filePath, r]));
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('layer rules', () => {
  it.each(Object.keys(forbidden))('forbid %s', (key) => {
    const messages = layerMessagesAt(key);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^docs\/architecture\.md § Layers: \S+.* may import only /);
  });

  it.each(Object.keys(allowed))('allow %s', (key) => {
    expect(layerMessagesAt(key)).toEqual([]);
  });

  it('flags a file in src that belongs to no layer', () => {
    const result = results.get(path.join(scratch, orphan));
    expect(result?.messages.map((m) => m.ruleId)).toContain('boundaries/no-unknown-files');
  });

  it('orders the renderer tiers so that each names only tiers before it (no cycle)', async () => {
    const { renderer } = (await import(pathToFileURL(path.join(repo, 'eslint.config.mjs')).href)) as { renderer: Record<string, string[]> };
    const order = Object.keys(renderer);
    for (const [tier, lower] of Object.entries(renderer)) {
      for (const name of lower) expect(order.indexOf(name), `${tier} → ${name}`).toBeLessThan(order.indexOf(tier));
    }
  });
});
