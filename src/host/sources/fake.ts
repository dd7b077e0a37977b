/**
 * NFD's supplemental `fake` source (source/fake/fake.go; NFD v0.19.0 source/fake/fake.go) with its default config:
 * off unless named explicitly (`--sources fake` or `all,fake`).
 */
import type { FeatureSource } from '../types.ts';
import { newFeatures, setAttributes, setFlags, setInstances } from './features-builder.ts';

export const fakeSource: FeatureSource & { disableByDefault: true } = {
  name: 'fake',
  disableByDefault: true,
  async discover() {
    const f = newFeatures();
    setFlags(f, 'flag', ['flag_1', 'flag_2', 'flag_3']);
    setAttributes(f, 'attribute', { attr_1: 'true', attr_2: 'false', attr_3: '10' });
    setInstances(f, 'instance', [
      { name: 'instance_1', attr_1: 'true', attr_2: 'false', attr_3: '10', attr_4: 'foobar' },
      { name: 'instance_2', attr_1: 'true', attr_2: 'true', attr_3: '100' },
      { name: 'instance_3' },
    ]);
    return f;
  },
  labels: () => ({ fakefeature1: 'true', fakefeature2: 'true', fakefeature3: 'true' }),
};
