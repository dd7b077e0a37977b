/** A small realistic feature set shared by the match tests. */
import type { Features } from '../../../src/core/model/features.ts';

export function sampleFeatures(): Features {
  return {
    flags: {
      'cpu.cpuid': { elements: { AVX: {}, AVX2: {}, SSE4: {} } },
      'kernel.loadedmodule': { elements: { e1000e: {}, nvme: {} } },
    },
    attributes: {
      'kernel.version': { elements: { major: '5', minor: '15', full: '5.15.0-1053-aws' } },
      'system.osrelease': { elements: { ID: 'ubuntu', VERSION_ID: '22.04' } },
      'cpu.cpuid': { elements: { vendor: 'Intel' } },
    },
    instances: {
      'pci.device': {
        elements: [
          { attributes: { vendor: '8086', class: '0200', device: '1572' } },
          { attributes: { vendor: '10de', class: '0300', device: '20b0' } },
        ],
      },
    },
  };
}
