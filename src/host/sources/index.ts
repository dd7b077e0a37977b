/**
 * The source table: every NFD feature source we implement, in NFD's name order (NFD runs feature sources
 * sorted by name). `fake` is supplemental: only an explicit `--sources` entry enables it.
 */
import type { FeatureSource } from '../types.ts';
import { cpuSource } from './cpu/index.ts';
import { fakeSource } from './fake.ts';
import { kernelSource } from './kernel.ts';
import { localSource } from './local.ts';
import { memorySource } from './memory.ts';
import { networkSource } from './network.ts';
import { pciSource } from './pci.ts';
import { storageSource } from './storage.ts';
import { systemSource } from './system.ts';
import { usbSource } from './usb.ts';

export interface SourceEntry {
  source: FeatureSource;
  /** NFD's SupplementalSource.DisableByDefault(): left out of `all`. */
  disableByDefault: boolean;
  /** NFD LabelSource priority (built-ins 0, custom 10, local 20). */
  labelPriority: number;
}

export const SOURCES: readonly SourceEntry[] = [
  { source: cpuSource, disableByDefault: false, labelPriority: 0 },
  { source: fakeSource, disableByDefault: true, labelPriority: 0 },
  { source: kernelSource, disableByDefault: false, labelPriority: 0 },
  { source: localSource, disableByDefault: false, labelPriority: 20 },
  { source: memorySource, disableByDefault: false, labelPriority: 0 },
  { source: networkSource, disableByDefault: false, labelPriority: 0 },
  { source: pciSource, disableByDefault: false, labelPriority: 0 },
  { source: storageSource, disableByDefault: false, labelPriority: 0 },
  { source: systemSource, disableByDefault: false, labelPriority: 0 },
  { source: usbSource, disableByDefault: false, labelPriority: 0 },
];

export function findSource(name: string): SourceEntry | undefined {
  return SOURCES.find((e) => e.source.name === name);
}
