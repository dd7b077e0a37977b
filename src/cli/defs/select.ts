import { Option } from 'commander';
import type { Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';
import { parseStringSlice } from './eval.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const registerSelect: Register = (program, ctx) => {
  const cmd = program
    .command('select')
    .description('choose the image variant that suits this host best (highest-weight passing set)')
    .option('--image <ref>', 'an image variant (repeat for each; order breaks ties)', collect, [] as string[])
    .option(
      '--spec <file>',
      'a local spec file per variant instead of --image (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--features <file>',
      'saved features (NFD Features JSON or a NodeFeature object) instead of discovery',
    )
    .option(
      '--tags <tags>',
      'only evaluate sets with one of these tags (comma-separated, repeatable)',
      parseStringSlice,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option('--host-root <dir>', "read the host's files under this directory (env IMGCOMPAT_HOST_ROOT)")
    .option('--host-prefix <prefix>', "NFD's host path prefix: / (default) or /host- (container layout)")
    .option('--sources <list>', "feature sources in NFD's syntax: all (default, includes local), all,-pci")
    .option('--strict', 'exit 3 when any feature source could not read what it needs');
  addRegistryOptions(cmd, { platform: true, ociLayout: true });
  const timeout = cmd.options.find((o) => o.long === '--timeout');
  if (timeout) timeout.description = 'deadline for fetching each artifact, e.g. 30s, 2m (default 60s)';
  cmd
    .addHelpText(
      'after',
      `
Each variant's newest compatibility artifact is fetched once and this host is discovered once (as
validate-node does). A variant fits when one of its compatibility sets passes; the chosen variant is the
one whose best passing set has the highest weight (unset = 0), the earlier --image on a tie.

Exit status: 0 a variant fits (printed as "selected"), 1 none fits, 2 usage error, 3 invalid spec or
features file, 4 registry/network/authentication error, 5 a variant has no compatibility artifact.

Examples:
  imgcompat select --image registry.example/app:avx512 --image registry.example/app:generic
  imgcompat select --image registry.example/app:gpu --image registry.example/app:cpu -o json`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/select.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          image: opts.image ?? [],
          spec: opts.spec ?? [],
          tags: opts.tags ?? [],
          output: opts.output as 'table' | 'json' | 'yaml',
        },
        ctx,
      );
    });
};
