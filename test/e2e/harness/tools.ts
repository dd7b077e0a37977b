/**
 * Where the real programs the end-to-end tests drive live, and a small `exec` wrapper. The programs are
 * installed by `scripts/install-test-deps.sh` (Debian packages on PATH, Go tools in `.cache/go-bin`).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file compiles to build/test/e2e/harness/tools.js). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const GO_BIN = join(REPO_ROOT, '.cache', 'go-bin');

export type Tool =
  | 'docker-registry'
  | 'skopeo'
  | 'htpasswd'
  | 'openssl'
  | 'microsocks'
  | 'imgcompat-ggcr-registry'
  | 'oras'
  | 'nfd-master'
  | 'nfd'
  | 'helm';

/**
 * Built into .cache/go-bin by the install script (`go install`, or tools/<name>/build.sh). `nfd` is NFD's
 * own client (sigs.k8s.io/node-feature-discovery/cmd/nfd v0.19.0), the oracle of the parity tests.
 */
const GO_TOOLS = new Set<Tool>(['imgcompat-ggcr-registry', 'oras', 'nfd-master', 'nfd', 'helm']);

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of a tool, or undefined when it is not installed. */
export function toolPath(tool: Tool): string | undefined {
  if (GO_TOOLS.has(tool)) {
    const p = join(GO_BIN, tool);
    return isExecutable(p) ? p : undefined;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

/**
 * The tools a test file needs that are missing, as a skip reason, or undefined when all are there.
 * Under CI (CI=true) a missing tool is an error rather than a skip: the install script must have run.
 */
export function missingTools(...tools: Tool[]): string | undefined {
  const missing = tools.filter((t) => !toolPath(t));
  if (missing.length === 0) return undefined;
  const msg = `missing test tools: ${missing.join(', ')} (run scripts/install-test-deps.sh)`;
  if (process.env.CI) throw new Error(msg);
  return msg;
}

export function mustTool(tool: Tool): string {
  const p = toolPath(tool);
  if (!p) throw new Error(`${tool} is not installed (run scripts/install-test-deps.sh)`);
  return p;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws on a non-zero exit (the caller asserts on `code`). */
export function exec(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolvePromise({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Like exec, but throws with the program's output when it fails. */
export async function execOk(
  file: string,
  args: string[],
  opts: Parameters<typeof exec>[2] = {},
): Promise<ExecResult> {
  const r = await exec(file, args, opts);
  if (r.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r;
}
