import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareVersions, parseVersion, parseVersionForCompare, VersionError } from '../../src/go/semver.ts';

function v(s: string): string {
  const p = parseVersion(s);
  return `${p.major}.${p.minor}.${p.patch}|${p.prerelease}|${p.metadata}`;
}

describe('parseVersion (Masterminds/semver v3.5.0 NewVersion, coerce mode)', () => {
  test('coerces short forms, leading zeros and a lowercase v', () => {
    assert.equal(v('1'), '1.0.0||');
    assert.equal(v('1.2'), '1.2.0||');
    assert.equal(v('v1.2.3'), '1.2.3||');
    assert.equal(v('01.02.03'), '1.2.3||');
    assert.equal(v('5.15.0-1053-aws'), '5.15.0|1053-aws|');
    assert.equal(v('1.2.3-rc.1+build.5'), '1.2.3|rc.1|build.5');
    assert.equal(v('1.2-3.4'), '1.2.0|3.4|');
  });

  test('segments are uint64', () => {
    assert.equal(v('18446744073709551615'), '18446744073709551615.0.0||');
    assert.throws(() => parseVersion('18446744073709551616'), {
      message:
        'error parsing version segment: strconv.ParseUint: parsing "18446744073709551616": value out of range',
    });
  });

  test('rejects what Masterminds rejects, with its error text', () => {
    for (const bad of [
      '',
      'v',
      'V1.2',
      '1.2.3.4',
      ' 1.2.3',
      '1.2.3 ',
      '-11',
      '1..2',
      '1.',
      '1.2.3-',
      '1.2.3+',
    ]) {
      assert.throws(
        () => parseVersion(bad),
        { name: 'VersionError', message: 'invalid semantic version' },
        bad,
      );
    }
    assert.throws(() => parseVersion('3.10.0-1160.el7.x86_64'), { message: 'invalid semantic version' });
    assert.throws(() => parseVersion('4.18.0-01'), { message: 'version segment starts with 0' });
    assert.throws(() => parseVersion(`1.2.3-${'a'.repeat(300)}`), {
      message: 'version string is too long (max 256 bytes)',
    });
    assert.throws(() => parseVersion('1.2.3.4'), VersionError);
  });
});

describe('compareVersions', () => {
  const cmp = (a: string, b: string) => compareVersions(parseVersion(a), parseVersion(b));
  const cmpNfd = (a: string, b: string) =>
    compareVersions(parseVersionForCompare(a), parseVersionForCompare(b));

  test('compares numerically per segment', () => {
    assert.equal(cmp('1.10', '1.9'), 1);
    assert.equal(cmp('1.2.3', '1.2.3+meta'), 0);
    assert.equal(cmp('2', '10'), -1);
    assert.equal(cmp('18446744073709551615', '18446744073709551614'), 1);
  });

  test('full Masterminds precedence keeps pre-releases below releases', () => {
    assert.equal(cmp('1.2.3-rc1', '1.2.3'), -1);
    assert.equal(cmp('1.2.3-2', '1.2.3-10'), -1);
    assert.equal(cmp('1.2.3-alpha', '1.2.3-1'), 1);
    assert.equal(cmp('1.2.3-a.b', '1.2.3-a'), 1);
  });

  test('what NFD compares drops the pre-release (1.2.3-rc1 == 1.2.3)', () => {
    assert.equal(cmpNfd('1.2.3-rc1', '1.2.3'), 0);
    assert.equal(cmpNfd('5.15.0-1053-aws', '5.15.0'), 0);
    // ...but the pre-release is still validated.
    assert.throws(() => parseVersionForCompare('1.2.3-01'), VersionError);
  });
});
