import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompatibilityStatus } from '../../../src/core/model/report.ts';
import { selectVariant } from '../../../src/core/report/select.ts';

/** A set report: `pass` decides whether its one rule matched. */
function set(pass: boolean, weight?: number, tag?: string): CompatibilityStatus {
  return {
    rules: [{ name: 'r', isMatch: pass, matchedExpressions: [] }],
    ...(weight !== undefined ? { weight } : {}),
    ...(tag ? { tag } : {}),
  } as CompatibilityStatus;
}

test('the variant whose best passing set weighs most wins; failing sets do not count', () => {
  const sel = selectVariant([
    { image: 'generic', report: [set(true, 10, 'base')] },
    { image: 'avx512', report: [set(false, 200, 'fastest'), set(true, 50, 'fast')] },
  ]);
  assert.equal(sel.chosen?.image, 'avx512');
  assert.deepEqual(sel.chosen?.set, { index: 2, weight: 50, tag: 'fast' });
  assert.deepEqual(
    sel.variants.map((v) => [v.image, v.order, v.fits]),
    [
      ['generic', 1, true],
      ['avx512', 2, true],
    ],
  );
});

test('ties go to the variant listed first; unset weight is 0', () => {
  const sel = selectVariant([
    { image: 'a', report: [set(true)] },
    { image: 'b', report: [set(true, 0)] },
  ]);
  assert.equal(sel.chosen?.image, 'a');
  assert.equal(
    selectVariant([
      { image: 'x', report: [set(true, 5)] },
      { image: 'y', report: [set(true, 5)] },
    ]).chosen?.image,
    'x',
  );
});

test('a set without rules passes; a variant with no passing set, or with an error, does not fit', () => {
  const sel = selectVariant([
    { image: 'broken', error: 'a rule cannot be evaluated' },
    { image: 'none', report: [set(false, 90)] },
    { image: 'empty', report: [{ rules: null }] },
  ]);
  assert.equal(sel.chosen?.image, 'empty');
  assert.deepEqual(sel.variants[0], {
    image: 'broken',
    order: 1,
    fits: false,
    error: 'a rule cannot be evaluated',
  });
  assert.deepEqual(sel.variants[1], { image: 'none', order: 2, fits: false });
});

test('nothing fits: no choice', () => {
  const sel = selectVariant([{ image: 'a', report: [set(false, 1)] }]);
  assert.equal(sel.chosen, undefined);
  assert.equal(selectVariant([]).chosen, undefined);
});
