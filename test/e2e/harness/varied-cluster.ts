/**
 * A deterministic, varied cluster for the checks against nfd-master: node features (flags, attributes,
 * instances, a third-party object on some nodes) and a compatibility spec with several sets that uses
 * every match op (integer and `type: version` ordering ops), matchName, matchAny, instance terms, vars
 * and varsTemplate read back through `rule.matched` within a set and across sets. Same seed, same
 * cluster; the caller prints the seed so a failure can be replayed.
 */
import type { Features } from '../../../src/core/model/features.ts';
import type { FeatureMatcherTerm, GroupRule } from '../../../src/core/model/rules.ts';
import type { Compatibility, Spec } from '../../../src/core/model/spec.ts';

/** mulberry32. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
function shuffle<T>(r: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const chance = (r: Rng, p: number) => r() < p;
const subset = <T>(r: Rng, xs: readonly T[], p: number): T[] => xs.filter(() => chance(r, p));

const CPUID = ['AVX', 'AVX2', 'AVX512F', 'AVX512BW', 'AMXTILE', 'SSE4', 'VMX'];
const MODULES = ['kvm', 'vfio_pci', 'nvidia', 'ext4', 'overlay'];
const OS = [
  ['ubuntu', '20.04'],
  ['ubuntu', '22.04'],
  ['ubuntu', '24.04'],
  ['rhel', '8.9'],
  ['rhel', '9.4'],
  ['debian', '12'],
] as const;
const KERNELS = ['4.18.0', '5.4.0', '5.15.0', '6.1.0', '6.8.0', '6.11.0'];
const PCI_VENDORS = ['8086', '10de', '1002', '15b3'];
const PCI_CLASSES = ['0300', '0302', '0200', '0b40'];

export interface VariedNode {
  name: string;
  /** The node's own object (namespace node-feature-discovery) ... */
  features: Features;
  /** ... and, on some nodes, a third party's object (namespace `vendor`) that nfd-master merges in. */
  vendor?: Features;
}

export function variedNodes(seed: number, count: number): VariedNode[] {
  const r = prng(seed);
  const out: VariedNode[] = [];
  for (let i = 0; i < count; i++) {
    const [id, versionId] = pick(r, OS);
    const kernel = pick(r, KERNELS);
    const devices = Array.from({ length: Math.floor(r() * 4) }, () => ({
      attributes: {
        vendor: pick(r, PCI_VENDORS),
        class: pick(r, PCI_CLASSES),
        numa: String(Math.floor(r() * 2)),
      },
    }));
    const node: VariedNode = {
      name: `node-${String(i).padStart(4, '0')}`,
      features: {
        flags: {
          'cpu.cpuid': { elements: Object.fromEntries(subset(r, CPUID, 0.55).map((f) => [f, {}])) },
          'kernel.loadedmodule': {
            elements: Object.fromEntries(subset(r, MODULES, 0.4).map((m) => [m, {}])),
          },
        },
        attributes: {
          'kernel.version': {
            elements: { full: kernel, major: kernel.split('.')[0]!, minor: kernel.split('.')[1]! },
          },
          'kernel.config': {
            elements: { NO_HZ_FULL: pick(r, ['y', 'n']), PREEMPT_RT: pick(r, ['y', 'n', 'm']) },
          },
          'system.osrelease': { elements: { ID: id, VERSION_ID: versionId } },
          'cpu.topology': { elements: { hardware_multithreading: pick(r, ['true', 'false']) } },
          'memory.numa': { elements: { node_count: pick(r, ['1', '2', '4', '8']) } },
        },
        instances: { 'pci.device': { elements: devices } },
      },
    };
    if (i % 10 === 3) {
      node.vendor = {
        flags: { 'kernel.loadedmodule': { elements: { nvidia: {} } } },
        instances: {
          'pci.device': { elements: [{ attributes: { vendor: '10de', class: '0302', numa: '0' } }] },
        },
      };
    }
    out.push(node);
  }
  return out;
}

