import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { executeGroupRule, executeRule } from '../../../src/core/match/rule.ts';
import type { FeatureMatcherTerm, Rule } from '../../../src/core/model/rules.ts';
import { RuleEvaluationError } from '../../../src/errors.ts';
import { sampleFeatures } from './fixtures.ts';

const avx2: FeatureMatcherTerm = { feature: 'cpu.cpuid', matchExpressions: { AVX2: { op: 'Exists' } } };
const avx512: FeatureMatcherTerm = { feature: 'cpu.cpuid', matchExpressions: { AVX512F: { op: 'Exists' } } };
const badGt: FeatureMatcherTerm = {
  feature: 'kernel.version',
  matchExpressions: { full: { op: 'Gt', value: ['1'] } },
};

describe('executeRule', () => {
  test('a rule without matchers matches anything, even empty features; outputs are copies', () => {
    const rule: Rule = {
      name: 'r',
      labels: { a: '1' },
      vars: { v: '2' },
      annotations: { an: 'x' },
      extendedResources: { er: '3' },
      taints: [{ key: 'feature.node.kubernetes.io/t', value: 'v', effect: 'NoSchedule' }],
      labelsTemplate: '{{',
    };
    const out = executeRule(rule, {}, true);
    assert.equal(out.matchStatus.isMatch, true);
    assert.deepEqual(out.labels, { a: '1' });
    assert.deepEqual(out.vars, { v: '2' });
    assert.deepEqual(out.annotations, { an: 'x' });
    assert.deepEqual(out.extendedResources, { er: '3' });
    assert.deepEqual(out.taints, rule.taints);
    assert.notEqual(out.labels, rule.labels);
    assert.notEqual(out.taints, rule.taints);
  });

  test('a matched rule without outputs gives empty maps and nil optional outputs', () => {
    const out = executeRule({ name: 'r', matchFeatures: [avx2] }, sampleFeatures(), true);
    assert.deepEqual(
      { labels: out.labels, vars: out.vars, annotations: out.annotations, taints: out.taints },
      { labels: {}, vars: {}, annotations: null, taints: null },
    );
  });

  test('no match gives nil outputs', () => {
    for (const failFast of [true, false]) {
      const out = executeRule(
        { name: 'r', labels: { a: '1' }, matchFeatures: [avx512] },
        sampleFeatures(),
        failFast,
      );
      assert.equal(out.matchStatus.isMatch, false);
      assert.equal(out.labels, null);
      assert.equal(out.vars, null);
      assert.equal(out.annotations, null);
    }
  });

  test('matchAny is an OR; both matchAny and matchFeatures must hold', () => {
    const any = [{ matchFeatures: [avx512] }, { matchFeatures: [avx2] }];
    assert.equal(executeRule({ name: 'r', matchAny: any }, sampleFeatures(), true).matchStatus.isMatch, true);
    const both = executeRule({ name: 'r', matchAny: any, matchFeatures: [avx512] }, sampleFeatures(), true);
    assert.equal(both.matchStatus.isMatch, false);
  });

  test('fail-fast without templates stops at the first matching matchAny element (later errors unseen)', () => {
    const rule: Rule = {
      name: 'r',
      labels: { ok: 'y' },
      matchAny: [{ matchFeatures: [avx2] }, { matchFeatures: [badGt] }],
    };
    const out = executeRule(rule, sampleFeatures(), true);
    assert.equal(out.matchStatus.isMatch, true);
    assert.deepEqual(out.labels, { ok: 'y' });
    // The matching element's status is not appended on the early stop.
    assert.equal(out.matchStatus.matchAny.length, 0);
    assert.throws(() => executeRule(rule, sampleFeatures(), false), RuleEvaluationError);
  });

  test('without fail-fast every matchAny element has a status, and a failed matchAny still returns outputs', () => {
    const rule: Rule = {
      name: 'r',
      labels: { l: '1' },
      vars: { v: '1' },
      matchAny: [{ matchFeatures: [avx512] }, { matchFeatures: [{ feature: 'no.such' }] }],
    };
    const out = executeRule(rule, sampleFeatures(), false);
    assert.equal(out.matchStatus.isMatch, false);
    assert.deepEqual(out.labels, { l: '1' });
    assert.deepEqual(out.vars, { v: '1' });
    assert.equal(out.matchStatus.matchAny.length, 2);
    const ff = executeRule(rule, sampleFeatures(), true);
    assert.equal(ff.labels, null);
  });

  test('matchFeatures status is recorded; absent when a feature is missing under fail-fast', () => {
    const ok = executeRule({ name: 'r', matchFeatures: [avx2] }, sampleFeatures(), true);
    assert.deepEqual(ok.matchStatus.matchFeatureStatus?.matchedFeatures, {
      cpu: { cpuid: [{ Name: 'AVX2' }] },
    });
    const missing = executeRule({ name: 'r', matchFeatures: [{ feature: 'x.y' }] }, sampleFeatures(), true);
    assert.equal(missing.matchStatus.matchFeatureStatus, undefined);
  });

  test('an expression error is a RuleEvaluationError', () => {
    assert.throws(
      () => executeRule({ name: 'r', matchFeatures: [badGt] }, sampleFeatures(), true),
      RuleEvaluationError,
    );
  });
});

