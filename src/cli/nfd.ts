/**
 * The `nfd` drop-in: accepts NFD's client command lines (`nfd compat validate-node ...`,
 * `nfd export features|labels ...`) with NFD's flags and NFD's exit behaviour, so scripts and Job
 * manifests written for NFD's client switch by changing the image only.
 *
 * NFD behaviour kept (cmd/nfd, NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go): exit 0 whenever the report was produced, whatever
 * the verdict; on any error cobra prints `Error: <msg>` to stderr, then main prints `<msg>` to stdout and
 * exits 1; the table is coloured unless NO_COLOR/TERM=dumb (no TTY check); the JSON has no trailing
 * newline; the host path prefix is a build setting (`/host-` in NFD's container image), here the
 * environment variable IMGCOMPAT_HOST_PREFIX, which our container image sets to `/host-`.
 * Kept from imgcompat on purpose: the `local` source is discovered (NFD's client skips feature files, a
 * documented gap), and a failed referrers call is an error instead of NFD's nil-pointer panic.
 */
import { Command, CommanderError } from 'commander';
import { ImgcompatError } from '../errors.ts';
import type { Io } from './io.ts';
import type { CommandContext } from './program.ts';
import { VERSION } from './version.ts';

/** cobra's wording for the usage errors scripts may match on. */
function cobraMessage(err: CommanderError): string {
  const flag = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'commander.unknownOption':
      return `unknown flag: ${flag}`;
    case 'commander.missingMandatoryOptionValue':
      return `required flag(s) "${flag.replace(/^--/, '').replace(/ <.*$/, '')}" not set`;
    case 'commander.optionMissingArgument':
      return `flag needs an argument: ${flag.replace(/ <.*$/, '')}`;
    case 'commander.unknownCommand':
      return `unknown command "${/'([^']+)'/.exec(err.message)?.[1] ?? ''}" for "nfd"`;
    case 'commander.excessArguments':
      return 'accepts 0 arg(s)';
    default:
      return err.message.replace(/^error: /, '');
  }
}

function buildNfdProgram(ctx: CommandContext): Command {
  const program = new Command('nfd')
    .description('Node Feature Discovery client (imgcompat drop-in)')
    .version(VERSION, '--version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      // Errors are printed by runNfd in cobra's format instead.
      writeErr: () => {},
    });

  const compat = program.command('compat').description('Image compatibility commands');
  compat
    .command('validate-node')
    .description('Perform node validation based on its associated image compatibility artifact')
    .requiredOption('--image <image>', 'the URL of the image containing compatibility metadata')
    .option(
      '--tags <tags>',
      'a list of tags that must match the tags set on the compatibility objects',
      collectTags,
    )
    .option('--platform <platform>', 'the artifact platform in the format os[/arch][/variant][:os_version]')
    .option('--plain-http', 'use of HTTP protocol for all registry communications')
    .option('--output-json', 'print the output in JSON format')
    .option('--registry-username <user>', 'registry username')
    .option('--registry-password-stdin', 'read registry password from stdin')
    .option('--registry-token-stdin', 'read registry token from stdin')
    .action(async (opts) => {
      const { run } = await import('./commands/validate-node.ts');
      await run(
        {
          image: opts.image,
          tags: opts.tags ?? [],
          platform: opts.platform,
          plainHttp: opts.plainHttp === true,
          registryUsername: opts.registryUsername,
          registryPasswordStdin: opts.registryPasswordStdin === true,
          registryTokenStdin: opts.registryTokenStdin === true,
          output: opts.outputJson ? 'json' : 'table',
          hostPrefix: ctx.io.env.IMGCOMPAT_HOST_PREFIX || undefined,
          nfdExact: true,
        },
        ctx,
      );
      // NFD exits 0 whenever the report was printed, compatible or not.
      ctx.exitCode = 0;
    });

  const exp = program.command('export').description('Export features for given node');
  for (const what of ['features', 'labels'] as const) {
    exp
      .command(what)
      .description(`Export ${what} of this node`)
      .option('--path <path>', `export to this JSON path`)
      .action(async (opts) => {
        const mod =
          what === 'features'
            ? await import('./commands/export-features.ts')
            : await import('./commands/export-labels.ts');
        ctx.exitCode = await mod.run(
          { path: opts.path, hostPrefix: ctx.io.env.IMGCOMPAT_HOST_PREFIX || undefined },
          ctx,
        );
      });
  }
  return program;
}

/** cobra StringSlice: comma-separated, repeatable. */
function collectTags(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((t) => t !== '')];
}

export async function runNfd(argv: string[], io: Io): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = buildNfdProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    let message: string;
    if (err instanceof CommanderError) message = cobraMessage(err);
    else if (ImgcompatError.is(err)) message = err.message;
    else message = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr.write(`Error: ${message}\n`);
    io.stdout.write(`${message}\n`);
    return 1;
  }
}
