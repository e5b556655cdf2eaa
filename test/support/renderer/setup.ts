import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Whole-app renders in jsdom, real sockets and MUI's transitions take longer on a loaded
// machine than testing-library's 1 s default; findBy and waitFor still return as soon as
// what they wait for is there.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => cleanup());
