/**
 * docker-credential-helpers protocol (docker/cli cli/config/configfile/file.go and docker-credential-helpers client/client.go): run `docker-credential-<name> <verb>`, write the
 * server address (get/erase) or a JSON record (store) to stdin, read JSON from stdout. A "not found"
 * answer is a non-zero exit whose output says `credentials not found`.
 */
import { spawn } from 'node:child_process';
import { RegistryError } from '../../errors.ts';
import { safeRemoteText } from '../registry-errors.ts';

export interface HelperCredential {
  username: string;
  secret: string;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HELPER_TIMEOUT_MS = 30_000;

function helperError(helper: string, what: string): RegistryError {
  return new RegistryError(
    `credential helper docker-credential-${helper}: ${what}`,
    {},
    'E_CREDENTIAL_HELPER',
  );
}

async function runHelper(
  helper: string,
  verb: 'get' | 'store' | 'erase',
  input: string,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!HELPER_NAME.test(helper)) throw helperError(helper, 'invalid helper name in the configuration');
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    // With `signal`, an abort kills the helper and the call rejects with the signal's reason.
    const child = spawn(`docker-credential-${helper}`, [verb], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
    });
    // Our own timer (spawn's `timeout` option leaves its timer running when the program is missing).
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
    timer.unref();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      reject(
        helperError(
          helper,
          e.code === 'ENOENT' ? 'program not found on PATH' : `cannot run it (${e.code ?? e.message})`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The helper's credential for `serverAddress`, or undefined when it has none. */
export async function helperGet(
  helper: string,
  serverAddress: string,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<HelperCredential | undefined> {
  const r = await runHelper(helper, 'get', serverAddress, env, signal);
  if (r.code !== 0) {
    if (/credentials not found/i.test(r.stdout + r.stderr)) return undefined;
    // The helper's own words may be useful, but we never echo stdout (it could hold a secret).
    throw helperError(helper, `"get" failed with exit status ${r.code}${firstLine(r.stderr)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw helperError(helper, '"get" did not print JSON');
  }
  const o = parsed as { Username?: unknown; Secret?: unknown };
  if (typeof o.Secret !== 'string') throw helperError(helper, '"get" printed JSON without a Secret');
  return { username: typeof o.Username === 'string' ? o.Username : '', secret: o.Secret };
}

export async function helperStore(
  helper: string,
  serverAddress: string,
  cred: HelperCredential,
  env: Record<string, string | undefined>,
): Promise<void> {
  const r = await runHelper(
    helper,
    'store',
    JSON.stringify({ ServerURL: serverAddress, Username: cred.username, Secret: cred.secret }),
    env,
  );
  if (r.code !== 0)
    throw helperError(helper, `"store" failed with exit status ${r.code}${firstLine(r.stderr)}`);
}

export async function helperErase(
  helper: string,
  serverAddress: string,
  env: Record<string, string | undefined>,
): Promise<void> {
  const r = await runHelper(helper, 'erase', serverAddress, env);
  if (r.code !== 0 && !/credentials not found/i.test(r.stdout + r.stderr)) {
    throw helperError(helper, `"erase" failed with exit status ${r.code}${firstLine(r.stderr)}`);
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0]?.trim() ?? '';
  // A helper's stderr is shown made safe: no escape sequences, nothing that looks like a credential.
  return line ? `: ${safeRemoteText(line)}` : '';
}
