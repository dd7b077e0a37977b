/**
 * The subset of Go's fmt package that templates reach through print, printf, println and output of
 * values: %v of every value kind (`map[a:1 b:2]` with sorted keys, `[a b]`, `<nil>`), the common verbs
 * with flags, width and precision, and fmt's in-band error forms (`%!d(string=x)`, `%!d(MISSING)`,
 * `%!(EXTRA ...)`).
 */

import {
  GoFloat,
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  type GoValue,
  sortedKeys,
  typeOf,
  typeString,
} from './reflect.ts';
import { formatFloat, quote } from './strconv.ts';
import { isPrint } from './unicode.ts';

/** `%#U` of a rune: `U+003D '='`, the character shown only when `strconv.IsPrint`. */
export function formatRuneU(r: number): string {
  const h = r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `U+${h} '${String.fromCodePoint(r)}'` : `U+${h}`;
}

/** `%v` of a `[]string`: `[a b c]`, nothing quoted (a nil slice prints as `[]`). */
export function formatStringSlice(values: readonly string[] | null | undefined): string {
  return `[${(values ?? []).join(' ')}]`;
}

/** %v of a value as fmt prints it (Fprint of a single operand). */
export function formatV(v: GoValue, plus = false, depth = 0): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoInt) return v.v.toString();
  if (v instanceof GoFloat) return formatFloat(v.v);
  if (v instanceof GoSlice) {
    if (v.a === null) return '[]';
    return `[${v.a.map((e) => formatV(e, plus, depth + 1)).join(' ')}]`;
  }
  if (v instanceof GoMap) {
    if (v.m === null) return 'map[]';
    const m = v.m;
    return `map[${sortedKeys(m)
      .map((k) => `${k}:${formatV(m.get(k), plus, depth + 1)}`)
      .join(' ')}]`;
  }
  if (v instanceof GoObject) return v.str();
  return String(v);
}

