/**
 * Differential test: src/go/unicode.ts against Go's `unicode` package (tools/oracle), on every code
 * point: IsPrint, IsLetter, IsDigit, IsSpace, ToUpper, ToLower and ToTitle must agree everywhere.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDigit, isLetter, isPrint, isSpace, toLower, toTitle, toUpper } from '../../src/go/unicode.ts';
import { useOracle } from './oracle-client.ts';

const BATCH = 0x4000;

function ours(r: number): [string, number, number, number] {
  const flags =
    (isPrint(r) ? 'P' : '') + (isLetter(r) ? 'L' : '') + (isDigit(r) ? 'D' : '') + (isSpace(r) ? 'S' : '');
  return [flags, toUpper(r), toLower(r), toTitle(r)];
}

describe("src/go/unicode vs Go's unicode package (oracle)", () => {
  const oracle = useOracle(before, after);

  test('classes and case mappings agree on every code point', async () => {
    const queries: Array<{ op: string; runes: number[] }> = [];
    for (let lo = 0; lo <= 0x10ffff; lo += BATCH) {
      const runes: number[] = [];
      for (let r = lo; r < Math.min(lo + BATCH, 0x110000); r++) runes.push(r);
      queries.push({ op: 'unicode', runes });
    }
    const answers = await oracle().batch(queries);
    let mismatches = 0;
    const shown: string[] = [];
    let cased = 0;
    answers.forEach((a, i) => {
      assert.ok(a.ok, a.err);
      const theirs = JSON.parse(a.out ?? '[]') as Array<[string, number, number, number]>;
      const runes = queries[i]!.runes;
      theirs.forEach((g, j) => {
        const r = runes[j]!;
        const o = ours(r);
        if (g[1] !== r || g[2] !== r) cased++;
        if (o[0] !== g[0] || o[1] !== g[1] || o[2] !== g[2] || o[3] !== g[3]) {
          mismatches++;
          if (shown.length < 10)
            shown.push(`U+${r.toString(16)}: ours ${JSON.stringify(o)}, Go ${JSON.stringify(g)}`);
        }
      });
    });
    assert.equal(mismatches, 0, shown.join('\n'));
    assert.ok(cased > 2000, `only ${cased} runes with a case mapping: the oracle answered too little`);
  });
});
