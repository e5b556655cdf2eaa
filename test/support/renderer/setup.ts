import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Whole-app renders in jsdom, real sockets and MUI's transitions take longer on a loaded
// machine than testing-library's 1 s default; findBy and waitFor still return as soon as
// what they wait for is there.
configure({ asyncUtilTimeout: 10_000 });

// jsdom lays nothing out, so nothing it renders ever changes size: an observer that is never
// called is the truth there. The resizable panels (react-resizable-panels) need one to mount.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

// The panels' splitters take a pointer down near them for a drag; in jsdom every box is at
// (0, 0), where every click lands too. Off the page, the splitters take no click meant for a button.
const boxOf = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function (this: Element) {
  return this.hasAttribute('data-separator') ? new DOMRect(-10_000, -10_000, 0, 0) : boxOf.call(this);
};

afterEach(() => cleanup());
