import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Features } from '../../src/core/model/features.ts';
import { kernelRangeBranches, starterSpec, x86Level } from '../../src/core/starter-spec.ts';

const term = (exprs: Record<string, { op: string; value: string[] }>) => ({
  matchFeatures: [{ feature: 'kernel.version', matchExpressions: exprs }],
});

describe('kernelRangeBranches', () => {
  test('from 5.14 up: a higher major, or major 5 with minor >= 14', () => {
    assert.deepEqual(kernelRangeBranches({ major: 5, minor: 14 }), [
      term({ major: { op: 'Gt', value: ['5'] } }),
      term({ major: { op: 'In', value: ['5'] }, minor: { op: 'Ge', value: ['14'] } }),
    ]);
  });

  test('from 6.0 up: no minor bound', () => {
    assert.deepEqual(kernelRangeBranches({ major: 6, minor: 0 }), [
      term({ major: { op: 'Gt', value: ['6'] } }),
      term({ major: { op: 'In', value: ['6'] } }),
    ]);
  });

  test('4.18 to 6.8: the lower major from its minor, the majors between, the upper major to its minor', () => {
    assert.deepEqual(kernelRangeBranches({ major: 4, minor: 18 }, { major: 6, minor: 8 }), [
      term({ major: { op: 'In', value: ['4'] }, minor: { op: 'Ge', value: ['18'] } }),
      term({ major: { op: 'GtLt', value: ['4', '6'] } }),
      term({ major: { op: 'In', value: ['6'] }, minor: { op: 'Le', value: ['8'] } }),
    ]);
  });

  test('5.14 to 6.2: adjacent majors, no middle branch; 5.4 to 5.15 and 5.15 to 5.15 in one major', () => {
    assert.deepEqual(kernelRangeBranches({ major: 5, minor: 14 }, { major: 6, minor: 2 }), [
      term({ major: { op: 'In', value: ['5'] }, minor: { op: 'Ge', value: ['14'] } }),
      term({ major: { op: 'In', value: ['6'] }, minor: { op: 'Le', value: ['2'] } }),
    ]);
    assert.deepEqual(kernelRangeBranches({ major: 5, minor: 4 }, { major: 5, minor: 15 }), [
      term({ major: { op: 'In', value: ['5'] }, minor: { op: 'GeLe', value: ['4', '15'] } }),
    ]);
    assert.deepEqual(kernelRangeBranches({ major: 5, minor: 15 }, { major: 5, minor: 15 }), [
      term({ major: { op: 'In', value: ['5'] }, minor: { op: 'In', value: ['15'] } }),
    ]);
  });
});

describe('starterSpec', () => {
  const features: Features = {
    flags: {
      'cpu.cpuid': { elements: { AVX2: {}, X86_64_V1: {}, X86_64_V2: {}, X86_64_V3: {} } },
      'kernel.loadedmodule': { elements: { vfio_pci: {}, overlay: {} } },
    },
    attributes: {
      'kernel.version': { elements: { full: '5.14.0-427.13.1.el9_4.x86_64', major: '5', minor: '14' } },
    },
    instances: {
      'pci.device': { elements: [{ attributes: { vendor: '10de', device: '2330', class: '0302' } }] },
    },
  };

  test('the highest X86_64_V flag; none on a host without them', () => {
    assert.equal(x86Level(features), 'X86_64_V3');
    assert.equal(x86Level({ flags: { 'cpu.cpuid': { elements: { ASIMD: {} } } } }), undefined);
  });

  test('a named module the host lacks is a usage error with the other spelling', () => {
    assert.throws(
      () => starterSpec(features, { source: 'node-a', modules: ['vfio-pci'] }),
      (e: Error & { kind?: string }) =>
        e.kind === 'usage' &&
        e.message === '--module vfio-pci: not loaded on node-a; did you mean "vfio_pci"?',
    );
  });

  test('a PCI vendor or device the host lacks, and malformed IDs, are usage errors', () => {
    assert.throws(
      () => starterSpec(features, { source: 'node-a', pciVendors: ['8086'] }),
      /--pci-vendor 8086: no PCI device of this vendor on node-a \(it has 10de:2330\)/,
    );
    assert.throws(
      () => starterSpec(features, { source: 'n', pciDevices: ['10de'] }),
      /expected VENDOR:DEVICE/,
    );
    assert.throws(() => starterSpec(features, { source: 'n', pciVendors: ['nvidia'] }), /4-digit hex ID/);
    assert.throws(() => starterSpec(features, { source: 'n', kernelMin: '5' }), /expected MAJOR\.MINOR/);
    assert.throws(
      () => starterSpec(features, { source: 'n', kernelMax: '5.10' }),
      /--kernel-max 5\.10 is below the minimum 5\.14/,
    );
  });

  test('a host with nothing to say and nothing named: usage error', () => {
    assert.throws(() => starterSpec({}, { source: 'empty' }), /nothing to put in the spec/);
  });
});
