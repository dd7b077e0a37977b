import { type Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';
import { parseStringSlice } from './eval.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
    return n;
  };
}

/** --kubeconfig, --context and the NodeFeature listing flags (shared with nfr/nfg generate --apply). */
export function addKubeOptions(cmd: Command, opts: { nodes?: boolean } = {}): Command {
  cmd
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster config)',
    )
    .option('--context <name>', 'kubeconfig context to use (default: its current context)');
  if (opts.nodes) {
    cmd
      .option(
        '-l, --node-selector <selector>',
        'only nodes whose Node labels match this label selector (as `kubectl get nodes -l`); needs list on nodes',
      )
      .option(
        '--nfd-namespace <ns>',
        "nfd-master's namespace: its NodeFeature objects come first when merging",
        'node-feature-discovery',
      )
      .option('--chunk-size <n>', 'objects per list page (limit/continue)', positiveInt('--chunk-size'), 500);
  }
  return cmd;
}

/** Where a cluster command's spec comes from, and which of its sets are used: --image | --spec, --tags. */
export function addSpecSourceOptions(
  cmd: Command,
  tagsHelp = 'only use sets with one of these tags',
): Command {
  return cmd
    .option('--image <ref>', 'image whose newest compatibility artifact is used (registry or oci:DIR[:tag])')
    .option('--spec <file>', 'a local spec file instead of an artifact')
    .option('--tags <tags>', tagsHelp, parseStringSlice);
}

/**
 * Commands that take several specs (cluster diff, cluster select): repeated --image or --spec, --tags, and
 * a table/json/yaml output.
 */
function addRepeatedSpecOptions(cmd: Command, imageHelp: string, specHelp: string): Command {
  return cmd
    .option('--image <ref>', imageHelp, collect, [] as string[])
    .option('--spec <file>', specHelp, collect, [] as string[])
    .option('--tags <tags>', 'only evaluate sets with one of these tags', parseStringSlice)
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    );
}

export const registerCluster: Register = (program, ctx) => {
  const cluster = program
    .command('cluster')
    .description('evaluate images against every node of a Kubernetes cluster from NFD NodeFeature objects')
    .addHelpText(
      'after',
      `
Examples:
  imgcompat cluster validate --image registry.example/app:1.0
  imgcompat cluster diff --image registry.example/app:1.0 --image registry.example/app:2.0
  imgcompat cluster affinity --image registry.example/app:1.0
  imgcompat cluster select --image registry.example/app:avx512 --image registry.example/app:generic`,
    );

  const validate = cluster
    .command('validate')
    .description('node x compatibility-set matrix for the whole cluster, from NFD NodeFeature objects');
  addSpecSourceOptions(validate, 'only evaluate sets with one of these tags (comma-separated, repeatable)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option(
      '--explain',
      "with -o json/yaml: an `explain` field per node (each expression with the node's value(s) and why it failed)",
    );
  addKubeOptions(validate, { nodes: true });
  addRegistryOptions(validate, { platform: true, ociLayout: true });
  validate
    .addHelpText(
      'after',
      `
Lists every NodeFeature object labelled nfd.node.kubernetes.io/node-name (all namespaces, paginated),
merges each node's objects as nfd-master does, fetches the artifact once and evaluates every node.
--timeout bounds each registry and API server request. Nodes whose features cannot be evaluated are
reported as skipped with the reason. Needs list on nodefeatures.nfd.k8s-sigs.io (and on nodes with
--node-selector).

Exit status: 0 when at least one node is compatible, 1 when none is, 3 bad kubeconfig or spec,
4 registry or API server unreachable, unauthorized or forbidden (RBAC), 5 no compatibility artifact.

Examples:
  imgcompat cluster validate --image registry.example/app:1.0
  imgcompat cluster validate --image registry.example/app:1.0 --node-selector node-role.kubernetes.io/gpu -o json`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/cluster-validate.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          tags: opts.tags ?? [],
          output: opts.output as 'table' | 'json' | 'yaml',
          explain: opts.explain === true,
        },
        ctx,
      );
    });

  const diff = cluster
    .command('diff')
    .description('which nodes gain or lose compatibility when a workload moves from one image to another');
  addRepeatedSpecOptions(
    diff,
    'the old image, then the new image (give it twice)',
    'the old spec file, then the new one (instead of --image)',
  );
  addKubeOptions(diff, { nodes: true });
  addRegistryOptions(diff, { platform: true, ociLayout: true });
  diff
    .addHelpText(
      'after',
      `
Exit status: 0 when no node loses compatibility, 1 when some node does (gate a rollout on it).

Example:
  imgcompat cluster diff --image registry.example/app:1.0 --image registry.example/app:2.0`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/cluster-diff.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          image: opts.image ?? [],
          spec: opts.spec ?? [],
          tags: opts.tags ?? [],
          output: opts.output as 'table',
        },
        ctx,
      );
    });

  const affinity = cluster
    .command('affinity')
    .description(
      'print the pod affinity block: required = any compatibility set, preferred = one term per set',
    );
  addSpecSourceOptions(affinity).addOption(
    new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
  );
  addRegistryOptions(affinity, { platform: true, ociLayout: true });
  affinity
    .addHelpText(
      'after',
      `
The terms select the labels compat.feature.node.kubernetes.io/<digest12>.<tag-or-setN>=true that the
NodeFeatureRules from \`imgcompat nfr generate\` make nfd-master keep on passing nodes; weights are the
sets' weights clamped to 1..100.

Example:
  imgcompat nfr generate --image registry.example/app:1.0 | kubectl apply -f -
  imgcompat cluster affinity --image registry.example/app:1.0`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/cluster-affinity.ts');
      ctx.exitCode = await run(
        { ...opts, tags: opts.tags ?? [], output: opts.output as 'yaml' | 'json' },
        ctx,
      );
    });

  const select = cluster
    .command('select')
    .description('for every node, the image variant that suits it best (highest-weight passing set)');
  addRepeatedSpecOptions(
    select,
    'an image variant (repeat for each; order breaks ties)',
    'a local spec file per variant instead of --image (repeatable)',
  );
  addKubeOptions(select, { nodes: true });
  addRegistryOptions(select, { platform: true, ociLayout: true });
  select
    .addHelpText(
      'after',
      `
Each variant's artifact is fetched once and every node's NodeFeature objects are merged as nfd-master
merges them. A variant fits a node when one of its sets passes there; the node gets the variant whose
best passing set has the highest weight (unset = 0), the earlier --image on a tie. Needs list on
nodefeatures.nfd.k8s-sigs.io (and on nodes with --node-selector).

Exit status: 0 when at least one node has a fitting variant, 1 when no node has any (nodes without a
fit are listed either way), 3 bad kubeconfig or spec, 4 registry or API server error, 5 a variant has
no compatibility artifact.

Example:
  imgcompat cluster select --image registry.example/app:avx512 --image registry.example/app:generic`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/cluster-select.ts');
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
