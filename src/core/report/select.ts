/**
 * Choosing among image variants (the same workload built several ways, e.g. generic, AVX-512, GPU) for
 * one node: each variant's spec is evaluated on the node (validate-node's evaluation), and the variant
 * whose best passing compatibility set has the highest `weight` wins; equal weights go to the variant
 * listed first. A variant with no passing set does not fit. `weight` is NFD's Compatibility.weight
 * (api/image-compatibility/v1alpha1 `Compatibility`), "the higher, the more preferred"; unset is 0.
 */
import type { CompatibilityStatus } from '../model/report.ts';
import { compatibleSets } from './node-validator.ts';

/** One variant's report on one node (or why it was not evaluated). */
export interface VariantReport {
  /** As given (`--image`). */
  image: string;
  /** validate-node's report; absent when `error` says why there is none. */
  report?: readonly CompatibilityStatus[];
  error?: string;
}

export interface VariantOutcome {
  image: string;
  /** 1-based position in the variant list. */
  order: number;
  fits: boolean;
  /** The best passing set: 1-based index in the report, its tag and weight. */
  set?: { index: number; tag?: string; weight: number };
  error?: string;
}

export interface Selection {
  /** The chosen variant, absent when none fits. */
  chosen?: VariantOutcome;
  /** Every variant, in the order given. */
  variants: VariantOutcome[];
}

function outcome(v: VariantReport, order: number): VariantOutcome {
  if (!v.report) return { image: v.image, order, fits: false, error: v.error ?? 'not evaluated' };
  let best: VariantOutcome['set'];
  for (const { index, set } of compatibleSets(v.report)) {
    const weight = set.weight ?? 0;
    // Within one variant the first set of the highest weight names the choice.
    if (!best || weight > best.weight)
      best = { index: index + 1, weight, ...(set.tag ? { tag: set.tag } : {}) };
  }
  return best ? { image: v.image, order, fits: true, set: best } : { image: v.image, order, fits: false };
}

/** The best variant: highest-weight passing set, ties to the earlier variant. */
export function selectVariant(variants: readonly VariantReport[]): Selection {
  const outcomes = variants.map((v, i) => outcome(v, i + 1));
  let chosen: VariantOutcome | undefined;
  for (const o of outcomes) {
    if (!o.fits) continue;
    if (!chosen || o.set!.weight > chosen.set!.weight) chosen = o;
  }
  return chosen ? { chosen, variants: outcomes } : { variants: outcomes };
}
