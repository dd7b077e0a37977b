import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pciAttributeValue } from '../../../src/host/sources/pci.ts';

test('pci attribute values: one 0x stripped, trimmed, class cut to 4 characters', () => {
  assert.equal(pciAttributeValue('class', '0x030000\n'), '0300');
  assert.equal(pciAttributeValue('class', '0x0c8000\n'), '0c80');
  assert.equal(pciAttributeValue('vendor', '0x8086\n'), '8086');
  assert.equal(pciAttributeValue('device', '0x0x12\n'), '0x12');
  assert.equal(pciAttributeValue('iommu_group/type', 'DMA-FQ\n'), 'DMA-FQ');
  assert.equal(pciAttributeValue('sriov_totalvfs', '16\n'), '16');
});
