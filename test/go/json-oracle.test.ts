/**
 * Differential test: src/go/json.ts against Go's `encoding/json` (tools/oracle): Marshal,
 * MarshalIndent with generated prefixes and indents, and an Encoder with SetEscapeHTML(false), on
 * generated JSON values (decoded by Go into interface{}: objects are maps, numbers float64).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { marshal, marshalIndent } from '../../src/go/json.ts';
import { goString } from './go-arbitraries.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;
const OPTS = { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true };

const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    goString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(goString, tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe("src/go/json vs Go's encoding/json (oracle)", () => {
  const oracle = useOracle(before, after);

  test('Marshal, MarshalIndent and SetEscapeHTML(false) agree byte for byte', async () => {
    const indent = fc.constantFrom('', ' ', '  ', '    ', '\t', '>');
    await fc.assert(
      fc.asyncProperty(value, indent, indent, async (v, prefix, ind) => {
        // What Go receives, and what we encode: the value after a JSON round trip (-0 becomes 0).
        const text = JSON.stringify(v);
        const data = JSON.parse(text) as unknown;
        const [m, mi, raw] = await oracle().batch([
          { op: 'json', fn: 'marshal', data },
          { op: 'json', fn: 'marshalIndent', data, prefix, indent: ind },
          { op: 'json', fn: 'marshalNoHTML', data },
        ]);
        assert.equal(marshal(data), m!.out, text);
        assert.equal(marshalIndent(data, prefix, ind), mi!.out, text);
        assert.equal(marshal(data, { escapeHTML: false }), raw!.out, text);
      }),
      OPTS,
    );
  });
});
