/**
 * Derived conformance vectors (test/conformance/derived-vectors.json): edge cases reasoned out from
 * NFD v0.19.0's rule engine (pkg/apis/nfd/nodefeaturerule; each vector's `note` names the rule it
 * exercises), in NFD's conformance vector format, run through the same runner as the shared vectors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { packageRoot } from '../../tools/conformance/cli.ts';
import { parseVectors, runVectors } from '../../tools/conformance/runner.ts';
import type { Vector } from '../../tools/conformance/vector.ts';

const FILE = join(packageRoot(), 'test', 'conformance', 'derived-vectors.json');

function derivedVectors(): Vector[] {
  return parseVectors(readFileSync(FILE, 'utf8'), FILE);
}

describe('derived conformance vectors', () => {
  test('every derived vector passes', async () => {
    const vectors = derivedVectors();
    assert.ok(vectors.length >= 200, `expected the derived vectors, found ${vectors.length}`);
    const ids = new Set(vectors.map((v) => v.id));
    assert.equal(ids.size, vectors.length, 'vector ids are unique');
    for (const v of vectors)
      assert.ok(typeof v.note === 'string' && v.note.includes('§'), `${v.id} cites a section`);
    const summary = await runVectors(vectors);
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.passed, vectors.length);
  });

  test('the vectors can fail: flipping an expected match or error is detected', async () => {
    // Guards against runner paths that compare nothing: every vector that states a definite
    // `match` (no error expected) must fail once that expectation is inverted, and every vector
    // that expects an error must fail when told to expect none.
    const flipped: Vector[] = [];
    for (const v of derivedVectors()) {
      const e = v.expect;
      if (e.error === true) {
        const w = structuredClone(v);
        w.id = `${v.id}/no-error`;
        w.expect = { ...e, error: false };
        flipped.push(w);
      } else if (typeof e.match === 'boolean' && v.kind !== 'node-validator') {
        const w = structuredClone(v);
        w.id = `${v.id}/flipped`;
        w.expect = { ...e, match: !e.match };
        flipped.push(w);
      }
    }
    assert.ok(flipped.length > 150, `expected many flippable vectors, found ${flipped.length}`);
    const summary = await runVectors(flipped);
    const passedAnyway = flipped.map((v) => v.id).filter((id) => !summary.failures.some((f) => f.id === id));
    assert.deepEqual(passedAnyway, []);
  });
});
