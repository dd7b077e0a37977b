/**
 * `imgcompat remove IMAGE [--digest D | --all] [--dry-run] [--force]`. On a terminal it asks before
 * deleting unless --force (as `oras manifest delete`); --dry-run only prints what would be deleted.
 */
import { UsageError } from '../../errors.ts';
import { type Descriptor, isDigest } from '../../registry/descriptor.ts';
import { parseReference, removeArtifacts } from '../../registry/index.ts';
import type { CommandContext } from '../program.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

export interface RemoveFlags extends RegistryFlags {
  image: string;
  digest?: string;
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export async function run(opts: RemoveFlags, ctx: CommandContext): Promise<number> {
  if (opts.digest && opts.all) throw new UsageError('--digest and --all cannot be combined');
  if (opts.digest !== undefined && !isDigest(opts.digest)) {
    throw new UsageError(`--digest "${opts.digest}": expected sha256:<64 hex digits>`);
  }
  const reference = parseReference(opts.image);
  const reg = await registryOptions(opts, ctx);
  let planned: readonly Descriptor[] = [];
  const r = await removeArtifacts(reference, {
    ...reg,
    digest: opts.digest,
    all: opts.all,
    beforeDelete: async (targets) => {
      planned = targets;
      if (opts.dryRun) return false;
      if (opts.force || !ctx.io.confirm) return true;
      const list = targets.map((t) => `  ${t.digest}\n`).join('');
      return ctx.io.confirm(
        `Delete ${targets.length} compatibility artifact${targets.length === 1 ? '' : 's'} of ${opts.image}?\n${list}[y/N] `,
      );
    },
  });
  const repository = r.repository;
  if (opts.dryRun) {
    for (const d of planned) ctx.io.stdout.write(`Would remove ${repository}@${d.digest}\n`);
    return 0;
  }
  if (r.removed.length === 0) ctx.io.stderr.write('imgcompat: nothing removed\n');
  for (const d of r.removed) ctx.io.stdout.write(`Removed ${repository}@${d.digest}\n`);
  return 0;
}
