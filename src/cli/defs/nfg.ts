import { type Command, Option } from 'commander';
import type { CommandContext, Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';
import { addKubeOptions, addSpecSourceOptions } from './cluster.ts';

/** The `nfg` group: NodeFeatureGroup tools. */
export const registerNfg: Register = (program, ctx) => {
  const nfg = program
    .command('nfg')
    .description('NodeFeatureGroup tools')
    .addHelpText(
      'after',
      '\nExamples:\n  imgcompat nfg generate --image registry.example/app:1.0 | kubectl apply -f -',
    );
  const generate = nfg
    .command('generate')
    .description("one NodeFeatureGroup per compatibility set of an image's artifact");
  addSpecSourceOptions(generate)
    .option(
      '-n, --namespace <ns>',
      'namespace of the groups (nfd-master only updates groups in its own)',
      'node-feature-discovery',
    )
    .option('--apply', 'apply the objects to the cluster (server-side apply) instead of printing them')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
    );
  addKubeOptions(generate);
  addRegistryOptions(generate, { platform: true, ociLayout: true });
  generate
    .addHelpText(
      'after',
      `
Each group has one rule equal to the AND of the set's rules, so status.nodes lists exactly the nodes that
pass the set. nfd-master evaluates groups only with its NodeFeatureGroupAPI feature gate on (off by
default) and only in its own namespace.

Example:
  imgcompat nfg generate --image registry.example/app:1.0 | kubectl apply -f -`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/nfg-generate.ts');
      ctx.exitCode = await run(
        { ...opts, tags: opts.tags ?? [], output: opts.output as 'yaml' | 'json' },
        ctx,
      );
    });
};

/** `nfr generate`, registered into the `nfr` group by defs/nfr.ts. */
export function addNfrGenerate(nfr: Command, ctx: CommandContext): void {
  const generate = nfr
    .command('generate')
    .description("one NodeFeatureRule per compatibility set of an image's artifact, labelling passing nodes");
  addSpecSourceOptions(generate)
    .option('--apply', 'apply the objects to the cluster (server-side apply) instead of printing them')
    .option(
      '--allow-partial',
      'generate even rules nfd-master cannot evaluate as `cluster validate` does (warns instead of exit 3)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
    );
  addKubeOptions(generate);
  addRegistryOptions(generate, { platform: true, ociLayout: true });
  generate
    .addHelpText(
      'after',
      `
Each rule labels the nodes passing its set with compat.feature.node.kubernetes.io/<digest12>.<name>=true:
<digest12> = the first 12 hex digits of the spec's sha256 (the digest of the spec layer in the artifact,
so --spec FILE and any image carrying that file give the same labels), <name> = the set's tag when it is
a unique lower-case DNS label (at most 40 characters), else set<N> (N = the set's position in the spec).
A set's rules are ANDed through rule.matched back-references; the objects are
named imgcompat-<digest12>-<NN>-<name> so that nfd-master, which runs all NodeFeatureRules in name order
on one rule.matched, sees the sets in spec order. A rule NFD cannot evaluate as \`cluster validate\` does
(a matchName other than In on rule.matched, a rule.matched key in the generated rules' namespaces) is
named on stderr and the command exits 3, unless --allow-partial. nfd-master then keeps the labels
current as nodes change; \`imgcompat cluster affinity\` prints the matching affinity.

Example:
  imgcompat nfr generate --image registry.example/app:1.0 | kubectl apply -f -`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/nfr-generate.ts');
      ctx.exitCode = await run(
        { ...opts, tags: opts.tags ?? [], output: opts.output as 'yaml' | 'json' },
        ctx,
      );
    });
}
