/**
 * The entry of the single executable (scripts/build-sea.mjs): Node's single executable application
 * with a startup snapshot (`useSnapshot`). This module runs once, when the executable is BUILT: it loads
 * the CLI and the modules of its start-up-critical commands, so their top-level code has already run
 * in the snapshot. At each start Node deserialises that heap and calls the function given to
 * `v8.startupSnapshot.setDeserializeMainFunction` (Node's docs: "Single executable applications",
 * "Startup snapshot API").
 *
 * Invoked through a link named `nfd` (process.argv0), it is NFD's client drop-in (nfd.ts).
 */
import { basename } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { processIo } from './io.ts';
import { run } from './main.ts';
import { runNfd } from './nfd.ts';
import { tuneForShortRun } from './short-run.ts';
// Initialised in the snapshot: what validate-node, export and --help need.
import './commands/validate-node.ts';
import './commands/export-features.ts';
import './commands/export-labels.ts';

function main(): void {
  const argv = process.argv.slice(2);
  tuneForShortRun(argv);
  const done = basename(process.argv0) === 'nfd' ? runNfd(argv, processIo()) : run(argv, processIo());
  done.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // run/runNfd turn every error into an exit code; this is a last resort, never a stack trace.
      process.stderr.write(
        `imgcompat: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}

// Built with a snapshot: main runs at each start, after deserialisation. Built without one (the
// code-cache variant of scripts/build-sea.mjs): this script itself runs at each start.
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(main);
else main();
