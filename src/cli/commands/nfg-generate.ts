/**
 * `imgcompat nfg generate`: one NodeFeatureGroup per compatibility set (k8s/generate-nfg.ts); nfd-master
 * lists the passing nodes in each group's status (with its NodeFeatureGroupAPI feature gate on).
 */
import { generateNodeFeatureGroups } from '../../k8s/generate-nfg.ts';
import { DEFAULT_NFD_NAMESPACE } from '../../k8s/nodefeatures.ts';
import type { CommandContext } from '../program.ts';
import { loadImageSpec, oneSource } from './cluster-common.ts';
import { emitObjects, type GenerateCommandOptions } from './nfr-generate.ts';

export interface NfgGenerateOptions extends GenerateCommandOptions {
  namespace?: string;
}

export async function run(opts: NfgGenerateOptions, ctx: CommandContext): Promise<number> {
  oneSource(opts);
  const loaded = await loadImageSpec(opts, opts, ctx);
  const g = generateNodeFeatureGroups(loaded.spec, {
    digest: loaded.specDigest,
    tags: opts.tags,
    namespace: opts.namespace ?? DEFAULT_NFD_NAMESPACE,
    ...(loaded.image ? { image: loaded.image } : {}),
    ...(loaded.artifact ? { artifact: loaded.artifact } : {}),
  });
  return emitObjects(g.objects, g.warnings, loaded, opts, ctx);
}
