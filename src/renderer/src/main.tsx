import './zod-without-eval';
import { CacheProvider } from '@emotion/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findBridge } from './api/bridge';
import { createWebSocketBridge } from './api/websocket-bridge';
import { App, type AppProps } from './App';
import { createStyleCache } from './style-cache';

/** Electron's preload provides the bridge; served over HTTP (browser mode) the page dials home. */
function transport(): Pick<AppProps, 'bridge' | 'link'> {
  const electron = findBridge();
  if (electron) return { bridge: electron };
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const { bridge, link } = createWebSocketBridge(`${scheme}://${location.host}/ws`);
    return { bridge, link };
  }
  return { bridge: undefined };
}

const container = document.getElementById('root');
if (container) {
  const chosen = transport();
  createRoot(container).render(
    <StrictMode>
      <CacheProvider value={createStyleCache(document)}>
        <App {...chosen} />
      </CacheProvider>
    </StrictMode>,
  );
}
