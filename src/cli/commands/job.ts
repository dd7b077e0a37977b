import { buildValidateJob, type JobOptions } from '../../k8s/job-manifest.ts';
import { toKubeYaml } from '../../k8s/kube-yaml.ts';
import type { CommandContext } from '../program.ts';

export interface JobCommandOptions extends Omit<JobOptions, 'output'> {
  output: 'yaml' | 'json';
  reportOutput?: 'table' | 'json' | 'yaml';
}

/** Prints the Job manifest; nothing is sent to a cluster (pipe it to `kubectl apply -f -`). */
export async function run(opts: JobCommandOptions, ctx: CommandContext): Promise<number> {
  const { output, reportOutput, ...rest } = opts;
  const job = buildValidateJob({ ...rest, ...(reportOutput ? { output: reportOutput } : {}) });
  ctx.io.stdout.write(output === 'json' ? `${JSON.stringify(job, null, 2)}\n` : toKubeYaml(job));
  return 0;
}
