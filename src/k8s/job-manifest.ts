/**
 * Builds the Kubernetes Job that runs `imgcompat validate-node` on one node. Pure: returns plain
 * objects; the CLI serialises them.
 *
 * Follows NFD's documented Job (docs/usage/image-compatibility.md, NFD v0.19.0 docs/usage/image-compatibility.md) and fixes its
 * gaps: the Job is pinned to a node (NFD's validates an arbitrary node), the registry CA volume is
 * actually mounted (NFD declares it and never mounts it), credentials come from a Secret (never inline),
 * NODE_NAME is set so `system.name.nodename` is filled, and the features.d directory is mounted so the
 * `local` source sees feature files (NFD's client skips that source).
 */

/** Where the host's directories appear in the container: NFD's `/host-` layout (NFD v0.19.0 pkg/utils/hostpath/hostpath.go). */
export const HOST_MOUNTS: readonly { name: string; hostPath: string; mountPath: string; type: string }[] = [
  { name: 'host-boot', hostPath: '/boot', mountPath: '/host-boot', type: 'Directory' },
  { name: 'host-os-release', hostPath: '/etc/os-release', mountPath: '/host-etc/os-release', type: 'File' },
  { name: 'host-sys', hostPath: '/sys', mountPath: '/host-sys', type: 'Directory' },
  { name: 'host-usr-lib', hostPath: '/usr/lib', mountPath: '/host-usr/lib', type: 'Directory' },
  { name: 'host-lib', hostPath: '/lib', mountPath: '/host-lib', type: 'Directory' },
  { name: 'host-proc', hostPath: '/proc', mountPath: '/host-proc', type: 'Directory' },
  {
    // NFD's worker mounts features.d at the same path (it reads it without the prefix); a missing
    // directory must not stop the Job, hence DirectoryOrCreate is avoided and the type left empty.
    name: 'features-d',
    hostPath: '/etc/kubernetes/node-feature-discovery/features.d',
    mountPath: '/etc/kubernetes/node-feature-discovery/features.d',
    type: '',
  },
];

export interface JobOptions {
  /** The image whose compatibility is checked. */
  image: string;
  /** The image that runs imgcompat (built from the repository's Containerfile). */
  jobImage: string;
  node?: string;
  namespace: string;
  name?: string;
  tags?: string[];
  platform?: string;
  plainHttp?: boolean;
  output?: 'table' | 'json' | 'yaml';
  /** A `kubernetes.io/dockerconfigjson` Secret holding registry credentials. */
  registrySecret?: string;
  /** A ConfigMap (`NAME` or `NAME:KEY`, key defaults to `ca.crt`) with the registry's CA bundle. */
  caConfigMap?: string;
  /** Seconds the Job's pod may run (activeDeadlineSeconds). */
  deadlineSeconds?: number;
}

const CERT_DIR = '/etc/imgcompat/certs';
const DOCKER_CONFIG_DIR = '/var/run/imgcompat/docker';
/**
 * Exit codes that a retry cannot change (README "Exit codes"): incompatible, usage, invalid input,
 * no artifact, undetermined (the same host cannot read more features on a second try).
 */
const FINAL_EXIT_CODES = [1, 2, 3, 5, 6];

/** A DNS-1123 label from arbitrary text, at most `max` characters. */
export function dnsLabel(text: string, max = 63): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return s.slice(0, max).replace(/-$/, '') || 'x';
}

export function buildValidateJob(o: JobOptions): Record<string, unknown> {
  const args = ['validate-node', '--image', o.image, '--host-prefix', '/host-'];
  if (o.tags?.length) args.push('--tags', o.tags.join(','));
  if (o.platform) args.push('--platform', o.platform);
  if (o.plainHttp) args.push('--plain-http');
  if (o.output && o.output !== 'table') args.push('--output', o.output);

  const volumes: Record<string, unknown>[] = HOST_MOUNTS.map((m) => ({
    name: m.name,
    hostPath: m.type ? { path: m.hostPath, type: m.type } : { path: m.hostPath },
  }));
  const mounts: Record<string, unknown>[] = HOST_MOUNTS.map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    readOnly: true,
  }));
  const env: Record<string, unknown>[] = [
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'NO_COLOR', value: '1' },
  ];

  if (o.caConfigMap) {
    const [cm, key = 'ca.crt'] = o.caConfigMap.split(':') as [string, string?];
    volumes.push({ name: 'registry-ca', configMap: { name: cm, items: [{ key, path: 'ca.crt' }] } });
    mounts.push({ name: 'registry-ca', mountPath: CERT_DIR, readOnly: true });
    args.push('--ca-file', `${CERT_DIR}/ca.crt`);
  }
  if (o.registrySecret) {
    volumes.push({
      name: 'registry-auth',
      secret: { secretName: o.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
    });
    mounts.push({ name: 'registry-auth', mountPath: DOCKER_CONFIG_DIR, readOnly: true });
    env.push({ name: 'DOCKER_CONFIG', value: DOCKER_CONFIG_DIR });
  }

  const name = o.name ?? dnsLabel(`imgcompat-validate-${o.node ?? 'node'}`, 52);
  const podSpec: Record<string, unknown> = {
    ...(o.node ? { nodeName: o.node } : {}),
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'validate-node',
        image: o.jobImage,
        imagePullPolicy: 'IfNotPresent',
        args,
        env,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: {
          requests: { cpu: '50m', memory: '64Mi' },
          limits: { memory: '256Mi' },
        },
        volumeMounts: mounts,
      },
    ],
    volumes,
  };

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: o.namespace,
      labels: { 'app.kubernetes.io/name': 'imgcompat', 'app.kubernetes.io/component': 'validate-node' },
    },
    spec: {
      backoffLimit: 1,
      ttlSecondsAfterFinished: 3600,
      ...(o.deadlineSeconds ? { activeDeadlineSeconds: o.deadlineSeconds } : {}),
      // A verdict (incompatible) or bad input will not change on retry; only registry/network
      // failures (exit 4) are worth the one retry backoffLimit allows.
      podFailurePolicy: {
        rules: [
          {
            action: 'FailJob',
            onExitCodes: { containerName: 'validate-node', operator: 'In', values: FINAL_EXIT_CODES },
          },
        ],
      },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'imgcompat' } },
        spec: podSpec,
      },
    },
  };
}
