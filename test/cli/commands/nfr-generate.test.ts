/**
 * `nfr generate` without a cluster: object names in spec order, and rules NFD cannot express refused with
 * exit 3 naming set and rule, or generated with a warning under `--allow-partial`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-nfr-generate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function specFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const INEXPRESSIBLE = specFile(
  'inexpressible.yaml',
  `version: v1alpha1
compatibilities:
  - tag: base
    rules:
      - name: kvm
        vars: { kvm: "true" }
        matchFeatures:
          - feature: kernel.loadedmodule
            matchName: { op: In, value: [kvm] }
  - tag: other
    rules:
      - name: nothing-else-matched
        matchFeatures:
          - feature: rule.matched
            matchName: { op: NotIn, value: [kvm] }
`,
);

test('nfr generate refuses a rule NFD cannot express: exit 3, set and rule named, nothing printed', async () => {
  const io = memoryIo();
  const code = await run(['nfr', 'generate', '--spec', INEXPRESSIBLE], io);
  assert.equal(code, 3, io.err());
  assert.equal(io.out(), '');
  assert.match(
    io.err(),
    /set #2 \(other\) rule "nothing-else-matched": matchName NotIn \["kvm"\] on rule\.matched/,
  );
  assert.match(io.err(), /--allow-partial/);
});

test('nfr generate --allow-partial warns about the same rule and generates every set', async () => {
  const io = memoryIo();
  const code = await run(['nfr', 'generate', '--spec', INEXPRESSIBLE, '--allow-partial', '-o', 'json'], io);
  assert.equal(code, 0, io.err());
  assert.match(io.err(), /warning: set #2 \(other\) rule "nothing-else-matched": matchName NotIn/);
  const items = JSON.parse(io.out()).items as { metadata: { name: string } }[];
  assert.equal(items.length, 2);
  assert.match(items[0]!.metadata.name, /^imgcompat-[0-9a-f]{12}-01-base$/);
  assert.match(items[1]!.metadata.name, /^imgcompat-[0-9a-f]{12}-02-other$/);
});

test('nfr generate: a matchName In on rule.matched is expressible (no refusal, no warning)', async () => {
  const io = memoryIo();
  const spec = specFile(
    'in.yaml',
    `version: v1alpha1
compatibilities:
  - rules:
      - name: kvm
        vars: { kvm: "true" }
        matchFeatures:
          - feature: kernel.loadedmodule
            matchName: { op: In, value: [kvm] }
      - name: after-kvm
        matchFeatures:
          - feature: rule.matched
            matchName: { op: In, value: [kvm] }
`,
  );
  const code = await run(['nfr', 'generate', '--spec', spec], io);
  assert.equal(code, 0, io.err());
  assert.equal(io.err(), '');
});
