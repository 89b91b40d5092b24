// Imported first by main.ts, so that it runs before any other module of the page is evaluated.
//
// The SDK checks replies with zod (through the protocol), and zod probes `new Function` when an
// object schema is built, to choose a compiled fast path. The server's Content-Security-Policy
// forbids eval: the probe fails harmlessly, but Chromium reports a CSP violation on every page
// load. Jitless mode skips the probe; a console sends too few requests for the fast path to matter.
// The protocol's schemas are built when its module is evaluated, hence this module's place.

import { config } from 'zod';

config({ jitless: true });
