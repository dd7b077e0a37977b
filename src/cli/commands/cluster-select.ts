/**
 * `imgcompat cluster select --image A --image B ...`: for every node of the cluster, the image variant
 * that suits it best (k8s/cluster-select.ts), from the NodeFeature objects NFD publishes. Each variant's
 * artifact is fetched once, the NodeFeature objects are listed once. Exit 0 when at least one node has a
 * fitting variant, 1 when no node has any (nodes without a fit are listed either way).
 */
import { type NodeSelection, selectForCluster, type Variant } from '../../k8s/cluster-select.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import { connect, type KubeFlags, loadImageSpec, readClusterNodes } from './cluster-common.ts';
import { describeOutcome, type SelectFormat, variantSources } from './select.ts';

export interface ClusterSelectOptions extends RegistryFlags, KubeFlags {
  image: string[];
  spec: string[];
  tags: string[];
  output: SelectFormat;
}

function chosenCells(n: NodeSelection): [string, string] {
  if (n.skipped !== undefined) return ['-', `skipped: ${n.skipped}`];
  const c = n.selection.chosen;
  if (!c) {
    const errors = n.selection.variants.filter((v) => v.error !== undefined);
    return [
      '-',
      errors.length > 0
        ? `no variant fits (${errors.map((v) => `${v.image}: ${v.error}`).join('; ')})`
        : 'no variant fits',
    ];
  }
  return [c.image, describeOutcome(c)];
}

export function renderClusterSelection(nodes: readonly NodeSelection[]): string {
  const header = ['NODE', 'IMAGE', 'BEST SET'];
  const rows = nodes.map((n) => [n.node, ...chosenCells(n)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const img = n.selection.chosen?.image;
    if (img !== undefined) counts.set(img, (counts.get(img) ?? 0) + 1);
  }
  const fitted = [...counts.values()].reduce((a, b) => a + b, 0);
  const per = [...counts].map(([img, k]) => `${img}: ${k}`).join(', ');
  return (
    `${[line(header), ...rows.map(line)].join('\n')}\n\n` +
    `${fitted} of ${nodes.length} node${nodes.length === 1 ? '' : 's'} have a fitting variant` +
    (per ? ` (${per})` : '') +
    '\n'
  );
}

export function clusterSelectionDocument(nodes: readonly NodeSelection[]): Record<string, unknown> {
  return {
    nodes: nodes.map((n) => ({
      node: n.node,
      selected: n.selection.chosen?.image ?? null,
      ...(n.skipped !== undefined ? { skipped: n.skipped } : {}),
      variants: n.selection.variants,
    })),
  };
}

export async function run(opts: ClusterSelectOptions, ctx: CommandContext): Promise<number> {
  const sources = variantSources(opts);
  const variants: Variant[] = [];
  for (const s of sources) {
    const loaded = await loadImageSpec(s.kind === 'image' ? { image: s.ref } : { spec: s.ref }, opts, ctx);
    variants.push({ image: s.ref, spec: loaded.spec });
  }
  const port = await connect(opts, ctx);
  const { nodes, missing } = await readClusterNodes(port, opts, ctx);
  const selections = selectForCluster(nodes, variants, opts.tags);
  for (const m of missing) {
    selections.push({
      node: m,
      skipped: 'no NodeFeature object carries this node name (is nfd-worker running on it?)',
      selection: { variants: [] },
    });
  }
  if (opts.output === 'table') ctx.io.stdout.write(renderClusterSelection(selections));
  else if (opts.output === 'yaml') ctx.io.stdout.write(toKubeYaml(clusterSelectionDocument(selections)));
  else ctx.io.stdout.write(`${JSON.stringify(clusterSelectionDocument(selections), null, 2)}\n`);
  return selections.some((n) => n.selection.chosen) ? EXIT.ok : EXIT.incompatible;
}
