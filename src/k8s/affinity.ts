/**
 * Pod node affinity from an image's compatibility sets, built on the labels that the generated
 * NodeFeatureRules keep on nodes (set-names.ts), following NFD v0.19.0 pkg/nfd-master/nfd-master.go:
 *
 * - required: the node passes at least one set — one nodeSelectorTerm per set (terms are ORed);
 * - preferred: one term per set with the set's `weight` clamped to 1..100, so the scheduler favours nodes
 *   passing the heavier sets.
 *
 * Merging into a pod (the webhook) never removes the user's own terms. Required terms are ORed by
 * Kubernetes, so "user's requirement AND ours" is the product of the two term lists: every user term is
 * kept in full and extended by one of our set expressions. Preferred terms are appended. Several images in
 * one pod multiply the same way (the pod needs a node compatible with every image).
 */
import type { NamedSet } from './set-names.ts';

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export interface Affinity {
  nodeAffinity?: NodeAffinity;
  [other: string]: unknown;
}

function setRequirement(set: NamedSet): NodeSelectorRequirement {
  return { key: set.label, operator: 'In', values: ['true'] };
}

/** The `affinity` block for one image's sets (empty sets → no block). */
export function affinityFor(sets: readonly NamedSet[]): Affinity {
  if (sets.length === 0) return {};
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: sets.map((s) => ({ matchExpressions: [setRequirement(s)] })),
      },
      preferredDuringSchedulingIgnoredDuringExecution: sets.map((s) => ({
        weight: s.affinityWeight,
        preference: { matchExpressions: [setRequirement(s)] },
      })),
    },
  };
}

/** Limit on the product of required terms, so a pod with many images cannot grow without bound. */
export const MAX_REQUIRED_TERMS = 64;

function andTerms(a: NodeSelectorTerm, b: NodeSelectorTerm): NodeSelectorTerm {
  const out: NodeSelectorTerm = {};
  const exprs = [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])];
  const fields = [...(a.matchFields ?? []), ...(b.matchFields ?? [])];
  if (exprs.length > 0) out.matchExpressions = exprs;
  if (fields.length > 0) out.matchFields = fields;
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `existing` (the pod's affinity, not modified) with `ours` merged in. Throws when the required terms
 * would exceed MAX_REQUIRED_TERMS.
 */
export function mergeAffinity(existing: Affinity | undefined, ours: Affinity): Affinity {
  const out: Affinity = structuredClone(existing ?? {});
  const add = ours.nodeAffinity;
  if (!add) return out;
  out.nodeAffinity ??= {};
  const na: NodeAffinity = out.nodeAffinity;
  const ourTerms = add.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (ourTerms.length > 0) {
    const userTerms = na.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    const terms =
      userTerms.length === 0
        ? structuredClone(ourTerms)
        : userTerms.flatMap((u) => ourTerms.map((o) => andTerms(u, o)));
    if (terms.length > MAX_REQUIRED_TERMS) {
      throw new Error(
        `the merged required node affinity would have ${terms.length} terms (more than ${MAX_REQUIRED_TERMS})`,
      );
    }
    na.requiredDuringSchedulingIgnoredDuringExecution = {
      ...(na.requiredDuringSchedulingIgnoredDuringExecution ?? {}),
      nodeSelectorTerms: terms,
    };
  }
  const preferred = add.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (preferred.length > 0) {
    na.preferredDuringSchedulingIgnoredDuringExecution ??= [];
    const list = na.preferredDuringSchedulingIgnoredDuringExecution;
    for (const p of preferred) if (!list.some((q) => sameJson(q, p))) list.push(structuredClone(p));
  }
  return out;
}
