/**
 * Reading a cluster's NodeFeature objects page by page and handing over each node as soon as all its
 * objects have been read, so that `cluster validate` holds a page and the incomplete nodes, not the
 * cluster.
 *
 * nfd-master merges every NodeFeature object labelled with a node's name, in any namespace
 * (pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`), and a node's objects can lie far apart in a
 * list: the API server lists by namespace, then name. So the objects are read in two passes over one
 * snapshot:
 *
 * 1. a metadata-only list (a few hundred bytes per object) counts the objects of each node and fixes
 *    the snapshot's resourceVersion;
 * 2. every namespace holding such objects is listed at exactly that resourceVersion, all at once, and
 *    their objects are taken in name order (a k-way merge: the API server lists a namespace by name).
 *    nfd-worker names its object after the node and third parties usually derive their names from it,
 *    so a node's objects from different namespaces arrive close together. A node is complete when its
 *    count is reached; until then its objects are held, reduced to the feature sets the evaluation reads.
 *
 * Memory: one page per namespace, the held objects (none for single-object nodes, few when names follow
 * node names, at worst the objects of the namespaces read ahead), one count per node still to come, and
 * whatever the caller keeps per node.
 *
 * A 410 Gone (a continue token or the snapshot's resourceVersion compacted away before the last page
 * was read) restarts both passes on a fresh snapshot, a few times, then fails with a clear error.
 */
import { KubeApiError } from '../errors.ts';
import {
  NODE_NAME_LABEL,
  type NodeFeatureListOptions,
  type NodeFeatureObject,
  type NodeFeaturePage,
} from './kube-client.ts';
import {
  checkFeatures,
  MalformedFeaturesError,
  mergeOrder,
  type NodeObjects,
  objectKey,
} from './nodefeatures.ts';

/** Where pages come from: the API server (KubePort.nodeFeaturePages) or a generator. */
export type ListNodeFeaturePages = (opts: NodeFeatureListOptions) => AsyncIterable<NodeFeaturePage>;

export interface StreamNodesOptions {
  pageSize: number;
  /** nfd-master's namespace: first in the merge order, listed last. */
  masterNamespace: string;
  /** Only these nodes (`--node-selector`); every node when absent. */
  only?: ReadonlySet<string>;
  /**
   * Lower-cased feature names the evaluation looks up: an object held while its node is incomplete keeps
   * only these feature sets. Every feature set is kept when absent.
   */
  keepFeatures?: ReadonlySet<string>;
  /** Snapshots tried before a 410 Gone is an error (default 3). */
  attempts?: number;
  /** Called before a restart on a new snapshot: forget the nodes handed over so far. */
  onRestart?: () => void;
}

export interface StreamStats {
  /** NodeFeature objects of the selected nodes, as counted by the metadata pass. */
  objects: number;
  /** Nodes handed over. */
  nodes: number;
  /** The snapshot's resourceVersion. */
  resourceVersion: string;
  /** Snapshots started (1 unless a 410 forced a re-list). */
  snapshots: number;
  /** Most objects held at once for incomplete nodes. */
  peakHeldObjects: number;
}

const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An object reduced to the feature sets in `keep` (metadata kept for messages and the merge order). The
 * whole object is checked first, so a malformed feature set the evaluation never reads still makes the
 * node skipped, as it does when nothing is held; such an object is kept whole, to fail the same way.
 */
export function projectObject(
  o: NodeFeatureObject,
  keep: ReadonlySet<string> | undefined,
): NodeFeatureObject {
  if (keep === undefined) return o;
  let features: ReturnType<typeof checkFeatures>;
  try {
    features = checkFeatures(o);
  } catch (e) {
    if (e instanceof MalformedFeaturesError) return o;
    throw e;
  }
  const pick = <T>(sets: Record<string, T> | undefined): Record<string, T> | undefined => {
    if (sets == null) return undefined;
    const out: Record<string, T> = {};
    for (const name of keep) if (Object.hasOwn(sets, name)) out[name] = sets[name]!;
    return out;
  };
  const reduced: Record<string, unknown> = {};
  const flags = pick(features.flags ?? undefined);
  const attributes = pick(features.attributes ?? undefined);
  const instances = pick(features.instances ?? undefined);
  if (flags) reduced.flags = flags;
  if (attributes) reduced.attributes = attributes;
  if (instances) reduced.instances = instances;
  const metadata: NodeFeatureObject['metadata'] = { name: o.metadata.name };
  if (o.metadata.namespace !== undefined) metadata.namespace = o.metadata.namespace;
  return { metadata, spec: { features: reduced } };
}

function isGone(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 410;
}

/**
 * Lists every selected node's NodeFeature objects and calls `onNode` once per node, as soon as its
 * objects are all read, with the objects in nfd-master's merge order (nodes in no particular order).
 */
