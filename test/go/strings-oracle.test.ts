/**
 * Differential test: src/go/strings.ts against Go's `strings` package (tools/oracle): ToUpper, ToLower,
 * Title, TrimSpace, Trim, Fields and SplitN on generated strings.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { fields, split, title, toLower, toUpper, trim, trimSpace } from '../../src/go/strings.ts';
import { goString } from './go-arbitraries.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;
const OPTS = { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true };

describe("src/go/strings vs Go's strings package (oracle)", () => {
  const oracle = useOracle(before, after);

  for (const [fn, ours] of [
    ['ToUpper', toUpper],
    ['ToLower', toLower],
    ['Title', title],
    ['TrimSpace', trimSpace],
  ] as const) {
    test(`${fn}`, async () => {
      await fc.assert(
        fc.asyncProperty(goString, async (s) => {
          const g = await oracle().query({ op: 'strings', fn, s });
          assert.equal(ours(s), g.out, `${fn}(${JSON.stringify(s)})`);
        }),
        OPTS,
      );
    });
  }

  test('Trim', async () => {
    await fc.assert(
      fc.asyncProperty(goString, goString, async (s, cutset) => {
        const g = await oracle().query({ op: 'strings', fn: 'Trim', s, sep: cutset });
        assert.equal(trim(s, cutset), g.out);
      }),
      OPTS,
    );
  });

  test('Fields', async () => {
    await fc.assert(
      fc.asyncProperty(goString, async (s) => {
        const g = await oracle().query({ op: 'strings', fn: 'Fields', s });
        assert.deepEqual(fields(s), JSON.parse(g.out ?? 'null'));
      }),
      OPTS,
    );
  });

  test('SplitN', async () => {
    const sep = fc.oneof(fc.constantFrom('', ',', ' ', 'ab', 'ᾳ', '\u{1f600}'), goString);
    await fc.assert(
      fc.asyncProperty(goString, sep, fc.integer({ min: -2, max: 5 }), async (s, sp, n) => {
        const g = await oracle().query({ op: 'strings', fn: 'Split', s, sep: sp, n });
        assert.deepEqual(split(s, sp, n), JSON.parse(g.out ?? 'null'));
      }),
      OPTS,
    );
  });
});
