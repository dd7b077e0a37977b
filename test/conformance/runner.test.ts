import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultVectorsFile } from '../../tools/conformance/cli.ts';
import { formatSummary, KINDS, parseVectors, runVectors } from '../../tools/conformance/runner.ts';
import type { Vector } from '../../tools/conformance/vector.ts';

/** The kinds this engine provides; the others are tested by their owners. */
const ENGINE_KINDS = ['expression', 'rule', 'grouprule', 'rule-sequence', 'dynamic-value', 'features'];

/** NFD's conformance vectors, kept in the repository (test/conformance/vectors.json). */
const SHARED = defaultVectorsFile();

function sharedVectors(): Vector[] {
  return parseVectors(readFileSync(SHARED, 'utf8'), SHARED);
}

describe('conformance runner', () => {
  test('every shared vector of the engine kinds passes', async () => {
    const vectors = sharedVectors().filter((v) => ENGINE_KINDS.includes(v.kind));
    assert.ok(vectors.length > 300, `expected the shared vectors, found ${vectors.length}`);
    const summary = await runVectors(vectors);
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.passed, vectors.length);
  });

  test('a deliberately wrong vector is reported as failed, with its id and the difference', async () => {
    const good: Vector = {
      id: 'good',
      kind: 'rule',
      features: { flags: { 'cpu.cpuid': { elements: { AVX: {} } } } },
      input: {
        name: 'r',
        labels: { l: 'v' },
        matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } }],
      },
      failFast: true,
      expect: { match: true, error: false, labels: { l: 'v' }, vars: {} },
    };
    const wrong: Vector = {
      ...structuredClone(good),
      id: 'deliberately-wrong',
      expect: { ...good.expect, match: false },
    };
    const summary = await runVectors([good, wrong]);
    assert.equal(summary.passed, 1);
    assert.equal(summary.failed, 1);
    assert.equal(summary.failures[0]?.id, 'deliberately-wrong');
    assert.match(summary.failures[0]?.message ?? '', /match: expected false, got true/);
    const lines = formatSummary(summary);
    assert.match(lines[0] ?? '', /^FAIL deliberately-wrong \[rule\]: /);
    assert.equal(lines.at(-1), '1 passed, 1 failed');
  });

  test('null and empty are different expectations', async () => {
    const v: Vector = {
      id: 'null-vs-empty',
      kind: 'expression',
      fn: 'matchKeys',
      input: { a: { op: 'Exists' } },
      keys: {},
      expect: { match: false, error: false, matched: [] },
    };
    const summary = await runVectors([v]);
    assert.equal(summary.failed, 1, 'Go returns nil here, not an empty list');
  });

  test('unknown kinds and unexpected errors fail', async () => {
    const summary = await runVectors([
      { id: 'u', kind: 'no-such-kind', expect: {} },
      {
        id: 'e',
        kind: 'expression',
        fn: 'evaluate',
        input: { op: 'Bogus' },
        valid: true,
        value: 'x',
        expect: { match: false, error: false },
      },
    ]);
    assert.equal(summary.failed, 2);
    assert.match(summary.failures[0]?.message ?? '', /unknown kind "no-such-kind"/);
    assert.match(
      summary.failures[1]?.message ?? '',
      /unexpected error: RuleEvaluationError: invalid Op "Bogus"/,
    );
  });

  test('the kind map covers all nine kinds', () => {
    assert.deepEqual(Object.keys(KINDS).sort(), [
      'dynamic-value',
      'expression',
      'features',
      'grouprule',
      'node-validator',
      'rule',
      'rule-sequence',
      'template',
      'validate',
    ]);
  });

  test('the CLI prints failures then the summary line, exits 1 on failure, accepts cwd-relative files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgcompat-conformance-'));
    const vectors: Vector[] = [
      {
        id: 'ok',
        kind: 'expression',
        fn: 'evaluate',
        input: { op: 'In', value: ['a'] },
        valid: true,
        value: 'a',
        expect: { match: true, error: false },
      },
      {
        id: 'bad',
        kind: 'expression',
        fn: 'evaluate',
        input: { op: 'In', value: ['a'] },
        valid: true,
        value: 'b',
        expect: { match: true, error: false },
      },
    ];
    writeFileSync(join(dir, 'v.json'), JSON.stringify(vectors));
    const cli = fileURLToPath(new URL('../../tools/conformance/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'v.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.length, 2);
    assert.match(lines[0] ?? '', /^FAIL bad \[expression\]: match: expected true, got false$/);
    assert.equal(lines[1], '1 passed, 1 failed');
    writeFileSync(join(dir, 'ok.json'), JSON.stringify([vectors[0]]));
    const ok = spawnSync(process.execPath, [cli, join(dir, 'ok.json')], { encoding: 'utf8' });
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout, '1 passed, 0 failed\n');
    const missing = spawnSync(process.execPath, [cli, join(dir, 'nope.json')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
  });
});