export async function streamNodes(
  list: ListNodeFeaturePages,
  opts: StreamNodesOptions,
  onNode: (node: NodeObjects) => void,
): Promise<StreamStats> {
  const attempts = opts.attempts ?? 3;
  let last: unknown;
  for (let snapshot = 1; snapshot <= attempts; snapshot++) {
    if (snapshot > 1) opts.onRestart?.();
    try {
      return { ...(await oneSnapshot(list, opts, onNode)), snapshots: snapshot };
    } catch (e) {
      if (!isGone(e)) throw e;
      last = e;
    }
  }
  throw new KubeApiError(
    `the NodeFeature list expired ${attempts} times before its last page was read (410 Gone: the API server ` +
      'compacted the snapshot away); a larger --chunk-size needs fewer requests' +
      (last instanceof Error ? `; last answer: ${last.message}` : ''),
    'E_KUBE_EXPIRED',
    410,
  );
}

async function oneSnapshot(
  list: ListNodeFeaturePages,
  opts: StreamNodesOptions,
  onNode: (node: NodeObjects) => void,
): Promise<Omit<StreamStats, 'snapshots'>> {
  // Pass 1: how many objects each selected node has, and in which namespaces.
  const remaining = new Map<string, number>();
  const namespaces = new Set<string>();
  let resourceVersion: string | undefined;
  let objects = 0;
  for await (const page of list({ pageSize: opts.pageSize, metadataOnly: true })) {
    resourceVersion ??= page.resourceVersion;
    for (const o of page.items) {
      const node = o.metadata?.labels?.[NODE_NAME_LABEL];
      if (!node || (opts.only !== undefined && !opts.only.has(node))) continue;
      remaining.set(node, (remaining.get(node) ?? 0) + 1);
      namespaces.add(o.metadata.namespace ?? '');
      objects++;
    }
  }
  if (objects === 0) return { objects, nodes: 0, resourceVersion: resourceVersion ?? '', peakHeldObjects: 0 };
  const rv = resourceVersion || undefined;

  // Pass 2: the objects themselves, at the same version: every namespace's list at once, their objects
  // taken in name order (a k-way merge of lists the API server returns sorted by name).
  const merge = mergeOrder(opts.masterNamespace);
  const held = new Map<string, NodeFeatureObject[]>();
  let heldCount = 0;
  let peakHeldObjects = 0;
  let nodes = 0;
  const inconsistent = (what: string) =>
    new KubeApiError(
      `the NodeFeature lists at resourceVersion ${rv ?? '(none)'} disagree: ${what}`,
      'E_KUBE_API',
    );
  const take = (o: NodeFeatureObject) => {
    const node = o.metadata?.labels?.[NODE_NAME_LABEL];
    if (!node) return;
    const left = remaining.get(node);
    if (left === undefined) {
      if (opts.only === undefined || opts.only.has(node))
        throw inconsistent(`node ${node} has an object the first list did not show (${objectKey(o)})`);
      return;
    }
    const before = held.get(node);
    if (left === 1) {
      // Complete: hand it over and forget it.
      remaining.delete(node);
      let objs: NodeFeatureObject[];
      if (before) {
        before.push(o);
        objs = before.sort(merge);
        held.delete(node);
        heldCount -= objs.length - 1;
      } else objs = [o];
      nodes++;
      onNode({ node, objects: objs });
      return;
    }
    remaining.set(node, left - 1);
    const kept = projectObject(o, opts.keepFeatures);
    if (before) before.push(kept);
    else held.set(node, [kept]);
    heldCount++;
    if (heldCount > peakHeldObjects) peakHeldObjects = heldCount;
  };
  const cursors = (
    await Promise.all(
      [...namespaces].sort(byteCompare).map((namespace) => {
        const listOpts: NodeFeatureListOptions = { pageSize: opts.pageSize, namespace };
        if (rv !== undefined) listOpts.resourceVersion = rv;
        return openCursor(list(listOpts));
      }),
    )
  ).filter((c) => c !== undefined);
  while (cursors.length > 0) {
    let k = 0;
    for (let j = 1; j < cursors.length; j++) {
      if (byteCompare(cursors[j]!.head().metadata.name, cursors[k]!.head().metadata.name) < 0) k = j;
    }
    const c = cursors[k]!;
    take(c.head());
    if (!(await c.next())) cursors.splice(k, 1);
  }
  for (const [node, left] of remaining) {
    throw inconsistent(`${left} object(s) of node ${node} were not listed again`);
  }
  return { objects, nodes, resourceVersion: rv ?? '', peakHeldObjects };
}

interface Cursor {
  /** The current object. */
  head(): NodeFeatureObject;
  /** Moves to the next object, reading the next page when needed; false at the end of the list. */
  next(): Promise<boolean>;
}

/** A cursor on the first object of a paginated list, or undefined for an empty list. */
async function openCursor(pages: AsyncIterable<NodeFeaturePage>): Promise<Cursor | undefined> {
  const it = pages[Symbol.asyncIterator]();
  let items: NodeFeatureObject[] = [];
  let i = 0;
  const fill = async (): Promise<boolean> => {
    for (;;) {
      const r = await it.next();
      if (r.done) return false;
      if (r.value.items.length > 0) {
        items = r.value.items;
        i = 0;
        return true;
      }
    }
  };
  if (!(await fill())) return undefined;
  return {
    head: () => items[i]!,
    next: async () => {
      i++;
      return i < items.length || (await fill());
    },
  };
}
