/**
 * Every fixture host under test/fixtures/hosts/ (README there): all sources run on the tree and the result
 * must equal the committed expected-features.json, every source included (a tree's cpu facts come from its
 * own register dump or /proc/cpuinfo, never from the machine running the test).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { discoverHost } from '../../src/host/discover.ts';
import { featuresJson } from '../../src/host/export-json.ts';
import { openFixtureHost } from './fixture-files.ts';
import { HOSTS_DIR } from './hosts-dir.ts';

/** Trees with an expected-features.json (a tree without one is another test's input). */
const fixtures = readdirSync(HOSTS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(HOSTS_DIR, d.name, 'expected-features.json')))
  .map((d) => d.name);

test("the fixture hosts of issue 3 and NFD's testdata are all there", () => {
  for (const name of [
    'intel-2s-server',
    'amd-epyc-sev',
    'arm64-host',
    'minimal-container',
    'nfd-pci-golden',
    'nfd-memory-golden',
    'nfd-local-golden',
  ]) {
    assert.ok(fixtures.includes(name), `missing fixture ${name}`);
  }
});

for (const name of fixtures) {
  test(`fixture host ${name}: export features equals expected-features.json`, async () => {
    const dir = path.join(HOSTS_DIR, name);
    const { files, host } = await openFixtureHost(dir);
    const result = await discoverHost({ files, host });
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected-features.json'), 'utf8'));
    // Round-trip through our NFD-format serialiser so the comparison covers what is printed.
    const actual = JSON.parse(featuresJson(result.features));
    assert.deepStrictEqual(actual, expected);
  });
}

test('fixture trees have no empty directories (git would not keep them and results would change)', () => {
  const empty: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.length === 0) empty.push(path.relative(HOSTS_DIR, dir));
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(HOSTS_DIR);
  assert.deepEqual(empty, []);
});
