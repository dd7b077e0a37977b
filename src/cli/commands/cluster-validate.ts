/**
 * `imgcompat cluster validate`: evaluate an image's compatibility spec on every node of a cluster from the
 * NodeFeature objects NFD publishes (NFD v0.19.0 pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`), without running anything on the nodes. The
 * artifact is fetched once; the objects are read page by page and each node is merged (as nfd-master
 * merges it) and evaluated as soon as its objects are all read, keeping only its result row; a node × set
 * matrix with the first failing expression of each failed set is printed, sorted by node, then totals.
 */

import { featuresRead } from '../../core/match/features-read.ts';
import type { ExplainedReport } from '../../core/report/explain.ts';
import { UsageError } from '../../errors.ts';
import {
  byNodeName,
  type ClusterResult,
  evaluateNode,
  missingNode,
  type NodeVerdict,
  selectedSets,
  summarizeCluster,
  verdictInterner,
} from '../../k8s/cluster-eval.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import type { CommandContext } from '../program.ts';
import type { RegistryFlags } from '../registry-options.ts';
import { connect, type KubeFlags, loadImageSpec, oneSource, streamClusterNodes } from './cluster-common.ts';

export interface ClusterValidateOptions extends RegistryFlags, KubeFlags {
  image?: string;
  spec?: string;
  tags: string[];
  output: 'table' | 'json' | 'yaml';
  /** `--explain` (JSON/YAML only): an `explain` field per evaluated node. */
  explain?: boolean;
}

/** `--explain`: the node's per-set traces (the set verdict and each rule's expressions with the node's values). */
function explainOf(ex: ExplainedReport): unknown {
  return ex.sets.map((s) => ({ index: s.index + 1, verdict: s.verdict, rules: s.rules }));
}

function setHeader(s: ClusterResult['sets'][number]): string {
  return `#${s.index}${s.tag ? ` ${s.tag}` : ''}`;
}

/** Plain aligned columns (kubectl style): NODE, one column per set, COMPATIBLE. */
export function renderClusterTable(result: ClusterResult): string {
  const header = ['NODE', ...result.sets.map(setHeader), 'COMPATIBLE'];
  const rows: string[][] = result.nodes.map((n) => {
    if (n.skipped !== undefined) return [n.node, ...result.sets.map(() => '-'), `skipped: ${n.skipped}`];
    const cells = result.sets.map((s) => {
      const o = n.sets.find((x) => x.index === s.index);
      if (!o) return '-';
      return o.compatible ? 'ok' : `FAIL ${o.firstFailure ?? ''}`.trimEnd();
    });
    return [n.node, ...cells, n.compatible ? 'yes' : 'no'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  const t = result.totals;
  const perSet = result.sets.map((s, i) => `${setHeader(s)}: ${t.perSet[i]}`).join(', ');
  return (
    [line(header), ...rows.map(line)].join('\n') +
    `\n\n${t.compatible} of ${t.nodes} node${t.nodes === 1 ? '' : 's'} compatible` +
    `, ${t.incompatible} incompatible, ${t.skipped} skipped` +
    (perSet ? ` (nodes passing each set: ${perSet})` : '') +
    '\n'
  );
}

export function printClusterResult(
  io: Io,
  result: ClusterResult,
  output: ClusterValidateOptions['output'],
  context: Record<string, unknown>,
): void {
  if (output === 'table') {
    io.stdout.write(renderClusterTable(result));
    return;
  }
  const doc = { ...context, ...result };
  io.stdout.write(output === 'yaml' ? toKubeYaml(doc) : `${JSON.stringify(doc, null, 2)}\n`);
}

export async function run(opts: ClusterValidateOptions, ctx: CommandContext): Promise<number> {
  oneSource(opts);
  if (opts.explain && opts.output === 'table') {
    throw new UsageError('--explain adds a field to the JSON or YAML result: use it with -o json or -o yaml');
  }
  // Connect first: a kubeconfig problem needs no registry round trip.
  const port = await connect(opts, ctx);
  const loaded = await loadImageSpec(opts, opts, ctx);
  // Each node is evaluated as soon as its objects are read; only its result row is kept.
  const rows: NodeVerdict[] = [];
  const compact = verdictInterner();
  const { missing } = await streamClusterNodes(port, opts, ctx, {
    keepFeatures: featuresRead(loaded.spec, opts.tags),
    onNode: (n) => {
      let explained: ExplainedReport | undefined;
      const keep = (ex: ExplainedReport) => {
        explained = ex;
      };
      const row = compact(evaluateNode(loaded.spec, n, opts.tags, opts.explain ? keep : undefined));
      // A node whose features do not evaluate has no traces. A row of its own: the interned `sets`
      // list stays shared.
      if (explained !== undefined && row.skipped === undefined)
        rows.push({ ...row, explain: explainOf(explained) } as NodeVerdict);
      else rows.push(row);
    },
    onRestart: () => {
      rows.length = 0;
    },
  });
  for (const m of missing) rows.push(missingNode(m));
  const result = summarizeCluster(selectedSets(loaded.spec, opts.tags), rows.sort(byNodeName));
  if (opts.tags.length > 0 && result.sets.length === 0) {
    ctx.io.stderr.write(
      `imgcompat: no compatibility set of ${loaded.source} has tag ${opts.tags.join(' or ')}\n`,
    );
  }
  if (result.nodes.length === 0) {
    ctx.io.stderr.write(
      `imgcompat: no NodeFeature objects with the nfd.node.kubernetes.io/node-name label${
        opts.nodeSelector !== undefined ? ` for nodes matching ${JSON.stringify(opts.nodeSelector)}` : ''
      } on ${port.server} (is NFD installed?)\n`,
    );
  }
  printClusterResult(ctx.io, result, opts.output, {
    ...(loaded.image ? { image: loaded.image } : {}),
    spec: loaded.source,
    digest: loaded.digest,
    ...(loaded.artifact ? { artifact: loaded.artifact } : {}),
  });
  return result.totals.compatible > 0 ? EXIT.ok : EXIT.incompatible;
}
