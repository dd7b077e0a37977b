/** The registry commands: attach, discover, get, remove, login, logout. */
import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { FORMAT_FLAGS, FORMAT_HELP } from '../format-option.ts';
import type { Register } from '../program.ts';
import { addRegistryOptions } from '../registry-options.ts';

function collectAnnotation(value: string, previous: string[] = []): string[] {
  if (!value.includes('=')) throw new UsageError(`--annotation "${value}": expected key=value`);
  return [...previous, value];
}

export const registerRegistry: Register = (program, ctx) => {
  addRegistryOptions(
    program
      .command('attach')
      .description('validate a compatibility spec and attach it to an image as an OCI artifact')
      .argument('<image>', 'image reference (registry/repository[:tag|@digest] or oci:DIR[:tag|@digest])')
      .argument('<spec>', 'the image-compatibility spec (YAML)')
      .option('--annotation <key=value>', 'add a manifest annotation (repeatable)', collectAnnotation)
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .option(FORMAT_FLAGS, FORMAT_HELP),
    { platform: true, ociLayout: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat attach registry.example.com/app:1.0 spec.yaml
  imgcompat attach --platform linux/arm64 registry.example.com/app:1.0 spec.yaml
  imgcompat attach oci:./layout:1.0 spec.yaml --annotation org.example.team=infra`,
    )
    .action(async (image: string, spec: string, opts) => {
      const { run } = await import('../commands/attach.ts');
      ctx.exitCode = await run({ ...opts, image, spec }, ctx);
    });

  addRegistryOptions(
    program
      .command('discover')
      .description("list an image's compatibility artifacts, newest first")
      .argument('<image>', 'image reference (registry/repository[:tag|@digest] or oci:DIR[:tag|@digest])')
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json', 'tree'])
          .default('table'),
      )
      .option(FORMAT_FLAGS, FORMAT_HELP),
    { platform: true, ociLayout: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat discover registry.example.com/app:1.0
  imgcompat discover registry.example.com/app:1.0 --output json
  imgcompat discover registry.example.com/app:1.0 --format 'go-template={{range .referrers}}{{.digest}}{{"\\n"}}{{end}}'
  imgcompat discover oci:./layout:1.0 --output tree`,
    )
    .action(async (image: string, opts) => {
      const { run } = await import('../commands/discover.ts');
      ctx.exitCode = await run({ ...opts, image }, ctx);
    });

  addRegistryOptions(
    program
      .command('get')
      .description("print an image's compatibility spec (the newest, or the one with --digest)")
      .argument('<image>', 'image reference (registry/repository[:tag|@digest] or oci:DIR[:tag|@digest])')
      .option('--digest <digest>', 'the artifact manifest digest to read (see discover)'),
    { platform: true, ociLayout: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat get registry.example.com/app:1.0 > spec.yaml
  imgcompat get registry.example.com/app:1.0 --digest sha256:<artifact digest from discover>`,
    )
    .action(async (image: string, opts) => {
      const { run } = await import('../commands/get.ts');
      ctx.exitCode = await run({ ...opts, image }, ctx);
    });

  addRegistryOptions(
    program
      .command('remove')
      .description("delete an image's compatibility artifact(s)")
      .argument('<image>', 'image reference (registry/repository[:tag|@digest] or oci:DIR[:tag|@digest])')
      .option('--digest <digest>', 'the artifact manifest digest to delete')
      .option('--all', 'delete every compatibility artifact of the image')
      .option('--dry-run', 'only print what would be deleted')
      .option('-f, --force', 'do not ask before deleting (on a terminal remove asks)'),
    { platform: true, ociLayout: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat remove registry.example.com/app:1.0                  # the only artifact
  imgcompat remove registry.example.com/app:1.0 --digest sha256:<digest>
  imgcompat remove registry.example.com/app:1.0 --all --dry-run
  imgcompat remove registry.example.com/app:1.0 --all --force         # no question on a terminal`,
    )
    .action(async (image: string, opts) => {
      const { run } = await import('../commands/remove.ts');
      ctx.exitCode = await run({ ...opts, image }, ctx);
    });

  addRegistryOptions(
    program
      .command('login')
      .description("check credentials against a registry and store them in docker's config.json")
      .argument('<registry>', 'registry host[:port]')
      .option('-u, --username <name>', 'user name')
      .option(
        '-p, --password <password>',
        'password (visible to other users of this machine, prefer --password-stdin)',
      )
      .option('--password-stdin', 'read the password from standard input'),
    { credentials: false },
  )
    .addHelpText(
      'after',
      `
Examples:
  echo "$PASSWORD" | imgcompat login registry.example.com -u robot --password-stdin
  imgcompat login registry.example.com -u robot        # asks for the password on a terminal`,
    )
    .action(async (registry: string, opts) => {
      const { run } = await import('../commands/login.ts');
      ctx.exitCode = await run({ ...opts, registry }, ctx);
    });

  program
    .command('logout')
    .description("remove a registry's credentials from docker's config.json")
    .argument('<registry>', 'registry host[:port]')
    .option(
      '--registry-config <file>',
      "auth config file (docker config.json format) used instead of DOCKER_CONFIG's config.json",
    )
    .addHelpText(
      'after',
      `
Examples:
  imgcompat logout registry.example.com`,
    )
    .action(async (registry: string, opts: { registryConfig?: string }) => {
      const { run } = await import('../commands/logout.ts');
      ctx.exitCode = await run({ ...opts, registry }, ctx);
    });
};
