import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { discoverHost } from '../../../src/host/discover.ts';
import { createHostFiles } from '../../../src/host/root.ts';
import { FEATURES_DIR, parseFeatureFile, parseRfc3339 } from '../../../src/host/sources/local.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const tmp = mkdtempSync(path.join(tmpdir(), 'imgcompat-local-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('feature file lines: no `=` means true, keys are not trimmed, `k=` is empty, comments skipped', () => {
  const r = parseFeatureFile('  a = b \nflag\nempty=\n#comment\n#+no-label\nx=1=2\n', NOW);
  // The line is trimmed first (`a = b`), then split on the first `=`: key `a `, value ` b`.
  assert.deepEqual(r.features, { 'a ': ' b', flag: 'true', empty: '', x: '1=2' });
  assert.deepEqual(r.labels, r.features);
  assert.deepEqual(r.errors, []);
});

test('directives: expiry applies to later lines, no-feature/no-label to the next kept line only', () => {
  const r = parseFeatureFile(
    [
      '# +no-label',
      '# +expiry-time=2020-01-01T00:00:00Z',
      'expired=1', // dropped before the reset: the no-label carries over
      '# +expiry-time=2030-01-01T00:00:00.5+02:00',
      'kept=2', // no label (carried over)
      'both=3',
      '# +random-key=random-value',
      '# + Something',
      '# +expiry-time',
    ].join('\n'),
    NOW,
  );
  assert.deepEqual(r.features, { kept: '2', both: '3' });
  assert.deepEqual(r.labels, { both: '3' });
  assert.equal(r.errors.length, 3);
  assert.match(r.errors[0]!, /line 7: unknown directive "random-key"/);
  assert.match(r.errors[1]!, /unknown directive " Something"/);
});

test('RFC 3339 as Go parses it', () => {
  assert.equal(parseRfc3339('2080-07-28T11:22:33Z')?.toISOString(), '2080-07-28T11:22:33.000Z');
  assert.equal(parseRfc3339('2030-01-01T02:00:00.25+02:00')?.toISOString(), '2030-01-01T00:00:00.250Z');
  assert.equal(parseRfc3339('2080-07-28T11:22:33X'), undefined);
  assert.equal(parseRfc3339('2080-02-30T11:22:33Z'), undefined);
  assert.equal(parseRfc3339('2080-07-28 11:22:33Z'), undefined);
});

test('features.d: size limit 65536 (exactly allowed), hidden files, subdirectories, links, later files win', async () => {
  const root = path.join(tmp, 'host');
  const dir = path.join(root, FEATURES_DIR);
  mkdirSync(path.join(dir, 'subdir'), { recursive: true });
  writeFileSync(path.join(dir, 'subdir', 'inner'), 'inner=1\n');
  const line = 'exact=1\n';
  writeFileSync(path.join(dir, 'a-exact'), line + '#'.repeat(65536 - line.length - 1) + '\n');
  writeFileSync(path.join(dir, 'b-over'), `over=1\n${'#'.repeat(65536 - 7)}\n`);
  writeFileSync(path.join(dir, 'c-first'), 'dup=first\n');
  writeFileSync(path.join(dir, 'd-second'), 'dup=second\n');
  writeFileSync(path.join(dir, '.hidden'), 'hidden=1\n');
  writeFileSync(path.join(root, 'target'), 'linked=1\n');
  symlinkSync('../../../../target', path.join(dir, 'e-link'));
  const result = await discoverHost({
    files: createHostFiles({ root }),
    host: { arch: 'x64', live: false, now: () => NOW },
    sources: 'local',
  });
  assert.deepEqual(result.features.attributes['local.feature']?.elements, {
    exact: '1',
    dup: 'second',
    linked: '1',
  });
  assert.deepEqual(
    result.problems.map((p) => [p.source, p.errno]),
    [['local', 'EFBIG']],
  );
  assert.match(result.problems[0]!.path!, /b-over$/);
});
