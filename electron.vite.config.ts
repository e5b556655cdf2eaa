import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { contentSecurityPolicy, NONCE_PLACEHOLDER } from './src/shared/web-assets';

/**
 * The built page carries its CSP in a meta tag as well as in the response header, so it holds
 * however the file is loaded and static scanners (Electronegativity) see it. Its style nonce is
 * the placeholder that each response replaces, in this tag too. frame-ancestors is left out:
 * browsers ignore it in a meta tag. Build only: the dev server's React refresh needs an inline
 * script.
 */
function cspMetaTag(): Plugin {
  const policy = contentSecurityPolicy(NONCE_PLACEHOLDER)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'socket-inspector-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    resolve: { tsconfigPaths: true },
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    resolve: { tsconfigPaths: true },
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { tsconfigPaths: true },
    build: {
      // Class private fields lowered: Electronegativity's parser (the security checklist's scan of
      // out/) cannot read them, and Chromium runs either form alike.
      target: 'es2021',
      // electron-vite leaves every bundle unminified; the page's script is parsed on every load
      // (browser mode, and each window of the desktop app), so it is minified (bench: page load).
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
      rolldownOptions: {
        output: {
          codeSplitting: {
            // zod's jitless switch in the chunk of zod itself: split apart, the chunk that builds
            // the contract's schemas could run before it, and zod's eval probe break the CSP.
            groups: [{ name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]|[\\/]zod-without-eval\.ts$/ }],
          },
        },
      },
    },
    // Vite puts the placeholder on its tags and in <meta property="csp-nonce">, where emotion reads it.
    html: { cspNonce: NONCE_PLACEHOLDER },
    plugins: [react(), cspMetaTag()],
  },
});
