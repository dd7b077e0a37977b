import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hugepageSizeKey } from '../../../src/host/sources/memory.ts';

test('hugepage sizes become canonical k8s quantities (NFD v0.19.0 source/memory/memory.go)', () => {
  const cases: [string, string | undefined][] = [
    ['2048', '2Mi'],
    ['1048576', '1Gi'],
    ['64', '64Ki'],
    ['32768', '32Mi'],
    ['16384', '16Mi'],
    ['524288', '512Mi'],
    ['16777216', '16Gi'],
    ['1536', '1536Ki'],
    ['invalid', undefined],
    ['', undefined],
  ];
  for (const [kib, key] of cases) assert.equal(hugepageSizeKey(kib), key, kib);
});
