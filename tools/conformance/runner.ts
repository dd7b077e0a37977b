/**
 * Runs conformance vectors (shared/conformance/README.md) through the kind runners. Kinds are loaded
 * lazily from a static map, so running one kind does not load the others' code.
 */

import type { KindRunner, Vector } from './vector.ts';

type KindModule = { runVector: KindRunner };
type KindLoader = () => Promise<KindModule>;

/** Every kind of the vector format, and where its runner lives. */
export const KINDS: Readonly<Record<string, KindLoader>> = {
  expression: () => import('./kinds/expression.ts'),
  rule: () => import('./kinds/rule.ts'),
  grouprule: () => import('./kinds/grouprule.ts'),
  'rule-sequence': () => import('./kinds/rule-sequence.ts'),
  'dynamic-value': () => import('./kinds/dynamic-value.ts'),
  features: () => import('./kinds/features.ts'),
  'node-validator': () => import('./kinds/node-validator.ts'),
  validate: () => import('./kinds/validate.ts'),
  template: () => import('./kinds/template.ts'),
};

export interface VectorFailure {
  id: string;
  kind: string;
  message: string;
}

export interface KindCount {
  passed: number;
  failed: number;
}

export interface RunSummary {
  passed: number;
  failed: number;
  failures: VectorFailure[];
  byKind: Record<string, KindCount>;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Parse a vectors file: a JSON array of vectors (an object with a `vectors` array is accepted too). */
export function parseVectors(text: string, source: string): Vector[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const list = Array.isArray(data) ? data : (data as { vectors?: unknown } | null)?.vectors;
  if (!Array.isArray(list)) throw new Error(`${source}: expected a JSON array of vectors`);
  return list.map((v, i) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return { id: `${source}#${i}`, kind: '', expect: {}, malformed: true } as Vector;
    }
    const vec = v as Vector;
    return {
      ...vec,
      id: typeof vec.id === 'string' ? vec.id : `${source}#${i}`,
      kind: typeof vec.kind === 'string' ? vec.kind : '',
      expect: typeof vec.expect === 'object' && vec.expect !== null ? vec.expect : {},
    };
  });
}

async function runOne(v: Vector, modules: Map<string, Promise<KindModule>>): Promise<string | undefined> {
  if (v.malformed === true) return 'malformed vector (not an object)';
  if (!Object.hasOwn(KINDS, v.kind)) return `unknown kind ${JSON.stringify(v.kind)}`;
  let mod = modules.get(v.kind);
  if (mod === undefined) {
    mod = KINDS[v.kind]!();
    modules.set(v.kind, mod);
  }
  let runner: KindRunner;
  try {
    const m = await mod;
    if (typeof m.runVector !== 'function') return `runner for kind ${v.kind} does not export runVector`;
    runner = m.runVector;
  } catch (e) {
    return `runner for kind ${v.kind} is not available: ${describe(e)}`;
  }
  try {
    return await runner(v);
  } catch (e) {
    return `runner threw: ${describe(e)}`;
  }
}

/** Run every vector; never throws for a failing vector. */
export async function runVectors(vectors: readonly Vector[]): Promise<RunSummary> {
  const modules = new Map<string, Promise<KindModule>>();
  const summary: RunSummary = { passed: 0, failed: 0, failures: [], byKind: Object.create(null) };
  for (const v of vectors) {
    const message = await runOne(v, modules);
    const kind = v.kind;
    let count = summary.byKind[kind];
    if (count === undefined) {
      count = { passed: 0, failed: 0 };
      summary.byKind[kind] = count;
    }
    if (message === undefined) {
      summary.passed++;
      count.passed++;
    } else {
      summary.failed++;
      count.failed++;
      summary.failures.push({ id: v.id, kind, message });
    }
  }
  return summary;
}

/** The report lines: one per failing vector, then `N passed, M failed` last. */
export function formatSummary(summary: RunSummary, byKind = false): string[] {
  const lines = summary.failures.map(
    (f) => `FAIL ${f.id} [${f.kind}]: ${f.message.replace(/\s*\n\s*/g, ' ')}`,
  );
  if (byKind) {
    for (const kind of Object.keys(summary.byKind).sort()) {
      const c = summary.byKind[kind]!;
      lines.push(`  ${kind || '(no kind)'}: ${c.passed} passed, ${c.failed} failed`);
    }
  }
  lines.push(`${summary.passed} passed, ${summary.failed} failed`);
  return lines;
}
