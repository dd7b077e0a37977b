/**
 * What the cluster, nfr/nfg generate and webhook commands share: loading the spec once (from an image's
 * newest compatibility artifact or a file), connecting to the cluster, and reading every node's
 * NodeFeature objects.
 */
import { createHash } from 'node:crypto';
import { loadSpec } from '../../core/load/load-spec.ts';
import type { Spec } from '../../core/model/spec.ts';
import { formatDiagnostic, UsageError } from '../../errors.ts';
import type { KubePort } from '../../k8s/kube-client.ts';
import { DEFAULT_NFD_NAMESPACE, groupByNode, type NodeObjects } from '../../k8s/nodefeatures.ts';
import { fetchNewestSpec, formatReference, parseReference } from '../../registry/index.ts';
import { withDeadline } from '../deadline.ts';
import type { CommandContext } from '../program.ts';
import { withProgress } from '../progress.ts';
import { parseDuration, type RegistryFlags, registryOptions } from '../registry-options.ts';
import { readFlagFile } from './input-files.ts';

/** Default deadline of each registry and API server request. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  /** nfd-master's namespace: its objects come first in the merge (k8s-and-users.md §1.2). */
  nfdNamespace?: string;
  nodeSelector?: string;
  chunkSize?: number;
  timeout?: string;
}

export interface LoadedImageSpec {
  spec: Spec;
  /** `registry/repo@artifact-digest` or the file name. */
  source: string;
  /** The image (subject) digest, or `sha256:` of the spec file. */
  digest: string;
  image?: string;
  artifact?: string;
}

export function timeoutMs(flags: { timeout?: string }): number {
  return flags.timeout !== undefined ? parseDuration('--timeout', flags.timeout) : DEFAULT_TIMEOUT_MS;
}

/** The spec of `--image` (fetched once) or `--spec FILE`. */
export async function loadImageSpec(
  source: { image?: string; spec?: string },
  flags: RegistryFlags,
  ctx: CommandContext,
): Promise<LoadedImageSpec> {
  if (source.image !== undefined) {
    const reference = parseReference(source.image);
    const ms = timeoutMs(flags);
    const ropts = await registryOptions({ ...flags, timeout: flags.timeout ?? `${ms}ms` }, ctx);
    const fetched = await withProgress(
      ctx.io,
      `fetching the compatibility artifact of ${formatReference(reference)}`,
      withDeadline(ms, `fetching the compatibility artifact of ${source.image}`, (signal) =>
        fetchNewestSpec(reference, { ...ropts, signal }),
      ),
    );
    const src = `${fetched.repository}@${fetched.descriptor.digest}`;
    if (flags.verbose) ctx.io.stderr.write(`imgcompat: using compatibility artifact ${src}\n`);
    const { spec, warnings } = loadSpec(new TextDecoder().decode(fetched.bytes), { file: src });
    for (const w of warnings) ctx.io.stderr.write(`imgcompat: ${formatDiagnostic(w)}\n`);
    return {
      spec,
      source: src,
      digest: fetched.subjectDigest,
      image: source.image,
      artifact: fetched.descriptor.digest,
    };
  }
  if (source.spec === undefined) throw new UsageError('either --image or --spec is required');
  const text = await readFlagFile(ctx.io.cwd, source.spec, '--spec');
  const { spec, warnings } = loadSpec(text, { file: source.spec });
  for (const w of warnings) ctx.io.stderr.write(`imgcompat: ${formatDiagnostic(w)}\n`);
  const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return { spec, source: source.spec, digest };
}

/** Exactly one of --image / --spec. */
export function oneSource(opts: { image?: string; spec?: string }): void {
  if (opts.image === undefined && opts.spec === undefined) {
    throw new UsageError(
      'either --image (fetch the spec attached to an image) or --spec (a local spec file) is required',
    );
  }
  if (opts.image !== undefined && opts.spec !== undefined) {
    throw new UsageError('--image and --spec cannot be combined: the spec comes from one or the other');
  }
}

export async function connect(flags: KubeFlags, ctx: CommandContext): Promise<KubePort> {
  const { connectKube } = await import('../../k8s/kube-client.ts');
  const opts: Parameters<typeof connectKube>[0] = {
    timeoutMs: timeoutMs(flags),
    env: ctx.io.env,
    cwd: ctx.io.cwd,
  };
  if (flags.kubeconfig !== undefined) opts.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) opts.context = flags.context;
  return connectKube(opts);
}

export interface ClusterNodes {
  nodes: NodeObjects[];
  /** Nodes chosen by --node-selector that have no NodeFeature object. */
  missing: string[];
  /** How many NodeFeature objects were read. */
  objectCount: number;
}

/**
 * Every node's NodeFeature objects in nfd-master's merge order. With --node-selector, the Nodes matching
 * the selector (as `kubectl get nodes -l` selects them) and only their objects.
 */
export async function readClusterNodes(
  port: KubePort,
  flags: KubeFlags,
  ctx: CommandContext,
): Promise<ClusterNodes> {
  const pageSize = flags.chunkSize ?? 500;
  const list = withProgress(
    ctx.io,
    `listing NodeFeature objects from ${port.server}`,
    port.listNodeFeatures(pageSize),
  );
  const selected =
    flags.nodeSelector !== undefined ? port.listNodeNames(flags.nodeSelector, pageSize) : undefined;
  const [objects, names] = await Promise.all([list, selected]);
  let nodes = groupByNode(objects, flags.nfdNamespace ?? DEFAULT_NFD_NAMESPACE);
  let missing: string[] = [];
  if (names !== undefined) {
    const wanted = new Set(names);
    const have = new Set(nodes.map((n) => n.node));
    nodes = nodes.filter((n) => wanted.has(n.node));
    missing = names.filter((n) => !have.has(n)).sort();
  }
  return { nodes, missing, objectCount: objects.length };
}
