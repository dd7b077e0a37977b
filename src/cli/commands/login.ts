/**
 * `imgcompat login REGISTRY -u USER [-p PASSWORD | --password-stdin]`: verify, then store as docker does.
 * With neither, a terminal is asked for the password.
 */
import { UsageError } from '../../errors.ts';
import { normaliseRegistryArgument, saveLogin } from '../../registry/auth/login.ts';
import { createClient } from '../../registry/index.ts';
import { registryError } from '../../registry/registry-errors.ts';
import type { CommandContext } from '../program.ts';
import {
  PASSWORD_FLAG_WARNING,
  type RegistryFlags,
  registryOptions,
  trimStdinSecret,
} from '../registry-options.ts';

export interface LoginFlags extends RegistryFlags {
  registry: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export async function run(opts: LoginFlags, ctx: CommandContext): Promise<number> {
  const registry = normaliseRegistryArgument(opts.registry);
  if (!registry) throw new UsageError('login: the registry is empty');
  if (!opts.username) throw new UsageError('login: --username (-u) is required');
  if (opts.password !== undefined && opts.passwordStdin) {
    throw new UsageError('login: -p/--password and --password-stdin cannot be combined');
  }
  let password: string;
  if (opts.password !== undefined) {
    ctx.io.stderr.write(`imgcompat: warning: ${PASSWORD_FLAG_WARNING}\n`);
    password = opts.password;
  } else if (opts.passwordStdin) password = trimStdinSecret(await ctx.io.readStdin());
  // On a terminal, ask as docker and oras do (no echo); elsewhere there is no one to ask.
  else if (ctx.io.promptSecret) password = await ctx.io.promptSecret('Password: ');
  else {
    throw new UsageError(
      'login: give the password on standard input with --password-stdin, or with -p (not a terminal, so login cannot ask)',
    );
  }
  if (password === '') throw new UsageError('login: the password is empty');
  const reg = await registryOptions(
    { ...opts, password: undefined, registryPasswordStdin: false, registryTokenStdin: false },
    ctx,
  );
  const client = createClient({ ...reg, credentials: { username: opts.username, password } });
  // GET /v2/ answers 401 until the credentials are accepted (Basic) or a token was issued for them (Bearer).
  const status = await client.ping(registry);
  if (status !== 200) {
    throw registryError(`login to ${registry}: /v2/ answered HTTP ${status}; is this a registry?`, {
      registry,
      status,
    });
  }
  const saved = await saveLogin(registry, opts.username, password, ctx.io.env, reg.registryConfig);
  ctx.io.stdout.write(
    `Login Succeeded${saved.helper ? ` (stored by docker-credential-${saved.helper})` : ` (${saved.path})`}\n`,
  );
  return 0;
}
