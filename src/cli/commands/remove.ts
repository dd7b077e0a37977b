/** `imgcompat remove IMAGE [--digest D | --all]` */
import { UsageError } from '../../errors.ts';
import { isDigest } from '../../registry/descriptor.ts';
import { parseReference, removeArtifacts } from '../../registry/index.ts';
import type { CommandContext } from '../program.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

export interface RemoveFlags extends RegistryFlags {
  image: string;
  digest?: string;
  all?: boolean;
}

export async function run(opts: RemoveFlags, ctx: CommandContext): Promise<number> {
  if (opts.digest && opts.all) throw new UsageError('--digest and --all cannot be combined');
  if (opts.digest !== undefined && !isDigest(opts.digest)) {
    throw new UsageError(`--digest "${opts.digest}": expected sha256:<64 hex digits>`);
  }
  const reference = parseReference(opts.image);
  const reg = await registryOptions(opts, ctx);
  const r = await removeArtifacts(reference, { ...reg, digest: opts.digest, all: opts.all });
  for (const d of r.removed) ctx.io.stdout.write(`Removed ${r.repository}@${d.digest}\n`);
  return 0;
}
