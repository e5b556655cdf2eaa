import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'test/shared/**/*.test.ts',
            'test/engine/**/*.test.ts',
            'test/recorder/**/*.test.ts',
            'test/main/**/*.test.ts',
            'test/server/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/tooling/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.tsx', 'test/renderer/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['test/support/renderer/setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
