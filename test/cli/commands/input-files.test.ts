import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readInputFile } from '../../../src/cli/commands/input-files.ts';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const SPEC = readFileSync(join(ROOT, 'examples/spec.yaml'), 'utf8');
const FEATURES = readFileSync(join(ROOT, 'examples/features.json'), 'utf8');

async function cli(argv: string[], stdin: string) {
  const io = memoryIo({ cwd: ROOT, stdin });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('`-` reads standard input wherever a file is taken, with the same result as the file', async () => {
  const fromFile = await cli(
    ['eval', '--spec', 'examples/spec.yaml', '--features', 'examples/features.json'],
    '',
  );
  const specStdin = await cli(['eval', '--spec', '-', '--features', 'examples/features.json'], SPEC);
  assert.equal(specStdin.out, fromFile.out);
  assert.equal(specStdin.code, fromFile.code);
  const featuresStdin = await cli(['eval', '--spec', 'examples/spec.yaml', '--features', '-'], FEATURES);
  assert.equal(featuresStdin.out, fromFile.out);
  const vn = await cli(
    ['validate-node', '--spec', '-', '--features', 'examples/features.json', '-o', 'json'],
    SPEC,
  );
  const vnFile = await cli(
    ['validate-node', '--spec', 'examples/spec.yaml', '--features', 'examples/features.json', '-o', 'json'],
    '',
  );
  assert.equal(vn.out, vnFile.out);
  const valid = await cli(['validate-spec', '-'], SPEC);
  assert.equal(valid.code, 0, valid.err);
  const invalid = await cli(['validate-spec', '-'], 'version: v1alpha1\ncompatibilities: 5\n');
  assert.equal(invalid.code, 3);
  assert.match(invalid.err, /^-:\d+:\d+: error: /m);
});

test('`-` is a file named "-" when no standard input is offered, and stdin over the limit is refused', async () => {
  const missing = await readInputFile('/nonexistent-dir', '-');
  assert.ok('problem' in missing && /^-: cannot read file: no such file/.test(missing.problem.message));
  const big = await readInputFile('/', '-', async () => 'x'.repeat(4 * 1024 * 1024 + 1));
  assert.ok('problem' in big && /larger than the 4194304-byte/.test(big.problem.message));
});
