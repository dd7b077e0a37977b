/**
 * The objects that run `imgcompat webhook serve` in a cluster (`imgcompat webhook manifests`):
 * ServiceAccount, the read-only ClusterRole the cluster commands need, Deployment, Service and the
 * MutatingWebhookConfiguration.
 *
 * Choices, documented in the README:
 * - the webhook never calls the API server, so its ServiceAccount mounts no token; the ClusterRole
 *   `imgcompat-cluster-reader` is for people and Jobs running `imgcompat cluster ...` (bind it yourself);
 * - `failurePolicy` defaults to Ignore (a registry or webhook outage must not stop pod creation; pods then
 *   schedule without compatibility affinity) and `--failure-policy Fail` switches both the API server's
 *   policy and the webhook's own (deny when an artifact cannot be read);
 * - the webhook answers within `timeoutSeconds - 2` seconds, so the API server never times out first;
 * - kube-system and the webhook's own namespace are excluded, so a broken webhook cannot block its own
 *   recovery.
 */
import { readFileSync } from 'node:fs';
import type { FailurePolicy } from './admission.ts';

export interface ManifestOptions {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  timeoutSeconds: number;
  failurePolicy: FailurePolicy;
  /** Secret of type kubernetes.io/tls holding the serving certificate. */
  tlsSecret: string;
  /** PEM CA bundle for clientConfig.caBundle; without it, a cert-manager CA-injection annotation is set. */
  caBundlePem?: string;
  /** clientConfig.url instead of the Service (a webhook running outside the cluster). */
  url?: string;
  /** Extra `webhook serve` arguments (registry flags such as --plain-http). */
  extraArgs?: string[];
}

export const CLUSTER_READER_ROLE = 'imgcompat-cluster-reader';

export function readCaBundle(file: string): string {
  return readFileSync(file, 'utf8');
}

export function webhookManifests(o: ManifestOptions): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': o.name, 'app.kubernetes.io/managed-by': 'imgcompat' };
  const deadline = Math.max(1, o.timeoutSeconds - 2);
  const sa = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: o.name, namespace: o.namespace, labels },
    automountServiceAccountToken: false,
  };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: CLUSTER_READER_ROLE, labels },
    rules: [
      { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeatures'], verbs: ['list', 'get', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'get'] },
      {
        apiGroups: ['nfd.k8s-sigs.io'],
        resources: ['nodefeaturerules', 'nodefeaturegroups'],
        verbs: ['get', 'list'],
      },
    ],
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': o.name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: o.name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'webhook',
              image: o.image,
              args: [
                'webhook',
                'serve',
                '--tls-cert',
                '/etc/imgcompat/tls/tls.crt',
                '--tls-key',
                '/etc/imgcompat/tls/tls.key',
                '--port',
                '8443',
                '--timeout',
                `${deadline}s`,
                '--failure-policy',
                o.failurePolicy,
                ...(o.extraArgs ?? []),
              ],
              ports: [{ name: 'https', containerPort: 8443 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tls', mountPath: '/etc/imgcompat/tls', readOnly: true }],
            },
          ],
          volumes: [{ name: 'tls', secret: { secretName: o.tlsSecret } }],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      selector: { 'app.kubernetes.io/name': o.name },
      ports: [{ name: 'https', port: 443, targetPort: 'https' }],
    },
  };
  const clientConfig: Record<string, unknown> = o.url
    ? { url: o.url }
    : { service: { name: o.name, namespace: o.namespace, path: '/mutate', port: 443 } };
  if (o.caBundlePem) clientConfig.caBundle = Buffer.from(o.caBundlePem).toString('base64');
  const mwc = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: o.name,
      labels,
      ...(o.caBundlePem
        ? {}
        : { annotations: { 'cert-manager.io/inject-ca-from': `${o.namespace}/${o.tlsSecret}` } }),
    },
    webhooks: [
      {
        name: 'pods.imgcompat.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: o.failurePolicy,
        timeoutSeconds: o.timeoutSeconds,
        reinvocationPolicy: 'Never',
        matchPolicy: 'Equivalent',
        clientConfig,
        rules: [
          {
            operations: ['CREATE'],
            apiGroups: [''],
            apiVersions: ['v1'],
            resources: ['pods'],
            scope: 'Namespaced',
          },
        ],
        namespaceSelector: {
          matchExpressions: [
            {
              key: 'kubernetes.io/metadata.name',
              operator: 'NotIn',
              values: [...new Set(['kube-system', o.namespace])],
            },
          ],
        },
      },
    ],
  };
  // With a URL the webhook runs outside the cluster: no Deployment or Service to create.
  return o.url ? [sa, role, mwc] : [sa, role, deployment, service, mwc];
}
