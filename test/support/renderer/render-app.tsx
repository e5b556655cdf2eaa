import createCache from '@emotion/cache';
import { CacheProvider } from '@emotion/react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VirtuosoMockContext } from 'react-virtuoso';
import type { FileAccess } from '@renderer/api/files';
import { App, APP_PARTS, createSavedStores } from '@renderer/App';
import type { Language } from '@renderer/i18n/languages';
import type { InspectorBridge } from '@shared/contract';

export interface RenderOptions {
  /** 'os': let the app choose, from the saved workspace or the browser, as it does at launch. */
  language?: Language | 'os';
  files?: FileAccess;
}

/**
 * Outside production emotion gives every rule a <style> element of its own, and jsdom parses and
 * walks each one on every getComputedStyle (which MUI, user-event and the accessible-name queries
 * call after each change). Speedy, as in the production build, puts the same rules into one sheet.
 */
const styles = createCache({ key: 'css', speedy: true });

// The page loads them once it has drawn its first screen; here they are in before any test draws.
await Promise.all(APP_PARTS.map((part) => part.preload()));

/** The whole app on a bridge; jsdom has no layout, so the virtual list is told its sizes. */
export function renderApp(bridge: InspectorBridge | undefined, language: Language = 'en') {
  return renderAppWith(bridge, { language });
}

export function renderAppWith(bridge: InspectorBridge | undefined, options: RenderOptions = {}) {
  const user = userEvent.setup({ delay: null });
  const language = options.language === 'os' ? undefined : (options.language ?? 'en');
  // Made here, not by the app, so that a test can look into the stores of the app it rendered.
  const stores = createSavedStores(localStorage);
  const view = render(
    <CacheProvider value={styles}>
      <VirtuosoMockContext.Provider value={{ viewportHeight: 4000, itemHeight: 40 }}>
        <App bridge={bridge} language={language} files={options.files} saved={stores} />
      </VirtuosoMockContext.Provider>
    </CacheProvider>,
  );
  return { user, stores, ...view };
}
