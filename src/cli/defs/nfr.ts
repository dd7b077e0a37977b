import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';
import { addKubeOptions } from './cluster.ts';
import { addNfrGenerate } from './nfg.ts';

/** The `nfr` group: NodeFeatureRule / NodeFeatureGroup tools. Subcommands are added below. */
export const registerNfr: Register = (program, ctx) => {
  const nfr = program
    .command('nfr')
    .description('NodeFeatureRule and NodeFeatureGroup tools')
    .addHelpText(
      'after',
      `
Examples:
  imgcompat nfr validate my-rules.yaml
  imgcompat nfr dryrun --rule my-rules.yaml --features node-features.json
  imgcompat nfr generate --image registry.example/app:1.0 | kubectl apply -f -
  imgcompat nfr prune --dry-run`,
    );

  nfr
    .command('validate')
    .description('check NodeFeatureRule / NodeFeatureGroup files as nfd-master and `kubectl nfd validate` do')
    .argument('<file...>', 'YAML or JSON files; several ---separated objects per file are accepted')
    .addOption(
      new Option(
        '-o, --output <format>',
        'text: problems on stderr as file:line:col; json: one JSON document',
      )
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Checks as \`kubectl nfd validate\` does, but judges rule outputs as nfd-master (v0.19.0, default
configuration) does: unprefixed label, annotation and extended-resource keys are valid (nfd-master adds
feature.node.kubernetes.io/); a key in a denied namespace (kubernetes.io, *.kubernetes.io other than
feature/profile) is a warning, since nfd-master accepts the object and drops only that output.

Exit status: 0 when every object is valid (warnings allowed), 3 when any file is invalid or unreadable.

Example:
  imgcompat nfr validate my-rules.yaml`,
    )
    .action(async (files: string[], opts: { output: string }) => {
      const { run } = await import('../commands/nfr-validate.ts');
      ctx.exitCode = await run({ files, output: opts.output as 'text' | 'json' }, ctx);
    });

  nfr
    .command('dryrun')
    .description(
      'show what NodeFeatureRule / NodeFeatureGroup objects would do to a node (`kubectl nfd dryrun`)',
    )
    .requiredOption(
      '-f, --rule <file>',
      'NodeFeatureRule / NodeFeatureGroup file (YAML or JSON, several objects allowed)',
    )
    .requiredOption('--features <file>', 'the node: NFD Features JSON or a NodeFeature object')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Rules run as nfd-master runs them: NodeFeatureRules in name order, rules in order, rule.matched fed
forward (also into later objects). Outputs are filtered as nfd-master (v0.19.0, default configuration)
filters them: unprefixed label, annotation and extended-resource keys get feature.node.kubernetes.io/,
keys in a denied namespace (kubernetes.io, *.kubernetes.io other than feature/profile) are dropped with
a warning. Taints are shown although nfd-master applies them only with enableTaints.
Exit status: 0 ok (also with dropped outputs), 3 when a rule fails to evaluate, an output is invalid
(nfd-master would drop it: bad key or value, failed @ value), or a file is invalid.

Example:
  imgcompat nfr dryrun --rule my-rules.yaml --features node-features.json`,
    )
    .action(async (opts: { rule: string; features: string; output: string }) => {
      const { run } = await import('../commands/nfr-dryrun.ts');
      ctx.exitCode = await run(
        { rule: opts.rule, features: opts.features, output: opts.output as 'text' | 'json' },
        ctx,
      );
    });
  addNfrGenerate(nfr, ctx);

  const prune = nfr
    .command('prune')
    .description(
      'delete imgcompat-generated NodeFeatureRules / NodeFeatureGroups whose spec no workload image carries',
    )
    .option('--dry-run', 'only list what would be deleted')
    .option('--no-groups', 'leave NodeFeatureGroups alone (rules only)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--chunk-size <n>', 'objects per list page (limit/continue)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0)
        throw new UsageError(`--chunk-size must be a positive whole number, got "${v}"`);
      return n;
    });
  addKubeOptions(prune);
  addRegistryOptions(prune, { platform: true });
  prune
    .addHelpText(
      'after',
      `
Objects with the label app.kubernetes.io/managed-by=imgcompat are keyed by a spec digest (annotation
imgcompat.io/spec-digest, and the <digest12> in their names). Every Pod, Deployment, StatefulSet,
DaemonSet, Job and CronJob in all namespaces is listed (init and ephemeral containers included), each
distinct image's newest compatibility artifact is read once, and objects whose spec no image carries are
deleted. Never on doubt: when an image's artifact cannot be read, objects recording that image's
repository (annotation imgcompat.io/image) and objects recording no image are kept, with a warning.
Registry credentials are this command's (--registry-*, docker config), not the pods' imagePullSecrets.

Needs: list on pods, deployments/statefulsets/daemonsets (apps), jobs/cronjobs (batch) in all namespaces;
list and delete on nodefeaturerules and nodefeaturegroups (nfd.k8s-sigs.io).

Exit status: 0 done (also when objects were kept on doubt), 3 bad kubeconfig, 4 API server error.

Examples:
  imgcompat nfr prune --dry-run
  imgcompat nfr prune`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/nfr-prune.ts');
      ctx.exitCode = await run({ ...opts, output: opts.output as 'text' | 'json' }, ctx);
    });
};
