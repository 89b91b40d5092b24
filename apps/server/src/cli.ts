#!/usr/bin/env node
// The `nemesisdb` executable. Everything lives in main.ts so tests can import it without starting a server.
import { main } from './main.js';

await main();