function isStringOperand(v: GoValue): boolean {
  return typeof v === 'string';
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  let prevString = false;
  args.forEach((a, i) => {
    const isString = isStringOperand(a);
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatV(a);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: always a space between operands, and a newline. */
export function sprintln(args: GoValue[]): string {
  return `${args.map((a) => formatV(a)).join(' ')}\n`;
}

interface Flags {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

/**
 * fmt's `pad`: to the width with spaces, or zeros with the 0 flag, whatever the text is (a string
 * "-7" with %05v is "000-7"). `signed`: the text is a formatted float, whose zeros go after its sign
 * (fmt's `fmtFloat`); integers place their zeros themselves (`fmtInteger`).
 */
function pad(s: string, f: Flags, signed = false): string {
  if (f.width === undefined) return s;
  const len = [...s].length;
  if (len >= f.width) return s;
  const fill = f.width - len;
  if (f.minus) return s + ' '.repeat(fill);
  if (f.zero) {
    const m = signed ? /^[+\- ]/.exec(s) : null;
    if (m) return m[0] + '0'.repeat(fill) + s.slice(1);
    return '0'.repeat(fill) + s;
  }
  return ' '.repeat(fill) + s;
}

/** fmt's badVerb: `%!d(string=x)`, the value printed with %v and the same flags. */
function badVerb(verb: string, v: GoValue, f?: Flags): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  const shown = f === undefined ? formatV(v) : formatOne(v, 'v', f);
  return `%!${verb}(${typeString(typeOf(v))}=${shown})`;
}

function fmtInteger(n: bigint, verb: string, f: Flags, unsigned: boolean): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (f.sharp && digits[0] !== '0') prefix = '0';
      break;
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(f.prec, '0');
  }
  let sign = '';
  if (neg) sign = '-';
  else if (f.plus && !unsigned) sign = '+';
  else if (f.space && !unsigned) sign = ' ';
  const body = prefix + digits;
  if (f.width !== undefined && f.zero && !f.minus && f.prec === undefined) {
    const w = f.width - sign.length;
    return sign + (body.length < w ? prefix + digits.padStart(w - prefix.length, '0') : body);
  }
  return pad(sign + body, { ...f, zero: false });
}

/** The exact decimal expansion of a finite double: digits (no leading zeros) and the decimal point position. */
function exactDecimal(x: number): { digits: string; dp: number } {
  const a = Math.abs(x);
  if (a === 0) return { digits: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { digits: trimmed, dp };
}

/** Rounds a digit string to `n` digits, half to even on exact ties (Go's strconv). */
function roundDigits(d: { digits: string; dp: number }, n: number): { digits: string; dp: number } {
  if (n < 0) return { digits: '', dp: d.dp };
  if (d.digits.length <= n) return d;
  const next = d.digits.charCodeAt(n) - 48;
  const rest = d.digits.slice(n + 1);
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (/[1-9]/.test(rest)) up = true;
  else up = n > 0 && (d.digits.charCodeAt(n - 1) - 48) % 2 === 1;
  // Like Go's decimal: no trailing zeros are kept after rounding.
  let kept = d.digits.slice(0, n);
  let dp = d.dp;
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') i--;
    if (i < 0) {
      kept = '1';
      dp++;
    } else kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
  } else kept = kept.replace(/0+$/, '');
  return { digits: kept, dp };
}

/** strconv's 'x' format with the shortest precision: `0x1.cp+01`. */
function hexFloat(x: number): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a === 0) return `${sign}0x0p+00`;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = bexp - 1023;
  if (bexp === 0) {
    // Subnormal: normalise so that the leading bit is bit 52.
    e = -1022;
    while ((mant & (1n << 52n)) === 0n) {
      mant <<= 1n;
      e--;
    }
  }
  const frac = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0').replace(/0+$/, '');
  const ae = Math.abs(e);
  return `${sign}0x1${frac ? `.${frac}` : ''}p${e < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
}

/** %.<p>f with Go's exact rounding. */
function fixedGo(x: number, p: number): string {
  const d = roundDigits(exactDecimal(x), exactDecimal(x).dp + p);
  let int = '';
  let frac = '';
  for (let i = 0; i < d.dp; i++) int += d.digits[i] ?? '0';
  for (let i = 0; i < p; i++) {
    const k = d.dp + i;
    frac += k < 0 ? '0' : (d.digits[k] ?? '0');
  }
  if (int === '') int = '0';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + int + (p > 0 ? `.${frac}` : '');
}

/** %.<p>e with Go's exact rounding: mantissa digits and a two-digit-minimum exponent. */
function expGo(x: number, p: number): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  let d = exactDecimal(x);
  let exp = 0;
  if (d.digits !== '') {
    d = roundDigits(d, p + 1);
    exp = d.dp - 1;
  }
  const digits = d.digits.padEnd(p + 1, '0');
  const mant = p > 0 ? `${digits[0]}.${digits.slice(1)}` : (digits[0] ?? '0');
  const ae = Math.abs(exp);
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
}

function fmtFloat(x: number, verb: string, f: Flags): string {
  let s: string;
  const lower = verb.toLowerCase();
  if (!Number.isFinite(x)) {
    s = Number.isNaN(x) ? 'NaN' : x > 0 ? (f.plus ? '+Inf' : 'Inf') : '-Inf';
    if (Number.isNaN(x) && f.plus) s = '+NaN';
    return pad(s, { ...f, zero: false });
  }
  switch (lower) {
    case 'e':
      s = expGo(x, f.prec ?? 6);
      if (verb === 'E') s = s.toUpperCase();
      break;
    case 'f':
      s = fixedGo(x, f.prec ?? 6);
      break;
    case 'g':
    case 'v':
      if (f.prec === undefined) s = formatFloat(x);
      else {
        const p = f.prec === 0 ? 1 : f.prec;
        const d = roundDigits(exactDecimal(x), p);
        const exp = d.digits === '' ? 0 : d.dp - 1;
        if (exp < -4 || exp >= p) {
          s = expGo(x, Math.max(0, Math.min(p, d.digits.length) - 1));
        } else {
          s = fixedGo(x, Math.max(0, Math.min(p, d.digits.length) - d.dp));
        }
      }
      if (verb === 'G') s = s.toUpperCase();
      break;
    default:
      s = formatFloat(x);
  }
  if (x >= 0 && !Object.is(x, -0)) {
    if (f.plus) s = `+${s}`;
    else if (f.space) s = ` ${s}`;
  }
  return pad(s, f, true);
}

function fmtString(s: string, verb: string, f: Flags): string {
  let str = s;
  if (f.prec !== undefined) str = [...str].slice(0, f.prec).join('');
  switch (verb) {
    case 's':
    case 'v':
      return pad(str, f);
    case 'q':
      return pad(f.sharp && !str.includes('`') ? `\`${str}\`` : quote(str), f);
    case 'x':
    case 'X': {
      let hex = '';
      for (const b of new TextEncoder().encode(str)) {
        if (f.space && hex !== '') hex += ' ';
        if (f.sharp && (f.space || hex === '')) hex += verb === 'x' ? '0x' : '0X';
        const h = b.toString(16).padStart(2, '0');
        hex += verb === 'X' ? h.toUpperCase() : h;
      }
      return pad(hex, f);
    }
  }
  return badVerb(verb, s, f);
}

