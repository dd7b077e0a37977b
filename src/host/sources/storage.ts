/**
 * NFD's `storage` source (source/storage/storage.go; NFD v0.19.0 source/storage/storage.go): storage.block, one instance
 * per entry of /sys/block.
 */
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, setInstances } from './features-builder.ts';
import { SourceReader } from './source-reader.ts';

const QUEUE_FILES = ['dax', 'rotational', 'nr_zones', 'zoned'];

async function discoverStorage(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'storage');
  const f = newFeatures();
  const blocks = await r.dir('/sys/block');
  if (!Array.isArray(blocks)) {
    // NFD: Discover returns an error; storage.block is absent.
    if (blocks === undefined) r.problem('/sys/block: ENOENT, no storage features', '/sys/block', 'ENOENT');
    return f;
  }
  const found = await Promise.all(
    blocks.map(async (name) => {
      const values = await Promise.all(QUEUE_FILES.map((q) => r.trimmed(`/sys/block/${name}/queue/${q}`)));
      const attrs: Record<string, string> = { name };
      QUEUE_FILES.forEach((q, i) => {
        const v = values[i];
        if (v !== undefined) attrs[q] = v;
      });
      return attrs;
    }),
  );
  setInstances(f, 'block', found);
  return f;
}

function storageLabels(features: Features): Record<string, string> {
  const blocks = features.instances?.block?.elements ?? [];
  // Loop, zram and other virtual devices count too, as in NFD.
  return blocks.some((b) => b.attributes.rotational === '0') ? { nonrotationaldisk: 'true' } : {};
}

export const storageSource: FeatureSource = {
  name: 'storage',
  discover: discoverStorage,
  labels: storageLabels,
};
