/** `imgcompat get IMAGE [--digest D]`: prints the spec bytes exactly as stored. */

import { ArtifactNotFoundError, escapeControlChars, ImgcompatError, UsageError } from '../../errors.ts';
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
    ? await fetchSpecByDigest(reference, opts.digest, reg).catch((err: unknown) => {
        // The image is there but no manifest has that digest: no such artifact (exit 5, as when the
        // image has none), not a registry failure.
        if (
          ImgcompatError.is(err) &&
          err.code === 'E_MANIFEST_UNKNOWN' &&
          err.message.includes(opts.digest!)
        ) {
          throw new ArtifactNotFoundError(
            `${opts.image}: no compatibility artifact ${opts.digest} (see \`imgcompat discover ${opts.image}\`)`,
          );
        }
        throw err;
      })
    : await fetchNewestSpec(reference, reg);
  for (const w of spec.warnings ?? []) ctx.io.stderr.write(`imgcompat: warning: ${escapeControlChars(w)}\n`);
  // An artifact whose layer is not a valid spec is reported with line:column, naming the artifact.
  await checkSpec(spec.bytes, `${spec.repository}@${spec.descriptor.digest}`);
  ctx.io.stdout.write(spec.bytes);
  return 0;
}
