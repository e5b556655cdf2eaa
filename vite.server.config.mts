import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Browser mode (`serve`) and automation (`cli`): plain Node bundles beside the Electron build. */
export default defineConfig({
  // The layer aliases (@shared/…) come from tsconfig.base.json, their one definition.
  resolve: { tsconfigPaths: true },
  // zod's entry imports each of its locale modules: left external, loading it opens ~50 files at
  // once, so the CLI could not start under a low descriptor limit (ulimit -n 64). Bundled, it is one.
  ssr: { noExternal: ['zod'] },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/server',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        serve: resolve(import.meta.dirname, 'src/server/serve.ts'),
        cli: resolve(import.meta.dirname, 'src/cli/main.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
});