type TermMaker = (r: Rng) => FeatureMatcherTerm;

/** Terms on node features; every op appears, the ordering ones with and without `type: version`. */
const FEATURE_TERMS: TermMaker[] = [
  (r) => ({ feature: 'cpu.cpuid', matchExpressions: { [pick(r, CPUID)]: { op: 'Exists' } } }),
  (r) => ({ feature: 'cpu.cpuid', matchExpressions: { [pick(r, CPUID)]: { op: 'DoesNotExist' } } }),
  (r) => ({ feature: 'cpu.cpuid', matchName: { op: 'In', value: [pick(r, CPUID), pick(r, CPUID)] } }),
  () => ({ feature: 'cpu.cpuid', matchName: { op: 'InRegexp', value: ['^AVX512'] } }),
  (r) => ({ feature: 'kernel.loadedmodule', matchName: { op: 'NotIn', value: [pick(r, MODULES)] } }),
  (r) => ({ feature: 'kernel.loadedmodule', matchExpressions: { [pick(r, MODULES)]: { op: 'Exists' } } }),
  ...(['Gt', 'Ge', 'Lt', 'Le'] as const).map(
    (op): TermMaker =>
      (r) => ({
        feature: 'kernel.version',
        matchExpressions: { major: { op, value: [pick(r, ['4', '5', '6'])] } },
      }),
  ),
  ...(['Gt', 'Ge', 'Lt', 'Le'] as const).map(
    (op): TermMaker =>
      (r) => ({
        feature: 'kernel.version',
        matchExpressions: { full: { op, value: [pick(r, KERNELS)], type: 'version' } },
      }),
  ),
  () => ({ feature: 'memory.numa', matchExpressions: { node_count: { op: 'GeLe', value: ['2', '4'] } } }),
  () => ({
    feature: 'system.osrelease',
    matchExpressions: { VERSION_ID: { op: 'GtLt', value: ['9', '24.04'], type: 'version' } },
  }),
  () => ({ feature: 'kernel.version', matchExpressions: { minor: { op: 'GtLt', value: ['3', '12'] } } }),
  () => ({
    feature: 'kernel.version',
    matchExpressions: { full: { op: 'GeLe', value: ['5.10.0', '6.8.0'], type: 'version' } },
  }),
  (r) => ({
    feature: 'system.osrelease',
    matchExpressions: {
      ID: { op: pick(r, ['In', 'NotIn'] as const), value: [pick(r, OS)[0]] },
      VERSION_ID: { op: 'Ge', value: [pick(r, ['9', '12', '22.04'])], type: 'version' },
    },
  }),
  () => ({
    feature: 'system.osrelease',
    matchExpressions: { VERSION_ID: { op: 'InRegexp', value: ['^2[24]\\.'] } },
  }),
  (r) => ({
    feature: 'kernel.config',
    matchExpressions: { NO_HZ_FULL: { op: 'In', value: [pick(r, ['y', 'n'])] } },
  }),
  () => ({ feature: 'kernel.config', matchExpressions: { PREEMPT_RT: { op: 'NotIn', value: ['m'] } } }),
  ...(['IsTrue', 'IsFalse'] as const).map(
    (op): TermMaker =>
      () => ({ feature: 'cpu.topology', matchExpressions: { hardware_multithreading: { op } } }),
  ),
  (r) => ({
    feature: 'memory.numa',
    matchExpressions: { node_count: { op: 'Gt', value: [pick(r, ['1', '2'])] } },
  }),
  (r) => ({
    feature: 'pci.device',
    matchExpressions: {
      vendor: { op: 'In', value: [pick(r, PCI_VENDORS)] },
      class: { op: 'InRegexp', value: ['^03'] },
    },
  }),
  () => ({
    feature: 'pci.device',
    matchExpressions: { vendor: { op: 'NotIn', value: ['8086'] }, numa: { op: 'Exists' } },
  }),
];

