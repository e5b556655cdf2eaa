import { z } from 'zod';

/*
 * Zod probes for eval with `new Function` as it builds each object schema, to compile faster
 * parsers. The page's CSP has no 'unsafe-eval': the probe fails harmlessly, yet the browser
 * reports it as a policy violation, which would hide real ones. main.tsx imports this first,
 * before any schema is built.
 */
z.config({ jitless: true });
