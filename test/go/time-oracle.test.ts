/**
 * Differential test: src/go/time.ts against Go's `time.Parse(time.RFC3339, s)` (tools/oracle) on
 * generated near-RFC 3339 texts: whether it parses, and the instant to the nanosecond.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseRfc3339 } from '../../src/go/time.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;

const n2 = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const rfc3339ish = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      fc.constantFrom('0000', '0004', '0100', '1900', '2000', '2024', '2100'),
    ),
    n2(13),
    n2(32),
    fc.constantFrom('T', 'T', 'T', 't', ' '),
    n2(25),
    n2(61),
    n2(61),
    fc.option(
      fc.tuple(
        fc.constantFrom('.', ',', '.'),
        fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 }),
      ),
    ),
    fc.oneof(
      fc.constantFrom('Z', 'Z', 'z', '', '+00:00'),
      fc.tuple(fc.constantFrom('+', '-'), n2(25), n2(61)).map(([s, h, m]) => `${s}${h}:${m}`),
    ),
  )
  .map(
    ([y, mo, d, t, h, mi, s, frac, zone]) =>
      `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac ? frac[0] + frac[1] : ''}${zone}`,
  );

describe("src/go/time vs Go's time.Parse(time.RFC3339) (oracle)", () => {
  const oracle = useOracle(before, after);

  test('parse outcome and instant agree', async () => {
    const seen = { ok: 0, err: 0 };
    await fc.assert(
      fc.asyncProperty(rfc3339ish, async (s) => {
        const g = await oracle().query({ op: 'time', s });
        const ours = parseRfc3339(s);
        if (!g.ok) {
          seen.err++;
          assert.equal(ours, undefined, `${s}: Go says ${g.err}`);
          return;
        }
        seen.ok++;
        const [sec, nsec] = (g.out ?? '').split(' ').map(BigInt) as [bigint, bigint];
        assert.equal(ours, sec * 1_000_000_000n + nsec, s);
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true },
    );
    assert.ok(seen.ok > 0 && seen.err > 0, 'both parsed and rejected texts must occur');
  });
});
