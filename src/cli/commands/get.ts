/** `imgcompat get IMAGE [--digest D]`: prints the spec bytes exactly as stored. */

import { escapeControlChars, UsageError } from '../../errors.ts';
import { isDigest } from '../../registry/descriptor.ts';
import { fetchNewestSpec, fetchSpecByDigest, parseReference } from '../../registry/index.ts';
import type { CommandContext } from '../program.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';
import { checkSpec } from './spec-check.ts';

export interface GetFlags extends RegistryFlags {
  image: string;
  digest?: string;
}

export async function run(opts: GetFlags, ctx: CommandContext): Promise<number> {
  const reference = parseReference(opts.image);
  if (opts.digest !== undefined && !isDigest(opts.digest)) {
    throw new UsageError(`--digest "${opts.digest}": expected sha256:<64 hex digits>`);
  }
  const reg = await registryOptions(opts, ctx);
  const spec = opts.digest
    ? await fetchSpecByDigest(reference, opts.digest, reg)
    : await fetchNewestSpec(reference, reg);
  for (const w of spec.warnings ?? []) ctx.io.stderr.write(`imgcompat: warning: ${escapeControlChars(w)}\n`);
  // An artifact whose layer is not a valid spec is reported with line:column, naming the artifact.
  await checkSpec(spec.bytes, `${spec.repository}@${spec.descriptor.digest}`);
  ctx.io.stdout.write(spec.bytes);
  return 0;
}
