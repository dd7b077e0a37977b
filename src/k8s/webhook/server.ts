/**
 * The mutating admission webhook's HTTPS server (`imgcompat webhook serve`).
 *
 * - `POST /mutate`: an AdmissionReview for a Pod → JSONPatch adding the images' compatibility affinity
 *   (admission.ts). A malformed review gets HTTP 400.
 * - `GET /healthz`: 200 `ok` (readiness/liveness probes).
 *
 * The cluster view (cluster-view.ts: which compat labels Nodes carry now) is read from memory, never
 * fetched during a review, so a failing Node watch does not slow admission down (admission.ts then adds
 * preferred terms only and says why).
 *
 * Every review is answered within `deadlineMs` (set it below the MutatingWebhookConfiguration's
 * `timeoutSeconds`, so the API server never gives up on us first): images whose artifact is not known by
 * then count as errors and the failure policy decides (Ignore: admit without their affinity; Fail: deny).
 * Registry work that outlives the deadline finishes in the background and fills the cache.
 *
 * Specs are parsed and evaluated in worker threads with a heap limit and a time budget under the
 * deadline (spec-worker.ts), so a hostile spec never blocks `/healthz` or other reviews; its failure is
 * cached for the negative TTL like an answer (artifact-cache.ts).
 *
 * Limits: request body `MAX_BODY` (over it: HTTP 400 with an AdmissionReview-shaped error, the rest of
 * the body read and discarded); images per pod and annotation sizes: admission.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ArtifactNotFoundError, ImgcompatError } from '../../errors.ts';
import { fetchNewestSpec, parseRemoteReference, type RegistryOptions } from '../../registry/index.ts';
import { specDigest } from '../set-names.ts';
import {
  type AdmissionRequest,
  BadReviewError,
  type ClusterView,
  type CompatSet,
  type FailurePolicy,
  type ImageOutcome,
  limitImages,
  type Mode,
  parseReview,
  podImages,
  respond,
  UNKNOWN_CLUSTER,
} from './admission.ts';
import { ArtifactCache, ArtifactFailure, type Lookup } from './artifact-cache.ts';
import { type EvaluateSpec, evaluateInProcess, SpecWorkers } from './spec-worker.ts';

export const MAX_BODY = 4 * 1024 * 1024;

export interface ImageCompat {
  artifact: string;
  /** The spec blob's digest (the artifact's spec layer): what the set labels are keyed by. */
  spec: string;
  sets: CompatSet[];
}

export interface WebhookOptions {
  cert: string | Buffer;
  key: string | Buffer;
  host: string;
  /** 0 picks a free port. */
  port: number;
  deadlineMs: number;
  policy: FailurePolicy;
  /** Default `required` (required terms only for labels some Node carries). */
  mode?: Mode;
  /** The live cluster view (cluster-view.ts); without it every image is judged `cache-unavailable`. */
  view?: () => ClusterView;
  /** Called for images no node can run (not for dry-run requests): the server records an Event. */
  onNoNode?: (
    namespace: string,
    pod: NonNullable<AdmissionRequest['object']>['metadata'] & {},
    image: string,
    labels: string[],
  ) => void;
  registry: RegistryOptions;
  cacheTtlMs: number;
  negativeCacheTtlMs: number;
  /** One line per event (errors always; every review when `verbose`). */
  log: (line: string) => void;
  verbose?: boolean;
  /** Time one spec's parsing and evaluation may take; default 80% of `deadlineMs` (spec-worker.ts). */
  specBudgetMs?: number;
  /** V8 heap of each spec worker in MiB; default 64. */
  specHeapMb?: number;
  /** Spec workers; default 2. */
  specWorkers?: number;
  /** Replaces the registry lookup (tests). */
  lookup?: (image: string) => Promise<Lookup<ImageCompat>>;
}

export interface RunningWebhook {
  server: Server;
  port: number;
  url: string;
  cache: ArtifactCache<ImageCompat>;
  specs: SpecWorkers;
  close(): Promise<void>;
}

