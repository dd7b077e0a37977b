/**
 * Differential test: src/go/strconv.ts against Go's `strconv` package (tools/oracle): Quote,
 * ParseInt (base 10 and 0), ParseUint, Atoi (value or error text) and FormatFloat(f, 'g', -1, 32|64).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { atoi, formatFloat, parseInt64, parseUint64, quote } from '../../src/go/strconv.ts';
import { goString } from './go-arbitraries.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;
const OPTS = { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true };

/** Integer texts: plain, signed, prefixed, with underscores, near the int64/uint64 limits, or junk. */
const intText = fc.oneof(
  fc.bigInt({ min: -(1n << 65n), max: 1n << 65n }).map(String),
  fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      fc.constantFrom('', '0', '0x', '0X', '0o', '0b', '00'),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefxoABCDEF_'), maxLength: 22 }),
    )
    .map(([s, p, d]) => s + p + d),
  fc.constantFrom(
    '9223372036854775807',
    '-9223372036854775808',
    '9223372036854775808',
    '18446744073709551615',
    '18446744073709551616',
    '1_000',
    '_1',
    '0x_1f',
    ' 1',
    '１',
  ),
  goString,
);

function outcome(f: () => bigint | number): { ok: boolean; out?: string; err?: string } {
  try {
    return { ok: true, out: String(f()) };
  } catch (e) {
    return { ok: false, err: (e as Error).message };
  }
}

describe("src/go/strconv vs Go's strconv package (oracle)", () => {
  const oracle = useOracle(before, after);

  test('Quote', async () => {
    await fc.assert(
      fc.asyncProperty(goString, async (s) => {
        const g = await oracle().query({ op: 'quote', s });
        assert.equal(quote(s), g.out);
      }),
      OPTS,
    );
  });

  test('ParseInt (base 10 and 0), ParseUint (base 0) and Atoi: value or error text', async () => {
    const seen = { ok: 0, err: 0 };
    await fc.assert(
      fc.asyncProperty(intText, async (s) => {
        const [p10, p0, u0, a] = await oracle().batch([
          { op: 'strconv', fn: 'ParseInt', s, base: 10 },
          { op: 'strconv', fn: 'ParseInt', s, base: 0 },
          { op: 'strconv', fn: 'ParseUint', s, base: 0 },
          { op: 'strconv', fn: 'Atoi', s },
        ]);
        const strip = (x: typeof p10) => (x!.ok ? { ok: true, out: x!.out } : { ok: false, err: x!.err });
        assert.deepEqual(
          outcome(() => parseInt64(s, 10)),
          strip(p10),
        );
        assert.deepEqual(
          outcome(() => parseInt64(s, 0)),
          strip(p0),
        );
        assert.deepEqual(
          outcome(() => parseUint64(s, 0)),
          strip(u0),
        );
        assert.deepEqual(
          outcome(() => atoi(s)),
          strip(a),
        );
        if (p0!.ok) seen.ok++;
        else seen.err++;
      }),
      OPTS,
    );
    assert.ok(seen.ok > 0 && seen.err > 0, 'both parsed and rejected texts must occur');
  });

  test("FormatFloat(f, 'g', -1, 64) and (f, 'g', -1, 32)", async () => {
    const float = fc.oneof(
      fc.double(),
      fc.double({ min: -1e7, max: 1e7 }),
      fc.float().map(Number),
      fc.constantFrom(0, -0, 1e21, 1e20, 1e-5, 1e-4, 123456, 1234567, 3.4028234663852886e38, 5e-324),
    );
    await fc.assert(
      fc.asyncProperty(float, async (f) => {
        if (!Number.isFinite(f)) return; // JSON cannot carry NaN or ±Inf to the oracle
        const [g64, g32] = await oracle().batch([
          { op: 'strconv', fn: 'FormatFloat', f, bitSize: 64 },
          { op: 'strconv', fn: 'FormatFloat', f, bitSize: 32 },
        ]);
        // JSON carries -0 as 0; Go's answer is for the number it received.
        const sent = Object.is(f, -0) ? 0 : f;
        assert.equal(formatFloat(sent, 64), g64!.out, `64: ${f}`);
        assert.equal(formatFloat(sent, 32), g32!.out, `32: ${f}`);
      }),
      OPTS,
    );
  });
});
