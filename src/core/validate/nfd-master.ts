/**
 * What nfd-master (NFD v0.19.0, default configuration) does with a NodeFeatureRule's outputs before they
 * reach the Node, as opposed to `kubectl nfd validate` (validate.ts `nfd.*`), which rejects some of the
 * same objects nfd-master accepts:
 *
 * - Unprefixed keys get the default namespace. `pkg/nfd-master/nfd-master.go` `processNodeFeatureRule`
 *   calls `addNsToMapKeys` on each rule's labels (`FeatureLabelNs`), extended resources
 *   (`ExtendedResourceNs`) and annotations (`FeatureAnnotationNs`), all `feature.node.kubernetes.io`
 *   (api/nfd/v1alpha1 `annotations_labels.go`), unless the DisableAutoPrefix feature gate is on (it is
 *   off by default). An unprefixed key is ignored when the same rule also sets its prefixed form. Taints
 *   are not prefixed.
 * - Keys are then checked with the validate package (`filterFeatureLabel`, `filterExtendedResource`,
 *   `filterFeatureAnnotations`, `filterTaints`); anything that fails is dropped with an error log, the
 *   rest of the node's outputs are still written. A key in a denied namespace (`kubernetes.io`,
 *   `*.kubernetes.io` other than the feature and profile namespaces; validate `Label`) is dropped unless
 *   nfd-master's `extraLabelNs` lists it, which is empty by default; `denyLabelNs` is empty by default.
 *
 * Callers report a denied namespace as a warning (nfd-master accepts the object and silently loses the
 * output) and every other failure as an error.
 */
import { quote as goQuote } from '../../go/strconv.ts';
import * as nfd from './nfd.ts';

/** api/nfd/v1alpha1 `FeatureLabelNs`, `ExtendedResourceNs` and `FeatureAnnotationNs`: the same value. */
export const DEFAULT_OUTPUT_NS = nfd.FEATURE_LABEL_NS;

export type OutputKind = 'label' | 'annotation' | 'extended resource' | 'taint';

/**
 * `addNsToMapKeys`: a copy with `ns/` added to keys without a `/`; an unprefixed key whose prefixed form
 * is also in `m` is left out (the prefixed one wins). `ignored` lists the keys left out.
 */
export function addNsToMapKeys(
  m: Readonly<Record<string, string>> | null | undefined,
  ns: string = DEFAULT_OUTPUT_NS,
): { out: Record<string, string>; from: Map<string, string>; ignored: string[] } {
  const out: Record<string, string> = {};
  const from = new Map<string, string>();
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(m ?? {})) {
    if (k.includes('/')) {
      define(out, k, v);
      from.set(k, k);
      continue;
    }
    const fqn = `${ns}/${k}`;
    if (m && Object.hasOwn(m, fqn)) {
      ignored.push(k);
      continue;
    }
    define(out, fqn, v);
    from.set(fqn, k);
  }
  return { out, from, ignored };
}

/** Own enumerable property, so a key such as `__proto__` is a plain key. */
function define(o: Record<string, string>, k: string, v: string): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** An output nfd-master would not write, and why. */
export interface Rejected {
  kind: OutputKind;
  /** The key as nfd-master sees it (prefixed). */
  key: string;
  /** The key as the rule wrote it. */
  ruleKey: string;
  value: string;
  /** True for a denied namespace (reported as a warning); false for any other failure. */
  denied: boolean;
  message: string;
}

const CHECK: Record<Exclude<OutputKind, 'taint'>, (k: string, v: string) => nfd.NfdError | null> = {
  label: nfd.label,
  annotation: nfd.annotation,
  'extended resource': nfd.extendedResource,
};

/** `namespace "x" is not allowed`: nfd-master's own message for a denied label namespace. */
function nsOf(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

/**
 * One kind of output of one rule, as nfd-master filters it: prefixed, then checked. Returns the outputs
 * nfd-master keeps (prefixed keys) and those it drops.
 */
export function filterOutputs(
  kind: Exclude<OutputKind, 'taint'>,
  m: Readonly<Record<string, string>> | null | undefined,
): { kept: Record<string, string>; rejected: Rejected[]; ignored: string[] } {
  const { out, from, ignored } = addNsToMapKeys(m);
  const kept: Record<string, string> = {};
  const rejected: Rejected[] = [];
  for (const [key, value] of Object.entries(out)) {
    const err = CHECK[kind](key, value);
    if (!err) {
      define(kept, key, value);
      continue;
    }
    const denied = err.sentinel === 'ErrNSNotAllowed';
    rejected.push({
      kind,
      key,
      ruleKey: from.get(key) ?? key,
      value,
      denied,
      message: denied
        ? `${kind} ${JSON.stringify(key)} is dropped by nfd-master: namespace ${JSON.stringify(nsOf(key))} is not allowed`
        : `invalid ${kind} ${goQuote(key)}:${goQuote(value)} ${err.message}`,
    });
  }
  return { kept, rejected, ignored };
}

/** `filterTaints`: taints are not prefixed; an invalid one is dropped. */
export function filterTaint(t: nfd.TaintInput): { denied: boolean; message: string } | null {
  const err = nfd.taint(t);
  if (!err) return null;
  const denied = err.sentinel === 'ErrNSNotAllowed';
  return {
    denied,
    message: denied
      ? `taint ${JSON.stringify(t.key)} is dropped by nfd-master: namespace ${JSON.stringify(nsOf(t.key))} is not allowed`
      : `invalid taint ${t.key}=${t.value ?? ''}:${t.effect}: ${err.message}`,
  };
}
