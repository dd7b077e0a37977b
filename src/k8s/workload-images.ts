/**
 * The container images a workload runs: every container, init container and ephemeral container of its
 * pod spec (core/v1 PodSpec `containers`, `initContainers`, `ephemeralContainers`), found where each kind
 * keeps its pod template (apps/v1 Deployment, StatefulSet, DaemonSet and batch/v1 Job:
 * `spec.template.spec`; batch/v1 CronJob: `spec.jobTemplate.spec.template.spec`; Pod: `spec`).
 */

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** One image used by one workload. */
export interface WorkloadImage {
  image: string;
  /** `Kind namespace/name`, for messages. */
  workload: string;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function path(o: unknown, keys: readonly string[]): unknown {
  let cur: unknown = o;
  for (const k of keys) cur = obj(cur)?.[k];
  return cur;
}

const POD_SPEC: Record<WorkloadKind, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The distinct images of one workload object, in the order they appear. */
export function imagesOf(kind: WorkloadKind, object: unknown): string[] {
  const spec = path(object, POD_SPEC[kind]);
  const out: string[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = obj(spec)?.[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      const image = obj(c)?.image;
      if (typeof image === 'string' && image !== '' && !out.includes(image)) out.push(image);
    }
  }
  return out;
}

export function workloadImages(kind: WorkloadKind, object: unknown): WorkloadImage[] {
  const meta = obj(obj(object)?.metadata);
  const ns = typeof meta?.namespace === 'string' ? `${meta.namespace}/` : '';
  const name = typeof meta?.name === 'string' ? meta.name : '?';
  return imagesOf(kind, object).map((image) => ({ image, workload: `${kind} ${ns}${name}` }));
}
