/**
 * The complete install of `imgcompat webhook serve` in a cluster (`imgcompat webhook manifests`):
 * Namespace, ServiceAccount, the webhook's ClusterRole and its ClusterRoleBinding, the read-only
 * `imgcompat-cluster-reader` ClusterRole for people and Jobs running `imgcompat cluster ...`, Deployment,
 * PodDisruptionBudget, Service, the serving certificate and the MutatingWebhookConfiguration. The Helm
 * chart in deploy/helm/imgcompat renders the same objects (test/e2e/webhook-install.test.ts compares).
 *
 * Choices, documented in the README:
 * - the webhook lists and watches Nodes (label keys) and NodeFeatureRules and creates Events, so its
 *   ServiceAccount mounts its token and is bound to exactly those verbs;
 * - `failurePolicy` defaults to Ignore (a registry or webhook outage must not stop pod creation; pods then
 *   schedule without compatibility affinity) and `--failure-policy Fail` switches both the API server's
 *   policy and the webhook's own (deny when an artifact cannot be read);
 * - the webhook answers within `timeoutSeconds - 2` seconds, so the API server never times out first;
 * - only namespaces carrying the opt-in label (`--namespace-label`, default `imgcompat.io/webhook=enabled`)
 *   are served, and kube-system and the webhook's own namespace never are, so a broken webhook cannot block
 *   its own recovery;
 * - the serving certificate comes from cert-manager (`--cert-manager`: a self-signed Issuer, a Certificate
 *   and cainjector's annotation), from us (`--self-signed`: a CA and a serving pair made now, the TLS
 *   Secret, and `caBundle`), or from the user (`--ca-bundle`: the Secret must exist).
 */
import type { FailurePolicy, Mode } from './admission.ts';
import { makeWebhookPki } from './x509.ts';

export type CertSource =
  | { kind: 'cert-manager' }
  | { kind: 'self-signed'; days: number; extraSans: string[]; now?: Date }
  | { kind: 'ca-bundle'; pem: string };

export interface ManifestOptions {
  namespace: string;
  name: string;
  /** Required unless `url` is set (then nothing runs in the cluster). */
  image?: string;
  replicas: number;
  timeoutSeconds: number;
  failurePolicy: FailurePolicy;
  mode: Mode;
  /** Secret of type kubernetes.io/tls holding the serving certificate. */
  tlsSecret: string;
  cert: CertSource;
  /** Opt-in namespace label `key=value`. */
  namespaceLabel: { key: string; value: string };
  /** clientConfig.url instead of the Service (a webhook running outside the cluster). */
  url?: string;
  /** Extra `webhook serve` arguments (registry flags such as --plain-http). */
  extraArgs?: string[];
}

export const CLUSTER_READER_ROLE = 'imgcompat-cluster-reader';
export const DEFAULT_NAMESPACE_LABEL = { key: 'imgcompat.io/webhook', value: 'enabled' };
const TLS_DIR = '/etc/imgcompat/tls';

/** The DNS names the API server uses for the Service (`<svc>.<ns>.svc` is what it dials). */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

