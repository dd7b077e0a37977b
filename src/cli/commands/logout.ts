/** `imgcompat logout REGISTRY` */
import { UsageError } from '../../errors.ts';
import { normaliseRegistryArgument, removeLogin } from '../../registry/auth/login.ts';
import type { CommandContext } from '../program.ts';
import { absolutePath } from '../registry-options.ts';

export async function run(
  opts: { registry: string; registryConfig?: string },
  ctx: CommandContext,
): Promise<number> {
  const registry = normaliseRegistryArgument(opts.registry);
  if (!registry) throw new UsageError('logout: the registry is empty');
  const configFile = opts.registryConfig === undefined ? undefined : absolutePath(opts.registryConfig, ctx);
  const removed = await removeLogin(registry, ctx.io.env, configFile);
  ctx.io.stdout.write(
    removed ? `Removing login credentials for ${registry}\n` : `Not logged in to ${registry}\n`,
  );
  return 0;
}
