import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Register } from '../program.ts';
import { VERSION } from '../version.ts';

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((s) => s !== '')];
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
    return n;
  };
}

export const registerJob: Register = (program, ctx) => {
  program
    .command('job')
    .description('print a Kubernetes Job manifest that runs validate-node on a node')
    .requiredOption('--image <ref>', 'image whose compatibility artifact is checked')
    .option('--node <name>', 'node to validate (pins the pod with nodeName)')
    .option('-n, --namespace <ns>', 'namespace of the Job', 'default')
    .option('--name <name>', 'Job name (default: imgcompat-validate-<node>)')
    .option(
      '--job-image <ref>',
      'image that runs imgcompat (built from the Containerfile)',
      `localhost/imgcompat:${VERSION}`,
    )
    .option('--tags <tags>', 'only evaluate sets with these tags (comma-separated, repeatable)', list)
    .option('--platform <os[/arch[/variant]][:os_version]>', 'platform of the image to check')
    .option('--plain-http', 'talk to the registry over plain HTTP')
    .option('--registry-secret <name>', 'kubernetes.io/dockerconfigjson Secret with registry credentials')
    .option('--ca-configmap <name[:key]>', 'ConfigMap holding the registry CA bundle (key default ca.crt)')
    .option('--deadline <seconds>', 'activeDeadlineSeconds of the Job', positiveInt('--deadline'))
    .addOption(
      new Option('--report-output <format>', 'report format in the Job log').choices([
        'table',
        'json',
        'yaml',
      ]),
    )
    .addOption(
      new Option('-o, --output <format>', 'manifest format').choices(['yaml', 'json']).default('yaml'),
    )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat job --image registry.example/app:1.0 --node worker-1 | kubectl apply -f -
  imgcompat job --image registry.example/app:1.0 --node gpu-7 --registry-secret regcred \\
      --ca-configmap registry-ca --namespace tools`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/job.ts');
      ctx.exitCode = await run(
        {
          image: opts.image,
          jobImage: opts.jobImage,
          namespace: opts.namespace,
          node: opts.node,
          name: opts.name,
          tags: opts.tags,
          platform: opts.platform,
          plainHttp: opts.plainHttp === true,
          registrySecret: opts.registrySecret,
          caConfigMap: opts.caConfigMap,
          deadlineSeconds: opts.deadline,
          output: opts.output as 'yaml' | 'json',
          reportOutput: opts.reportOutput as 'table' | 'json' | 'yaml' | undefined,
        },
        ctx,
      );
    });
};
