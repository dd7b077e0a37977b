import type { Command } from 'commander';
import type { Register } from '../program.ts';

/** Options shared by `export features` and `export labels` (NFD's `nfd export` plus host selection). */
function discoveryOptions(cmd: Command): Command {
  return cmd
    .option('--path <file>', 'write the JSON to this file instead of standard output')
    .option(
      '--sources <list>',
      "feature sources in NFD's syntax: all (default), cpu,kernel, all,-pci (write --sources=-pci for a leading dash)",
    )
    .option('--host-root <dir>', "read the host's files under this directory (env IMGCOMPAT_HOST_ROOT)")
    .option(
      '--host-prefix <prefix>',
      "NFD's host path prefix: / (default) or /host- for /host-sys, /host-proc, ...",
    )
    .option('--strict', 'exit 3 when any source could not read what it needs')
    .option('--verbose', 'trace discovery on standard error (sources, timings, cpuid method)');
}

export const registerExport: Register = (program, ctx) => {
  const exp = program
    .command('export')
    .description("print this host's features or labels as NFD does")
    .addHelpText('after', '\nExamples:\n  imgcompat export features\n  imgcompat export labels');
  discoveryOptions(
    exp
      .command('features')
      .description("print NFD's Features JSON for this host (like `nfd export features`)"),
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat export features
  imgcompat export features --sources=all,-pci --path features.json
  imgcompat export features --host-prefix /host-          # inside NFD's worker container layout`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/export-features.ts');
      ctx.exitCode = await run(opts, ctx);
    });
  discoveryOptions(
    exp
      .command('labels')
      .description("print the node labels NFD's worker would make (like `nfd export labels`)"),
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat export labels
  imgcompat export labels --sources=cpu,kernel --path labels.json`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/export-labels.ts');
      ctx.exitCode = await run(opts, ctx);
    });
};
