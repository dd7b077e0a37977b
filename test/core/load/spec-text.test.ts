import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec, validateSpec } from '../../../src/core/index.ts';
import { decodeSpecBytes, specTextOf } from '../../../src/core/load/spec-text.ts';
import { SpecError } from '../../../src/errors.ts';

const text = `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions:
        ext4: {op: Exists}
`;

test('UTF-16 with a BOM decodes; invalid UTF-8 and control characters are refused naming the source', () => {
  const be = new Uint8Array(
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
  );
  assert.equal(specTextOf(be, 'x'), text);
  const bad = new Uint8Array([...Buffer.from(text), 0xc3, 0x28]);
  assert.throws(
    () => specTextOf(bad, 'reg/repo@sha256:00'),
    (e: unknown) =>
      e instanceof SpecError &&
      e.message === `reg/repo@sha256:00: yaml: invalid trailing UTF-8 octet (at byte ${text.length + 1})`,
  );
  const ctl = decodeSpecBytes(new Uint8Array(Buffer.from(`${text}# \u0001\n`)), 'f.yaml');
  assert.ok('error' in ctl);
  assert.match(ctl.error.message, /^f\.yaml: yaml: control characters are not allowed \(at byte \d+\)$/);
});

test('the library reads spec bytes the same way', () => {
  const le = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assert.equal(loadSpec(le, { file: 'le.yaml' }).spec.compatibilities.length, 1);
  const bad = new Uint8Array([...Buffer.from(text), 0xff]);
  assert.throws(() => loadSpec(bad, { file: 'bad.yaml' }), /bad\.yaml: yaml: invalid leading UTF-8 octet/);
  const v = validateSpec(bad, { file: 'bad.yaml' });
  assert.equal(v.valid, false);
  assert.match(v.diagnostics[0]!.message, /^bad\.yaml: yaml: invalid leading UTF-8 octet \(at byte \d+\)$/);
});
