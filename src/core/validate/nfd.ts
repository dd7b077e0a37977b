/**
 * NFD's `pkg/apis/nfd/validate` (NFD v0.19.0 pkg/apis/nfd/validate/validate.go): the checks nfd-master and `kubectl nfd validate`
 * apply to rule outputs (labels, annotations, taints, extended resources), feature names and
 * templates. Functions return Go-style errors: `null` for valid, or an `NfdError` whose `sentinel`
 * says which of NFD's sentinel errors it is or wraps (Go's `errors.Is`). Messages are NFD's.
 */
import { quote as goQuote } from '../../go/strconv.ts';
import { utf8Length } from '../../go/utf8.ts';
import { isQualifiedName, isValidLabelValue } from './k8s.ts';
import { parseQuantity, QuantityError } from './quantity.ts';

export type Sentinel =
  | 'ErrNSNotAllowed'
  | 'ErrUnprefixedKeysNotAllowed'
  | 'ErrInvalidTaintEffect'
  | 'ErrEmptyTaintEffect';

const SENTINEL_TEXT: Record<Sentinel, string> = {
  ErrNSNotAllowed: 'namespace is not allowed',
  ErrUnprefixedKeysNotAllowed: 'unprefixed keys are not allowed',
  ErrInvalidTaintEffect: 'invalid taint effect',
  ErrEmptyTaintEffect: 'empty taint effect',
};

export class NfdError extends Error {
  /** The sentinel this error is or wraps (`errors.Is`). */
  readonly sentinel: Sentinel | undefined;
  constructor(message: string, sentinel?: Sentinel) {
    super(message);
    this.name = 'NfdError';
    this.sentinel = sentinel;
  }

  static sentinel(s: Sentinel): NfdError {
    return new NfdError(SENTINEL_TEXT[s], s);
  }

  /** `fmt.Errorf(prefix + "%w", err)`: a new message, the same sentinel. */
  wrap(prefix: string): NfdError {
    return new NfdError(`${prefix}${this.message}`, this.sentinel);
  }
}

/** api/nfd/v1alpha1 namespaces. */
export const FEATURE_LABEL_NS = 'feature.node.kubernetes.io';
export const FEATURE_LABEL_SUB_NS_SUFFIX = '.feature.node.kubernetes.io';
export const PROFILE_LABEL_NS = 'profile.node.kubernetes.io';
export const PROFILE_LABEL_SUB_NS_SUFFIX = '.profile.node.kubernetes.io';
/** Annotations, taints and extended resources share the feature namespace. */
const FEATURE_NS_ONLY = [FEATURE_LABEL_NS, FEATURE_LABEL_SUB_NS_SUFFIX] as const;
export const FEATURE_ANNOTATION_VALUE_SIZE_LIMIT = 1 << 10;

/** `splitNs`: the part before the first `/`, or `''` when there is none. */
function namespaceOf(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

function isDenied(ns: string, allowed: ReadonlyArray<readonly [string, string]>): boolean {
  if (ns !== 'kubernetes.io' && !ns.endsWith('.kubernetes.io')) return false;
  return !allowed.some(([exact, suffix]) => ns === exact || ns.endsWith(suffix));
}

const LABEL_NS: ReadonlyArray<readonly [string, string]> = [
  [FEATURE_LABEL_NS, FEATURE_LABEL_SUB_NS_SUFFIX],
  [PROFILE_LABEL_NS, PROFILE_LABEL_SUB_NS_SUFFIX],
];
const FEATURE_NS: ReadonlyArray<readonly [string, string]> = [FEATURE_NS_ONLY];

/** validate.Label */
export function label(key: string, value: string): NfdError | null {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) return new NfdError(`invalid label key ${goQuote(key)}: ${keyErrs.join('; ')}`);
  const ns = namespaceOf(key);
  if (ns === '') return NfdError.sentinel('ErrUnprefixedKeysNotAllowed');
  if (isDenied(ns, LABEL_NS)) return NfdError.sentinel('ErrNSNotAllowed');
  const valueErrs = isValidLabelValue(value);
  if (valueErrs.length > 0) return new NfdError(`invalid value ${goQuote(value)}: ${valueErrs.join('; ')}`);
  return null;
}

/** validate.Annotation */
export function annotation(key: string, value: string): NfdError | null {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0)
    return new NfdError(`invalid annotation key ${goQuote(key)}: ${keyErrs.join('; ')}`);
  const ns = namespaceOf(key);
  if (ns === '') return NfdError.sentinel('ErrUnprefixedKeysNotAllowed');
  if (isDenied(ns, FEATURE_NS)) return NfdError.sentinel('ErrNSNotAllowed');
  if (utf8Length(value) > FEATURE_ANNOTATION_VALUE_SIZE_LIMIT) {
    return new NfdError(
      `invalid value: too long: feature annotations must not be longer than ${FEATURE_ANNOTATION_VALUE_SIZE_LIMIT} characters`,
    );
  }
  return null;
}

