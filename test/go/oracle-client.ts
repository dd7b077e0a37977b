/**
 * Client for the Go differential oracle (tools/oracle): one long-lived process per test file,
 * JSON-lines queries answered in order. Queries are pipelined, so many can be in flight at once.
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OracleAnswer {
  ok: boolean;
  out?: string;
  map?: Record<string, string>;
  err?: string;
  matches?: boolean[];
  a?: { ok: boolean; v?: string; err?: string };
  b?: { ok: boolean; v?: string; err?: string };
  cmp?: number;
  go?: string;
}

/** The repository root, from build/test/go/ (compiled) or test/go/ (source). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'tools', 'oracle')))
      return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root from the oracle client');
}

export function oraclePath(): string {
  return process.env.IMGCOMPAT_ORACLE ?? path.join(repoRoot(), '.cache', 'go-bin', 'imgcompat-oracle');
}

/** An answer slower than this is a hang of the oracle (a Go-side loop): the query fails, naming itself. */
const ANSWER_TIMEOUT_MS = 20_000;

/** The oracle gave no answer in time to `query` (it was replaced by a new process). */
export class OracleTimeout extends Error {
  readonly query: string;

  constructor(query: string) {
    super(`the Go oracle gave no answer in ${ANSWER_TIMEOUT_MS / 1000} s to ${query.slice(0, 2000)}`);
    this.name = 'OracleTimeout';
    this.query = query;
  }
}

interface Pending {
  query: string;
  resolve: (a: OracleAnswer) => void;
  reject: (e: Error) => void;
}

export class Oracle {
  private proc!: ChildProcessWithoutNullStreams;
  private pending: Pending[] = [];
  private buf = '';
  private exited: Error | undefined;
  private stderr = '';
  private watchdog: NodeJS.Timeout | undefined;
  private readonly bin: string;

  private constructor(bin: string) {
    this.bin = bin;
    this.spawn();
  }

  private spawn(): void {
    const proc = spawn(this.bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.pending = [];
    this.buf = '';
    this.stderr = '';
    this.exited = undefined;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      if (proc === this.proc) this.onData(chunk);
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c: string) => {
      if (proc === this.proc) this.stderr += c;
    });
    proc.on('exit', (code, signal) => {
      if (proc !== this.proc) return;
      this.exited = new Error(
        `oracle exited (code ${code}, signal ${signal}): ${this.stderr.slice(0, 2000)}`,
      );
      this.fail(this.exited);
    });
    proc.on('error', (e) => {
      if (proc !== this.proc) return;
      this.exited = e;
      this.fail(e);
    });
  }

  private fail(e: Error): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  /**
   * Watches the oldest unanswered query: no answer within ANSWER_TIMEOUT_MS fails it, naming the query,
   * and a new oracle process serves the next ones (so a property can still shrink the case).
   */
  private arm(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const oldest = this.pending[0];
    if (!oldest) return;
    this.watchdog = setTimeout(() => {
      const stuck = this.proc;
      this.fail(new OracleTimeout(oldest.query));
      this.spawn();
      stuck.kill('SIGKILL');
    }, ANSWER_TIMEOUT_MS);
    this.watchdog.unref();
  }

  /**
   * Starts the oracle. A missing binary is a test FAILURE (never a skip): the differential tests are
   * part of the suite's guarantees.
   */
  static start(): Oracle {
    const bin = oraclePath();
    if (!existsSync(bin)) {
      throw new Error(
        `the Go differential oracle is missing (${bin}); run scripts/install-test-deps.sh, which builds tools/oracle`,
      );
    }
    return new Oracle(bin);
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl < 0) break;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const p = this.pending.shift();
      this.arm();
      if (!p) continue;
      try {
        p.resolve(JSON.parse(line) as OracleAnswer);
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  private ask(qs: Array<Record<string, unknown>>): Array<Promise<OracleAnswer>> {
    const lines = qs.map((q) => `${JSON.stringify(q)}\n`);
    const answers = lines.map(
      (query) =>
        new Promise<OracleAnswer>((resolve, reject) => {
          this.pending.push({ query, resolve, reject });
        }),
    );
    if (this.watchdog === undefined) this.arm();
    this.proc.stdin.write(lines.join(''));
    return answers;
  }

  query(q: Record<string, unknown>): Promise<OracleAnswer> {
    if (this.exited) return Promise.reject(this.exited);
    return this.ask([q])[0] as Promise<OracleAnswer>;
  }

  /** Sends a batch in one write and resolves with the answers in order. */
  batch(qs: Array<Record<string, unknown>>): Promise<OracleAnswer[]> {
    if (this.exited) return Promise.reject(this.exited);
    return Promise.all(this.ask(qs));
  }

  async close(): Promise<void> {
    clearTimeout(this.watchdog);
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.stdin.end();
    await done;
  }
}

/**
 * For a test file: starts the oracle once, and lets every test fail (not be cancelled, as a failing
 * `before` hook would make it) with the "run scripts/install-test-deps.sh" message when it is missing.
 */
export function useOracle(
  before: (fn: () => void) => void,
  after: (fn: () => Promise<void>) => void,
): () => Oracle {
  let oracle: Oracle | undefined;
  let startError: unknown;
  before(() => {
    try {
      oracle = Oracle.start();
    } catch (e) {
      startError = e;
    }
  });
  after(async () => {
    await oracle?.close();
  });
  return () => {
    if (oracle === undefined) throw startError;
    return oracle;
  };
}