export function webhookManifests(o: ManifestOptions): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': o.name, 'app.kubernetes.io/managed-by': 'imgcompat' };
  const selector = { 'app.kubernetes.io/name': o.name };
  const deadline = Math.max(1, o.timeoutSeconds - 2);
  const meta = (name: string, namespaced = true) => ({
    name,
    ...(namespaced ? { namespace: o.namespace } : {}),
    labels,
  });
  const out: Record<string, unknown>[] = [];
  out.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: o.namespace,
      labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' },
    },
  });
  out.push({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(o.name),
    automountServiceAccountToken: true,
  });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta(o.name, false),
    rules: [
      // The Node label cache (list + watch; label keys only are kept).
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      // Which labels the applied NodeFeatureRules set ("rules never applied" vs "no node passes").
      { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeaturerules'], verbs: ['list', 'watch'] },
      // NoCompatibleNode events in the pods' namespaces.
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ],
  });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta(o.name, false),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: o.name },
    subjects: [{ kind: 'ServiceAccount', name: o.name, namespace: o.namespace }],
  });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta(CLUSTER_READER_ROLE, false),
    rules: [
      { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeatures'], verbs: ['list', 'get', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'get'] },
      {
        apiGroups: ['nfd.k8s-sigs.io'],
        resources: ['nodefeaturerules', 'nodefeaturegroups'],
        verbs: ['get', 'list'],
      },
    ],
  });
  if (!o.url) {
    if (!o.image) throw new Error('webhookManifests: an image is required for an in-cluster install');
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(o.name),
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: o.name,
            automountServiceAccountToken: true,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            // Replicas on different nodes when there are several.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
            containers: [
              {
                name: 'webhook',
                image: o.image,
                args: [
                  'webhook',
                  'serve',
                  '--tls-cert',
                  `${TLS_DIR}/tls.crt`,
                  '--tls-key',
                  `${TLS_DIR}/tls.key`,
                  '--port',
                  '8443',
                  '--timeout',
                  `${deadline}s`,
                  '--failure-policy',
                  o.failurePolicy,
                  '--mode',
                  o.mode,
                  ...(o.extraArgs ?? []),
                ],
                // A smaller young generation: the Node list's transient objects otherwise grow the
                // heap's semi-spaces to 16 MB each, ~40 MB of RSS (bench/webhook.bench.mjs).
                env: [{ name: 'NODE_OPTIONS', value: '--max-semi-space-size=4' }],
                ports: [{ name: 'https', containerPort: 8443 }],
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 5,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 20,
                },
                resources: {
                  requests: { cpu: '50m', memory: '96Mi' },
                  limits: { memory: '256Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }],
              },
            ],
            volumes: [{ name: 'tls', secret: { secretName: o.tlsSecret } }],
          },
        },
      },
    });
    out.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(o.name),
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(o.name),
      spec: { selector, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
    });
  }
  let caBundlePem: string | undefined;
  const annotations: Record<string, string> = {};
  if (o.cert.kind === 'cert-manager') {
    const issuer = `${o.name}-selfsigned`;
    out.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: meta(issuer),
      spec: { selfSigned: {} },
    });
    out.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(o.name),
      spec: {
        secretName: o.tlsSecret,
        dnsNames: serviceDnsNames(o.name, o.namespace),
        issuerRef: { kind: 'Issuer', name: issuer },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    });
    // cainjector copies the Certificate's CA into every webhook's clientConfig.caBundle.
    annotations['cert-manager.io/inject-ca-from'] = `${o.namespace}/${o.name}`;
  } else if (o.cert.kind === 'self-signed') {
    const pki = makeWebhookPki({
      caName: `${o.name} CA`,
      serverName: `${o.name}.${o.namespace}.svc`,
      sans: [...new Set([...serviceDnsNames(o.name, o.namespace), ...o.cert.extraSans])],
      days: o.cert.days,
      ...(o.cert.now ? { now: o.cert.now } : {}),
    });
    caBundlePem = pki.ca.certPem;
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(o.tlsSecret),
      type: 'kubernetes.io/tls',
      // The CA's key is not kept: renewing means running `webhook manifests --self-signed` again.
      stringData: { 'tls.crt': pki.server.certPem, 'tls.key': pki.server.keyPem, 'ca.crt': pki.ca.certPem },
    });
  } else {
    caBundlePem = o.cert.pem;
  }
  const clientConfig: Record<string, unknown> = o.url
    ? { url: o.url }
    : { service: { name: o.name, namespace: o.namespace, path: '/mutate', port: 443 } };
  if (caBundlePem) clientConfig.caBundle = Buffer.from(caBundlePem).toString('base64');
  out.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: o.name,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    webhooks: [
      {
        name: 'pods.imgcompat.io',
        admissionReviewVersions: ['v1'],
        // Events are the one side effect, and they are skipped for dry-run requests.
        sideEffects: 'NoneOnDryRun',
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
            { key: o.namespaceLabel.key, operator: 'In', values: [o.namespaceLabel.value] },
            {
              key: 'kubernetes.io/metadata.name',
              operator: 'NotIn',
              values: [...new Set(['kube-system', o.namespace])],
            },
          ],
        },
      },
    ],
  });
  return out;
}
