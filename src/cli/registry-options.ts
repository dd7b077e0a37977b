/**
 * Flags shared by the registry commands (attach, discover, get, remove, login) and their translation into
 * the registry library's options. NFD's credential flags are kept as NFD spells and reads them
 * (NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go): the stdin value loses one trailing "\n" and then one trailing "\r".
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { parseGoDuration } from '../go/time.ts';
import type { RegistryOptions } from '../registry/index.ts';
import type { CommandContext } from './program.ts';

/** What oras and docker say when a password is given on the command line. */
export const PASSWORD_FLAG_WARNING =
  'using -p/--password on the command line is insecure (other users of this machine can see it); use --registry-password-stdin or --password-stdin';

export interface RegistryFlags {
  plainHttp?: boolean;
  insecure?: boolean;
  caFile?: string;
  registryUsername?: string;
  registryPasswordStdin?: boolean;
  registryTokenStdin?: boolean;
  /** oras' `-u/--username`, an alias of `--registry-username`. */
  username?: string;
  /** oras' `-p/--password`: never printed (not in errors, not in the --verbose trace). */
  password?: string;
  registryConfig?: string;
  timeout?: string;
  platform?: string;
  verbose?: boolean;
}

export function addRegistryOptions(
  cmd: Command,
  opts: { platform?: boolean; credentials?: boolean; ociLayout?: boolean } = {},
): Command {
  cmd
    .option('--plain-http', 'talk to the registry over plain HTTP')
    .option('--insecure', 'use HTTPS without verifying the certificate (explicit only)')
    .option('--ca-file <file>', 'PEM file of CA certificates to trust in addition to the default ones');
  if (opts.credentials !== false) {
    cmd
      .option('--registry-username <name>', 'user name for the registry (with --registry-password-stdin)')
      .option('--registry-password-stdin', 'read the registry password from standard input')
      .option('--registry-token-stdin', 'read a registry bearer token from standard input')
      .option('-u, --username <name>', 'user name for the registry (oras spelling of --registry-username)')
      .option(
        '-p, --password <password>',
        'registry password (as oras; visible to other users of this machine, prefer --registry-password-stdin)',
      );
  }
  cmd.option(
    '--registry-config <file>',
    "auth config file (docker config.json format) read instead of DOCKER_CONFIG's config.json",
  );
  cmd.option(
    '--timeout <duration>',
    'timeout of each registry request, a Go duration: 30s, 1m30s, 500ms (default 30s)',
  );
  if (opts.platform) {
    cmd.option(
      '--platform <os[/arch[/variant]][:os_version]>',
      'select this platform from a multi-platform image',
    );
  }
  cmd.option('--verbose', 'trace every registry request (method, URL, status) on standard error');
  if (opts.ociLayout) {
    cmd.option(
      '--oci-layout',
      'the image is an OCI image layout DIR[:tag|@digest] (as oras; same as oci:DIR)',
    );
    cmd.hook('preAction', (_parent, action) => {
      if (action !== cmd || !cmd.opts().ociLayout) return;
      // The image is this command's <image> argument or its --image option (one value or a list).
      if (cmd.registeredArguments[0]?.name() === 'image') {
        cmd.processedArgs[0] = layoutReference(cmd.processedArgs[0] as string);
      } else {
        const image = cmd.opts().image as string | string[] | undefined;
        if (typeof image === 'string') cmd.setOptionValue('image', layoutReference(image));
        else if (Array.isArray(image)) cmd.setOptionValue('image', image.map(layoutReference));
      }
    });
  }
  return cmd;
}

/** oras' `--oci-layout DIR[:tag|@digest]` as our `oci:DIR[:tag|@digest]` (already prefixed: unchanged). */
export function layoutReference(ref: string): string {
  return ref.startsWith('oci:') ? ref : `oci:${ref}`;
}

/** The longest delay a Node timer accepts (setTimeout: "delay ... larger than 2147483647"). */
export const MAX_DURATION_MS = 2 ** 31 - 1;
const MAX_DURATION_TEXT = '596h (2147483647ms)';