function formatOne(v: GoValue, verb: string, f: Flags): string {
  if (verb === 'T') return pad(v === undefined || v === null ? '<nil>' : typeString(typeOf(v)), f);
  if (v === undefined || v === null) {
    if (verb === 'v') return pad('<nil>', f);
    return badVerb(verb, v, f);
  }
  if (typeof v === 'boolean') {
    if (verb === 'v' || verb === 't') return pad(v ? 'true' : 'false', f);
    return badVerb(verb, v, f);
  }
  if (typeof v === 'string') {
    if ('svqxX'.includes(verb)) return fmtString(v, verb, f);
    return badVerb(verb, v, f);
  }
  if (v instanceof GoInt) {
    const unsigned = v.t.k === 'uint';
    switch (verb) {
      case 'v':
      case 'd':
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X':
        return fmtInteger(v.v, verb, f, unsigned);
      case 'c':
        return pad(
          String.fromCodePoint(Number(v.v) >= 0 && Number(v.v) <= 0x10ffff ? Number(v.v) : 0xfffd),
          f,
        );
      case 'q': {
        const c = String.fromCodePoint(Number(v.v) >= 0 && Number(v.v) <= 0x10ffff ? Number(v.v) : 0xfffd);
        return pad(`'${c === "'" ? "\\'" : quote(c).slice(1, -1).replace('\\"', '"')}'`, f);
      }
      case 'U': {
        if (f.sharp && v.v >= 0n && v.v <= 0x10ffffn) return pad(formatRuneU(Number(v.v)), f);
        return pad(`U+${v.v.toString(16).toUpperCase().padStart(4, '0')}`, f);
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        return badVerb(verb, v, f);
    }
    return badVerb(verb, v, f);
  }
  if (v instanceof GoFloat) {
    if ('veEfFgG'.includes(verb)) return fmtFloat(v.v, verb === 'F' ? 'f' : verb, f);
    if ((verb === 'x' || verb === 'X') && f.prec === undefined && Number.isFinite(v.v)) {
      let h = hexFloat(v.v);
      if (verb === 'X') h = h.toUpperCase();
      if (v.v >= 0 && f.plus) h = `+${h}`;
      return pad(h, f);
    }
    return badVerb(verb, v, f);
  }
  // Containers: fmt applies the verb and all flags (width too) to each element, not to the whole.
  if (v instanceof GoSlice) {
    if (v.a === null) return '[]';
    return `[${v.a.map((e) => formatElem(e, verb, f)).join(' ')}]`;
  }
  if (v instanceof GoMap) {
    if (v.m === null) return 'map[]';
    const m = v.m;
    return `map[${sortedKeys(m)
      .map((k) => `${formatElem(k, verb, f)}:${formatElem(m.get(k), verb, f)}`)
      .join(' ')}]`;
  }
  if (v instanceof GoObject) {
    if ('vs'.includes(verb)) return pad(v.str(), f);
    if (verb === 'q') return pad(quote(v.str()), f);
    return badVerb(verb, v, f);
  }
  return badVerb(verb, v, f);
}

/** An element inside a slice or map: a nil interface prints as <nil> whatever the verb (printValue). */
function formatElem(e: GoValue, verb: string, f: Flags): string {
  if (e === null || e === undefined) return fmtString('<nil>', 's', f);
  return formatOne(e, verb, f);
}

/**
 * fmt's tooLarge (print.go): widths and precisions beyond 1e6 in magnitude are refused, so a format
 * cannot ask for gigabytes of padding.
 */
function tooLarge(x: bigint): boolean {
  return x > 1_000_000n || x < -1_000_000n;
}

/**
 * fmt's parsenum (print.go): the digits at `start`. The magnitude is checked before each digit, and a
 * number that grows too large consumes the rest of the format (so Go prints `%!(NOVERB)`).
 */
function parseNum(format: string, start: number): [number, boolean, number] {
  const end = format.length;
  if (start >= end) return [0, false, end];
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end; i++) {
    const c = format.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (num > 1_000_000) return [0, false, end];
    num = num * 10 + (c - 48);
    isNum = true;
  }
  return [num, isNum, i];
}

