/**
 * `imgcompat eval --spec FILE --features FILE [--tags t1,t2] [-o table|json|yaml] [--summary]`: evaluate an image
 * compatibility spec against a saved features file and print the report `nfd compat validate-node`
 * prints (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go `Execute`), byte for byte. Unlike NFD, the exit status tells the verdict
 * (0: at least one set passed, 1: none), and the table ends with a one-line verdict.
 */
import { loadFeatures, singleFeatures } from '../../core/load/load-features.ts';
import { loadSpec } from '../../core/load/load-spec.ts';
import { validateNodeExplained } from '../../core/report/explain.ts';
import { validateNode } from '../../core/report/node-validator.ts';
import { formatDiagnostics } from '../../errors.ts';
import type { CommandContext } from '../program.ts';
import { printReport } from '../report-output.ts';
import { readFlagFile } from './input-files.ts';

export interface EvalOptions {
  spec: string;
  features: string;
  /** `--tags`, already split (cobra StringSlice semantics). Empty keeps every set. */
  tags: string[];
  output: 'table' | 'json' | 'yaml';
  /** `--summary`: the verdict summary instead of NFD's report, in the chosen format. */
  summary?: boolean;
  /** NFD's `--output-json`: its exact bytes (no trailing newline). */
  outputJson?: boolean;
  /** `--explain`: the host's values and the reason for each expression. */
  explain?: boolean;
}

export async function run(opts: EvalOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const specText = await readFlagFile(io.cwd, opts.spec, '--spec', io.readStdin);
  const { spec, warnings: specWarnings } = loadSpec(specText, { file: opts.spec });
  const featuresText = await readFlagFile(io.cwd, opts.features, '--features', io.readStdin);
  const loaded = loadFeatures(featuresText, { file: opts.features });
  for (const line of formatDiagnostics([...specWarnings, ...loaded.warnings]))
    io.stderr.write(`imgcompat: ${line}\n`);
  // A NodeFeatureList is accepted when it holds exactly one node.
  const features = singleFeatures(loaded, opts.features);

  const vopts = { tags: opts.tags, source: opts.spec };
  const explained = opts.explain ? validateNodeExplained(spec, features, vopts) : undefined;
  const report = explained?.report ?? validateNode(spec, features, vopts);
  return printReport(report, spec, io, {
    ...(explained ? { explained, explain: true } : {}),
    output: opts.output,
    summary: opts.summary === true,
    tags: opts.tags,
    specSource: opts.spec,
    nfdJson: opts.outputJson === true,
  });
}
