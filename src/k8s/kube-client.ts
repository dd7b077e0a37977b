/**
 * The small port the cluster and webhook commands use to talk to Kubernetes, and its one real adapter on
 * `@kubernetes/client-node` 1.4.0 (@kubernetes/client-node). The client library is imported lazily here and
 * nowhere else, so `imgcompat --help` and the host commands never load it; using it (rather than our own
 * HTTP code) means kubeconfig exec plugins, OIDC, client certificates and in-cluster service-account auth
 * behave as they do for kubectl.
 *
 * Error mapping (README "Exit codes"): a missing or broken kubeconfig is an InvalidInputError naming the
 * file (exit 3); an unreachable or slow API server, rejected credentials and RBAC denials are
 * KubeApiError (exit 4), a 403 naming the verb, the resource and a ClusterRole rule that grants it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { escapeControlChars, InvalidInputError, KubeApiError } from '../errors.ts';
import { type WorkloadImage, type WorkloadKind, workloadImages } from './workload-images.ts';

export const NFD_GROUP = 'nfd.k8s-sigs.io';
export const NFD_VERSION = 'v1alpha1';
/** nfd-worker's mandatory label naming the node a NodeFeature describes (NFD v0.19.0 pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`). */
export const NODE_NAME_LABEL = 'nfd.node.kubernetes.io/node-name';

/** A NodeFeature object as the API returns it (only the fields we read). */
export interface NodeFeatureObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { features?: unknown; labels?: Record<string, string> };
}

/** A Kubernetes object to create or apply (apiVersion, kind and metadata.name are required). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ListProgress {
  /** Objects received so far. */
  received: number;
}

/** One page of a NodeFeature list. */
export interface NodeFeaturePage {
  items: NodeFeatureObject[];
  /** The list's resourceVersion: every page of one paginated list is read at this version. */
  resourceVersion: string;
}

export interface NodeFeatureListOptions {
  /** `limit` of each request. */
  pageSize: number;
  /** One namespace; all namespaces when absent. */
  namespace?: string;
  /** Only the objects' metadata (PartialObjectMetadataList): small pages, no features. */
  metadataOnly?: boolean;
  /**
   * Read the list exactly at this resourceVersion (`resourceVersionMatch=Exact`), so that several lists
   * see one snapshot. The API server answers 410 Gone once the version is compacted away, as it does for
   * an expired continue token; both reach the caller as a KubeApiError with status 410.
   */
  resourceVersion?: string;
}

/** What the commands need from a cluster; tests may substitute an in-memory implementation. */
export interface KubePort {
  /** The API server URL, for messages. */
  readonly server: string;
  /** The kubeconfig context in use (`in-cluster` for service-account config). */
  readonly context: string;
  /** Every NodeFeature carrying the node-name label, in all namespaces, read in pages of `pageSize`. */
  listNodeFeatures(pageSize: number, onPage?: (p: ListProgress) => void): Promise<NodeFeatureObject[]>;
  /**
   * The NodeFeature objects carrying the node-name label, page by page (the next page is requested
   * while the caller works on the current one, so at most two pages are in memory).
   */
  nodeFeaturePages(opts: NodeFeatureListOptions): AsyncIterable<NodeFeaturePage>;
  /** Names of the Nodes matching a label selector, read in pages. */
  listNodeNames(labelSelector: string, pageSize: number): Promise<string[]>;
  /** Server-side apply (field manager `imgcompat`, forced): create or update `obj`. */
  apply(obj: KubeObject): Promise<KubeObject>;
  /**
   * NodeFeatureRules (cluster-scoped) or NodeFeatureGroups (all namespaces) matching a label selector,
   * read in pages.
   */
  listNfdObjects(
    kind: 'NodeFeatureRule' | 'NodeFeatureGroup',
    labelSelector: string,
    pageSize: number,
  ): Promise<KubeObject[]>;
  /**
   * The images of every Pod, Deployment, StatefulSet, DaemonSet, Job and CronJob in all namespaces
   * (workload-images.ts), read kind by kind in pages; only the images are kept, not the objects.
   */
  listWorkloadImages(pageSize: number): Promise<WorkloadImage[]>;
  /** Deletes an NFD object (a NodeFeatureRule or a NodeFeatureGroup); a 404 counts as deleted. */
  deleteNfdObject(obj: KubeObject): Promise<void>;
}

