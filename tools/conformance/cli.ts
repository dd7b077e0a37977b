/**
 * `npm run conformance [-- [--by-kind] FILE...]`: run NFD rule-engine conformance vectors and print one
 * line per failing vector, then `N passed, M failed` as the last line. Exit status 1 when a vector
 * failed, 2 when a file cannot be read. Without FILE it runs `test/conformance/vectors.json`, resolved
 * against the repository root (not the working directory).
 */

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSummary, parseVectors, runVectors } from './runner.ts';
import type { Vector } from './vector.ts';

/** The directory holding this package's package.json, found by walking up from this file. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
}

export function defaultVectorsFile(): string {
  return join(packageRoot(), 'test', 'conformance', 'vectors.json');
}

export async function main(argv: readonly string[]): Promise<number> {
  const byKind = argv.includes('--by-kind');
  const files = argv.filter((a) => a !== '--by-kind' && a !== '--');
  const unknownFlag = files.find((a) => a.startsWith('-'));
  if (unknownFlag !== undefined) {
    process.stderr.write(
      `conformance: unknown option ${unknownFlag} (usage: conformance [--by-kind] [FILE...])\n`,
    );
    return 2;
  }
  const paths = files.length > 0 ? files.map((f) => resolve(process.cwd(), f)) : [defaultVectorsFile()];
  const vectors: Vector[] = [];
  for (const p of paths) {
    try {
      vectors.push(...parseVectors(readFileSync(p, 'utf8'), p));
    } catch (e) {
      process.stderr.write(
        `conformance: cannot read vectors: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      return 2;
    }
  }
  const summary = await runVectors(vectors);
  process.stdout.write(`${formatSummary(summary, byKind).join('\n')}\n`);
  return summary.failed > 0 ? 1 : 0;
}

/** Whether this module is the program's entry point (compared by real path, so symlinks are fine). */
function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Run only as the entry point, so tests can import `main`.
if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