export interface TaintInput {
  key: string;
  value?: string;
  effect: string;
}

const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** validate.Taint (the key is not checked as a qualified name, as in NFD). */
export function taint(t: TaintInput): NfdError | null {
  const ns = namespaceOf(t.key);
  if (ns === '') return NfdError.sentinel('ErrUnprefixedKeysNotAllowed');
  if (isDenied(ns, FEATURE_NS)) return NfdError.sentinel('ErrNSNotAllowed');
  if (t.effect === '') return NfdError.sentinel('ErrEmptyTaintEffect');
  if (!TAINT_EFFECTS.has(t.effect)) return NfdError.sentinel('ErrInvalidTaintEffect');
  return null;
}

/** validate.ExtendedResource */
export function extendedResource(key: string, value: string): NfdError | null {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) return new NfdError(`invalid name ${goQuote(key)}: ${keyErrs.join('; ')}`);
  const ns = namespaceOf(key);
  if (ns === '') return NfdError.sentinel('ErrUnprefixedKeysNotAllowed');
  if (isDenied(ns, FEATURE_NS)) return NfdError.sentinel('ErrNSNotAllowed');
  try {
    parseQuantity(value);
  } catch (e) {
    if (e instanceof QuantityError) return new NfdError(`invalid value ${goQuote(value)}: ${e.message}`);
    throw e;
  }
  return null;
}

/** An error of a plural function, with the map key or list index it is about. */
export interface ItemError {
  key: string | number;
  error: NfdError;
}

function mapErrors(
  m: Readonly<Record<string, string>> | null | undefined,
  what: string,
  check: (k: string, v: string) => NfdError | null,
): ItemError[] {
  const out: ItemError[] = [];
  if (!m) return out;
  // Go walks the map in random order; we walk it in insertion order (callers sort when they compare).
  for (const [k, v] of Object.entries(m)) {
    const err = check(k, v);
    if (err) out.push({ key: k, error: err.wrap(`invalid ${what} ${goQuote(k)}:${goQuote(v)} `) });
  }
  return out;
}

/** validate.Labels */
export function labels(m: Readonly<Record<string, string>> | null | undefined): ItemError[] {
  return mapErrors(m, 'label', label);
}

/** validate.Annotations */
export function annotations(m: Readonly<Record<string, string>> | null | undefined): ItemError[] {
  return mapErrors(m, 'annotation', annotation);
}

/** validate.ExtendedResources */
export function extendedResources(m: Readonly<Record<string, string>> | null | undefined): ItemError[] {
  return mapErrors(m, 'extended resource', extendedResource);
}

/** validate.Taints: `invalid taint <key>=<value>:<effect>: <err>`, in list order. */
export function taints(list: readonly TaintInput[] | null | undefined): ItemError[] {
  const out: ItemError[] = [];
  (list ?? []).forEach((t, i) => {
    const err = taint(t);
    if (err) out.push({ key: i, error: err.wrap(`invalid taint ${t.key}=${t.value ?? ''}:${t.effect}: `) });
  });
  return out;
}

/**
 * validate.MatchFeatures: a feature name must have exactly one dot (`<domain>.<feature>`), stricter
 * than the engine, which splits at the first dot (NFD v0.19.0 pkg/apis/nfd/validate/validate.go, quirk 10).
 */
export function matchFeatures(terms: ReadonlyArray<{ feature: string }> | null | undefined): ItemError[] {
  const out: ItemError[] = [];
  (terms ?? []).forEach((t, i) => {
    if (t.feature.split('.').length !== 2) {
      out.push({
        key: i,
        error: new NfdError(
          `invalid feature name ${t.feature} (not <domain>.<feature>), cannot be used for templating`,
        ),
      });
    }
  });
  return out;
}

/** validate.MatchAny: MatchFeatures of every element, in order. */
export function matchAny(
  elems: ReadonlyArray<{ matchFeatures?: ReadonlyArray<{ feature: string }> | null }> | null | undefined,
): Array<ItemError & { elem: number }> {
  const out: Array<ItemError & { elem: number }> = [];
  (elems ?? []).forEach((e, i) => {
    for (const err of matchFeatures(e.matchFeatures)) out.push({ ...err, elem: i });
  });
  return out;
}
