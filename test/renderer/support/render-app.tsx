import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VirtuosoMockContext } from 'react-virtuoso';
import { App } from '../../../src/renderer/src/App';
import type { Language } from '../../../src/renderer/src/i18n/languages';
import type { InspectorBridge } from '../../../src/shared/contract';

/** The whole app on a bridge; jsdom has no layout, so the virtual list is told its sizes. */
export function renderApp(bridge: InspectorBridge | undefined, language: Language = 'en') {
  const user = userEvent.setup({ delay: null });
  const view = render(
    <VirtuosoMockContext.Provider value={{ viewportHeight: 4000, itemHeight: 40 }}>
      <App bridge={bridge} language={language} />
    </VirtuosoMockContext.Provider>,
  );
  return { user, ...view };
}