export interface KubeConnectOptions {
  /** `--kubeconfig`; otherwise KUBECONFIG, then ~/.kube/config, then in-cluster config. */
  kubeconfig?: string;
  /** `--context`; otherwise the kubeconfig's current context. */
  context?: string;
  /** Deadline of each API request, in milliseconds. */
  timeoutMs: number;
  env: Record<string, string | undefined>;
  cwd: string;
}

type ClientModule = typeof import('./client-module.ts');

/** The client library's observable stand-in (gen/rxjsStub.js): a promise with toPromise and pipe. */
class Settled<T> {
  readonly promise: Promise<T>;
  constructor(promise: Promise<T>) {
    this.promise = promise;
  }
  toPromise(): Promise<T> {
    return this.promise;
  }
  pipe<U>(callback: (value: T) => U | Promise<U>): Settled<U> {
    return new Settled(this.promise.then(callback));
  }
}

let clientModule: Promise<ClientModule> | undefined;
/** The one place the client library is loaded. */
export function loadClientModule(): Promise<ClientModule> {
  clientModule ??= import('./client-module.ts');
  return clientModule;
}

export const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface Located {
  kind: 'files' | 'in-cluster';
  files: string[];
}

/** kubectl's lookup order: --kubeconfig, KUBECONFIG (path list), ~/.kube/config, in-cluster. */
export function locateKubeconfig(opts: KubeConnectOptions): Located {
  if (opts.kubeconfig !== undefined) {
    const file = resolve(opts.cwd, opts.kubeconfig);
    if (!existsSync(file)) {
      throw new InvalidInputError(
        `kubeconfig ${opts.kubeconfig}: file not found (--kubeconfig)`,
        [],
        'E_KUBECONFIG',
      );
    }
    return { kind: 'files', files: [file] };
  }
  const fromEnv = opts.env.KUBECONFIG;
  if (fromEnv) {
    const listed = fromEnv.split(':').filter((f) => f !== '');
    const files = listed.map((f) => resolve(opts.cwd, f)).filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new InvalidInputError(
        `kubeconfig: none of the files in KUBECONFIG exists (${listed.join(', ')})`,
        [],
        'E_KUBECONFIG',
      );
    }
    return { kind: 'files', files };
  }
  const home = opts.env.HOME;
  if (home && existsSync(join(home, '.kube', 'config')))
    return { kind: 'files', files: [join(home, '.kube', 'config')] };
  if (opts.env.KUBERNETES_SERVICE_HOST && existsSync(join(SA_DIR, 'token')))
    return { kind: 'in-cluster', files: [] };
  throw new InvalidInputError(
    'no kubeconfig: --kubeconfig is not given, KUBECONFIG is not set, ~/.kube/config does not exist' +
      ' and this is not a pod with a service account',
    [],
    'E_KUBECONFIG',
  );
}

function problemOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim();
}

