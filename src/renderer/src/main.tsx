import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findBridge } from './api/bridge';
import { App } from './App';

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <App bridge={findBridge()} />
    </StrictMode>,
  );
}
