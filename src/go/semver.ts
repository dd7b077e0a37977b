/**
 * Masterminds/semver v3.5.0 `NewVersion` in its default coerce mode (`CoerceNewVersion = true`) and
 * `Version.Compare`, which NFD uses for `type: version` (pkg/apis/nfd/nodefeaturerule/expression.go).
 *
 * Accepted, anchored: `v? MAJOR (.MINOR)? (.PATCH)? (-PRE)? (+META)?`. Segments are ASCII digits with
 * leading zeros allowed, parsed as uint64 (overflow is an error). PRE and META are dot-separated,
 * non-empty `[0-9A-Za-z-]` identifiers; a purely numeric PRE identifier must not start with 0.
 * NFD throws the pre-release away after parsing (`versionForCompare`), so `1.2.3-rc1` equals `1.2.3`.
 */

import { quote } from './strconv.ts';
import { utf8Length } from './utf8.ts';

export interface Version {
  /** uint64 segments: `number` while safe, `bigint` beyond 2^53. */
  major: number | bigint;
  minor: number | bigint;
  patch: number | bigint;
  prerelease: string;
  metadata: string;
  original: string;
}

/** Masterminds' `MaxVersionLen` (bytes). */
const MAX_VERSION_LEN = 256;

/** An error with Masterminds' text (`invalid semantic version`, `version segment starts with 0`, ...). */
export class VersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionError';
  }
}

const UINT64_MAX = (1n << 64n) - 1n;

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isIdentChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d // '-'
  );
}

/** Dot-separated, non-empty identifiers of `[0-9A-Za-z-]` (the loose regex's PRE/META groups). */
function validIdentifiers(s: string): boolean {
  let partLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (partLen === 0) return false;
      partLen = 0;
    } else if (isIdentChar(c)) {
      partLen++;
    } else {
      return false;
    }
  }
  return partLen > 0;
}

/** Go `strconv.ParseUint(seg, 10, 64)` on a digits-only segment. */
function parseSegment(seg: string): number | bigint {
  if (seg.length <= 15) return Number(seg);
  const v = BigInt(seg);
  if (v > UINT64_MAX) {
    throw new VersionError(
      `error parsing version segment: strconv.ParseUint: parsing ${quote(seg)}: value out of range`,
    );
  }
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Masterminds `validatePrerelease` (characters are already known to be valid). */
function validatePrerelease(pre: string): void {
  for (const part of pre.split('.')) {
    if (part === '') throw new VersionError('invalid prerelease string');
    if (isDigits(part)) {
      if (part.length > 1 && part[0] === '0') throw new VersionError('version segment starts with 0');
    } else if (!validIdentifiers(part)) {
      throw new VersionError('invalid prerelease string');
    }
  }
}

/** Masterminds v3.5.0 `NewVersion` with `CoerceNewVersion = true`. Throws `VersionError`. */
export function parseVersion(v: string): Version {
  if (v.length > MAX_VERSION_LEN || (v.length * 3 > MAX_VERSION_LEN && utf8Length(v) > MAX_VERSION_LEN)) {
    throw new VersionError(`version string is too long (max ${MAX_VERSION_LEN} bytes)`);
  }
  // Equivalent to matching `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-ids)?(\+ids)?$`: the numeric part holds
  // no `-` or `+`, PRE holds no `+`, so the first `+` starts META and the first `-` before it starts PRE.
  let s = v.charCodeAt(0) === 0x76 /* v */ ? v.slice(1) : v;
  let metadata = '';
  let prerelease = '';
  const plus = s.indexOf('+');
  if (plus >= 0) {
    metadata = s.slice(plus + 1);
    s = s.slice(0, plus);
    if (!validIdentifiers(metadata)) throw new VersionError('invalid semantic version');
  }
  const dash = s.indexOf('-');
  if (dash >= 0) {
    prerelease = s.slice(dash + 1);
    s = s.slice(0, dash);
    if (!validIdentifiers(prerelease)) throw new VersionError('invalid semantic version');
  }
  const segs = s.split('.');
  if (segs.length > 3 || !segs.every(isDigits)) throw new VersionError('invalid semantic version');
  const major = parseSegment(segs[0]!);
  const minor = segs.length > 1 ? parseSegment(segs[1]!) : 0;
  const patch = segs.length > 2 ? parseSegment(segs[2]!) : 0;
  if (prerelease !== '') validatePrerelease(prerelease);
  return { major, minor, patch, prerelease, metadata, original: v };
}

/**
 * What NFD compares for `type: version`: the parsed version with its pre-release dropped (the
 * pre-release is still validated by `parseVersion`).
 */
export function parseVersionForCompare(v: string): Version {
  const parsed = parseVersion(v);
  parsed.prerelease = '';
  return parsed;
}

function cmp(a: number | bigint, b: number | bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseUintOrNull(s: string): bigint | null {
  return isDigits(s) && BigInt(s) <= UINT64_MAX ? BigInt(s) : null;
}

/** Masterminds `comparePrePart`. */
function comparePrePart(s: string, o: string): -1 | 0 | 1 {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const oi = parseUintOrNull(o);
  const si = parseUintOrNull(s);
  if (oi === null && si === null) return s > o ? 1 : -1;
  if (oi === null) return -1;
  if (si === null) return 1;
  return si > oi ? 1 : -1;
}

/** Masterminds v3.5.0 `Version.Compare`: -1, 0 or 1. Metadata is ignored. */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  const d = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (d !== 0) return d;
  const ps = a.prerelease;
  const po = b.prerelease;
  if (ps === '' && po === '') return 0;
  if (ps === '') return 1;
  if (po === '') return -1;
  const sp = ps.split('.');
  const op = po.split('.');
  const n = Math.max(sp.length, op.length);
  for (let i = 0; i < n; i++) {
    const r = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (r !== 0) return r;
  }
  return 0;
}