/** Back-reference terms on the vars the earlier rules may have set. */
function backrefTerm(r: Rng, vars: readonly string[]): FeatureMatcherTerm {
  const v = pick(r, vars);
  const op = pick(r, ['IsTrue', 'IsFalse', 'Exists', 'DoesNotExist', 'In'] as const);
  return {
    feature: 'rule.matched',
    matchExpressions: { [v]: op === 'In' ? { op, value: ['true'] } : { op } },
  };
}

/** Var names shared between sets, so later sets read (and overwrite) what earlier ones set. */
const VARS = ['gpu', 'fast', 'rt', 'numa'];

/**
 * A spec of `sets` compatibility sets. The varsTemplate rule writes `vendor_<id>` vars from the matched
 * PCI devices; later rules read them.
 */
export function variedSpec(seed: number, sets = 8): Spec {
  const r = prng(seed);
  // Term makers are dealt from a shuffled deck, so each is used once before any is used twice; those
  // still in the first deck at the end make one more set (a matchAny of them), so every op appears.
  let deck = shuffle(r, FEATURE_TERMS);
  let firstDeck = true;
  const deal = (): TermMaker => {
    if (deck.length === 0) {
      deck = shuffle(r, FEATURE_TERMS);
      firstDeck = false;
    }
    return deck.pop()!;
  };
  const written: string[] = [];
  const compatibilities: Compatibility[] = [];
  const tags = ['gpu', 'baseline', 'realtime', 'gpu', 'numa-heavy', 'setx', 'modern', 'legacy'];
  for (let s = 0; s < sets; s++) {
    const rules: GroupRule[] = [];
    const n = 1 + Math.floor(r() * 2.5);
    for (let j = 0; j < n; j++) {
      const rule: GroupRule = { name: `r${j + 1}` };
      const terms = (k: number) =>
        Array.from({ length: k }, () =>
          written.length > 0 && chance(r, 0.25) ? backrefTerm(r, written) : deal()(r),
        );
      if (chance(r, 0.3)) {
        rule.matchAny = Array.from({ length: 2 + Math.floor(r() * 2) }, () => ({
          matchFeatures: terms(chance(r, 0.3) ? 2 : 1),
        }));
        if (chance(r, 0.5)) rule.matchFeatures = terms(1);
      } else {
        rule.matchFeatures = terms(chance(r, 0.25) ? 2 : 1);
      }
      if (chance(r, 0.45)) {
        const v = pick(r, VARS);
        rule.vars = { [v]: chance(r, 0.8) ? 'true' : 'false' };
        written.push(v);
      }
      rules.push(rule);
    }
    if (s === 1) {
      // A template over the matched PCI devices, read back by a later rule of the same set.
      rules.unshift({
        name: 'pci-vendors',
        matchFeatures: [{ feature: 'pci.device', matchExpressions: { vendor: { op: 'Exists' } } }],
        varsTemplate: '{{ range .pci.device }}vendor_{{ .vendor }}=true\n{{ end }}',
      });
      rules.push({
        name: 'nvidia-seen',
        matchFeatures: [{ feature: 'rule.matched', matchExpressions: { vendor_10de: { op: 'IsTrue' } } }],
      });
    }
    const c: Compatibility = { rules };
    const tag = tags[s % tags.length]!;
    if (s !== 6) c.tag = tag;
    c.description = `generated set ${s + 1}`;
    compatibilities.push(c);
  }
  if (firstDeck && deck.length > 0) {
    compatibilities.push({
      tag: 'coverage',
      rules: [{ name: 'any-of-the-rest', matchAny: deck.map((m) => ({ matchFeatures: [m(r)] })) }],
    });
  }
  // One set without rules: passes on every node.
  compatibilities.push({ tag: 'anything', rules: [] });
  return { version: 'v1alpha1', compatibilities };
}
