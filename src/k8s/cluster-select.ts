/**
 * The best image variant for every node of a cluster (core/report/select.ts) from each node's merged
 * NodeFeature objects, as `cluster validate` evaluates one spec. A node whose features are malformed is
 * skipped with the reason; a rule that fails to evaluate on a node makes that variant not fit there (NFD
 * aborts the whole evaluation on such an error), with the reason.
 */
import type { Features } from '../core/model/features.ts';
import type { Spec } from '../core/model/spec.ts';
import { validateNode } from '../core/report/node-validator.ts';
import { type Selection, selectVariant, type VariantReport } from '../core/report/select.ts';
import { ImgcompatError } from '../errors.ts';
import { MalformedFeaturesError, mergeNodeFeatures, type NodeObjects } from './nodefeatures.ts';

export interface Variant {
  image: string;
  spec: Spec;
}

export interface NodeSelection {
  node: string;
  /** Present when the node was not evaluated. */
  skipped?: string;
  selection: Selection;
}

export function selectForNode(
  node: NodeObjects,
  variants: readonly Variant[],
  tags: readonly string[],
): NodeSelection {
  let features: Features;
  try {
    features = mergeNodeFeatures(node.objects);
  } catch (e) {
    if (!(e instanceof MalformedFeaturesError)) throw e;
    return { node: node.node, skipped: e.message, selection: { variants: [] } };
  }
  const reports = variants.map((v): VariantReport => {
    try {
      return { image: v.image, report: validateNode(v.spec, features, { tags }) };
    } catch (e) {
      if (!ImgcompatError.is(e)) throw e;
      return { image: v.image, error: `a rule cannot be evaluated: ${e.message}` };
    }
  });
  return { node: node.node, selection: selectVariant(reports) };
}

export function selectForCluster(
  nodes: readonly NodeObjects[],
  variants: readonly Variant[],
  tags: readonly string[],
): NodeSelection[] {
  return nodes.map((n) => selectForNode(n, variants, tags));
}
