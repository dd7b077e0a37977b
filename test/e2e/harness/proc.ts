/**
 * Long-running helper processes (registries, token servers, proxies) started by the tests: free ports on
 * 127.0.0.1, readiness polling, and cleanup that also runs when the test process exits abruptly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function cleanUpNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test file that crashes or is cancelled must not leave registries behind: kill our own children
  // (by PID, never by name) and drop their temp storage. 'exit' does not fire when a signal ends the
  // process (a cancelled run, a closed pipe), so the usual termination signals do the same, then end the
  // process with the conventional 128+signal status.
  process.on('exit', cleanUpNow);
  for (const [signal, num] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ] as const) {
    process.once(signal, () => {
      cleanUpNow();
      process.exit(128 + num);
    });
  }
}

/** A temp directory removed when the process exits (or earlier via the returned cleanup). */
export function tempDir(prefix = 'imgcompat-e2e-'): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for programs that cannot listen on :0). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

export interface Service {
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr interleaved), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a program and keeps its output; `stop()` sends SIGTERM, then SIGKILL after 3 s. */
export function startService(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Service {
  installExitHook();
  const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    // Bounded: a chatty registry must not grow the test process without limit.
    out = (out + b.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => live.delete(child));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `check` resolves true, or fails with `describe()` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  describe: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting: ${describe()}${lastErr ? ` (last error: ${lastErr})` : ''}`);
}

/** True once `url` answers anything at all over HTTP (any status). */
export async function answersHttp(url: string): Promise<boolean> {
  // node:http, not fetch: fetch refuses the ports of its "bad port" list, where a test registry may listen.
  return new Promise((resolvePromise, reject) => {
    const req = httpGet(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise((res.statusCode ?? 0) > 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
