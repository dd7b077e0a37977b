/**
 * Small file helpers for the cpu source. NFD distinguishes "missing" from "unreadable" in several
 * places (cstate, pstate, topology), so reads say which; an unreadable file (EACCES, EIO, a link out of
 * the host root...) is also reported as a `SourceProblem` with its path and errno, and discovery goes on.
 */
import { HostReadError } from '../../../errors.ts';
import type { DiscoveryContext } from '../../types.ts';

export type ReadResult = { ok: true; text: string } | { ok: false; missing: boolean };

export const SOURCE = 'cpu';

function report(ctx: DiscoveryContext, path: string, err: unknown): void {
  if (err instanceof HostReadError) {
    ctx.problem({ source: SOURCE, path: err.path || path, errno: err.errno, message: err.message });
  } else {
    ctx.problem({ source: SOURCE, path, message: err instanceof Error ? err.message : String(err) });
  }
}

/** Reads a text file; `missing` tells an absent file from an unreadable one (reported). */
export async function readFile(ctx: DiscoveryContext, path: string): Promise<ReadResult> {
  try {
    const text = await ctx.files.readText(path);
    return text === undefined ? { ok: false, missing: true } : { ok: true, text };
  } catch (err) {
    report(ctx, path, err);
    return { ok: false, missing: false };
  }
}

/** Reads a text file; `undefined` when absent or unreadable (reported). */
export async function readTextOr(ctx: DiscoveryContext, path: string): Promise<string | undefined> {
  const r = await readFile(ctx, path);
  return r.ok ? r.text : undefined;
}

/** Lists a directory: `undefined` when absent, `null` when unreadable (reported). */
export async function listDir(ctx: DiscoveryContext, path: string): Promise<string[] | undefined | null> {
  try {
    return await ctx.files.readDir(path);
  } catch (err) {
    report(ctx, path, err);
    return null;
  }
}

/** Whether a path exists (any kind; a link counts, like Go's os.Stat on a resolvable link). */
export async function exists(ctx: DiscoveryContext, path: string): Promise<boolean> {
  try {
    const k = await ctx.files.kind(path);
    if (k === 'link') return (await ctx.files.realPath(path)) !== undefined;
    return k !== undefined;
  } catch (err) {
    report(ctx, path, err);
    return false;
  }
}

/**
 * Go `os.Stat` outcome: `absent` (os.IsNotExist), `error` (any other failure, reported), or `present`.
 * NFD sometimes only skips on "not exist" and carries on after other stat errors.
 */
export async function statPath(ctx: DiscoveryContext, path: string): Promise<'present' | 'absent' | 'error'> {
  try {
    const k = await ctx.files.kind(path);
    if (k === undefined) return 'absent';
    if (k === 'link') return (await ctx.files.realPath(path)) === undefined ? 'absent' : 'present';
    return 'present';
  } catch (err) {
    report(ctx, path, err);
    return 'error';
  }
}

/** Reads raw bytes; `undefined` when absent or unreadable (reported). */
export async function readBytesOr(ctx: DiscoveryContext, path: string): Promise<Uint8Array | undefined> {
  try {
    return await ctx.files.readBytes(path);
  } catch (err) {
    report(ctx, path, err);
    return undefined;
  }
}

/** Go `strconv.Atoi` on trimmed text: decimal with optional sign, else undefined. */
export function atoi(s: string): number | undefined {
  const t = s.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}

/** NFD replaces each run of characters outside `[-A-Za-z0-9_.]` with `_` (s390x vendor, hypervisor). */
export function sanitize(s: string): string {
  return s.replace(/[^-A-Za-z0-9_.]+/g, '_');
}
