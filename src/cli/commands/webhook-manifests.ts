/**
 * `imgcompat webhook manifests`: print the objects that deploy the webhook (k8s/webhook/manifests.ts).
 */
import { InvalidInputError, UsageError } from '../../errors.ts';
import { toKubeYamlStream } from '../../k8s/kube-yaml.ts';
import type { FailurePolicy } from '../../k8s/webhook/admission.ts';
import { readCaBundle, webhookManifests } from '../../k8s/webhook/manifests.ts';
import type { CommandContext } from '../program.ts';

export interface WebhookManifestsOptions {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  timeoutSeconds: number;
  failurePolicy: FailurePolicy;
  tlsSecret: string;
  caBundle?: string;
  url?: string;
  plainHttp?: boolean;
  output: 'yaml' | 'json';
}

export async function run(opts: WebhookManifestsOptions, ctx: CommandContext): Promise<number> {
  if (opts.failurePolicy !== 'Ignore' && opts.failurePolicy !== 'Fail') {
    throw new UsageError(`--failure-policy must be Ignore or Fail, got "${opts.failurePolicy}"`);
  }
  if (opts.timeoutSeconds < 3 || opts.timeoutSeconds > 30) {
    throw new UsageError(
      `--timeout-seconds must be between 3 and 30 (the API server allows 1..30; the webhook answers 2 s earlier), got ${opts.timeoutSeconds}`,
    );
  }
  let caBundlePem: string | undefined;
  if (opts.caBundle !== undefined) {
    try {
      caBundlePem = readCaBundle(
        opts.caBundle.startsWith('/') ? opts.caBundle : `${ctx.io.cwd}/${opts.caBundle}`,
      );
    } catch (e) {
      throw new InvalidInputError(
        `--ca-bundle ${opts.caBundle}: ${(e as Error).message}`,
        [],
        'E_INPUT_UNREADABLE',
      );
    }
    if (!caBundlePem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InvalidInputError(
        `--ca-bundle ${opts.caBundle}: not a PEM certificate bundle`,
        [],
        'E_INPUT_UNREADABLE',
      );
    }
  }
  const objects = webhookManifests({
    namespace: opts.namespace,
    name: opts.name,
    image: opts.image,
    replicas: opts.replicas,
    timeoutSeconds: opts.timeoutSeconds,
    failurePolicy: opts.failurePolicy,
    tlsSecret: opts.tlsSecret,
    ...(caBundlePem ? { caBundlePem } : {}),
    ...(opts.url ? { url: opts.url } : {}),
    ...(opts.plainHttp ? { extraArgs: ['--plain-http'] } : {}),
  });
  ctx.io.stdout.write(
    opts.output === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
      : toKubeYamlStream(objects),
  );
  return 0;
}
