/**
 * Kubernetes `resource.ParseQuantity` (k8s.io/apimachinery pkg/api/resource/quantity.go), as far as
 * deciding whether a string parses and which error it gets. NFD's validate package only asks "is this
 * extended-resource value a quantity?", so the value itself is not computed (which also avoids the
 * huge-exponent arithmetic the Go slow path would do).
 */

/** The regular expression Kubernetes quotes in ErrFormatWrong. */
const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE_STRING}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const DEC_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
/** maxInt64Factors: decimal digits that always fit in an int64. */
const MAX_INT64_FACTORS = 18;
const NANO = -9;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface Parsed {
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** quantity.go `parseQuantityString`. */
function parseQuantityString(str: string): Parsed {
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) pos++;
  // strip leading zeros
  for (let i = pos; ; i++) {
    if (i >= end) return { value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  // the numerator
  let num = '';
  for (let i = pos; ; i++) {
    if (i >= end) return { value: str, num: str.slice(pos), denom: '', suffix: '' };
    if (!isDigit(str[i])) {
      num = str.slice(pos, i);
      pos = i;
      break;
    }
  }
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    for (let i = pos; ; i++) {
      if (i >= end) return { value: str, num, denom: str.slice(pos), suffix: '' };
      if (!isDigit(str[i])) {
        denom = str.slice(pos, i);
        pos = i;
        break;
      }
    }
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  for (let i = pos; ; i++) {
    if (i >= end) return { value, num, denom, suffix: str.slice(suffixStart) };
    if (!SUFFIX_CHARS.includes(str[i]!)) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (let i = pos; ; i++) {
    if (i >= end) return { value, num, denom, suffix: str.slice(suffixStart) };
    if (!isDigit(str[i])) break;
  }
  throw new QuantityError(ERR_FORMAT_WRONG);
}

/** quantity.go `suffixHandler.interpret`: base, exponent, format; undefined when unknown. */
function interpret(
  suffix: string,
): { base: number; exponent: number; format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent' } | undefined {
  if (Object.hasOwn(DEC_SUFFIXES, suffix))
    return { base: 10, exponent: DEC_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BIN_SUFFIXES, suffix))
    return { base: 2, exponent: BIN_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'E' || suffix[0] === 'e')) {
    // strconv.ParseInt(suffix[1:], 10, 64), then truncated to int32 as Go does.
    const rest = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const big = BigInt(rest);
    if (big > (1n << 63n) - 1n || big < -(1n << 63n)) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, big)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Whether inf.Dec `SetString` reads `value`: it needs at least one digit. */
function infDecAccepts(value: string): boolean {
  return /[0-9]/.test(value);
}

/** Throws `QuantityError` with Kubernetes' message when `str` is not a resource quantity. */
export function parseQuantity(str: string): void {
  if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
  if (str === '0') return;
  const { value, num, denom, suffix } = parseQuantityString(str);
  const s = interpret(suffix);
  if (!s) throw new QuantityError(ERR_SUFFIX);
  let precision = 0;
  let scale = 0;
  if (s.format === 'BinarySI') {
    if (s.exponent >= 0 && denom.length === 0) {
      precision = 15 - num.length - Math.trunc(Math.fround(Math.fround(s.exponent) * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = s.exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    // The fast path parses num+denom (at most 18 digits) as an int64: it cannot fail.
    if (scale >= NANO) return;
  }
  // The slow path reads the numeric part with inf.Dec.
  if (!infDecAccepts(value)) throw new QuantityError(ERR_NUMERIC);
}
