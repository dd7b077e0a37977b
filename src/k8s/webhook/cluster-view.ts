/**
 * The webhook's live view of the cluster: two informers (informer.ts) keeping the compat label keys of
 * Nodes and of NodeFeatureRules (label-index.ts), exposed as the ClusterView admission.ts judges with, and
 * the Events the webhook records for images no node can run.
 *
 * Failure policy of the watches (README "Admission webhook"): admission never waits for the API server.
 * Until the first Node list succeeds, and when the Node watch has been failing for longer than
 * `staleMs`, the view says `nodesFresh: false` and the webhook adds preferred terms only (it cannot know
 * that a required term would be satisfiable), says so in `imgcompat.io/reason` and in a warning, and logs
 * the failure once per outage. A NodeFeatureRule watch that fails (RBAC, NFD's CRDs not installed) only
 * loses the distinction between "rules never applied" and "no node passes".
 */
import type { KubeWatchClient } from '../kube-watch.ts';
import type { ClusterView } from './admission.ts';
import { Informer, type InformerOptions, type WatchSource } from './informer.ts';
import { LabelIndex, nodeExtractor, ruleExtractor } from './label-index.ts';

export class ClusterWatch {
  readonly nodes: Informer;
  readonly rules: Informer;
  readonly #abort = new AbortController();
  #running: Promise<unknown> | undefined;

  constructor(sources: { nodes: WatchSource; rules: WatchSource }, opts: InformerOptions = {}) {
    this.nodes = new Informer(sources.nodes, new LabelIndex(nodeExtractor), opts);
    this.rules = new Informer(sources.rules, new LabelIndex(ruleExtractor), opts);
  }

  start(): void {
    this.#running ??= Promise.all([this.nodes.run(this.#abort.signal), this.rules.run(this.#abort.signal)]);
  }

  /** Resolves when both caches have listed once, or after `ms` (whichever is first). */
  async synced(ms: number): Promise<boolean> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => {
      t = setTimeout(() => r(false), ms);
    });
    const ok = await Promise.race([
      Promise.all([this.nodes.synced(), this.rules.synced()]).then(() => true),
      timeout,
    ]);
    clearTimeout(t);
    return ok;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  view(): ClusterView {
    const nodes = this.nodes;
    const rules = this.rules;
    const nodesFresh = nodes.fresh();
    return {
      nodesFresh,
      ...(nodesFresh ? {} : { nodesStale: nodes.staleReason() }),
      nodesWith: (label) => nodes.index.count(label),
      // nfd-master's annotation, or any compat label (only nfd-master writes those from our rules).
      nfdNodes: Math.max(nodes.index.flagged, nodes.index.withKeys),
      rulesFresh: rules.fresh(),
      rulesSetting: (label) => rules.index.count(label),
    };
  }
}

/**
 * Records a Warning Event `NoCompatibleNode` for a pod whose image no node can run, at most once per
 * namespace and image every `everyMs` (a Deployment's pods would otherwise flood the namespace). The pod
 * has no uid yet at admission: the Event names the pod (or its owner when the pod only has a
 * generateName, as ReplicaSet pods do).
 */
export class NoNodeEvents {
  readonly #client: Pick<KubeWatchClient, 'createEvent'>;
  readonly #last = new Map<string, number>();
  readonly #everyMs: number;
  readonly #log: (line: string) => void;
  readonly #component: string;
  /** Events created (for tests and logs). */
  created = 0;

  constructor(
    client: Pick<KubeWatchClient, 'createEvent'>,
    opts: { everyMs?: number; log: (line: string) => void; component?: string },
  ) {
    this.#client = client;
    this.#everyMs = opts.everyMs ?? 300_000;
    this.#log = opts.log;
    this.#component = opts.component ?? 'imgcompat-webhook';
  }

  record(
    namespace: string,
    pod: {
      name?: string;
      generateName?: string;
      ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string }[];
    },
    image: string,
    labels: string[],
  ): Promise<void> {
    const key = `${namespace}\n${image}`;
    const now = Date.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#everyMs) return Promise.resolve();
    this.#last.set(key, now);
    if (this.#last.size > 10_000) this.#last.delete(this.#last.keys().next().value as string);
    const owner = pod.ownerReferences?.[0];
    const involved =
      pod.name || !owner?.name
        ? { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.name ?? pod.generateName ?? '' }
        : { apiVersion: owner.apiVersion, kind: owner.kind, namespace, name: owner.name, uid: owner.uid };
    const at = new Date(now).toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${(involved.name || 'pod').slice(0, 200)}.imgcompat-`, namespace },
      involvedObject: involved,
      type: 'Warning',
      reason: 'NoCompatibleNode',
      message:
        `no node can run ${image}: no Node carries any of ${labels.join(', ')} (imgcompat webhook; pod ${pod.name ?? `${pod.generateName ?? ''}*`} admitted with preferred affinity only)`.slice(
          0,
          1024,
        ),
      source: { component: this.#component },
      reportingComponent: this.#component,
      reportingInstance: process.env.HOSTNAME ?? this.#component,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    return this.#client.createEvent(namespace, event, AbortSignal.timeout(10_000)).then(
      () => {
        this.created++;
      },
      (e) => this.#log(`cannot record the NoCompatibleNode event in ${namespace}: ${(e as Error).message}`),
    );
  }
}