describe('templates in rules', () => {
  test('labelsTemplate and varsTemplate expand on the matched elements; static maps win', () => {
    const rule: Rule = {
      name: 'r',
      labels: { static: 's', over: 'static' },
      labelsTemplate: '{{ range .cpu.cpuid }}cpu-{{ .Name }}=true\n{{ end }}over=template',
      varsTemplate: '{{ range .pci.device }}dev-{{ .vendor }}={{ .device }}\n{{ end }}',
      matchFeatures: [
        { feature: 'cpu.cpuid', matchName: { op: 'InRegexp', value: ['^AVX'] } },
        { feature: 'pci.device', matchExpressions: { class: { op: 'In', value: ['0300'] } } },
      ],
    };
    const out = executeRule(rule, sampleFeatures(), true);
    assert.deepEqual(out.labels, { 'cpu-AVX': 'true', 'cpu-AVX2': 'true', static: 's', over: 'static' });
    assert.deepEqual(out.vars, { 'dev-10de': '20b0' });
  });

  test('with fail-fast and a template, every matching matchAny element is expanded (later wins)', () => {
    const rule: Rule = {
      name: 'r',
      labelsTemplate: '{{ range .cpu.cpuid }}k={{ .Name }}\n{{ .Name }}=1{{ end }}',
      matchAny: [
        { matchFeatures: [avx2] },
        { matchFeatures: [avx512] },
        { matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { SSE4: { op: 'Exists' } } }] },
      ],
    };
    const out = executeRule(rule, sampleFeatures(), true);
    assert.deepEqual(out.labels, { k: 'SSE4', AVX2: '1', SSE4: '1' });
    assert.equal(out.matchStatus.matchAny.length, 3);
  });

  test('template failures are rule errors; templates of a non-matching rule are never parsed', () => {
    assert.throws(
      () => executeRule({ name: 'r', labelsTemplate: '{{', matchFeatures: [avx2] }, sampleFeatures(), true),
      (e: unknown) =>
        e instanceof RuleEvaluationError && /^failed to parse template: invalid template: /.test(e.message),
    );
    assert.throws(
      () =>
        executeRule({ name: 'r', labelsTemplate: 'novalue', matchFeatures: [avx2] }, sampleFeatures(), true),
      (e: unknown) => e instanceof RuleEvaluationError && /^failed to expand template: /.test(e.message),
    );
    const none = executeRule(
      { name: 'r', labelsTemplate: '{{', matchFeatures: [avx512] },
      sampleFeatures(),
      true,
    );
    assert.equal(none.matchStatus.isMatch, false);
  });
});

describe('executeGroupRule', () => {
  test('vars only; nil vars on no match', () => {
    const out = executeGroupRule(
      { name: 'g', vars: { v: '1' }, matchFeatures: [avx2] },
      sampleFeatures(),
      true,
    );
    assert.deepEqual(out, {
      matchStatus: out.matchStatus,
      vars: { v: '1' },
    });
    assert.equal(out.matchStatus.isMatch, true);
    const miss = executeGroupRule(
      { name: 'g', vars: { v: '1' }, matchFeatures: [avx512] },
      sampleFeatures(),
      true,
    );
    assert.deepEqual([miss.matchStatus.isMatch, miss.vars], [false, null]);
  });

  test('varsTemplate expands; without fail-fast a failed matchAny still publishes vars', () => {
    const rule = {
      name: 'g',
      varsTemplate: '{{ range .cpu.cpuid }}has-{{ .Name }}=yes{{ end }}',
      matchAny: [{ matchFeatures: [avx512] }, { matchFeatures: [avx2] }],
    };
    assert.deepEqual(executeGroupRule(rule, sampleFeatures(), true).vars, { 'has-AVX2': 'yes' });
    const nf = executeGroupRule(
      { name: 'g', vars: { x: '1' }, matchAny: [{ matchFeatures: [avx512] }] },
      sampleFeatures(),
      false,
    );
    assert.deepEqual([nf.matchStatus.isMatch, nf.vars], [false, { x: '1' }]);
  });
});
