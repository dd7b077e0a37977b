/**
 * `imgcompat webhook serve`: run the mutating admission webhook (k8s/webhook/server.ts) until SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError, UsageError } from '../../errors.ts';
import { type FailurePolicy, MODES, type Mode } from '../../k8s/webhook/admission.ts';
import type { CommandContext } from '../program.ts';
import { parseDuration, type RegistryFlags, registryOptions } from '../registry-options.ts';

export interface WebhookServeOptions extends RegistryFlags {
  tlsCert: string;
  tlsKey: string;
  address: string;
  port: number;
  /** The per-request deadline (below the webhook's timeoutSeconds). */
  timeout: string;
  failurePolicy: FailurePolicy;
  mode: Mode;
  kubeconfig?: string;
  context?: string;
  nodeCacheStale: string;
  cacheTtl: string;
  negativeCacheTtl: string;
  /** Tests: resolves with the running server instead of waiting for a signal. */
  onListening?: (w: import('../../k8s/webhook/server.ts').RunningWebhook) => Promise<void>;
}

async function readPem(cwd: string, file: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      `${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      [],
      'E_INPUT_UNREADABLE',
    );
  }
}

export async function run(opts: WebhookServeOptions, ctx: CommandContext): Promise<number> {
  if (opts.failurePolicy !== 'Ignore' && opts.failurePolicy !== 'Fail') {
    throw new UsageError(`--failure-policy must be Ignore or Fail, got "${opts.failurePolicy}"`);
  }
  if (!MODES.includes(opts.mode)) {
    throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${opts.mode}"`);
  }
  const deadlineMs = parseDuration('--timeout', opts.timeout);
  const staleMs = parseDuration('--node-cache-stale', opts.nodeCacheStale);
  const cert = await readPem(ctx.io.cwd, opts.tlsCert, '--tls-cert');
  const key = await readPem(ctx.io.cwd, opts.tlsKey, '--tls-key');
  const registry = await registryOptions({ ...opts, timeout: opts.timeout }, ctx);
  const log = (line: string) => ctx.io.stderr.write(`imgcompat webhook: ${line}\n`);
  const { connectKubeWatch } = await import('../../k8s/kube-watch.ts');
  const kube = await connectKubeWatch({
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.context !== undefined ? { context: opts.context } : {}),
    timeoutMs: 30_000,
    env: ctx.io.env,
    cwd: ctx.io.cwd,
  });
  const { ClusterWatch, NoNodeEvents } = await import('../../k8s/webhook/cluster-view.ts');
  const cluster = new ClusterWatch(kube, { staleMs, log });
  const events = new NoNodeEvents(kube, { log });
  cluster.start();
  // Listen once the caches are filled (the readiness probe waits for it), but never wait for ever: a
  // webhook that cannot reach the API server still answers, with preferred terms only.
  if (!(await cluster.synced(10_000))) {
    log(
      `Node labels not listed within 10s (${cluster.nodes.staleReason()}); serving with preferred terms only until they are`,
    );
  }
  const { startWebhook, untilSignal } = await import('../../k8s/webhook/server.ts');
  let running: Awaited<ReturnType<typeof startWebhook>>;
  try {
    running = await startWebhook({
      cert,
      key,
      host: opts.address,
      port: opts.port,
      deadlineMs,
      policy: opts.failurePolicy,
      mode: opts.mode,
      view: () => cluster.view(),
      onNoNode: (ns, pod, image, labels) => void events.record(ns, pod, image, labels),
      registry,
      cacheTtlMs: parseDuration('--cache-ttl', opts.cacheTtl),
      negativeCacheTtlMs: parseDuration('--negative-cache-ttl', opts.negativeCacheTtl),
      log,
      verbose: opts.verbose === true,
    });
  } catch (e) {
    await cluster.stop();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      throw new UsageError(`cannot listen on ${opts.address}:${opts.port}: ${err.code}`);
    }
    if (/PEM|key|certificate/i.test(err.message ?? '')) {
      throw new InvalidInputError(`--tls-cert/--tls-key: ${err.message}`, [], 'E_TLS_INVALID');
    }
    throw e;
  }
  ctx.io.stderr.write(
    `imgcompat webhook: listening on ${running.url} (deadline ${deadlineMs / 1000}s, failure policy ${opts.failurePolicy}, mode ${opts.mode}, watching Nodes on ${kube.server})\n`,
  );
  if (opts.onListening) await opts.onListening(running);
  else {
    const sig = await untilSignal();
    ctx.io.stderr.write(`imgcompat webhook: ${sig}, shutting down\n`);
  }
  await running.close();
  await cluster.stop();
  return 0;
}
