import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Register } from '../program.ts';

function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

export const registerWebhook: Register = (program, ctx) => {
  const webhook = program
    .command('webhook')
    .description('mutating admission webhook that adds compatibility node affinity to pods')
    .addHelpText(
      'after',
      `
Examples:
  imgcompat webhook manifests --image registry.example/imgcompat:0.1.0 --self-signed | kubectl apply -f -
  imgcompat webhook serve --tls-cert tls.crt --tls-key tls.key`,
    );

  webhook
    .command('serve')
    .description('serve the webhook over HTTPS (POST /mutate, GET /healthz) until SIGTERM')
    .requiredOption('--tls-cert <file>', 'PEM serving certificate (chain)')
    .requiredOption('--tls-key <file>', 'PEM private key of the certificate')
    .option('--address <ip>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'port to listen on (0: any free port)', intIn('--port', 0, 65535), 8443)
    .option('--timeout <duration>', "per-request deadline; keep it below the webhook's timeoutSeconds", '8s')
    .addOption(
      new Option(
        '--failure-policy <policy>',
        'when an artifact cannot be read in time: Ignore admits the pod unchanged for that image, Fail denies it',
      )
        .choices(['Ignore', 'Fail'])
        .default('Ignore'),
    )
    .option('--cache-ttl <duration>', 'how long an image (tag → digest → affinity) stays cached', '5m')
    .option(
      '--negative-cache-ttl <duration>',
      'how long "this image has no compatibility artifact" stays cached',
      '1m',
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'required: required terms only for set labels some Node carries now (else preferred + reason); preferred: never required terms; annotate: annotations and warnings only',
      )
        .choices(['required', 'preferred', 'annotate'])
        .default('required'),
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig for the Node/NodeFeatureRule watch and Events (default: KUBECONFIG, ~/.kube/config, then in-cluster config)',
    )
    .option('--context <name>', 'kubeconfig context to use (default: its current context)')
    .option(
      '--node-cache-stale <duration>',
      'how long Node labels stay trusted after the Node watch broke (then no required terms)',
      '30s',
    )
    .option('--plain-http', 'talk to registries over plain HTTP')
    .option('--insecure', 'use HTTPS to registries without verifying certificates')
    .option('--ca-file <file>', 'PEM CA certificates to trust for registries')
    .option('--verbose', 'log every admission on standard error')
    .addHelpText(
      'after',
      `
For each container image of a created pod that has a compatibility artifact, the pod gets node affinity
on the labels of \`imgcompat nfr generate\` merged into its own (the user's terms are kept: each required
term is ANDed with one compatibility set; preferred terms are appended) and the annotations
imgcompat.io/artifacts and imgcompat.io/applied. A required term is added only for set labels that at
least one Node carries now (the webhook lists and watches Nodes' label keys); otherwise only preferred
terms are added and imgcompat.io/reason says why; an image no node can run also gets an admission
warning and a NoCompatibleNode Event. Images without an artifact pass unchanged. Registry credentials come
from the Docker config (DOCKER_CONFIG / ~/.docker/config.json).

Example:
  imgcompat webhook serve --tls-cert /tls/tls.crt --tls-key /tls/tls.key --timeout 8s`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/webhook-serve.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          failurePolicy: opts.failurePolicy as 'Ignore' | 'Fail',
          mode: opts.mode as 'required' | 'preferred' | 'annotate',
        },
        ctx,
      );
    });

  webhook
    .command('manifests')
    .description(
      'print the complete install: Namespace, RBAC, Deployment, PodDisruptionBudget, Service, certificate and MutatingWebhookConfiguration',
    )
    .option('--image <ref>', 'image that runs imgcompat, pullable by the nodes (required unless --url)')
    .option('-n, --namespace <ns>', 'namespace of the webhook', 'imgcompat-system')
    .option('--name <name>', 'name of the Deployment, Service and configuration', 'imgcompat-webhook')
    .option('--replicas <n>', 'webhook replicas', intIn('--replicas', 1, 100), 2)
    .option(
      '--timeout-seconds <n>',
      "the API server's timeout for the webhook (the webhook answers 2 s earlier)",
      intIn('--timeout-seconds', 1, 30),
      10,
    )
    .addOption(
      new Option('--failure-policy <policy>', 'API server and webhook failure policy')
        .choices(['Ignore', 'Fail'])
        .default('Ignore'),
    )
    .addOption(
      new Option('--mode <mode>', 'webhook mode (see `webhook serve --help`)')
        .choices(['required', 'preferred', 'annotate'])
        .default('required'),
    )
    .option(
      '--namespace-label <key=value>',
      'only pods in namespaces with this label are mutated',
      'imgcompat.io/webhook=enabled',
    )
    .option('--cert-manager', 'serving certificate from cert-manager (Issuer, Certificate, CA injection)')
    .option('--self-signed', 'generate a CA and a serving certificate now (TLS Secret and caBundle)')
    .option(
      '--cert-days <n>',
      'validity of the --self-signed certificates, in days',
      intIn('--cert-days', 1, 3650),
      365,
    )
    .option(
      '--cert-san <name>',
      'extra DNS name or IP address in the --self-signed serving certificate (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--ca-bundle <file>',
      'PEM CA of a serving certificate you provide in the --tls-secret Secret yourself',
    )
    .option(
      '--tls-secret <name>',
      'kubernetes.io/tls Secret with the serving certificate',
      'imgcompat-webhook-tls',
    )
    .option(
      '--url <url>',
      'clientConfig.url of a webhook running outside the cluster (no Deployment/Service then)',
    )
    .option('--plain-http', 'pass --plain-http to the webhook (registries over plain HTTP)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `
Exactly one of --cert-manager, --self-signed or --ca-bundle chooses the serving certificate. The image
is not published anywhere: build it with \`bash scripts/build-image.sh REGISTRY/imgcompat:TAG\`, push it
where your nodes pull from, and pass --image REGISTRY/imgcompat:TAG. Only namespaces labelled
--namespace-label are served (\`kubectl label namespace NS imgcompat.io/webhook=enabled\`); kube-system
and the webhook's namespace never are. The failure policy defaults to Ignore: a registry or webhook
outage never blocks pod creation. The ClusterRole imgcompat-cluster-reader is what
\`imgcompat cluster validate\` needs; bind it to whoever runs it.

Example:
  imgcompat webhook manifests --image registry.example/imgcompat:0.1.0 --self-signed | kubectl apply -f -`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/webhook-manifests.ts');
      ctx.exitCode = await run(
        {
          ...opts,
          failurePolicy: opts.failurePolicy as 'Ignore' | 'Fail',
          mode: opts.mode as 'required' | 'preferred' | 'annotate',
          output: opts.output as 'yaml' | 'json',
        },
        ctx,
      );
    });
};