/**
 * Every duration flag (`--timeout`, the webhook's cache TTLs) → milliseconds: a Go duration as
 * `time.ParseDuration` reads it (`30s`, `1m30s`, `500ms`, `1.5h`), or a bare number of seconds (kept
 * from earlier releases). Zero and negative durations are refused.
 */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim();
  const nanos = /^\d+(?:\.\d+)?$/.test(text) ? BigInt(Math.round(Number(text) * 1e9)) : parseGoDuration(text);
  if (nanos === undefined) {
    // Well-formed but beyond Go's int64 nanoseconds: too long, as for any duration over the timer limit.
    if (/^\+?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.test(text))
      throw new UsageError(`${flag} "${value}": must be at most ${MAX_DURATION_TEXT}`);
    throw new UsageError(`${flag} "${value}": expected a duration such as 30s, 1m30s or 500ms`);
  }
  if (nanos <= 0n) throw new UsageError(`${flag} "${value}": must be more than zero`);
  const ms = Number(nanos) / 1e6;
  // Node's timers hold 2^31-1 ms (about 24.8 days); a longer delay fires at once with a warning, so an
  // over-long timeout would become an immediate one.
  if (ms > MAX_DURATION_MS) throw new UsageError(`${flag} "${value}": must be at most ${MAX_DURATION_TEXT}`);
  return Math.max(1, Math.round(ms));
}

/** NFD's stdin trimming: one trailing "\n", then one trailing "\r". */
export function trimStdinSecret(s: string): string {
  let v = s;
  if (v.endsWith('\n')) v = v.slice(0, -1);
  if (v.endsWith('\r')) v = v.slice(0, -1);
  return v;
}

export async function registryOptions(flags: RegistryFlags, ctx: CommandContext): Promise<RegistryOptions> {
  if (flags.registryPasswordStdin && flags.registryTokenStdin) {
    throw new UsageError('cannot use --registry-token-stdin and --registry-password-stdin at the same time');
  }
  if (flags.insecure && flags.plainHttp) {
    throw new UsageError(
      '--insecure and --plain-http cannot be combined: --insecure is HTTPS without verification',
    );
  }
  if (
    flags.username !== undefined &&
    flags.registryUsername !== undefined &&
    flags.username !== flags.registryUsername
  ) {
    throw new UsageError('-u/--username and --registry-username name different users; give one');
  }
  const username = flags.registryUsername ?? flags.username;
  const credentials: RegistryOptions['credentials'] = {};
  if (flags.password !== undefined) {
    if (flags.registryPasswordStdin || flags.registryTokenStdin) {
      throw new UsageError(
        '-p/--password cannot be combined with --registry-password-stdin or --registry-token-stdin',
      );
    }
    if (username === undefined) throw new UsageError('-p/--password needs -u/--username');
    ctx.io.stderr.write(`imgcompat: warning: ${PASSWORD_FLAG_WARNING}\n`);
    credentials.username = username;
    credentials.password = flags.password;
  } else if (flags.registryPasswordStdin) {
    const password = trimStdinSecret(await ctx.io.readStdin());
    // NFD uses the username only together with a password.
    if (username !== undefined) {
      credentials.username = username;
      credentials.password = password;
    }
  } else if (flags.registryTokenStdin) {
    credentials.token = trimStdinSecret(await ctx.io.readStdin());
  }
  const opts: RegistryOptions = {
    plainHttp: flags.plainHttp ?? false,
    insecure: flags.insecure ?? false,
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    credentials,
  };
  if (flags.caFile)
    opts.caFile = flags.caFile.startsWith('/') ? flags.caFile : `${ctx.io.cwd}/${flags.caFile}`;
  if (flags.registryConfig !== undefined) opts.registryConfig = absolutePath(flags.registryConfig, ctx);
  if (flags.timeout !== undefined) opts.timeoutMs = parseDuration('--timeout', flags.timeout);
  if (flags.platform !== undefined) opts.platform = flags.platform;
  if (flags.verbose) opts.trace = (line) => ctx.io.stderr.write(`imgcompat: ${line}\n`);
  return opts;
}

/** A path flag relative to the command's working directory. */
export function absolutePath(path: string, ctx: CommandContext): string {
  return path.startsWith('/') ? path : `${ctx.io.cwd}/${path}`;
}
