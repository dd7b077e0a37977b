import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-nfr-generate-'));

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** A spec whose values are YAML 1.1 traps, each quoted by its author as it must be. */
const SPEC = `version: v1alpha1
compatibilities:
  - tag: "on"
    description: "no"
    rules:
      - name: "y"
        matchFeatures:
          - feature: kernel.config
            matchExpressions:
              NO_HZ: {op: In, value: ["y"]}
              PREEMPT: {op: In, value: ["y", "n", "on", "off", "1_000", "0b11", "0o17", "~", "2024-01-02"]}
              "yes": {op: Exists}
`;

test('nfr generate quotes YAML 1.1 traps, and nfr validate reads its output with no warning', async () => {
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  const gen = await cli(['nfr', 'generate', '--spec', 'spec.yaml']);
  assert.equal(gen.code, 0, gen.err);
  assert.equal(gen.err, '');
  const lines = gen.out.split('\n');
  for (const expected of [
    '    - name: on/y',
    '                - "y"',
    '                - "n"',
    '                - "on"',
    '                - "off"',
    '                - "1_000"',
    '                - "0b11"',
    '                - "0o17"',
    '                - "~"',
    '                - "2024-01-02"',
    '            "yes":',
    '    imgcompat.io/description: "no"',
  ]) {
    assert.ok(lines.includes(expected), `missing line ${JSON.stringify(expected)} in\n${gen.out}`);
  }
  assert.doesNotMatch(gen.out, /- y$/m);

  writeFileSync(join(dir, 'generated.yaml'), gen.out);
  const checked = await cli(['nfr', 'validate', 'generated.yaml']);
  assert.equal(checked.err, '');
  assert.equal(checked.code, 0);
  assert.equal(checked.out, 'generated.yaml: valid, 1 NodeFeatureRule\n');
});

test('nfg generate output is read back by nfr validate with no warning either', async () => {
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  const gen = await cli(['nfg', 'generate', '--spec', 'spec.yaml']);
  assert.equal(gen.code, 0, gen.err);
  assert.match(gen.out, /^ {16}- "y"$/m);
  writeFileSync(join(dir, 'generated-nfg.yaml'), gen.out);
  const checked = await cli(['nfr', 'validate', 'generated-nfg.yaml']);
  assert.equal(checked.err, '');
  assert.equal(checked.code, 0);
  assert.equal(checked.out, 'generated-nfg.yaml: valid, 1 NodeFeatureGroup\n');
});
