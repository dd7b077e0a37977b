/**
 * Short runs get V8's interpreter only (src/cli/short-run.ts). Which runs are short is checked on the
 * function; that the optimising tiers are really off afterwards is checked in a child process with V8's
 * own `--trace-opt` log, which names every function marked or compiled for Maglev or TurboFan.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isShortRun } from '../../src/cli/short-run.ts';

const MODULE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../src/cli/short-run.js');

describe('isShortRun', () => {
  test('one host, one image, help and version are short', () => {
    for (const argv of [
      [],
      ['--help'],
      ['-h'],
      ['help', 'validate-node'],
      ['--version'],
      ['validate-node', '--image', 'oci:x:y'],
      ['export', 'features'],
      ['compat', 'validate-node', '--image', 'r/x:y'],
      ['completion', 'bash'],
      ['schema'],
      ['init'],
    ]) {
      assert.equal(isShortRun(argv), true, argv.join(' '));
    }
  });

  test('servers, watches, cluster sweeps and lint keep the optimising tiers', () => {
    for (const argv of [
      ['webhook', 'serve'],
      ['cluster', 'validate'],
      ['cluster', 'watch'],
      ['lint', 'rules.yaml'],
      ['select'],
      ['nfr'],
      ['nfg'],
      ['job'],
      ['eval'],
      ['--spec', 'x'],
    ]) {
      assert.equal(isShortRun(argv), false, argv.join(' '));
    }
  });
});

describe('tuneForShortRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgcompat-short-run-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'hot.mjs');
  writeFileSync(
    script,
    `const { tuneForShortRun, tierUpForLargeInput } = await import(${JSON.stringify(pathToFileURL(MODULE).href)});
console.error('tuned', tuneForShortRun(process.argv.slice(2)));
if (process.env.INPUT_SIZE) tierUpForLargeInput(Number(process.env.INPUT_SIZE));
function hotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }
let t = 0;
for (let k = 0; k < 2000; k++) t += hotLoop(1000);
console.log(t);
`,
  );

  /** How often V8's optimisation trace names the hot function, and what tuneForShortRun returned. */
  function traced(args: string[], inputSize?: number): { mentions: number; tuned: string } {
    const r = spawnSync(process.execPath, ['--trace-opt', script, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, INPUT_SIZE: inputSize === undefined ? '' : String(inputSize) },
    });
    assert.equal(r.status, 0, r.stderr);
    return {
      mentions: r.stdout.split('\n').filter((l) => l.includes('JSFunction hotLoop ')).length,
      tuned: /tuned (true|false)/.exec(r.stderr)?.[1] ?? '?',
    };
  }

  test('a long run is optimised as usual (the trace names the hot function)', () => {
    const r = traced(['webhook', 'serve']);
    assert.equal(r.tuned, 'false');
    assert.ok(r.mentions > 0, 'V8 optimised nothing: the check below would prove nothing');
  });

  test('a short run optimises nothing', () => {
    const r = traced(['validate-node', '--image', 'oci:x:y']);
    assert.equal(r.tuned, 'true');
    assert.equal(r.mentions, 0);
  });

  test('a short run that reads a large input is optimised again; a small input changes nothing', () => {
    const large = traced(['validate-node', '--spec', 'big.yaml'], 4 * 1024 * 1024);
    assert.equal(large.tuned, 'true');
    assert.ok(large.mentions > 0, 'a 4 MiB input must turn the optimising tiers back on');
    assert.equal(traced(['validate-node', '--spec', 'small.yaml'], 10_000).mentions, 0);
  });
});