/** Loads and checks the kubeconfig; throws InvalidInputError naming the file and the problem. */
export async function loadKubeConfig(
  opts: KubeConnectOptions,
): Promise<{ kc: k8s.KubeConfig; source: string; server: string; context: string }> {
  const located = locateKubeconfig(opts);
  const m = await loadClientModule();
  const kc = new m.KubeConfig();
  let source = 'in-cluster service account';
  if (located.kind === 'in-cluster') {
    kc.loadFromCluster();
  } else {
    source = located.files.join(':');
    for (const [i, file] of located.files.entries()) {
      const one = new m.KubeConfig();
      try {
        if (statSync(file).isFile() && readFileSync(file, 'utf8').trim() === '') {
          throw new InvalidInputError(`kubeconfig ${file}: the file is empty`, [], 'E_KUBECONFIG');
        }
        one.loadFromFile(file);
      } catch (e) {
        if (e instanceof InvalidInputError) throw e;
        // The library reads the YAML and then its fields without checking them: a TypeError means
        // "not a kubeconfig" (a scalar, a list, a field of the wrong type).
        const why = e instanceof TypeError ? `not a kubeconfig (${problemOf(e)})` : problemOf(e);
        throw new InvalidInputError(`kubeconfig ${file}: ${escapeControlChars(why)}`, [], 'E_KUBECONFIG');
      }
      if (i === 0) kc.loadFromString(one.exportConfig());
      // kubectl's merge: the first file to set a value wins, including the current context.
      else kc.mergeConfig(one, true);
    }
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new InvalidInputError(
        `kubeconfig ${source}: no context "${opts.context}" (--context); contexts: ${known.join(', ') || 'none'}`,
        [],
        'E_KUBECONFIG',
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    throw new InvalidInputError(
      `kubeconfig ${source}: no current context is set and --context is not given`,
      [],
      'E_KUBECONFIG',
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new InvalidInputError(
      `kubeconfig ${source}: context "${context}" names no cluster with a server URL`,
      [],
      'E_KUBECONFIG',
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(cluster.server);
  } catch {}
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InvalidInputError(
      `kubeconfig ${source}: cluster "${cluster.name}" of context "${context}" has server ${JSON.stringify(cluster.server.slice(0, 200))}, which is not an http(s) URL`,
      [],
      'E_KUBECONFIG',
    );
  }
  return {
    kc,
    source,
    server: cluster.server,
    context: located.kind === 'in-cluster' ? 'in-cluster' : context,
  };
}

/** What a request was doing, for 403 messages. */
interface RequestDescription {
  verb: string;
  resource: string;
  apiGroup: string;
  scope: string;
}

function clusterRoleHint(d: RequestDescription): string {
  const group = d.apiGroup === '' ? '""' : d.apiGroup;
  return (
    `it needs a ClusterRole with the rule {apiGroups: [${group}], resources: [${d.resource}], verbs: [${d.verb}]} ` +
    'bound to this user, such as ClusterRole imgcompat-cluster-reader from `imgcompat webhook manifests` ' +
    `(\`kubectl create clusterrolebinding imgcompat-reader --clusterrole=imgcompat-cluster-reader --user=USER\`)`
  );
}

function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    const text = b;
    try {
      b = JSON.parse(text);
    } catch {
      return text.slice(0, 300);
    }
  }
  if (b && typeof b === 'object' && typeof (b as { message?: unknown }).message === 'string') {
    return (b as { message: string }).message;
  }
  return undefined;
}

/** Turns whatever the client library threw into our error classes. */
export function mapKubeError(
  e: unknown,
  server: string,
  context: string,
  d: RequestDescription,
  timeoutMs: number,
): Error {
  const err = e as { name?: string; code?: unknown; type?: string; message?: string; body?: unknown };
  if (err?.name === 'AbortError' || err?.type === 'aborted') {
    return new KubeApiError(
      `the Kubernetes API server ${server} did not answer within ${timeoutMs / 1000}s (--timeout) while trying to ${d.verb} ${d.resource}`,
      'E_KUBE_TIMEOUT',
    );
  }
  if (err?.name === 'FetchError' || (typeof err?.code === 'string' && /^E[A-Z]+/.test(err.code))) {
    const reason =
      typeof err.code === 'string'
        ? `${err.code}`
        : problemOf(e).replace(/^request to \S+ failed, reason: /, '');
    return new KubeApiError(
      `cannot reach the Kubernetes API server ${server} (context ${context}) to ${d.verb} ${d.resource}: ${reason}`,
      'E_KUBE_UNREACHABLE',
      undefined,
      { cause: e },
    );
  }
  if (typeof err?.code === 'number') {
    const status = err.code;
    const detail = statusMessage(err.body);
    const where = `${d.verb} ${d.resource}${d.apiGroup ? `.${d.apiGroup}` : ''} ${d.scope}`;
    if (status === 401) {
      return new KubeApiError(
        `the Kubernetes API server ${server} rejected the credentials of context ${context} (401 Unauthorized)`,
        'E_KUBE_UNAUTHORIZED',
        status,
      );
    }
    if (status === 403) {
      return new KubeApiError(
        `forbidden: context ${context} may not ${where} on ${server} (403${detail ? `: ${detail}` : ''}); ${clusterRoleHint(d)}`,
        'E_KUBE_FORBIDDEN',
        status,
      );
    }
    if (status === 410) {
      // kube-apiserver: an expired continue token or a compacted resourceVersion (storage.ErrCodeResourceVersionTooOld).
      return new KubeApiError(
        `the Kubernetes API server ${server} answered 410 Gone to ${where}${detail ? `: ${detail}` : ''}`,
        'E_KUBE_EXPIRED',
        status,
      );
    }
    if (status === 404 && d.apiGroup === NFD_GROUP) {
      return new KubeApiError(
        `the API server ${server} does not serve ${d.resource}.${d.apiGroup}/${NFD_VERSION}: are NFD's CRDs installed? (404)`,
        'E_KUBE_NOT_FOUND',
        status,
      );
    }
    return new KubeApiError(
      `the Kubernetes API server ${server} answered ${status} to ${where}${detail ? `: ${detail}` : ''}`,
      'E_KUBE_API',
      status,
    );
  }
  if (e instanceof Error) return e;
  return new Error(String(e));
}

