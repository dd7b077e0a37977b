import type { Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';
import { addReportOutputOptions, parseStringSlice, reportFormat } from './eval.ts';

export const registerValidateNode: Register = (program, ctx) => {
  const cmd = program
    .command('validate-node')
    .description(
      "check this host against an image's compatibility artifact (like `nfd compat validate-node`)",
    )
    .option(
      '--image <ref>',
      'image whose newest compatibility artifact is evaluated (registry or oci:DIR[:tag])',
    )
    .option('--spec <file>', 'evaluate a local spec file instead of fetching the artifact')
    .option(
      '--features <file>',
      'saved features (NFD Features JSON or a NodeFeature object) instead of discovery',
    )
    .option(
      '--tags <tags>',
      'only evaluate sets with one of these tags (comma-separated, repeatable)',
      parseStringSlice,
    );
  addReportOutputOptions(cmd)
    .option('--host-root <dir>', "read the host's files under this directory (env IMGCOMPAT_HOST_ROOT)")
    .option('--host-prefix <prefix>', "NFD's host path prefix: / (default) or /host- (container layout)")
    .option(
      '--sources <list>',
      "feature sources in NFD's syntax: all (default, includes local), all,-pci, cpu,kernel",
    )
    .option('--strict', 'exit 3 when any feature source could not read what it needs');
  addRegistryOptions(cmd, { platform: true, ociLayout: true });
  // Here --timeout bounds the whole fetch (NFD runs validate-node under one one-minute context), not each
  // request as the shared registry flags describe it.
  const timeout = cmd.options.find((o) => o.long === '--timeout');
  if (timeout)
    timeout.description = 'deadline for fetching the artifact, e.g. 30s, 2m, 500ms (default 60s, as NFD)';
  cmd
    .addHelpText(
      'after',
      `
Exit status: 0 compatible (at least one compatibility set passed), 1 incompatible, 2 usage error,
3 invalid spec or features file, 4 registry/network/authentication error, 5 no compatibility artifact,
6 undetermined (no set passed, and a set failed only on features this host's files could not tell,
e.g. no /proc/modules in a container or a --host-root without /sys; the verdict line names them).
Discovery needs Linux: on other systems pass --features FILE.
--explain adds, under the table, each expression with the host's value(s) and why it failed.

Examples:
  imgcompat validate-node --image registry.example/app:1.0
  imgcompat validate-node --image registry.example/app:1.0 --tags gpu --output json
  imgcompat validate-node --image oci:examples/layout:app
  imgcompat validate-node --spec spec.yaml --features node-features.json
  imgcompat validate-node --spec spec.yaml --explain
  echo "$TOKEN" | imgcompat validate-node --image reg.example/app:1 --registry-token-stdin
  imgcompat validate-node --image reg.example/app:1 --host-prefix /host-     # in a Job, see \`imgcompat job\``,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/validate-node.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          tags: opts.tags ?? [],
          output: reportFormat(opts),
        },
        ctx,
      );
    });
};
