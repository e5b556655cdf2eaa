import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['net', 'dgram', 'fs', 'fs/promises', 'child_process', 'os', 'path', 'http', 'https', 'crypto', 'stream', 'dns', 'worker_threads'];
const node = (names) => names.flatMap((n) => [n, `node:${n}`]);

const restrict = (paths, patterns = []) => ({
  'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message: 'ARCHITECTURE.md forbids this import in this layer.' })), patterns }],
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
        { selector: "CallExpression[callee.property.name='skip'][callee.object.name=/^(it|test|describe)$/]", message: 'No skipped tests.' },
        { selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]", message: 'No focused tests.' },
      ],
    },
  },
  { files: ['src/shared/**'], rules: restrict(['electron', 'react', ...node(nodeBuiltins)], ['../main/*', '../renderer/*', '../server/*', '../preload/*']) },
  { files: ['src/engine/**', 'src/recorder/**', 'src/ports/**'], rules: restrict(['electron', 'react'], ['@main/*', '@renderer/*', '@preload/*', '../main/*', '../renderer/*', '../preload/*']) },
  { files: ['src/server/**', 'src/cli/**'], rules: restrict(['electron', 'react'], ['../renderer/*', '../preload/*', '../main/ipc/*']) },
  { files: ['src/preload/**'], rules: restrict(['react', ...node(nodeBuiltins)], ['../main/*', '../renderer/*', '../server/*']) },
  {
    files: ['src/renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(['electron', ...node(nodeBuiltins)], ['**/main/**', '**/preload/**', '**/server/**']),
    },
  },
);