/**
 * The longest string sprintf builds (characters). Go has no such limit; each width is at most about
 * 1e7 (parseNum), but a format may hold thousands of verbs, so the total is bounded here.
 */
export const MAX_SPRINTF_LENGTH = 16 * 1024 * 1024;

/** sprintf's result would be longer than MAX_SPRINTF_LENGTH. */
export class FormatTooLongError extends Error {
  constructor() {
    super(`the formatted string would be over ${MAX_SPRINTF_LENGTH} characters`);
    this.name = 'FormatTooLongError';
  }
}

/** fmt.Sprintf. Throws FormatTooLongError past MAX_SPRINTF_LENGTH. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    if (out.length > MAX_SPRINTF_LENGTH) throw new FormatTooLongError();
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    flags: while (i < n) {
      switch (format[i]) {
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case '+':
          f.plus = true;
          break;
        case '#':
          f.sharp = true;
          break;
        case ' ':
          f.space = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        default:
          break flags;
      }
      i++;
    }
    // width
    if (format[i] === '*') {
      i++;
      const a = args[argNum++];
      if (a instanceof GoInt && !tooLarge(a.v)) {
        f.width = Number(a.v);
        if (f.width < 0) {
          f.minus = true;
          f.zero = false;
          f.width = -f.width;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const [num, isNum, next] = parseNum(format, i);
      if (isNum) f.width = num;
      i = next;
    }
    if (i + 1 < n && format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (a instanceof GoInt && a.v >= 0n && !tooLarge(a.v)) f.prec = Number(a.v);
        else out += '%!(BADPREC)';
      } else {
        const [num, isNum, next] = parseNum(format, i);
        f.prec = isNum ? num : 0;
        i = next;
      }
    }
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    // %+v asks for field names (plusV), not for signs.
    if (verb === 'v' && f.plus) f.plus = false;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === 'w') {
      out += badVerb(verb, arg);
      continue;
    }
    out += formatOne(arg, verb, f);
  }
  if (argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => (a === undefined || a === null ? '<nil>' : `${typeString(typeOf(a))}=${formatV(a)}`))
      .join(', ')})`;
  }
  if (out.length > MAX_SPRINTF_LENGTH) throw new FormatTooLongError();
  return out;
}
