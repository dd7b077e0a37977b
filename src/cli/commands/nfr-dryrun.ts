/**
 * `imgcompat nfr dryrun --rule FILE --features FILE`: what NodeFeatureRule / NodeFeatureGroup objects
 * would do to the node described by a features file (`kubectl nfd dryrun`), see core/report/dryrun.ts;
 * outputs are prefixed and filtered as nfd-master does, dropped ones listed and warned about on stderr.
 * Exit 0 when every rule evaluated and every output would be accepted; 3 when a rule failed to
 * evaluate or an output is invalid (nfd-master would drop it), or a file is invalid.
 */
import { loadFeatures, singleFeatures } from '../../core/load/load-features.ts';
import { loadRules } from '../../core/load/load-rule.ts';
import { type DryRun, dryRun, nodeOutputs } from '../../core/report/dryrun.ts';
import { formatDiagnostics } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import { readFlagFile } from './input-files.ts';

export interface NfrDryRunOptions {
  rule: string;
  features: string;
  output: 'text' | 'json';
}

function section(title: string, entries: string[]): string {
  return entries.length === 0 ? '' : `  ${title}:\n${entries.map((e) => `    ${e}\n`).join('')}`;
}

function formatText(results: readonly DryRun[]): string {
  let out = '';
  for (const r of results) {
    out += `${r.kind} ${r.name}\n`;
    for (const rule of r.rules) {
      const vars = rule.vars
        ? ` (vars: ${Object.entries(rule.vars)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')})`
        : '';
      const status =
        rule.status === 'matched'
          ? 'matched'
          : rule.status === 'not-matched'
            ? 'did not match'
            : `error: ${rule.error}`;
      out += `  rule ${JSON.stringify(rule.name)}: ${status}${vars}\n`;
    }
    if (r.kind === 'NodeFeatureGroup') {
      out += `  node ${JSON.stringify(r.nodeName)}: ${r.member ? 'member of the group' : 'not a member'}\n`;
      continue;
    }
    out += section(
      'Labels',
      Object.entries(r.labels).map(([k, v]) => `${k}=${v}`),
    );
    out += section(
      'Annotations',
      Object.entries(r.annotations).map(([k, v]) => `${k}=${v}`),
    );
    out += section(
      'Extended resources',
      Object.entries(r.extendedResources).map(([k, v]) => `${k}=${v}`),
    );
    out += section(
      'Taints',
      r.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    );
    out += section('Dropped by nfd-master', r.dropped);
    out += section('Problems', r.problems);
  }
  if (results.filter((r) => r.kind === 'NodeFeatureRule').length > 1) {
    const node = nodeOutputs(results);
    out += 'Node (what nfd-master writes: the objects above merged in name order)\n';
    out += section(
      'Labels',
      Object.entries(node.labels).map(([k, v]) => `${k}=${v}`),
    );
    out += section(
      'Annotations',
      Object.entries(node.annotations).map(([k, v]) => `${k}=${v}`),
    );
    out += section(
      'Extended resources',
      Object.entries(node.extendedResources).map(([k, v]) => `${k}=${v}`),
    );
  }
  return out;
}

export async function run(opts: NfrDryRunOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { documents, warnings } = loadRules(await readFlagFile(io.cwd, opts.rule, '--rule', io.readStdin), {
    file: opts.rule,
  });
  const loaded = loadFeatures(await readFlagFile(io.cwd, opts.features, '--features', io.readStdin), {
    file: opts.features,
  });
  for (const line of formatDiagnostics([...warnings, ...loaded.warnings]))
    io.stderr.write(`imgcompat: ${line}\n`);
  const features = singleFeatures(loaded, opts.features);
  const results = dryRun(
    documents.map((d) => d.object),
    features,
  );
  for (const r of results) {
    if (r.kind !== 'NodeFeatureRule') continue;
    for (const d of r.dropped) io.stderr.write(`imgcompat: warning: NodeFeatureRule ${r.name}: ${d}\n`);
  }
  io.stdout.write(opts.output === 'json' ? `${JSON.stringify(results, null, 2)}\n` : formatText(results));
  const failed = results.some(
    (r) =>
      r.rules.some((x) => x.status === 'error') || (r.kind === 'NodeFeatureRule' && r.problems.length > 0),
  );
  return failed ? EXIT.invalidInput : EXIT.ok;
}
