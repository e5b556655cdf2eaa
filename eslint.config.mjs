import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';

const DOC = 'docs/architecture.md § Layers';

// What each layer may import, as allow-lists: everything not listed is an error at any folder depth,
// whether reached by an alias or a relative path. `layers` are other elements (a layer may always
// import its own files); `typeLayers` may be imported with `import type` only; `node` admits Node
// built-ins (module.builtinModules, with or without `node:`); `packages` are npm package names.
const nodeSide = ['shared', 'ports', 'engine', 'recorder', 'host'];
export const layers = {
  shared: { path: 'src/shared', packages: ['zod'] },
  ports: { path: 'src/ports', typeLayers: ['shared'] },
  // selfsigned makes the self-signed certificates of quick TLS servers (the certificate method).
  engine: { path: 'src/engine', layers: ['shared', 'ports'], node: true, packages: ['selfsigned'] },
  recorder: { path: 'src/recorder', layers: ['shared', 'ports'], node: true, packages: ['zod'] },
  host: { path: 'src/host', layers: ['shared', 'ports', 'engine', 'recorder'], node: true },
  // The version string both entry points print comes from the root package.json.
  server: { path: 'src/server', layers: [...nodeSide, 'manifest'], node: true, packages: ['ws', 'open'] },
  // zod for the arguments of sendFile, the one method only stdio has.
  cli: { path: 'src/cli', layers: [...nodeSide, 'manifest'], node: true, packages: ['zod'] },
  // The window's icon, the one electron-builder packs, bundled beside main as an asset.
  main: { path: 'src/main', layers: [...nodeSide, 'app-icon'], node: true, packages: ['electron'] },
  preload: { path: 'src/preload', layers: ['shared'], packages: ['electron'] },
};

// The renderer imports only src/shared, its packages and itself. Inside it, the folders of
// src/renderer/src are tiers, lowest first, and each may import only the lower tiers it names, so the
// graph has no cycle: `lib` is the top-level helper files (format, limits, theme, ...), `app` the
// top-level files that compose everything (main.tsx, App.tsx, SessionWorkspace.tsx, SessionView.tsx, WorkbenchLayout.tsx).
const rendererPackages = [
  'react',
  'react-dom',
  '@mui/material',
  '@emotion/react',
  '@emotion/cache',
  'zustand',
  'react-virtuoso',
  'react-resizable-panels',
  'zod',
];
const rendererApp = ['App.tsx', 'SessionView.tsx', 'SessionWorkspace.tsx', 'WorkbenchLayout.tsx', 'main.tsx'];
export const renderer = {
  i18n: [],
  api: [],
  lib: ['i18n'],
  components: ['api', 'i18n'],
  store: ['api', 'lib'],
  protocol: ['lib', 'api', 'components', 'i18n', 'store'],
  composer: ['lib', 'api', 'components', 'i18n', 'protocol', 'store'],
  workspace: ['lib', 'api', 'components', 'composer', 'i18n', 'protocol', 'store'],
  settings: ['lib', 'i18n', 'workspace'],
  log: ['lib', 'api', 'components', 'composer', 'i18n', 'protocol', 'store'],
  transcripts: ['lib', 'api', 'components', 'i18n', 'log', 'store', 'workspace'],
  automation: ['lib', 'api', 'components', 'i18n', 'store'],
  sessions: ['lib', 'api', 'automation', 'components', 'i18n', 'store', 'transcripts', 'workspace'],
  app: [
    'i18n',
    'api',
    'lib',
    'components',
    'store',
    'protocol',
    'composer',
    'workspace',
    'settings',
    'log',
    'transcripts',
    'automation',
    'sessions',
  ],
};
const rendererDir = 'src/renderer/src';
const rendererFiles = (name) => {
  if (name === 'app') return { files: rendererApp.map((f) => `${rendererDir}/${f}`) };
  if (name === 'lib') return { files: [`${rendererDir}/*.{ts,tsx}`], ignores: rendererApp.map((f) => `${rendererDir}/${f}`) };
  return { files: [`${rendererDir}/${name}/**`] };
};
const rendererLabel = (name) => (name === 'app' || name === 'lib' ? `the renderer's ${name} files` : `${rendererDir}/${name}`);
const layerLabel = (name) => (name === 'manifest' ? 'the root package.json' : name === 'app-icon' ? 'build/icon.png' : layers[name].path);

