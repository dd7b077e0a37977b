/**
 * Property tests of the Kubernetes YAML emitter against the real reader: tools/oracle's `kubeYAML`
 * query reads our output as kubectl does (k8s.io/apimachinery's YAMLReader splitting the stream,
 * sigs.k8s.io/yaml `YAMLToJSON` on each document, go.yaml.in/yaml/v2 underneath) and returns the JSON.
 * The expected value is always the object we emitted (or the spec it came from), never a re-parse of
 * our own. Cases per property: IMGCOMPAT_ORACLE_RUNS (default 10,000; a quarter of that for whole specs), each property time-boxed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type FeatureMatcherTerm,
  type GroupRule,
  MATCH_OPS,
  type MatchExpression,
} from '../../src/core/model/rules.ts';
import type { Compatibility, Spec } from '../../src/core/model/spec.ts';
import { affinityFor } from '../../src/k8s/affinity.ts';
import { generateNodeFeatureGroups } from '../../src/k8s/generate-nfg.ts';
import { generateNodeFeatureRules } from '../../src/k8s/generate-nfr.ts';
import { buildValidateJob } from '../../src/k8s/job-manifest.ts';
import { toKubeYaml, toKubeYamlStream } from '../../src/k8s/kube-yaml.ts';
import { webhookManifests } from '../../src/k8s/webhook/manifests.ts';
import { useOracle } from '../go/oracle-client.ts';
import {
  FLOAT_TRAPS,
  INT_TRAPS,
  NEAR_MISSES,
  RESOLVE_TRAPS,
  SYNTAX_TRAPS,
  WORD_TRAPS,
} from './yaml11-traps.ts';

const NUM_RUNS = Number(process.env.IMGCOMPAT_ORACLE_RUNS ?? 10_000);
const TIME_LIMIT_MS = 120_000;

const ALL_TRAPS = [...RESOLVE_TRAPS, ...NEAR_MISSES, ...SYNTAX_TRAPS];

const wellFormed = (s: string) => s.replace(/\p{Cs}/gu, '\ufffd');

/** What a JSON reader (Go's included) sees of a JS value: undefined dropped, lone surrogates → U+FFFD. */
function asJson(v: unknown): unknown {
  const fix = (x: unknown): unknown => {
    if (typeof x === 'string') return wellFormed(x);
    if (Array.isArray(x)) return x.map(fix);
    if (x !== null && typeof x === 'object') {
      return Object.fromEntries(Object.entries(x).map(([k, y]) => [wellFormed(k), fix(y)]));
    }
    return x;
  };
  return v === undefined ? undefined : fix(JSON.parse(JSON.stringify(v)));
}

/** Text built from the characters that make YAML 1.1 numbers, booleans, timestamps and syntax. */
const numberish = fc.string({
  unit: fc.constantFrom(...'0123456789+-._eExXoObB:tTzZ '.split(''), '0', '1', '_', '.', ':'),
  maxLength: 12,
});

/** Values, element names, feature names: traps, their neighbours, numberish text and any text. */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ALL_TRAPS) },
  { weight: 2, arbitrary: numberish },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '\t', '#', ':', '-', "'", '"', '\\'),
      maxLength: 10,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('AVX512F', 'kernel.config', 'vfio-pci', '8086', '6.1.0', 'x86_64'),
  },
);

const expression: fc.Arbitrary<MatchExpression> = fc.record(
  {
    op: fc.constantFrom(...MATCH_OPS),
    value: fc.oneof(fc.array(text, { maxLength: 4 }), fc.constant(null)),
    type: fc.constantFrom('version', 'y', ''),
  },
  { requiredKeys: ['op'] },
);

const term: fc.Arbitrary<FeatureMatcherTerm> = fc.record(
  {
    feature: text,
    matchExpressions: fc.oneof(
      fc.dictionary(text, expression, { maxKeys: 4 }),
      fc.constant({}),
      fc.constant(null),
    ),
    matchName: expression,
  },
  { requiredKeys: ['feature'] },
);

