import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-select-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (tag: string, weight: number, flag: string) => `version: v1alpha1
compatibilities:
  - tag: ${tag}
    weight: ${weight}
    rules:
      - name: ${tag}
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              ${flag}: {op: Exists}
`;
writeFileSync(join(dir, 'avx512.yaml'), spec('avx512', 100, 'AVX512F'));
writeFileSync(join(dir, 'generic.yaml'), spec('avx', 10, 'AVX'));
writeFileSync(join(dir, 'amx.yaml'), spec('amx', 100, 'AMXTILE'));
writeFileSync(
  join(dir, 'host.json'),
  JSON.stringify({ flags: { 'cpu.cpuid': { elements: { AVX: {}, AVX512F: {} } } } }),
);

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(['select', ...args, '--features', 'host.json'], io);
  return { code, out: io.out(), err: io.err() };
}

test('select: the highest-weight fitting variant, whatever the order given', async () => {
  const r = await cli(['--spec', 'generic.yaml', '--spec', 'amx.yaml', '--spec', 'avx512.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^IMAGE +FITS +BEST SET\n/);
  assert.match(r.out, /^amx\.yaml +no +-$/m);
  assert.match(r.out, /\nselected: avx512\.yaml \(set #1 avx512, weight 100\)\n$/);
});

test('select -o json / -o yaml: the choice and every variant', async () => {
  const j = await cli(['--spec', 'generic.yaml', '--spec', 'avx512.yaml', '-o', 'json']);
  assert.equal(j.code, 0);
  const doc = JSON.parse(j.out);
  assert.equal(doc.selected, 'avx512.yaml');
  assert.deepEqual(doc.variants[0], {
    image: 'generic.yaml',
    order: 1,
    fits: true,
    set: { index: 1, weight: 10, tag: 'avx' },
  });
  const y = await cli(['--spec', 'generic.yaml', '--spec', 'avx512.yaml', '-o', 'yaml']);
  assert.deepEqual(parse(y.out), doc);
});

test('select: exit 1 when no variant fits', async () => {
  const r = await cli(['--spec', 'amx.yaml', '-o', 'json']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.out).selected, null);
});

test('select: usage errors exit 2 naming the flags', async () => {
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.match(none.err, /--image/);
  const both = await cli(['--spec', 'amx.yaml', '--image', 'oci:x']);
  assert.equal(both.code, 2);
  const twice = await cli(['--spec', 'amx.yaml', '--spec', 'amx.yaml']);
  assert.equal(twice.code, 2);
  assert.match(twice.err, /amx\.yaml is given twice/);
});

test('select --oci-layout: every --image is an OCI layout DIR[:tag] (a missing one is exit 3 naming it)', async () => {
  const r = await cli(['--oci-layout', '--image', 'no-such-layout:1', '--image', 'other:2']);
  assert.equal(r.code, 3, r.err);
  assert.match(r.err, /no-such-layout/);
});
