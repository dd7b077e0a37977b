import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateFeatureMatcher } from '../../../src/core/match/feature-matcher.ts';
import { lookupFeature, templateKey } from '../../../src/core/match/term.ts';
import { RuleEvaluationError } from '../../../src/errors.ts';
import { sampleFeatures } from './fixtures.ts';

describe('evaluateFeatureMatcher', () => {
  test('AND over terms; template data keyed by domain and feature', () => {
    const r = evaluateFeatureMatcher(
      [
        { feature: 'cpu.cpuid', matchExpressions: { AVX2: { op: 'Exists' } } },
        { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } },
      ],
      sampleFeatures(),
      true,
    );
    assert.equal(r.isMatch, true);
    assert.deepEqual(r.status?.matchedFeatures, {
      cpu: { cpuid: [{ Name: 'AVX2' }] },
      pci: { device: [{ vendor: '10de', class: '0300', device: '20b0' }] },
    });
    assert.deepEqual(
      r.status?.matchedFeaturesTerms.map((t) => [t.feature, Object.keys(t.matchExpressions ?? {})]),
      [
        ['cpu.cpuid', ['AVX2']],
        ['pci.device', ['vendor']],
      ],
    );
  });

  test('an empty list matches', () => {
    assert.equal(evaluateFeatureMatcher([], {}, true).isMatch, true);
  });

  test('a missing feature fails; under fail-fast the status is nil', () => {
    const terms = [{ feature: 'no.such', matchExpressions: { x: { op: 'DoesNotExist' as const } } }];
    assert.deepEqual(evaluateFeatureMatcher(terms, sampleFeatures(), true), {
      isMatch: false,
      status: undefined,
    });
    const nf = evaluateFeatureMatcher(terms, sampleFeatures(), false);
    assert.equal(nf.isMatch, false);
    assert.deepEqual(nf.status?.matchedFeatures, { no: {} }, 'the domain map is created before the lookup');
  });

  test('lookup lower-cases the name; template keys keep the spelling', () => {
    const r = evaluateFeatureMatcher(
      [{ feature: 'CPU.CpuId', matchExpressions: { AVX: { op: 'Exists' } } }],
      sampleFeatures(),
      true,
    );
    assert.equal(r.isMatch, true);
    assert.deepEqual(r.status?.matchedFeatures, { CPU: { CpuId: [{ Name: 'AVX' }] } });
    assert.equal(r.status?.matchedFeaturesTerms[0]?.feature, 'cpu.cpuid');
  });

  test('terms on the same feature concatenate their elements', () => {
    const r = evaluateFeatureMatcher(
      [
        { feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } },
        { feature: 'cpu.cpuid', matchName: { op: 'In', value: ['SSE4'] } },
      ],
      sampleFeatures(),
      true,
    );
    assert.deepEqual(r.status?.matchedFeatures.cpu?.cpuid, [{ Name: 'AVX' }, { Name: 'SSE4' }]);
    assert.equal(r.status?.matchedFeaturesTerms[1]?.matchName?.op, 'In');
  });

  test('without fail-fast, evaluation goes on and records what held', () => {
    const r = evaluateFeatureMatcher(
      [
        { feature: 'cpu.cpuid', matchExpressions: { AVX512F: { op: 'Exists' } } },
        { feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['4'] } } },
      ],
      sampleFeatures(),
      false,
    );
    assert.equal(r.isMatch, false);
    assert.deepEqual(
      r.status?.matchedFeaturesTerms.map((t) => t.feature),
      ['kernel.version'],
    );
  });

  test('quirk: a matchName-only term after a failed term is not evaluated (shared termMatch)', () => {
    const r = evaluateFeatureMatcher(
      [
        { feature: 'cpu.cpuid', matchExpressions: { AVX512F: { op: 'Exists' } } },
        { feature: 'kernel.loadedmodule', matchName: { op: 'In', value: ['nvme'] } },
      ],
      sampleFeatures(),
      false,
    );
    assert.equal(r.isMatch, false);
    assert.deepEqual(r.status?.matchedFeaturesTerms, []);
    assert.deepEqual(r.status?.matchedFeatures.kernel?.loadedmodule, []);
  });

  test('a term with neither matcher matches iff the feature exists', () => {
    assert.equal(evaluateFeatureMatcher([{ feature: 'cpu.cpuid' }], sampleFeatures(), true).isMatch, true);
    assert.equal(evaluateFeatureMatcher([{ feature: 'cpu.nope' }], sampleFeatures(), true).isMatch, false);
  });

  test('an expression error aborts', () => {
    assert.throws(
      () =>
        evaluateFeatureMatcher(
          [{ feature: 'kernel.version', matchExpressions: { full: { op: 'Gt', value: ['4'] } } }],
          sampleFeatures(),
          false,
        ),
      RuleEvaluationError,
    );
  });

  test('feature and domain names such as __proto__ are plain keys', () => {
    const features = { attributes: { '__proto__.x': { elements: { a: '1' } } } };
    const r = evaluateFeatureMatcher(
      [{ feature: '__proto__.x', matchExpressions: { a: { op: 'In', value: ['1'] } } }],
      features,
      true,
    );
    assert.equal(r.isMatch, true);
    assert.ok(Object.hasOwn(r.status!.matchedFeatures, '__proto__'));
    assert.equal(Object.getPrototypeOf(r.status!.matchedFeatures), Object.prototype);
  });
});

describe('term helpers', () => {
  test('templateKey splits at the first dot; no dot gives the lower-cased name', () => {
    assert.deepEqual(templateKey('a.b.c', 'a.b.c'), ['a', 'b.c']);
    assert.deepEqual(templateKey('NoDot', 'nodot'), ['nodot', '']);
  });

  test('lookupFeature tells a nil set from a missing name', () => {
    const f = { flags: { 'a.b': { elements: null } } };
    assert.deepEqual(lookupFeature(f, 'a.b'), { keys: null, values: null, instances: null });
    assert.equal(lookupFeature(f, 'a.c'), undefined);
    assert.equal(lookupFeature({}, 'constructor'), undefined);
  });
});