const groupRule: fc.Arbitrary<GroupRule> = fc.record(
  {
    name: text,
    vars: fc.dictionary(text, text, { maxKeys: 3 }),
    varsTemplate: text,
    matchFeatures: fc.array(term, { minLength: 1, maxLength: 3 }),
    matchAny: fc.array(fc.record({ matchFeatures: fc.array(term, { minLength: 1, maxLength: 2 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
  },
  { requiredKeys: ['name'] },
);

/** Set tags that are valid DNS labels (used in names and labels) and YAML 1.1 traps at once. */
const tag = fc.oneof(
  fc.constantFrom(
    'y',
    'n',
    'on',
    'no',
    'yes',
    'off',
    'true',
    'null',
    '1',
    '0x1f',
    '0b11',
    '1e3',
    '007',
    'gpu',
  ),
  text,
);

const compatibility: fc.Arbitrary<Compatibility> = fc.record(
  {
    rules: fc.array(groupRule, { maxLength: 3 }),
    weight: fc.integer({ min: -5, max: 200 }),
    tag,
    description: text,
  },
  { requiredKeys: ['rules'] },
);

const spec: fc.Arbitrary<Spec> = fc
  .array(compatibility, { minLength: 1, maxLength: 3 })
  .map((compatibilities) => ({ version: 'v1alpha1', compatibilities }));

const digest = fc.constantFrom(
  `sha256:${'ab'.repeat(32)}`,
  `sha256:123456789012${'0'.repeat(52)}`,
  `sha256:1e1000000000${'f'.repeat(52)}`,
);

describe('Kubernetes YAML read back by sigs.k8s.io/yaml (the Go oracle)', () => {
  const oracle = useOracle(before, after);
  let cases = 0;

  /** The documents kubectl would read from `yaml`. */
  const read = async (yaml: string): Promise<unknown[]> => {
    const a = await oracle().query({ op: 'kubeYAML', yaml });
    cases++;
    assert.ok(a.ok, `sigs.k8s.io/yaml rejected our YAML: ${a.err}\n${yaml}`);
    return JSON.parse(a.out ?? '') as unknown[];
  };

  test('every trap, as a value, a list element and a key, reads back as the same string', async () => {
    const answers = await oracle().batch(
      ALL_TRAPS.map((t) => ({ op: 'kubeYAML', yaml: toKubeYaml({ [t]: t, list: [t, { [t]: [t] }] }) })),
    );
    ALL_TRAPS.forEach((t, i) => {
      const a = answers[i];
      assert.ok(a?.ok, `${JSON.stringify(t)}: ${a?.err}`);
      assert.deepEqual(
        JSON.parse(a.out ?? ''),
        [asJson({ [t]: t, list: [t, { [t]: [t] }] })],
        JSON.stringify(t),
      );
    });
    cases += ALL_TRAPS.length;
  });

  test('the trap list is real: written plain, each trap is misread, and each near miss is not', async () => {
    const plainTraps = [...WORD_TRAPS, ...INT_TRAPS, ...FLOAT_TRAPS];
    const misread = await oracle().batch(plainTraps.map((t) => ({ op: 'kubeYAML', yaml: `${t}: ${t}\n` })));
    plainTraps.forEach((t, i) => {
      const a = misread[i];
      const same = a?.ok === true && JSON.stringify(JSON.parse(a.out ?? '')) === JSON.stringify([{ [t]: t }]);
      assert.equal(same, false, `${t} written plain reads back as the string ${t}: not a trap`);
    });
    const read = await oracle().batch(NEAR_MISSES.map((t) => ({ op: 'kubeYAML', yaml: `k: ${t}\n` })));
    NEAR_MISSES.forEach((t, i) => {
      assert.deepEqual(JSON.parse(read[i]?.out ?? 'null'), [{ k: t }], `${t} written plain`);
    });
    cases += plainTraps.length + NEAR_MISSES.length;
  });

  test('numberish text and arbitrary text read back as the same string, as keys and values', async (t) => {
    const start = cases;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(numberish, fc.string({ unit: 'binary' }), text),
        fc.string(),
        async (s, other) => {
          const value = { [s]: s, [other]: [s, other], nested: { list: [s] } };
          assert.deepEqual(await read(toKubeYaml(value)), [asJson(value)]);
        },
      ),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true },
    );
    t.diagnostic(`${cases - start} cases`);
  });

  test('generated NodeFeatureRules, NodeFeatureGroups and affinity carry the spec values exactly', async (t) => {
    const start = cases;
    await fc.assert(
      fc.asyncProperty(spec, digest, text, async (s, d, image) => {
        const nfr = generateNodeFeatureRules(s, { digest: d, image });
        const docs = (await read(toKubeYamlStream(nfr.objects))) as Array<{
          metadata: { annotations: Record<string, string> };
          spec: { rules: Array<Record<string, unknown>> };
        }>;
        assert.deepEqual(docs, asJson(nfr.objects));
        // Straight from the spec: each set's rules are its NodeFeatureRule's first rules.
        nfr.sets.forEach((set, i) => {
          const c = s.compatibilities[set.position - 1] as Compatibility;
          const doc = docs[i];
          assert.ok(doc);
          if (image) assert.equal(doc.metadata.annotations['imgcompat.io/image'], wellFormed(image));
          if (c.description) {
            assert.equal(doc.metadata.annotations['imgcompat.io/description'], wellFormed(c.description));
          }
          c.rules.forEach((r, j) => {
            const got = doc.spec.rules[j];
            assert.ok(got);
            assert.deepEqual(got.matchFeatures, asJson(r.matchFeatures), 'matchFeatures');
            assert.deepEqual(got.matchAny, asJson(r.matchAny), 'matchAny');
            // An empty template is no template (generate-nfr.ts copies only a non-empty one).
            if (r.varsTemplate) assert.equal(got.varsTemplate, asJson(r.varsTemplate), 'varsTemplate');
            for (const [k, v] of Object.entries(r.vars ?? {})) {
              assert.equal((got.vars as Record<string, string>)[asJson(k) as string], asJson(v), `var ${k}`);
            }
          });
        });

        const nfg = generateNodeFeatureGroups(s, { digest: d, namespace: 'node-feature-discovery' });
        const groups = (await read(toKubeYamlStream(nfg.objects))) as Array<{
          spec: { featureGroupRules: Array<{ matchFeatures?: unknown }> };
        }>;
        assert.deepEqual(groups, asJson(nfg.objects));
        nfg.sets.forEach((set, i) => {
          const c = s.compatibilities[set.position - 1] as Compatibility;
          const terms = c.rules.flatMap((r) => r.matchFeatures ?? []);
          assert.deepEqual(
            groups[i]?.spec.featureGroupRules[0]?.matchFeatures,
            terms.length > 0 ? asJson(terms) : undefined,
          );
        });

        const affinity = { affinity: affinityFor(nfr.sets) };
        const [aff] = (await read(toKubeYaml(affinity))) as Array<typeof affinity>;
        assert.deepEqual(aff, asJson(affinity));
        const required = aff?.affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
        assert.deepEqual(
          required?.nodeSelectorTerms.map((term) => term.matchExpressions),
          nfr.sets.map((set) => [{ key: set.label, operator: 'In', values: ['true'] }]),
        );
      }),
      {
        numRuns: Math.ceil(NUM_RUNS / 4),
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        includeErrorInReport: true,
      },
    );
    t.diagnostic(`${cases - start} cases`);
  });

  test('the Job and the webhook install, with names and tags that are traps, read back as built', async () => {
    const objects = [
      buildValidateJob({
        image: 'registry.example/app:1',
        jobImage: 'registry.example/imgcompat:0.1.0',
        namespace: 'on',
        node: 'y',
        tags: ['y', 'no', '0x1F', '1_000'],
      }),
      ...webhookManifests({
        namespace: 'on',
        name: 'y',
        image: 'registry.example/imgcompat:0.1.0',
        replicas: 2,
        timeoutSeconds: 10,
        failurePolicy: 'Ignore',
        mode: 'required',
        tlsSecret: 'no',
        namespaceLabel: { key: 'on', value: 'yes' },
        cert: { kind: 'self-signed', days: 1, extraSans: ['127.0.0.1'] },
      }),
    ];
    const yaml = toKubeYamlStream(objects);
    assert.doesNotMatch(yaml, /[&*]a\d/, 'no anchors or aliases');
    assert.deepEqual(await read(yaml), asJson(objects));
  });

  test('cases run', (t) => {
    t.diagnostic(`total ${cases} documents read by sigs.k8s.io/yaml`);
    assert.ok(cases >= ALL_TRAPS.length);
  });
});
