import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-cluster-common-'));

test('the spec of --spec with 130,000 warnings: the first 100 printed, the rest counted', async () => {
  // Each "01" is an octal-looking value YAML 1.1 reads differently: one warning per element.
  const values = Array.from({ length: 130_000 }, () => '01').join(',');
  writeFileSync(
    join(dir, 'many.yaml'),
    `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: In, value: [${values}]}
`,
  );
  const io = memoryIo({ cwd: dir });
  const code = await run(['cluster', 'affinity', '--spec', 'many.yaml', '-o', 'json'], io);
  assert.equal(code, 0, io.err().slice(0, 2000));
  const lines = io
    .err()
    .trimEnd()
    .split('\n')
    .filter((l) => /warning|not shown/.test(l));
  // Every warning printed made 17 MB of stderr.
  assert.ok(io.err().length < 50_000, `${io.err().length} bytes on stderr`);
  assert.equal(lines.length, 101);
  assert.match(lines[0]!, /^imgcompat: many\.yaml:\d+:\d+: warning: /);
  assert.equal(lines[100], 'imgcompat: ... and 129,900 more warnings (not shown)');
  assert.ok(JSON.parse(io.out()).affinity);
});