// Folders are elements; single files (the renderer's top-level files, the root package.json) are
// file categories, and the first category that matches a file is its only one.
const elements = [
  ...Object.entries(layers).map(([type, { path }]) => ({ type, pattern: path, partialMatch: false })),
  ...Object.keys(renderer)
    .filter((name) => name !== 'app' && name !== 'lib')
    .map((name) => ({ type: `renderer-${name}`, pattern: `${rendererDir}/${name}`, partialMatch: false })),
];
const singleFiles = [
  { category: 'renderer-app', pattern: `${rendererDir}/{${rendererApp.join(',')}}` },
  { category: 'renderer-lib', pattern: `${rendererDir}/*.{ts,tsx}` },
  { category: 'manifest', pattern: 'package.json' },
  { category: 'app-icon', pattern: 'build/icon.png' },
];
const isSingleFile = (name) => singleFiles.some(({ category }) => category === name);
const target = (name) => (isSingleFile(name) ? { file: { categories: name } } : { element: { type: name } });
const allowTo = (names, extra = {}) => names.map((name) => ({ allow: { to: target(name), ...extra } }));
const dependencyRule = (message, policies) => ({
  'boundaries/dependencies': ['error', { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, message, policies }],
});
const listed = (items) => items.join(', ');

const layerBlocks = Object.entries(layers).map(([type, spec]) => {
  const own = [type, ...(spec.layers ?? [])];
  const allowed = [
    ...own.map(layerLabel),
    ...(spec.typeLayers ?? []).map((t) => `types from ${layerLabel(t)}`),
    ...(spec.node ? ['Node built-ins'] : []),
    ...(spec.packages ?? []),
  ];
  return {
    files: [`${spec.path}/**`],
    rules: dependencyRule(`${DOC}: ${spec.path} may import only ${listed(allowed)} (not '{{ dependency.source }}').`, [
      ...allowTo(own),
      ...allowTo(spec.typeLayers ?? [], { dependency: { kind: 'type' } }),
      ...(spec.node ? [{ allow: { to: { module: { origin: 'core' } } } }] : []),
      ...(spec.packages ? [{ allow: { to: { module: { origin: 'external', source: spec.packages } } } }] : []),
    ]),
  };
});

const rendererBlocks = Object.entries(renderer).map(([name, lower]) => {
  const own = [name, ...lower];
  const allowed = [...own.map(rendererLabel), 'src/shared', ...rendererPackages];
  return {
    ...rendererFiles(name),
    rules: dependencyRule(`${DOC}: ${rendererLabel(name)} may import only ${listed(allowed)} (not '{{ dependency.source }}').`, [
      ...allowTo([...own.map((n) => `renderer-${n}`), 'shared']),
      { allow: { to: { module: { origin: 'external', source: rendererPackages } } } },
    ]),
  };
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='skip'][callee.object.name=/^(it|test|describe)$/]",
          message: 'No skipped tests.',
        },
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: 'No focused tests.',
        },
      ],
    },
  },
  // Layer rules apply to product code only: test/, bench/ and root config files may import anything.
  {
    files: ['src/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: `${import.meta.dirname}/tsconfig.base.json` } },
      'boundaries/root-path': import.meta.dirname,
      'boundaries/elements': elements,
      'boundaries/files': singleFiles,
      'boundaries/files-single-match': true,
      // `import('x').T` in a type position is an import too.
      'boundaries/additional-dependency-nodes': [{ selector: 'TSImportType > Literal', kind: 'type', name: 'import-type' }],
    },
    // A file outside every layer would escape the rules: a new folder has to be declared above.
    rules: { 'boundaries/no-unknown-files': 'error' },
  },
  ...layerBlocks,
  ...rendererBlocks,
  {
    files: ['src/renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
