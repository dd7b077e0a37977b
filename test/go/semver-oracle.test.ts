/**
 * Differential test: the version parser (src/go/semver.ts) against Masterminds/semver v3.5.0
 * as NFD uses it for `type: version` (tools/oracle: NewVersion, SetPrerelease(""), Compare), on
 * generated version strings. Parse success, the error text, the parsed value and the comparison of
 * pairs must agree, except for the known skews listed in KNOWN_SKEWS.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compareVersions, parseVersionForCompare, type Version } from '../../src/go/semver.ts';
import { useOracle } from './oracle-client.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 180_000;

const segment = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 30 }).map(String) },
  {
    weight: 4,
    arbitrary: fc.constantFrom('0', '00', '01', '007', '10', '1053', '4294967296', '9007199254740993'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '18446744073709551615',
      '18446744073709551616',
      '99999999999999999999',
      '',
      'x',
      '-1',
      '1a',
    ),
  },
);

const ident = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'rc1',
      'alpha',
      'beta.2',
      '0',
      '1053-aws',
      'el7',
      'generic',
      '91',
      'A-Z',
      '1.2',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('01', 'x86_64', '', 'a..b', '-', '0.01', 'é') },
);

const versionArb = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('', 'v') },
      { weight: 1, arbitrary: fc.constantFrom('V', ' ', 'vv', '=') },
    ),
    fc.oneof(
      { weight: 8, arbitrary: fc.array(segment, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(segment, { minLength: 4, maxLength: 5 }) },
    ),
    fc.option(ident, { nil: undefined }),
    fc.option(ident, { nil: undefined }),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '.', '_') },
    ),
  )
  .map(([prefix, segs, pre, meta, suffix]) => {
    let s = prefix + segs.join('.');
    if (pre !== undefined) s += `-${pre}`;
    if (meta !== undefined) s += `+${meta}`;
    return s + suffix;
  });

const anyVersion = fc.oneof(
  { weight: 8, arbitrary: versionArb },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1'.repeat(257), `1.2.3-${'a'.repeat(250)}`, `${'0'.repeat(250)}.1`),
  },
);

/** Pairs: independent versions, or a version and a variant that often compares equal. */
const pairArb = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(anyVersion, anyVersion) },
  {
    weight: 1,
    arbitrary: versionArb.chain((a) =>
      fc.tuple(fc.constant(a), fc.constantFrom(a, `${a}-rc1`, `v${a}`, `${a}+build.7`, `${a}.0`, `0${a}`)),
    ),
  },
);

/** Go's String() of the version NFD compares (pre-release dropped). */
function render(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.metadata ? `+${v.metadata}` : ''}`;
}

interface Parsed {
  ok: boolean;
  v?: string;
  err?: string;
}

function parseOurs(s: string): { parsed: Parsed; version?: Version } {
  try {
    const version = parseVersionForCompare(s);
    return { parsed: { ok: true, v: render(version) }, version };
  } catch (e) {
    return { parsed: { ok: false, err: (e as Error).message } };
  }
}

/**
 * Known, accepted differences. Each is explicit, with the reason; any other mismatch fails.
 * (None are known today; the list is where one would be recorded.)
 */
export const KNOWN_SKEWS: Array<{ reason: string; applies: (a: string, b: string) => boolean }> = [];

describe('version parser vs Masterminds/semver v3.5.0 (oracle)', () => {
  const oracle = useOracle(before, after);
  const counts = { cases: 0, parsed: 0, rejected: 0, lt: 0, eq: 0, gt: 0 };

  test('parse, error text and comparison agree with Go', async (t) => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ([a, b]) => {
        const g = await oracle().query({ op: 'version', a, b });
        counts.cases++;
        const oa = parseOurs(a);
        const ob = parseOurs(b);
        if (KNOWN_SKEWS.some((s) => s.applies(a, b))) return;
        const ga: Parsed = g.a?.ok ? { ok: true, v: g.a.v ?? '' } : { ok: false, err: g.a?.err ?? '' };
        const gb: Parsed = g.b?.ok ? { ok: true, v: g.b.v ?? '' } : { ok: false, err: g.b?.err ?? '' };
        assert.deepEqual(oa.parsed, ga, `version ${JSON.stringify(a)}`);
        assert.deepEqual(ob.parsed, gb, `version ${JSON.stringify(b)}`);
        for (const p of [ga, gb]) {
          if (p.ok) counts.parsed++;
          else counts.rejected++;
        }
        if (oa.version && ob.version) {
          const c = compareVersions(oa.version, ob.version);
          assert.equal(c, g.cmp, `compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
          if (c < 0) counts.lt++;
          else if (c === 0) counts.eq++;
          else counts.gt++;
        }
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true },
    );
    t.diagnostic(
      `${counts.cases} pairs: ${counts.parsed} versions parsed, ${counts.rejected} rejected; compared ${counts.lt} <, ${counts.eq} =, ${counts.gt} >`,
    );
    assert.ok(counts.parsed > counts.cases / 2, 'too few valid versions generated');
    assert.ok(counts.rejected > 0, 'invalid versions must be generated too');
    assert.ok(counts.lt > 0 && counts.eq > 0 && counts.gt > 0, 'every comparison outcome must occur');
  });
});
