import { Argument } from 'commander';
import type { Register } from '../program.ts';

export const registerSchema: Register = (program, ctx) => {
  program
    .command('schema')
    .description(
      'print the JSON Schema of image compatibility specs (spec) or NodeFeatureRule/NodeFeatureGroup (nfr)',
    )
    .addArgument(new Argument('<kind>', 'spec or nfr').choices(['spec', 'nfr']))
    .addHelpText(
      'after',
      `
Example:
  imgcompat schema spec > spec.schema.json
then start the spec file with this line, for completion and checks in editors that use
yaml-language-server:
  # yaml-language-server: $schema=./spec.schema.json`,
    )
    .action(async (kind: string) => {
      const { nfrSchema, specSchema } = await import('../../lint/json-schema.ts');
      ctx.io.stdout.write(`${JSON.stringify(kind === 'nfr' ? nfrSchema() : specSchema(), null, 2)}\n`);
      ctx.exitCode = 0;
    });
};
