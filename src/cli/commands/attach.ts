/** `imgcompat attach IMAGE SPEC.yaml [--annotation k=v]...` */
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { InvalidInputError, UsageError } from '../../errors.ts';
import { attachSpec, formatReference, parseReference } from '../../registry/index.ts';
import { type FormatFlags, formatOf, writeFormatted } from '../format-option.ts';
import type { CommandContext } from '../program.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';
import { checkSpec } from './spec-check.ts';

export interface AttachFlags extends RegistryFlags, FormatFlags {
  image: string;
  spec: string;
  annotation?: string[];
  output?: 'text' | 'json';
}

export async function run(opts: AttachFlags, ctx: CommandContext): Promise<number> {
  const reference = parseReference(opts.image);
  const format = formatOf(opts) ?? (opts.output === 'json' ? 'json' : undefined);
  const annotations: Record<string, string> = {};
  for (const a of opts.annotation ?? []) {
    const eq = a.indexOf('=');
    const key = a.slice(0, eq);
    if (!key) throw new UsageError(`--annotation "${a}": the key is empty`);
    if (key in annotations) throw new UsageError(`--annotation ${key} given twice`);
    annotations[key] = a.slice(eq + 1);
  }
  const path = isAbsolute(opts.spec) ? opts.spec : join(ctx.io.cwd, opts.spec);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new InvalidInputError(
      `${opts.spec}: cannot read the spec (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  // Refuse to push what a reader could not use (issue: attach refuses an invalid spec).
  await checkSpec(bytes, opts.spec);
  const reg = await registryOptions(opts, ctx);
  const result = await attachSpec(reference, bytes, { ...reg, annotations, title: basename(opts.spec) });
  if (format !== undefined) {
    await writeFormatted(
      ctx.io.stdout,
      {
        reference: `${result.repository}@${result.artifact.digest}`,
        subject: `${result.repository}@${result.subject.digest}`,
        ...result.artifact,
      },
      format,
    );
  } else {
    ctx.io.stdout.write(
      `Attached to ${result.repository}@${result.subject.digest} (${formatReference(reference)})\n`,
    );
    ctx.io.stdout.write(`Digest: ${result.artifact.digest}\n`);
  }
  return 0;
}
