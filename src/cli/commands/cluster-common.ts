/**
 * What the cluster, nfr/nfg generate and webhook commands share: loading the spec once (from an image's
 * newest compatibility artifact or a file), connecting to the cluster, and reading every node's
 * NodeFeature objects.
 */
import { loadSpec } from '../../core/load/load-spec.ts';
import { specTextOf } from '../../core/load/spec-text.ts';
import type { Spec } from '../../core/model/spec.ts';
import { type Diagnostic, formatDiagnostics, UsageError } from '../../errors.ts';
import type { KubePort } from '../../k8s/kube-client.ts';
import { type StreamNodesOptions, type StreamStats, streamNodes } from '../../k8s/node-stream.ts';
import { DEFAULT_NFD_NAMESPACE, type NodeObjects } from '../../k8s/nodefeatures.ts';
import { specDigest } from '../../k8s/set-names.ts';
import { fetchNewestSpec, formatReference, parseReference } from '../../registry/index.ts';
import { withDeadline } from '../deadline.ts';
import type { CommandContext } from '../program.ts';
import { withProgress } from '../progress.ts';
import { parseDuration, type RegistryFlags, registryOptions } from '../registry-options.ts';
import { readFlagFileContent } from './input-files.ts';

/** Default deadline of each registry and API server request. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  /** nfd-master's namespace: its objects come first in the merge (NFD v0.19.0 pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`). */
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
  /**
   * `sha256:` of the spec's bytes (= the spec layer's digest in the artifact): the identity that keys the
   * node labels and generated object names, the same for `--spec FILE` and an image carrying that file.
   */
  specDigest: string;
  image?: string;
  artifact?: string;
}

export function timeoutMs(flags: { timeout?: string }): number {
  return flags.timeout !== undefined ? parseDuration('--timeout', flags.timeout) : DEFAULT_TIMEOUT_MS;
}

/** The spec's warnings on stderr: the first 100, then how many more (formatDiagnostics). */
function warn(ctx: CommandContext, warnings: readonly Diagnostic[]): void {
  for (const line of formatDiagnostics(warnings)) ctx.io.stderr.write(`imgcompat: ${line}\n`);
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
    const { spec, warnings } = loadSpec(specTextOf(fetched.bytes, src), { file: src });
    warn(ctx, warnings);
    return {
      spec,
      source: src,
      digest: fetched.subjectDigest,
      specDigest: specDigest(fetched.bytes),
      image: source.image,
      artifact: fetched.descriptor.digest,
    };
  }
  if (source.spec === undefined) throw new UsageError('either --image or --spec is required');
  const { text, bytes } = await readFlagFileContent(ctx.io.cwd, source.spec, '--spec');
  const { spec, warnings } = loadSpec(text, { file: source.spec });
  warn(ctx, warnings);
  const digest = specDigest(bytes);
  return { spec, source: source.spec, digest, specDigest: digest };
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
 * Streams every node's NodeFeature objects, in nfd-master's merge order, to `onNode` as soon as a node's
 * objects are all read (node-stream.ts); objects held meanwhile keep only the `keepFeatures` sets. With
 * --node-selector, only the Nodes matching the selector (as `kubectl get nodes -l` selects them).
 * `onRestart` is called when a 410 Gone forces a re-list: forget what `onNode` was given.
 */
export async function streamClusterNodes(
  port: KubePort,
  flags: KubeFlags,
  ctx: CommandContext,
  handlers: {
    onNode: (node: NodeObjects) => void;
    onRestart: () => void;
    keepFeatures?: ReadonlySet<string>;
  },
): Promise<{ missing: string[]; stats: StreamStats }> {
  const pageSize = flags.chunkSize ?? 500;
  const names =
    flags.nodeSelector !== undefined ? await port.listNodeNames(flags.nodeSelector, pageSize) : undefined;
  const seen = new Set<string>();
  const opts: StreamNodesOptions = {
    pageSize,
    masterNamespace: flags.nfdNamespace ?? DEFAULT_NFD_NAMESPACE,
    onRestart: () => {
      seen.clear();
      handlers.onRestart();
    },
  };
  if (names !== undefined) opts.only = new Set(names);
  if (handlers.keepFeatures !== undefined) opts.keepFeatures = handlers.keepFeatures;
  const stats = await withProgress(
    ctx.io,
    `listing NodeFeature objects from ${port.server}`,
    streamNodes(
      (o) => port.nodeFeaturePages(o),
      opts,
      (n) => {
        if (names !== undefined) seen.add(n.node);
        handlers.onNode(n);
      },
    ),
  );
  const missing = names === undefined ? [] : names.filter((n) => !seen.has(n)).sort();
  return { missing, stats };
}

/** Every node's NodeFeature objects in nfd-master's merge order, all in memory, nodes sorted by name. */
export async function readClusterNodes(
  port: KubePort,
  flags: KubeFlags,
  ctx: CommandContext,
): Promise<ClusterNodes> {
  const nodes: NodeObjects[] = [];
  const { missing, stats } = await streamClusterNodes(port, flags, ctx, {
    onNode: (n) => nodes.push(n),
    onRestart: () => {
      nodes.length = 0;
    },
  });
  nodes.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { nodes, missing, objectCount: stats.objects };
}
