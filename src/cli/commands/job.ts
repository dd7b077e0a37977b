import { isDNS1123Subdomain, isValidLabelValue } from '../../core/validate/k8s.ts';
import { UsageError } from '../../errors.ts';
import { buildValidateJob, type JobOptions } from '../../k8s/job-manifest.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import { parseReference } from '../../registry/reference.ts';
import type { CommandContext } from '../program.ts';

export interface JobCommandOptions extends Omit<JobOptions, 'output'> {
  output: 'yaml' | 'json';
  reportOutput?: 'table' | 'json' | 'yaml';
}

/** apimachinery validation.IsDNS1123Label (what ValidateNamespaceName checks). */
const DNS1123_LABEL_RE = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL_RE.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')",
    );
  }
  return errs;
}

function check(flag: string, value: string | undefined, problems: (v: string) => string[]): void {
  if (value === undefined) return;
  const errs = problems(value);
  if (errs.length) throw new UsageError(`${flag} ${JSON.stringify(value.slice(0, 300))}: ${errs.join('; ')}`);
}

function checkImage(flag: string, value: string): void {
  try {
    parseReference(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

/**
 * Every value that goes into the manifest is checked as the API server would (namespace: a DNS-1123
 * label, ValidateNamespaceName; node: a DNS-1123 subdomain, ValidateNodeName; Job name: a subdomain that
 * is also a label value, as the Job controller labels its pods with it) so that a typo is a usage error
 * here, not a manifest kubectl refuses later.
 */
function validate(opts: JobCommandOptions): void {
  checkImage('--image', opts.image);
  checkImage('--job-image', opts.jobImage);
  check('--node', opts.node, isDNS1123Subdomain);
  check('--namespace', opts.namespace, dns1123Label);
  check('--name', opts.name, (v) => [...isDNS1123Subdomain(v), ...isValidLabelValue(v)]);
}

/** Prints the Job manifest; nothing is sent to a cluster (pipe it to `kubectl apply -f -`). */
export async function run(opts: JobCommandOptions, ctx: CommandContext): Promise<number> {
  validate(opts);
  const { output, reportOutput, ...rest } = opts;
  const job = buildValidateJob({ ...rest, ...(reportOutput ? { output: reportOutput } : {}) });
  ctx.io.stdout.write(output === 'json' ? `${JSON.stringify(job, null, 2)}\n` : toKubeYaml(job));
  return 0;
}
