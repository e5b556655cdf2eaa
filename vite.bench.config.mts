import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** `npm run bench`: the benchmark and its peer process as plain Node bundles. */
export default defineConfig({
  // The layer aliases (@shared/…) come from tsconfig.base.json, their one definition.
  resolve: { tsconfigPaths: true },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/bench',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        bench: resolve(import.meta.dirname, 'bench/main.ts'),
        peer: resolve(import.meta.dirname, 'bench/peer.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
});
