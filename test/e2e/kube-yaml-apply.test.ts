/**
 * The YAML `nfr generate` prints, sent as it is to a real kube-apiserver (server-side apply with
 * `application/apply-patch+yaml`, which the API server decodes with sigs.k8s.io/yaml as kubectl does),
 * and read back as JSON: every value, element name, feature name, rule name and var equals the spec's,
 * for a spec made of YAML 1.1 traps. The same objects written as plain YAML 1.2 are not read back so.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import type { Spec } from '../../src/core/model/spec.ts';
import { assertExit, imgcompat, tempDir } from './harness/index.ts';
import { type KubeApiServer, startKubeApiServer } from './harness/kube.ts';

let kube: KubeApiServer;
before(async () => {
  kube = await startKubeApiServer();
});
after(async () => {
  await kube?.stop();
});

const NFR_PATH = '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules';

const TRAP_VALUES = ['y', 'n', 'on', 'off', 'yes', 'No', '~', 'null', '1_000', '0b11', '0o17', '0x1F', '017'];
const MORE_TRAPS = [
  '.inf',
  '-.Inf',
  '.NaN',
  '1e3',
  '.5_5',
  '2024-01-02',
  '1:20',
  '<<',
  '',
  'true',
  ' y',
  'y\n',
];

/** Every name and value a YAML 1.1 trap (the spec is JSON, so its author's strings are unambiguous). */
const SPEC: Spec = {
  version: 'v1alpha1',
  compatibilities: [
    {
      tag: 'y',
      description: 'on',
      rules: [
        {
          name: 'no',
          vars: { y: 'n', '<<': 'off', '1_000': '0b11' },
          matchFeatures: [
            {
              feature: 'kernel.config',
              matchExpressions: {
                NO_HZ: { op: 'In', value: ['y'] },
                PREEMPT: { op: 'In', value: TRAP_VALUES },
                y: { op: 'NotIn', value: MORE_TRAPS },
                '<<': { op: 'Exists' },
                '0x1F': { op: 'Gt', value: ['017'] },
              },
            },
          ],
        },
        {
          name: 'off',
          matchAny: [
            { matchFeatures: [{ feature: 'on.off', matchName: { op: 'In', value: ['Y', 'NULL', '~'] } }] },
          ],
        },
      ],
    },
    {
      tag: 'on',
      description: '1_000',
      rules: [
        { name: '~', matchFeatures: [{ feature: 'y.n', matchExpressions: { null: { op: 'IsTrue' } } }] },
      ],
    },
  ],
};

interface AppliedRule {
  metadata: { name: string; annotations: Record<string, string> };
  spec: { rules: Array<Record<string, unknown>> };
}

test('nfr generate output applied server-side is read back with exactly the spec values', async () => {
  const dir = tempDir('imgcompat-kube-yaml-');
  const specFile = join(dir, 'spec.json');
  const specText = JSON.stringify(SPEC, null, 2);
  writeFileSync(specFile, specText);
  const gen = await imgcompat(['nfr', 'generate', '--spec', specFile]);
  assertExit(gen, 0, 'nfr generate');
  // Named imgcompat-<digest12>-<NN>-<set> (generate-nfr.ts): the digest of a --spec is the file's sha256,
  // NN the set's position, the set names are the tags.
  const d12 = createHash('sha256').update(specText).digest('hex').slice(0, 12);
  const docs = gen.out.split(/^---\n/m);
  assert.equal(docs.length, 2);

  for (const [i, c] of SPEC.compatibilities.entries()) {
    const name = `imgcompat-${d12}-0${i + 1}-${c.tag}`;
    const path = `${NFR_PATH}/${name}?fieldManager=imgcompat-e2e`;
    const applied = await kube.apiRaw('PATCH', path, 'application/apply-patch+yaml', docs[i] ?? '');
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const got = await kube.api('GET', `${NFR_PATH}/${name}`);
    assert.equal(got.status, 200);
    const nfr = got.body as AppliedRule;
    assert.equal(nfr.metadata.annotations['imgcompat.io/description'], c.description);
    for (const [j, r] of c.rules.entries()) {
      const rule = nfr.spec.rules[j];
      assert.ok(rule, `rule ${j} of ${name}`);
      assert.equal(rule.name, `${c.tag}/${r.name}`);
      assert.deepEqual(rule.matchFeatures, r.matchFeatures);
      assert.deepEqual(rule.matchAny, r.matchAny);
      for (const [k, v] of Object.entries(r.vars ?? {})) {
        assert.equal((rule.vars as Record<string, string>)[k], v, `var ${k}`);
      }
    }
  }
});

test('the same objects as plain YAML 1.2 are not what the spec says once the API server reads them', async (t) => {
  const dir = tempDir('imgcompat-kube-yaml12-');
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(SPEC, null, 2));
  const gen = await imgcompat(['nfr', 'generate', '--spec', specFile, '-o', 'json']);
  assertExit(gen, 0, 'nfr generate -o json');
  const first = JSON.parse(gen.out).items[0] as AppliedRule;
  // Without the `<<` keys too, so that the YAML 1.1 booleans and numbers are what goes wrong.
  const noMerge = structuredClone(first);
  const rule0 = noMerge.spec.rules[0] as {
    vars: Record<string, string>;
    matchFeatures: Array<{ matchExpressions: Record<string, unknown> }>;
  };
  delete rule0.vars['<<'];
  delete rule0.matchFeatures[0]?.matchExpressions['<<'];
  for (const [name, obj] of [
    ['yaml12-rendition', first],
    ['yaml12-rendition-no-merge-key', noMerge],
  ] as const) {
    obj.metadata.name = name;
    // The yaml package's own YAML 1.2 output (what `nfr generate` printed before): `- y`, `- on`, `<<:`.
    const created = await kube.apiRaw('POST', NFR_PATH, 'application/yaml', stringify(obj, { lineWidth: 0 }));
    t.diagnostic(`${name}: HTTP ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
    if (created.status === 201) {
      const back = created.body as AppliedRule;
      assert.notDeepEqual(back.spec.rules[0]?.matchFeatures, obj.spec.rules[0]?.matchFeatures, name);
    } else {
      // Rejected: a merge key whose value is not a map (400), or a boolean or number where the schema
      // wants a string (422).
      assert.ok([400, 422].includes(created.status), `${name}: ${JSON.stringify(created.body)}`);
    }
  }
});
