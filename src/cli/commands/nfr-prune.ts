/**
 * `imgcompat nfr prune`: deletes the NodeFeatureRules (and NodeFeatureGroups) imgcompat generated
 * (label app.kubernetes.io/managed-by=imgcompat) whose spec no workload image in the cluster carries any
 * more (k8s/prune.ts). Every Pod, Deployment, StatefulSet, DaemonSet, Job and CronJob in all namespaces
 * is read (paginated; init and ephemeral containers included); each distinct image is resolved to its
 * newest artifact's spec digest once. `--dry-run` lists what would go. An image whose artifact cannot be
 * read keeps what it might need, and is reported.
 */
import { ArtifactNotFoundError, ImgcompatError, KubeApiError } from '../../errors.ts';
import type { KubeObject, KubePort } from '../../k8s/kube-client.ts';
import { type ImageResolution, type PruneDecision, planPrune } from '../../k8s/prune.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, specDigest } from '../../k8s/set-names.ts';
import { fetchNewestSpec, type RegistryOptions } from '../../registry/index.ts';
import { withDeadline } from '../deadline.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import { withProgress } from '../progress.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';
import { connect, type KubeFlags, timeoutMs } from './cluster-common.ts';

export interface NfrPruneOptions extends RegistryFlags, KubeFlags {
  dryRun?: boolean;
  groups?: boolean;
  output: 'text' | 'json';
}

/** Images resolved at once: bounded so a large cluster does not open hundreds of connections. */
const CONCURRENCY = 4;

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function resolveImage(image: string, ropts: RegistryOptions, ms: number): Promise<ImageResolution> {
  try {
    const fetched = await withDeadline(ms, `fetching the compatibility artifact of ${image}`, (signal) =>
      fetchNewestSpec(image, { ...ropts, signal }),
    );
    return { image, specDigest: specDigest(fetched.bytes), subjectDigest: fetched.subjectDigest };
  } catch (e) {
    if (e instanceof ArtifactNotFoundError) return { image, none: true };
    if (ImgcompatError.is(e)) return { image, error: reasonOf(e) };
    throw e;
  }
}

async function resolveAll(
  images: readonly string[],
  ropts: RegistryOptions,
  ms: number,
): Promise<ImageResolution[]> {
  const out: ImageResolution[] = new Array(images.length);
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const i = next++;
      out[i] = await resolveImage(images[i]!, ropts, ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, images.length) }, worker));
  return out;
}

async function managedObjects(
  port: KubePort,
  opts: NfrPruneOptions,
  ctx: CommandContext,
): Promise<KubeObject[]> {
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
  const pageSize = opts.chunkSize ?? 500;
  const rules = await port.listNfdObjects('NodeFeatureRule', selector, pageSize);
  if (opts.groups === false) return rules;
  try {
    return [...rules, ...(await port.listNfdObjects('NodeFeatureGroup', selector, pageSize))];
  } catch (e) {
    // A cluster without the NodeFeatureGroup CRD has no groups to prune.
    if (e instanceof KubeApiError && e.status === 404) {
      if (opts.verbose)
        ctx.io.stderr.write('imgcompat: NodeFeatureGroups are not served here; only rules are checked\n');
      return rules;
    }
    throw e;
  }
}

function render(decisions: readonly PruneDecision[], dryRun: boolean): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  const lines = decisions.map((d) => `${d.id}: ${d.action === 'delete' ? verb : 'kept'} (${d.reason})`);
  const n = decisions.filter((d) => d.action === 'delete').length;
  const total = `${n} of ${decisions.length} imgcompat object${decisions.length === 1 ? '' : 's'}`;
  return `${lines.join('\n')}${lines.length > 0 ? '\n\n' : ''}${total} ${dryRun ? 'would be deleted' : 'deleted'}\n`;
}

export async function run(opts: NfrPruneOptions, ctx: CommandContext): Promise<number> {
  const port = await connect(opts, ctx);
  const objects = await withProgress(
    ctx.io,
    `listing imgcompat objects on ${port.server}`,
    managedObjects(port, opts, ctx),
  );
  let decisions: PruneDecision[] = [];
  if (objects.length > 0) {
    const used = await withProgress(
      ctx.io,
      'listing workload images in all namespaces',
      port.listWorkloadImages(opts.chunkSize ?? 500),
    );
    const users = new Map<string, string[]>();
    for (const u of used) users.set(u.image, [...(users.get(u.image) ?? []), u.workload]);
    const images = [...users.keys()].sort();
    const ms = timeoutMs(opts);
    const ropts = await registryOptions({ ...opts, timeout: opts.timeout ?? `${ms}ms` }, ctx);
    const resolutions = await withProgress(
      ctx.io,
      `resolving ${images.length} image${images.length === 1 ? '' : 's'} to their specs`,
      resolveAll(images, ropts, ms),
    );
    for (const r of resolutions) {
      if ('error' in r) {
        ctx.io.stderr.write(
          `imgcompat: warning: cannot read the compatibility artifact of ${r.image} (${r.error}); objects it may need are kept\n`,
        );
      }
    }
    decisions = planPrune(objects, resolutions, users);
    if (!opts.dryRun) {
      for (const d of decisions) if (d.action === 'delete') await port.deleteNfdObject(d.object);
    }
  }
  if (opts.output === 'json') {
    ctx.io.stdout.write(
      `${JSON.stringify(
        {
          dryRun: opts.dryRun === true,
          objects: decisions.map((d) => ({
            kind: d.object.kind,
            name: d.object.metadata.name,
            ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}),
            ...(d.digest ? { specDigest: d.digest } : {}),
            action: d.action === 'delete' ? (opts.dryRun ? 'would-delete' : 'deleted') : 'kept',
            reason: d.reason,
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    ctx.io.stdout.write(render(decisions, opts.dryRun === true));
  }
  return EXIT.ok;
}
