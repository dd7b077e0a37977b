import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscoveryError } from '../../../src/errors.ts';
import { CpuidDump, formatDumpJson, parseDumpJson, toDumpJson } from '../../../src/host/native/cpuid-dump.ts';

describe('CPUID register dumps (the fixture test-cpuid.json format)', () => {
  it('round-trips through the fixture text form', () => {
    const d = new CpuidDump(
      [
        [0x80000001, 0, [0, 0, 0x121, 0x2c100800]],
        [0, 0, [0x20, 0x756e6547, 0x6c65746e, 0x49656e69]],
        [7, 1, [0x1c30, 0, 0, 0xffffffff]],
      ],
      0x602e7,
    );
    const text = formatDumpJson(d, 'test');
    assert.match(text, /"0x00000007\.1": \["0x00001c30", "0x00000000", "0x00000000", "0xffffffff"\]/);
    const back = parseDumpJson(text);
    assert.deepEqual(back.get(7, 1), [0x1c30, 0, 0, 0xffffffff]);
    assert.deepEqual(back.get(0x80000001), [0, 0, 0x121, 0x2c100800]);
    assert.equal(back.xcr0, 0x602e7);
    assert.deepEqual(toDumpJson(back, 'test'), toDumpJson(d, 'test'));
    // Leaves not in the dump read as zeros, as CPUID returns for most unsupported leaves.
    assert.deepEqual(back.get(0x12, 3), [0, 0, 0, 0]);
    assert.equal(back.has(0x12, 3), false);
  });

  it('accepts decimal numbers and keys without a subleaf; xcr0 may be omitted', () => {
    const d = parseDumpJson('{"leaves": {"1": [1, "2", "0x3", 4], "0x7.2": [0, 0, 0, 31]}}');
    assert.deepEqual(d.get(1, 0), [1, 2, 3, 4]);
    assert.deepEqual(d.get(7, 2), [0, 0, 0, 31]);
    assert.equal(d.xcr0, undefined);
  });

  it('rejects malformed files with the file and the offending key in the message', () => {
    const bad = (text: string, re: RegExp) => {
      assert.throws(
        () => parseDumpJson(text, '/test-cpuid.json'),
        (e: unknown) => e instanceof DiscoveryError && e.code === 'E_CPUID_DUMP' && re.test(e.message),
      );
    };
    bad('{', /\/test-cpuid\.json: not JSON/);
    bad('[]', /expected an object/);
    bad('{"leaves": []}', /"leaves" must be an object/);
    bad('{"leaves": {"leaf1": [0,0,0,0]}}', /"leaf1" is not "LEAF\.SUBLEAF"/);
    bad('{"leaves": {"0x1.0": [0,0,0]}}', /leaves\["0x1\.0"\] must be \[EAX, EBX, ECX, EDX\]/);
    bad(
      '{"leaves": {"0x1.0": [0,0,0,"0x100000000"]}}',
      /leaves\["0x1\.0"\]\[3\]: expected an unsigned 32-bit number/,
    );
    bad('{"leaves": {"0x1.0": [0,0,-1,0]}}', /\[2\]/);
    bad('{"xcr0": "seven", "leaves": {}}', /xcr0/);
  });
});