/**
 * The registry lookup: newest artifact of the image → its sets' affinity; null when it has none. A spec
 * that does not parse or evaluate is an ArtifactFailure (cached by the ArtifactCache), and its failure is
 * also remembered by spec digest for `negativeTtlMs`, so another image carrying the same spec is not
 * evaluated again.
 */
export function registryLookup(
  registry: RegistryOptions,
  evaluate: EvaluateSpec = evaluateInProcess,
  negativeTtlMs = 60_000,
): (image: string) => Promise<Lookup<ImageCompat>> {
  const failures = new Map<string, { message: string; expires: number }>();
  return async (image) => {
    let reference: ReturnType<typeof parseRemoteReference>;
    try {
      // Registry references only: a Pod naming `oci:DIR` must never make the webhook read its own disk.
      reference = parseRemoteReference(image);
    } catch {
      return null; // not a reference we can resolve: nothing to add
    }
    let fetched: Awaited<ReturnType<typeof fetchNewestSpec>>;
    try {
      fetched = await fetchNewestSpec(reference, registry);
    } catch (e) {
      if (e instanceof ArtifactNotFoundError) return null;
      throw e;
    }
    const source = `${fetched.repository}@${fetched.descriptor.digest}`;
    // Labels are keyed by the spec blob's digest (the spec layer's digest), as `nfr generate` keys
    // them: one spec, one set of labels, whichever image carries it.
    // fetchBlob verified the bytes against the layer's digest: when that is sha256 it is the digest, and
    // the 4 MiB spec is not hashed a second time on the event loop.
    const digest = fetched.layer.digest.startsWith('sha256:')
      ? fetched.layer.digest
      : specDigest(fetched.bytes);
    const known = failures.get(digest);
    if (known && known.expires > Date.now()) throw new ArtifactFailure(known.message, fetched.subjectDigest);
    let sets: CompatSet[];
    try {
      // Decoded (Go's YAML reader: spec-text.ts) in the worker, off the event loop.
      sets = await evaluate(fetched.bytes, source, digest);
    } catch (e) {
      const message = `unusable compatibility artifact ${source}: ${messageOf(e)}`;
      failures.delete(digest);
      failures.set(digest, { message, expires: Date.now() + negativeTtlMs });
      if (failures.size > 1000) failures.delete(failures.keys().next().value as string);
      throw new ArtifactFailure(message, fetched.subjectDigest);
    }
    return {
      subject: fetched.subjectDigest,
      value: { artifact: fetched.descriptor.digest, spec: digest, sets },
    };
  };
}

/**
 * The body as text. Over `MAX_BODY` it rejects with BadReviewError but keeps reading (and discarding)
 * until the client has sent everything, so the client reads our 400 instead of a connection reset;
 * nothing beyond the cap is kept in memory.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const tooLarge = () =>
      new BadReviewError(`the request body is larger than the webhook's limit of ${MAX_BODY} bytes`);
    let over = declared > MAX_BODY;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** An AdmissionReview-shaped refusal, for requests we cannot read as a review (HTTP 400). */
export function badReviewBody(message: string): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: '', allowed: false, status: { code: 400, message } },
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function messageOf(e: unknown): string {
  if (ImgcompatError.is(e) || e instanceof Error) return e.message;
  return String(e);
}

