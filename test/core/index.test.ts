/**
 * `imgcompat/core` (src/core/index.ts): the I/O-free API against NFD's own expected output (the
 * node-validator conformance vectors carry NFD's report, JSON and table bytes), its argument checks, and
 * that it bundles for a browser (no `node:` module anywhere in its import graph).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as core from '../../src/core/index.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface NodeValidatorVector {
  id: string;
  kind: string;
  input?: unknown;
  features?: unknown;
  tags?: string[];
  expect: { error?: boolean; json_text?: string; pretty_text?: string; pretty_ansi?: string };
}

const vectors = (
  JSON.parse(readFileSync(path.join(REPO, 'test/conformance/vectors.json'), 'utf8')) as NodeValidatorVector[]
).filter((v) => v.kind === 'node-validator');

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('evaluate and renderReport give NFD’s bytes', () => {
  test('every node-validator vector', () => {
    assert.ok(vectors.length >= 20, `found ${vectors.length} vectors`);
    for (const v of vectors) {
      const spec = (v.input ?? { version: 'v1alpha1', compatibilities: [] }) as core.Spec;
      const features = (v.features ?? {}) as core.Features;
      if (v.expect.error === true) {
        assert.throws(
          () => core.evaluate(spec, features, { tags: v.tags ?? [] }),
          core.ImgcompatError.is,
          v.id,
        );
        continue;
      }
      const r = core.evaluate(spec, features, { tags: v.tags ?? [] });
      if (v.expect.json_text !== undefined)
        assert.equal(text(core.renderReport(r.report, { format: 'json' })), v.expect.json_text, v.id);
      if (v.expect.pretty_text !== undefined)
        assert.equal(text(core.renderReport(r.report)), v.expect.pretty_text, v.id);
      if (v.expect.pretty_ansi !== undefined)
        assert.equal(text(core.renderReport(r.report, { color: true })), v.expect.pretty_ansi, v.id);
    }
  });

  test('the verdict: the sets whose every rule matched, after the tags filter', () => {
    const spec = [
      'version: v1alpha1',
      'compatibilities:',
      '- tag: has-avx',
      '  rules:',
      '  - name: avx',
      '    matchFeatures:',
      '    - feature: cpu.cpuid',
      '      matchExpressions: {AVX: {op: Exists}}',
      '- tag: has-nope',
      '  rules:',
      '  - name: nope',
      '    matchFeatures:',
      '    - feature: cpu.cpuid',
      '      matchExpressions: {NOPE: {op: Exists}}',
      '',
    ].join('\n');
    const features = { flags: { 'cpu.cpuid': { elements: { AVX: {} } } } };
    const loaded = core.loadSpec(spec, { file: 'spec.yaml' });
    assert.deepEqual(loaded.warnings, []);
    const r = core.evaluate(loaded.spec, features);
    assert.equal(r.report.length, 2);
    assert.deepEqual(r.compatibleSets, [0]);
    assert.equal(r.compatible, true);
    const onlyNope = core.evaluate(spec, JSON.stringify(features), { tags: ['has-nope'] });
    assert.equal(onlyNope.report.length, 1);
    assert.equal(onlyNope.report[0]?.tag, 'has-nope');
    assert.equal(onlyNope.compatible, false);
    assert.deepEqual(core.evaluate(spec, features, { tags: ['no-such-tag'] }), {
      report: [],
      compatible: false,
      compatibleSets: [],
    });
  });
});

describe('loadSpec and validateSpec', () => {
  test('an invalid spec: SpecError from loadSpec, diagnostics with line:column from validateSpec', () => {
    const bad =
      'version: v1alpha1\ncompatibilities:\n  - rules:\n      - name: r\n        matchFeatures: 7\n';
    assert.throws(
      () => core.loadSpec(bad, { file: 'bad.yaml' }),
      (e) => e instanceof core.SpecError && e.code === 'E_SPEC_INVALID' && e.diagnostics.length > 0,
    );
    const v = core.validateSpec(new TextEncoder().encode(bad), { file: 'bad.yaml' });
    assert.equal(v.valid, false);
    assert.equal(v.diagnostics[0]?.position?.file, 'bad.yaml');
    assert.equal(v.diagnostics[0]?.position?.line, 5);
    assert.equal(core.validateSpec(readFileSync(path.join(REPO, 'examples/spec.yaml'))).valid, true);
  });
});

/** A minimal valid spec. */
const VALID: core.Spec = {
  version: 'v1alpha1',
  compatibilities: [
    {
      rules: [
        { name: 'r', matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } }] },
      ],
    },
  ],
};

describe('misuse from JavaScript', () => {
  const loose = core as unknown as Record<string, (...args: unknown[]) => unknown>;
  test('wrong argument types are UsageErrors naming the function and the argument', () => {
    const cases: [string, unknown[]][] = [
      ['loadSpec', [42]],
      ['loadSpec', ['x', { file: 3 }]],
      ['validateSpec', [null]],
      ['evaluate', [7, {}]],
      ['evaluate', [VALID, null]],
      ['evaluate', [VALID, {}, { tags: 'a' }]],
      ['renderReport', ['report']],
      ['renderReport', [[], { format: 'yaml' }]],
    ];
    for (const [fn, args] of cases) {
      assert.throws(
        () => loose[fn]!(...args),
        (e) => e instanceof core.UsageError && e.kind === 'usage' && e.message.startsWith(`${fn}: `),
        `${fn}(${JSON.stringify(args)})`,
      );
    }
  });

  test('a hand-built spec or features object of the wrong shape gets the file errors', () => {
    const features = { flags: {} };
    assert.throws(
      () => core.evaluate({ version: 'v1alpha1', compatibilities: 'all' } as unknown as core.Spec, features),
      (e) => e instanceof core.SpecError,
    );
    assert.throws(
      () => core.evaluate(VALID, { flags: 5 } as unknown as core.Features),
      (e) => e instanceof core.InvalidInputError && e.code === 'E_FEATURES_INVALID',
    );
  });
});

describe('imgcompat/core in a browser', () => {
  test('bundles for the browser platform with no node: module, and the bundle evaluates', async () => {
    const result = await build({
      entryPoints: [path.join(REPO, 'src/core/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(
      inputs.filter((i) => i.startsWith('node:') || /^(fs|path|os|crypto|child_process)$/.test(i)),
      [],
    );
    const code = result.outputFiles[0]!.text;
    assert.doesNotMatch(code, /from\s*["']node:/);
    const mod = (await import(
      `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
    )) as typeof core;
    const spec = readFileSync(path.join(REPO, 'examples/spec.yaml'), 'utf8');
    const features = readFileSync(path.join(REPO, 'examples/features.json'), 'utf8');
    assert.equal(mod.evaluate(spec, features).compatible, core.evaluate(spec, features).compatible);
  });
});