/**
 * Runs the user's credential step once before any request (an exec plugin, client-go's
 * `ExecCredential` protocol), so that a plugin that is missing, fails or prints something else is
 * reported as a kubeconfig problem naming the file, the user and the command — the library would throw
 * an ENOENT that reads as "cannot reach the API server", an Error with the plugin's (possibly empty)
 * stderr, or a JSON SyntaxError.
 */
async function checkCredentials(kc: k8s.KubeConfig, source: string): Promise<void> {
  const user = kc.getCurrentUser();
  const exec = user?.exec as { command?: unknown } | undefined;
  if (!user || !exec) return;
  const command = typeof exec.command === 'string' ? exec.command : '';
  const where = `kubeconfig ${source}: user "${user.name}": the exec credential plugin ${JSON.stringify(command)}`;
  try {
    await kc.applyToFetchOptions({});
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    let why: string;
    if (err?.code === 'ENOENT') why = 'was not found (no such program)';
    else if (err?.code === 'EACCES') why = 'cannot be run (permission denied)';
    else if (e instanceof SyntaxError)
      why = 'printed something that is not JSON (an ExecCredential is expected)';
    else if (e instanceof TypeError) why = 'printed JSON that is not an ExecCredential with a status';
    else {
      const stderr = e instanceof Error ? e.message.trim() : String(e);
      why = `failed${stderr ? `: ${escapeControlChars(stderr.split('\n')[0]!.slice(0, 300))}` : ' without a message'}`;
    }
    throw new InvalidInputError(`${where} ${why}`, [], 'E_KUBECONFIG');
  }
}

