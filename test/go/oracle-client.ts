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

export class Oracle {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: Array<{ resolve: (a: OracleAnswer) => void; reject: (e: Error) => void }> = [];
  private buf = '';
  private exited: Error | undefined;
  private stderr = '';

  private constructor(bin: string) {
    this.proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (c: string) => {
      this.stderr += c;
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = new Error(
        `oracle exited (code ${code}, signal ${signal}): ${this.stderr.slice(0, 2000)}`,
      );
      for (const p of this.pending.splice(0)) p.reject(this.exited);
    });
    this.proc.on('error', (e) => {
      this.exited = e;
      for (const p of this.pending.splice(0)) p.reject(e);
    });
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
      if (!p) continue;
      try {
        p.resolve(JSON.parse(line) as OracleAnswer);
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  query(q: Record<string, unknown>): Promise<OracleAnswer> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.proc.stdin.write(`${JSON.stringify(q)}\n`);
    });
  }

  /** Sends a batch in one write and resolves with the answers in order. */
  batch(qs: Array<Record<string, unknown>>): Promise<OracleAnswer[]> {
    if (this.exited) return Promise.reject(this.exited);
    const ps = qs.map(
      (_q) =>
        new Promise<OracleAnswer>((resolve, reject) => {
          this.pending.push({ resolve, reject });
        }),
    );
    this.proc.stdin.write(qs.map((q) => `${JSON.stringify(q)}\n`).join(''));
    return Promise.all(ps);
  }

  async close(): Promise<void> {
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
