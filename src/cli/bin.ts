#!/usr/bin/env node
/** The `imgcompat` executable: a tiny shim so `--help` stays fast (vite's bin pattern). */
import { processIo } from './io.ts';
import { run } from './main.ts';

const code = await run(process.argv.slice(2), processIo());
process.exitCode = code;
