/**
 * Differential test: src/go/json.ts `foldName` (how encoding/json matches a key to a struct field
 * case-insensitively) against Go's `strings.EqualFold`, which Go documents as the same relation
 * (tools/oracle), on generated pairs, many of them case or fold variants of each other.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { foldName } from '../../src/go/json.ts';
import { toLower, toUpper } from '../../src/go/strings.ts';
import { goString } from './go-arbitraries.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;

/** A variant of `s` whose runes are each kept, upper-cased, lower-cased or swapped for a fold partner. */
const variant = (s: string) =>
  fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: [...s].length, maxLength: [...s].length })
    .map((ops) =>
      [...s]
        .map((c, i) => {
          switch (ops[i]) {
            case 1:
              return toUpper(c);
            case 2:
              return toLower(c);
            case 3:
              return (
                (
                  {
                    s: 'ſ',
                    S: 'ſ',
                    k: '\u212a',
                    K: '\u212a',
                    ſ: 's',
                    '\u212a': 'k',
                    µ: 'μ',
                    μ: 'µ',
                  } as Record<string, string>
                )[c] ?? c
              );
            default:
              return c;
          }
        })
        .join(''),
    );

describe('src/go/json foldName vs strings.EqualFold (oracle)', () => {
  const oracle = useOracle(before, after);

  test('foldName(a) === foldName(b) exactly when EqualFold(a, b)', async () => {
    const seen = { equal: 0, different: 0 };
    const pair = fc.oneof(
      fc.tuple(goString, goString),
      goString.chain((a) => fc.tuple(fc.constant(a), variant(a))),
      fc.constantFrom('kind', 'skip', 'µs').chain((a) => fc.tuple(fc.constant(a), variant(a))),
    );
    await fc.assert(
      fc.asyncProperty(pair, async ([a, b]) => {
        const g = await oracle().query({ op: 'strings', fn: 'EqualFold', s: a, sep: b });
        const theirs = JSON.parse(g.out ?? 'null') as boolean;
        if (theirs) seen.equal++;
        else seen.different++;
        assert.equal(foldName(a) === foldName(b), theirs, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true },
    );
    assert.ok(seen.equal > 0 && seen.different > 0, 'both outcomes must occur');
  });
});
