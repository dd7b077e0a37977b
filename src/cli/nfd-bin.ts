#!/usr/bin/env node
/** The `nfd` executable: NFD's client command line on imgcompat (see nfd.ts). */
import { processIo } from './io.ts';
import { runNfd } from './nfd.ts';

process.exitCode = await runNfd(process.argv.slice(2), processIo());
