import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Browser mode (`serve`) and automation (`cli`): plain Node bundles beside the Electron build. */
export default defineConfig({
  // The layer aliases (@shared/…) come from tsconfig.base.json, their one definition.
  resolve: { tsconfigPaths: true },
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
