import { type Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Register } from '../program.ts';

/**
 * cobra/pflag `StringSlice` semantics for `--tags`: each use is one CSV record (Go encoding/csv:
 * comma-separated, `"..."` quoting with `""` for a quote, no trimming), and repeated uses append.
 * An empty value adds nothing.
 */
export function parseStringSlice(value: string, previous: string[] = []): string[] {
  if (value === '') return previous;
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length)
          throw new UsageError(`invalid --tags value ${JSON.stringify(value)}: unterminated quote`);
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ',') {
        throw new UsageError(
          `invalid --tags value ${JSON.stringify(value)}: extraneous character after a quoted field`,
        );
      }
    } else {
      while (i < value.length && value[i] !== ',') {
        if (value[i] === '"')
          throw new UsageError(`invalid --tags value ${JSON.stringify(value)}: bare " in a field`);
        field += value[i++];
      }
    }
    fields.push(field);
    if (i >= value.length) break;
    i++; // the comma
  }
  return [...previous, ...fields];
}

/**
 * The report flags `eval` and `validate-node` share: `-o table|json|yaml`, NFD's `--output-json`, and
 * `--summary` (rendered in the chosen format). `reportFormat` turns the parsed flags into the format.
 */
export function addReportOutputOptions(cmd: Command): Command {
  return cmd
    .option(
      '--output-json',
      "print the JSON report (NFD flag: NFD's exact bytes, --output json without the final newline)",
    )
    .addOption(
      new Option('-o, --output <format>', 'report format: NFD table, NFD JSON, or YAML')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option(
      '--summary',
      'print a verdict summary (per set: compatible, first failing expression) in the chosen format instead',
    )
    .option(
      '--explain',
      "explain each expression: the host's value(s) it was compared with, why it failed, the closest matchAny branch (text under the table; an `explain` field per set with -o json/yaml)",
    );
}

export function reportFormat(opts: { output?: string; outputJson?: boolean }): 'table' | 'json' | 'yaml' {
  return opts.outputJson ? 'json' : ((opts.output ?? 'table') as 'table' | 'json' | 'yaml');
}

export const registerEval: Register = (program, ctx) => {
  const cmd = program
    .command('eval')
    .description('evaluate a compatibility spec against a saved features file and print the report')
    .requiredOption('--spec <file>', 'image compatibility spec (YAML or JSON, v1alpha1)')
    .requiredOption(
      '--features <file>',
      'node features: NFD Features JSON or a NodeFeature object (JSON or YAML)',
    )
    .option(
      '--tags <tags>',
      'only evaluate sets with one of these tags (comma-separated, repeatable)',
      parseStringSlice,
    );
  addReportOutputOptions(cmd)
    .addHelpText(
      'after',
      `
Exit status: 0 when at least one compatibility set passed, 1 when none did, 3 for an invalid file.
--explain adds, under the table, each expression with the host's value(s) and why it failed.
The table and JSON are byte-identical to \`nfd compat validate-node\`; the table is followed by a
one-line verdict. Colour follows NO_COLOR / FORCE_COLOR / TERM and is off when stdout is not a terminal.

Example:
  imgcompat eval --spec examples/spec.yaml --features examples/features.json`,
    )
    .action(async (opts) => {
      const { run } = await import('../commands/eval.ts');
      ctx.exitCode = await run(
        {
          spec: opts.spec,
          features: opts.features,
          tags: opts.tags ?? [],
          output: reportFormat(opts),
          summary: opts.summary === true,
          outputJson: opts.outputJson === true,
          explain: opts.explain === true,
        },
        ctx,
      );
    });
};
