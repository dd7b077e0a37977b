/**
 * Differential test: src/go/utf8.ts against Go (tools/oracle): `len(s)` and string order
 * (`strings.Compare`) on generated strings.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compareBytes, utf8Length } from '../../src/go/utf8.ts';
import { goString } from './go-arbitraries.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;

describe('src/go/utf8 vs Go (oracle)', () => {
  const oracle = useOracle(before, after);

  test('utf8Length is len(s)', async () => {
    await fc.assert(
      fc.asyncProperty(goString, async (s) => {
        const g = await oracle().query({ op: 'strings', fn: 'Len', s });
        assert.equal(utf8Length(s), JSON.parse(g.out ?? 'null'));
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  test('compareBytes orders as strings.Compare', async () => {
    const outcomes = new Set<number>();
    const pair = fc.oneof(
      fc.tuple(goString, goString),
      goString.chain((a) =>
        fc.tuple(fc.constant(a), fc.constantFrom(a, `${a}x`, `${a}\u{1f600}`, `${a}\uffff`)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(pair, async ([a, b]) => {
        const g = await oracle().query({ op: 'strings', fn: 'Compare', s: a, sep: b });
        const o = Math.sign(compareBytes(a, b));
        outcomes.add(o);
        assert.equal(o, JSON.parse(g.out ?? 'null'), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    assert.equal(outcomes.size, 3, 'every comparison outcome must occur');
  });
});
