/**
 * `imgcompat webhook manifests`: print the complete install of the webhook (k8s/webhook/manifests.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidInputError, UsageError } from '../../errors.ts';
import { toKubeYamlStream } from '../../k8s/kube-yaml.ts';
import type { FailurePolicy, Mode } from '../../k8s/webhook/admission.ts';
import { type CertSource, webhookManifests } from '../../k8s/webhook/manifests.ts';
import type { CommandContext } from '../program.ts';

export interface WebhookManifestsOptions {
  namespace: string;
  name: string;
  image?: string;
  replicas: number;
  timeoutSeconds: number;
  failurePolicy: FailurePolicy;
  mode: Mode;
  namespaceLabel: string;
  certManager?: boolean;
  selfSigned?: boolean;
  certDays: number;
  certSan?: string[];
  tlsSecret: string;
  caBundle?: string;
  url?: string;
  plainHttp?: boolean;
  output: 'yaml' | 'json';
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function certSource(opts: WebhookManifestsOptions, cwd: string): CertSource {
  const chosen = [
    opts.certManager && '--cert-manager',
    opts.selfSigned && '--self-signed',
    opts.caBundle !== undefined && '--ca-bundle',
  ].filter(Boolean);
  if (chosen.length !== 1) {
    throw new UsageError(
      chosen.length === 0
        ? 'choose the serving certificate: --cert-manager (cert-manager issues it), --self-signed (generated now) or --ca-bundle FILE (your own Secret)'
        : `${chosen.join(' and ')} cannot be combined: choose one serving certificate source`,
    );
  }
  if (opts.certSan?.length && !opts.selfSigned) {
    throw new UsageError('--cert-san applies to --self-signed only');
  }
  if (opts.certManager) return { kind: 'cert-manager' };
  if (opts.selfSigned) return { kind: 'self-signed', days: opts.certDays, extraSans: opts.certSan ?? [] };
  const file = opts.caBundle as string;
  let pem: string;
  try {
    pem = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      `--ca-bundle ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      [],
      'E_INPUT_UNREADABLE',
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InvalidInputError(
      `--ca-bundle ${file}: not a PEM certificate bundle`,
      [],
      'E_INPUT_UNREADABLE',
    );
  }
  return { kind: 'ca-bundle', pem };
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
  if (!opts.url && !opts.image) {
    throw new UsageError(
      '--image is required: no imgcompat image is published for you to pull. Build one with ' +
        '`bash scripts/build-image.sh REGISTRY/imgcompat:TAG` (after `npm run build`), push it to a registry ' +
        'your nodes can pull from (e.g. `buildah push --storage-driver vfs REGISTRY/imgcompat:TAG`), ' +
        'then pass --image REGISTRY/imgcompat:TAG',
    );
  }
  const eq = opts.namespaceLabel.indexOf('=');
  const key = eq < 0 ? '' : opts.namespaceLabel.slice(0, eq);
  const value = eq < 0 ? '' : opts.namespaceLabel.slice(eq + 1);
  if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value) || value.length > 63) {
    throw new UsageError(
      `--namespace-label "${opts.namespaceLabel}": expected KEY=VALUE with a Kubernetes label key and value`,
    );
  }
  const cert = certSource(opts, ctx.io.cwd);
  const objects = webhookManifests({
    namespace: opts.namespace,
    name: opts.name,
    ...(opts.image ? { image: opts.image } : {}),
    replicas: opts.replicas,
    timeoutSeconds: opts.timeoutSeconds,
    failurePolicy: opts.failurePolicy,
    mode: opts.mode,
    tlsSecret: opts.tlsSecret,
    cert,
    namespaceLabel: { key, value },
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
