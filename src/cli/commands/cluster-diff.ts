/**
 * `imgcompat cluster diff`: the what-if before a rollout — evaluate the old and the new image's specs on
 * the same NodeFeature snapshot and list the nodes that gain or lose compatibility. Exit 1 when any node
 * loses compatibility (so a pipeline can stop the rollout), 0 otherwise.
 */

import { featuresRead } from '../../core/match/features-read.ts';
import { UsageError } from '../../errors.ts';
import { byNodeName, evaluateNode, type NodeVerdict } from '../../k8s/cluster-eval.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import {
  connect,
  type KubeFlags,
  type LoadedImageSpec,
  loadImageSpec,
  streamClusterNodes,
} from './cluster-common.ts';

export interface ClusterDiffOptions extends RegistryFlags, KubeFlags {
  image: string[];
  spec: string[];
  tags: string[];
  output: 'table' | 'json' | 'yaml';
}

export type Change = 'gained' | 'lost' | 'unchanged-compatible' | 'unchanged-incompatible' | 'skipped';

export interface NodeDiff {
  node: string;
  old: boolean;
  new: boolean;
  change: Change;
  /** Sets passed under each spec (1-based indices). */
  oldSets: number[];
  newSets: number[];
  skipped?: string;
}

function passed(v: NodeVerdict): number[] {
  return v.sets.filter((s) => s.compatible).map((s) => s.index);
}

export function diffVerdicts(olds: NodeVerdict[], news: NodeVerdict[]): NodeDiff[] {
  const byNode = new Map(news.map((v) => [v.node, v]));
  return olds.map((o) => diffNode(o, byNode.get(o.node)!));
}

/** One node's change between the old verdict `o` and the new `n`. */
export function diffNode(o: NodeVerdict, n: NodeVerdict): NodeDiff {
  {
    const skipped = o.skipped ?? n.skipped;
    const change: Change =
      skipped !== undefined
        ? 'skipped'
        : o.compatible === n.compatible
          ? o.compatible
            ? 'unchanged-compatible'
            : 'unchanged-incompatible'
          : n.compatible
            ? 'gained'
            : 'lost';
    const d: NodeDiff = {
      node: o.node,
      old: o.compatible,
      new: n.compatible,
      change,
      oldSets: passed(o),
      newSets: passed(n),
    };
    if (skipped !== undefined) d.skipped = skipped;
    return d;
  }
}

export async function run(opts: ClusterDiffOptions, ctx: CommandContext): Promise<number> {
  const sources: { image?: string; spec?: string }[] = [
    ...opts.image.map((image) => ({ image })),
    ...opts.spec.map((spec) => ({ spec })),
  ];
  if (sources.length !== 2 || (opts.image.length === 1 && opts.spec.length === 1)) {
    throw new UsageError(
      'cluster diff needs the old and the new image: --image OLD --image NEW (or --spec OLD --spec NEW)',
    );
  }
  const port = await connect(opts, ctx);
  const specs: LoadedImageSpec[] = [];
  for (const s of sources) specs.push(await loadImageSpec(s, opts, ctx));
  const [oldSpec, newSpec] = specs as [LoadedImageSpec, LoadedImageSpec];
  // Both specs are evaluated on each node as soon as its objects are read; only the diff row is kept.
  const nodes: NodeDiff[] = [];
  const keepFeatures = featuresRead(oldSpec.spec, opts.tags);
  for (const f of featuresRead(newSpec.spec, opts.tags)) keepFeatures.add(f);
  await streamClusterNodes(port, opts, ctx, {
    keepFeatures,
    onNode: (n) =>
      nodes.push(
        diffNode(evaluateNode(oldSpec.spec, n, opts.tags), evaluateNode(newSpec.spec, n, opts.tags)),
      ),
    onRestart: () => {
      nodes.length = 0;
    },
  });
  nodes.sort(byNodeName);
  const count = (c: Change) => nodes.filter((n) => n.change === c).length;
  const totals = {
    nodes: nodes.length,
    gained: count('gained'),
    lost: count('lost'),
    unchangedCompatible: count('unchanged-compatible'),
    unchangedIncompatible: count('unchanged-incompatible'),
    skipped: count('skipped'),
  };
  const label = (s: LoadedImageSpec) => s.image ?? s.source;
  if (opts.output === 'table') {
    const rows = nodes.map((n) => [
      n.node,
      n.skipped !== undefined ? '-' : n.old ? 'yes' : 'no',
      n.skipped !== undefined ? '-' : n.new ? 'yes' : 'no',
      n.change === 'skipped' ? `skipped: ${n.skipped}` : n.change,
    ]);
    const header = ['NODE', 'OLD', 'NEW', 'CHANGE'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => (i === 3 ? c : c.padEnd(widths[i]!)))
        .join('   ')
        .trimEnd();
    ctx.io.stdout.write(
      `old: ${label(oldSpec)}\nnew: ${label(newSpec)}\n\n` +
        [line(header), ...rows.map(line)].join('\n') +
        `\n\n${totals.gained} node(s) gain compatibility, ${totals.lost} lose it, ` +
        `${totals.unchangedCompatible} stay compatible, ${totals.unchangedIncompatible} stay incompatible, ` +
        `${totals.skipped} skipped\n`,
    );
  } else {
    const doc = { old: label(oldSpec), new: label(newSpec), nodes, totals };
    ctx.io.stdout.write(opts.output === 'yaml' ? toKubeYaml(doc) : `${JSON.stringify(doc, null, 2)}\n`);
  }
  return totals.lost > 0 ? EXIT.incompatible : EXIT.ok;
}
