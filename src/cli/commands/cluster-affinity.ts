/**
 * `imgcompat cluster affinity`: the pod `affinity` block for an image (k8s/affinity.ts): required = the
 * node passes any compatibility set, preferred = one term per set weighted by the set's `weight`. The
 * terms select the node labels that `imgcompat nfr generate` makes nfd-master maintain.
 */
import { affinityFor } from '../../k8s/affinity.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { nameSets } from '../../k8s/set-names.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import { loadImageSpec, oneSource } from './cluster-common.ts';

export interface ClusterAffinityOptions extends RegistryFlags {
  image?: string;
  spec?: string;
  tags: string[];
  output: 'yaml' | 'json';
}

export async function run(opts: ClusterAffinityOptions, ctx: CommandContext): Promise<number> {
  oneSource(opts);
  const loaded = await loadImageSpec(opts, opts, ctx);
  const sets = nameSets(loaded.spec, loaded.specDigest, opts.tags);
  if (sets.length === 0) {
    ctx.io.stderr.write(
      `imgcompat: no compatibility set selected in ${loaded.source}; no affinity to print\n`,
    );
    return EXIT.incompatible;
  }
  const doc = { affinity: affinityFor(sets) };
  ctx.io.stdout.write(opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : toKubeYaml(doc));
  ctx.io.stderr.write(
    `imgcompat: these terms select labels kept by nfd-master once the NodeFeatureRules are applied:` +
      ` imgcompat nfr generate ${opts.image !== undefined ? `--image ${opts.image}` : `--spec ${opts.spec}`} | kubectl apply -f -\n`,
  );
  return EXIT.ok;
}