/** Connects (lazily loading the client library) and returns the port. */
export async function connectKube(opts: KubeConnectOptions): Promise<KubePort> {
  const { kc, server, context, source } = await loadKubeConfig(opts);
  await checkCredentials(kc, source);
  const m = await loadClientModule();
  const custom = kc.makeApiClient(m.CustomObjectsApi);
  const core = kc.makeApiClient(m.CoreV1Api);

  // Every request gets its own deadline through the request context's AbortSignal. The object-parameter
  // API hands options to the observable layer, whose middleware returns the library's minimal
  // observable (an object with toPromise/pipe, gen/rxjsStub.js); `Settled` is that shape.
  const deadline = (headers: Record<string, string> = {}): k8s.ConfigurationOptions => {
    const mw = {
      pre: (rc: k8s.RequestContext) => {
        rc.setSignal(AbortSignal.timeout(opts.timeoutMs));
        for (const [k, v] of Object.entries(headers)) rc.setHeaderParam(k, v);
        return new Settled(Promise.resolve(rc));
      },
      post: (rc: k8s.ResponseContext) => new Settled(Promise.resolve(rc)),
    };
    return { middleware: [mw], middlewareMergeStrategy: 'append' } as unknown as k8s.ConfigurationOptions;
  };
  const call = async <T>(d: RequestDescription, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw mapKubeError(e, server, context, d, opts.timeoutMs);
    }
  };

  interface ListPage {
    items?: NodeFeatureObject[];
    metadata?: { continue?: string; resourceVersion?: string };
  }
  async function* nodeFeaturePages(o: NodeFeatureListOptions): AsyncGenerator<NodeFeaturePage> {
    const ns = o.namespace;
    const d = {
      verb: 'list',
      resource: 'nodefeatures',
      apiGroup: NFD_GROUP,
      scope: ns !== undefined ? `in namespace ${ns}` : 'in all namespaces',
    };
    // The API server's metadata-only list (apimachinery meta/v1 PartialObjectMetadataList), chosen by
    // the Accept header as kubectl's and client-go's metadata informers do.
    const headers: Record<string, string> = o.metadataOnly
      ? { Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' }
      : {};
    const fetchPage = (cont: string | undefined) =>
      call(d, () => {
        const common = {
          group: NFD_GROUP,
          version: NFD_VERSION,
          plural: 'nodefeatures',
          labelSelector: NODE_NAME_LABEL,
          limit: o.pageSize,
          // A continue token carries the version of the first page; the API server rejects both.
          ...(cont
            ? { _continue: cont }
            : o.resourceVersion !== undefined
              ? { resourceVersion: o.resourceVersion, resourceVersionMatch: 'Exact' }
              : {}),
        };
        return (
          ns !== undefined
            ? custom.listNamespacedCustomObject({ ...common, namespace: ns }, deadline(headers))
            : custom.listCustomObjectForAllNamespaces(common, deadline(headers))
        ) as Promise<{
          items?: NodeFeatureObject[];
          metadata?: { continue?: string; resourceVersion?: string };
        }>;
      });
    let next: Promise<ListPage> | undefined = fetchPage(undefined);
    while (next) {
      const page: ListPage = await next;
      const cont = page.metadata?.continue || undefined;
      // Ask for the next page before handing this one over: the API server works while we evaluate.
      next = cont ? fetchPage(cont) : undefined;
      // A rejected prefetch is reported when it is awaited; until then it must not count as unhandled.
      next?.catch(() => {});
      yield { items: page.items ?? [], resourceVersion: page.metadata?.resourceVersion ?? '' };
    }
  }
  /**
   * `call`, retrying what client-go retries for kubectl (k8s.io/client-go rest `Request.request` with
   * `checkWait`): a 429 (API server overloaded, or a new CRD's storage still initialising) waits the
   * Retry-After seconds (1 s when absent, at most 5 s) and tries again, up to 5 times.
   */
  const callRetrying = async <T>(d: RequestDescription, f: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        const err = e as { code?: unknown; headers?: Record<string, string> };
        if (err?.code !== 429 || attempt >= 5) throw mapKubeError(e, server, context, d, opts.timeoutMs);
        const after = Number(err.headers?.['retry-after'] ?? err.headers?.['Retry-After']);
        const seconds = Number.isFinite(after) && after > 0 ? Math.min(after, 5) : 1;
        await new Promise((r) => setTimeout(r, seconds * 1000));
      }
    }
  };

  return {
    server,
    context,
    async listNodeFeatures(pageSize, onPage) {
      const out: NodeFeatureObject[] = [];
      for await (const page of nodeFeaturePages({ pageSize })) {
        for (const o of page.items) out.push(o);
        onPage?.({ received: out.length });
      }
      return out;
    },
    nodeFeaturePages,
    async listNodeNames(labelSelector, pageSize) {
      const out: string[] = [];
      let cont: string | undefined;
      const d = { verb: 'list', resource: 'nodes', apiGroup: '', scope: 'at the cluster scope' };
      do {
        const page = await call(d, () =>
          core.listNode({ labelSelector, limit: pageSize, ...(cont ? { _continue: cont } : {}) }, deadline()),
        );
        for (const n of page.items) if (n.metadata?.name) out.push(n.metadata.name);
        cont = page.metadata?._continue || undefined;
      } while (cont);
      return out;
    },
    async listNfdObjects(kind, labelSelector, pageSize) {
      const plural = `${kind.toLowerCase()}s`;
      const cluster = kind === 'NodeFeatureRule';
      const d = {
        verb: 'list',
        resource: plural,
        apiGroup: NFD_GROUP,
        scope: cluster ? 'at the cluster scope' : 'in all namespaces',
      };
      const out: KubeObject[] = [];
      let cont: string | undefined;
      do {
        const params = {
          group: NFD_GROUP,
          version: NFD_VERSION,
          plural,
          labelSelector,
          limit: pageSize,
          ...(cont ? { _continue: cont } : {}),
        };
        const page = (await callRetrying(d, () =>
          cluster
            ? custom.listClusterCustomObject(params, deadline())
            : custom.listCustomObjectForAllNamespaces(params, deadline()),
        )) as { items?: KubeObject[]; metadata?: { continue?: string } };
        for (const item of page.items ?? [])
          out.push({ ...item, apiVersion: `${NFD_GROUP}/${NFD_VERSION}`, kind });
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return out;
    },
    async listWorkloadImages(pageSize) {
      const apps = kc.makeApiClient(m.AppsV1Api);
      const batch = kc.makeApiClient(m.BatchV1Api);
      type Page = { items: unknown[]; metadata?: { _continue?: string } };
      type Lister = (p: { limit: number; _continue?: string }, o: k8s.ConfigurationOptions) => Promise<Page>;
      const listers: [WorkloadKind, string, string, Lister][] = [
        ['Pod', 'pods', '', (p, o) => core.listPodForAllNamespaces(p, o)],
        ['Deployment', 'deployments', 'apps', (p, o) => apps.listDeploymentForAllNamespaces(p, o)],
        ['StatefulSet', 'statefulsets', 'apps', (p, o) => apps.listStatefulSetForAllNamespaces(p, o)],
        ['DaemonSet', 'daemonsets', 'apps', (p, o) => apps.listDaemonSetForAllNamespaces(p, o)],
        ['Job', 'jobs', 'batch', (p, o) => batch.listJobForAllNamespaces(p, o)],
        ['CronJob', 'cronjobs', 'batch', (p, o) => batch.listCronJobForAllNamespaces(p, o)],
      ];
      const out: WorkloadImage[] = [];
      for (const [kind, resource, apiGroup, list] of listers) {
        const d = { verb: 'list', resource, apiGroup, scope: 'in all namespaces' };
        let cont: string | undefined;
        do {
          const page = await callRetrying(d, () =>
            list({ limit: pageSize, ...(cont ? { _continue: cont } : {}) }, deadline()),
          );
          for (const item of page.items) out.push(...workloadImages(kind, item));
          cont = page.metadata?._continue || undefined;
        } while (cont);
      }
      return out;
    },
    async deleteNfdObject(obj) {
      const plural = `${obj.kind.toLowerCase()}s`;
      const ns = obj.metadata.namespace;
      const d = {
        verb: 'delete',
        resource: plural,
        apiGroup: NFD_GROUP,
        scope: ns ? `in namespace ${ns}` : 'at the cluster scope',
      };
      const common = { group: NFD_GROUP, version: NFD_VERSION, plural, name: obj.metadata.name };
      try {
        await callRetrying(d, () =>
          ns
            ? custom.deleteNamespacedCustomObject({ ...common, namespace: ns }, deadline())
            : custom.deleteClusterCustomObject(common, deadline()),
        );
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return;
        throw e;
      }
    },
    async apply(obj) {
      // Server-side apply of NFD objects (the generated NodeFeatureRules and NodeFeatureGroups).
      if (!obj.apiVersion.startsWith(`${NFD_GROUP}/`)) {
        throw new KubeApiError(
          `cannot apply ${obj.kind}: only ${NFD_GROUP} objects are supported`,
          'E_KUBE_API',
        );
      }
      const plural = `${obj.kind.toLowerCase()}s`;
      const ns = obj.metadata.namespace;
      const d = {
        verb: 'patch',
        resource: plural,
        apiGroup: NFD_GROUP,
        scope: ns ? `in namespace ${ns}` : 'at the cluster scope',
      };
      const common = {
        group: NFD_GROUP,
        version: NFD_VERSION,
        plural,
        name: obj.metadata.name,
        body: obj,
        fieldManager: 'imgcompat',
        force: true,
      };
      const options = deadline({ 'Content-Type': 'application/apply-patch+yaml' });
      return (await call(d, () =>
        ns
          ? custom.patchNamespacedCustomObject({ ...common, namespace: ns }, options)
          : custom.patchClusterCustomObject(common, options),
      )) as KubeObject;
    },
  };
}
