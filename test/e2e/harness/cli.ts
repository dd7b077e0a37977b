/**
 * Runs imgcompat the way the tests need it: in-process through `run(argv, memoryIo(...))` (fast, and the
 * normal way), or as separate processes (the concurrency test needs real cross-process races).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';
import { tempDir } from './proc.ts';
import { cliTransportFlags, type TestRegistry } from './registries.ts';
import { type ExecResult, exec, REPO_ROOT } from './tools.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * An environment with no credentials of the machine's user: empty docker config dir, no containers
 * auth file. Tests that need a config put files into `DOCKER_CONFIG`.
 */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir('imgcompat-e2e-home-');
  const dockerConfig = join(home, '.docker');
  const xdg = join(home, 'run');
  mkdirSync(dockerConfig, { recursive: true });
  mkdirSync(xdg, { recursive: true });
  return {
    HOME: home,
    DOCKER_CONFIG: dockerConfig,
    XDG_RUNTIME_DIR: xdg,
    XDG_CONFIG_HOME: join(home, '.config'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...extra,
  };
}

/** Runs `imgcompat ARGV` in-process and returns its exit code and output. */
export async function imgcompat(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const io = memoryIo({ stdin: opts.stdin, env: opts.env ?? isolatedEnv(), cwd: REPO_ROOT });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/**
 * The installed `imgcompat` executable (package.json `bin`, dist/cli.cjs): what users run, short runs
 * from dist/short-run.cjs, the rest from dist/cli.mjs. `npm run build` makes it.
 */
export const INSTALLED_CLI = join(REPO_ROOT, 'dist', 'cli.cjs');

/** Runs `imgcompat ARGV` as its own Node process (the installed executable). */
export function imgcompatProcess(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<ExecResult> {
  return exec(process.execPath, [INSTALLED_CLI, ...argv], {
    env: opts.env ?? isolatedEnv(),
    input: opts.stdin ?? '',
    timeoutMs: 120_000,
  });
}

/**
 * Flags and stdin that let imgcompat reach `reg`, authenticated as the registry's pusher when it needs
 * credentials (NFD's `--registry-username` + `--registry-password-stdin`).
 */
export function access(
  reg: TestRegistry,
  opts: { anonymous?: boolean } = {},
): { flags: string[]; stdin?: string } {
  const flags = cliTransportFlags(reg);
  if (reg.credentials && !opts.anonymous) {
    flags.push('--registry-username', reg.credentials.username, '--registry-password-stdin');
    return { flags, stdin: reg.credentials.password };
  }
  return { flags };
}

/** All `sha256:<hex>` digests in a text, in order of appearance, without duplicates. */
export function digestsIn(text: string): string[] {
  return [...new Set(text.match(/sha256:[0-9a-f]{64}/g) ?? [])];
}

/** Asserts the text is a clean error: no JS stack frames. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?$/m.test(text);
}

/**
 * The digests among `known` (the referrers the registry really holds) that a command's output names,
 * in order of appearance. Other digests an output may show (subject, layers, config) are ignored.
 */
export function listedAmong(text: string, known: string[]): string[] {
  return digestsIn(text).filter((d) => known.includes(d));
}