export async function startWebhook(opts: WebhookOptions): Promise<RunningWebhook> {
  const cache = new ArtifactCache<ImageCompat>({
    ttlMs: opts.cacheTtlMs,
    negativeTtlMs: opts.negativeCacheTtlMs,
  });
  const specs = new SpecWorkers({
    budgetMs: opts.specBudgetMs ?? Math.max(50, Math.floor(opts.deadlineMs * 0.8)),
    heapMb: opts.specHeapMb ?? 64,
    workers: opts.specWorkers ?? 2,
    log: opts.log,
  });
  // Started now rather than by the first review: booting a worker is a one-time cost on the event loop
  // that would otherwise land in an admission.
  specs.warm();
  const lookup =
    opts.lookup ??
    registryLookup(
      { ...opts.registry, timeoutMs: opts.registry.timeoutMs ?? opts.deadlineMs },
      specs.evaluate,
      opts.negativeCacheTtlMs,
    );

  async function outcomes(images: string[]): Promise<Map<string, ImageOutcome>> {
    const out = new Map<string, ImageOutcome>();
    const work = images.map((image) =>
      cache.get(image, lookup).then(
        (l): void => {
          out.set(image, l === null ? { kind: 'none' } : { kind: 'compat', subject: l.subject, ...l.value });
        },
        (e): void => {
          out.set(image, { kind: 'error', message: messageOf(e) });
        },
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, opts.deadlineMs);
    });
    await Promise.race([Promise.all(work), deadline]);
    clearTimeout(timer);
    for (const image of images) {
      if (!out.has(image)) {
        out.set(image, {
          kind: 'error',
          message: `no answer from the registry within the webhook's deadline of ${opts.deadlineMs / 1000}s`,
        });
      }
    }
    return out;
  }

  async function mutate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let review: AdmissionRequest;
    try {
      review = parseReview(await readBody(req));
    } catch (e) {
      if (e instanceof BadReviewError) {
        opts.log(`bad AdmissionReview: ${e.message}`);
        send(res, 400, badReviewBody(e.message));
        return;
      }
      throw e;
    }
    const { lookup: images, skipped } = limitImages(podImages(review));
    const found = images.length > 0 ? await outcomes(images) : new Map<string, ImageOutcome>();
    for (const image of skipped) found.set(image, { kind: 'skipped' });
    const view = opts.view?.() ?? UNKNOWN_CLUSTER;
    const { answer, noNode } = respond(review, found, opts.policy, opts.mode ?? 'required', view);
    send(res, 200, JSON.stringify(answer));
    if (noNode.length > 0 && review.dryRun !== true && opts.onNoNode) {
      const ns = review.namespace ?? review.object?.metadata?.namespace ?? 'default';
      for (const n of noNode) opts.onNoNode(ns, review.object?.metadata ?? {}, n.image, n.labels);
    }
    const errors = [...found.values()].filter((o) => o.kind === 'error').length;
    if (opts.verbose || errors > 0 || (images.length > 0 && !view.nodesFresh)) {
      const pod = review.object?.metadata;
      const what = !answer.response.allowed ? 'denied' : answer.response.patch ? 'mutated' : 'unchanged';
      opts.log(
        `pod ${review.namespace ?? pod?.namespace ?? ''}/${pod?.name ?? pod?.generateName ?? ''}: ${what}, ` +
          `${images.length} image(s), ${errors} error(s), ${(performance.now() - started).toFixed(1)} ms` +
          (view.nodesFresh ? '' : `; Node label cache unavailable (${view.nodesStale}): no required terms`),
      );
    }
  }

  const server = createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok\n', 'text/plain');
    if (path !== '/mutate') return send(res, 404, 'not found\n', 'text/plain');
    if (req.method !== 'POST') return send(res, 405, 'POST an AdmissionReview\n', 'text/plain');
    mutate(req, res).catch((e) => {
      opts.log(`internal error: ${messageOf(e)}`);
      if (!res.headersSent) send(res, 500, `internal error: ${messageOf(e)}\n`, 'text/plain');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      // After listening, a server 'error' is an accept failure (EMFILE, ENFILE): net.Server emits it
      // and keeps listening. Without a listener EventEmitter would throw it and end the webhook.
      server.on('error', (e) => opts.log(`accepting a connection failed: ${messageOf(e)}`));
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    port,
    url: `https://${hostForUrl}:${port}/mutate`,
    cache,
    specs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await specs.close();
    },
  };
}

/** Resolves on SIGTERM or SIGINT (how Kubernetes stops the Deployment's pods). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
