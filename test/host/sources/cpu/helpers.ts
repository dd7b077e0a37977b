/**
 * Test helpers for the cpu source: an in-memory `HostFiles` (for edge cases no fixture tree covers), a
 * context that records problems, and access to the fixture trees under test/fixtures/hosts/.
 */

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostReadError } from '../../../../src/errors.ts';
import type { DiscoveryContext, HostFiles, HostInfo, SourceProblem } from '../../../../src/host/types.ts';
import { openFixtureHost } from '../../fixture-files.ts';

/** The repository root (tests run from build/test/...; fixtures stay in the source tree). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'hosts');

/** A file value: text, bytes, `{ link }` (a symlink target, absolute in the tree) or `{ error }` (errno). */
export type MemEntry = string | Uint8Array | { link: string } | { error: string };

/** HostFiles over a map of absolute path → entry; directories are implied by the paths. */
export function memoryFiles(entries: Record<string, MemEntry>): HostFiles {
  const resolve = (p: string): string => {
    for (let i = 0; i < 10; i++) {
      const hit = Object.entries(entries).find(
        ([k, v]) => typeof v === 'object' && 'link' in v && (p === k || p.startsWith(`${k}/`)),
      );
      if (!hit) return p;
      p = (hit[1] as { link: string }).link + p.slice(hit[0].length);
    }
    return p;
  };
  const get = (p: string): MemEntry | undefined => entries[resolve(p)];
  const isDir = (p: string) => {
    const r = resolve(p);
    return Object.keys(entries).some((k) => k.startsWith(`${r}/`));
  };
  const enc = new TextEncoder();
  const bytes = (p: string): Uint8Array | undefined => {
    const e = get(p);
    if (e === undefined) return undefined;
    if (typeof e === 'string') return enc.encode(e);
    if (e instanceof Uint8Array) return e;
    if ('error' in e) throw new HostReadError(p, e.error, `${p}: ${e.error}`);
    return undefined;
  };
  return {
    async readText(p) {
      const b = bytes(p);
      return b === undefined ? undefined : new TextDecoder().decode(b);
    },
    async readBytes(p, opts = {}) {
      const b = bytes(p);
      if (b === undefined) return undefined;
      const start = opts.position ?? 0;
      return b.subarray(start, opts.length === undefined ? undefined : start + opts.length);
    },
    async readDir(p) {
      const r = resolve(p);
      if (!isDir(r)) return undefined;
      const names = new Set<string>();
      for (const k of Object.keys(entries))
        if (k.startsWith(`${r}/`)) names.add(k.slice(r.length + 1).split('/')[0]!);
      return [...names].sort();
    },
    async readLink(p) {
      const e = entries[p];
      return e !== undefined && typeof e === 'object' && 'link' in e ? e.link : undefined;
    },
    async realPath(p) {
      const r = resolve(p);
      return entries[r] !== undefined || isDir(r) ? r : undefined;
    },
    async kind(p) {
      const e = entries[p];
      if (e !== undefined && typeof e === 'object' && 'link' in e) return 'link';
      if (get(p) !== undefined) return 'file';
      return isDir(p) ? 'dir' : undefined;
    },
  };
}

export interface TestContext extends DiscoveryContext {
  problems: SourceProblem[];
  traces: string[];
}

export function contextFor(files: HostFiles, host: HostInfo): TestContext {
  const problems: SourceProblem[] = [];
  const traces: string[] = [];
  return { files, host, problems, traces, problem: (p) => problems.push(p), trace: (m) => traces.push(m) };
}

/** A fixture tree as a discovery context. */
export async function fixtureContext(name: string): Promise<TestContext> {
  const fx = await openFixtureHost(path.join(FIXTURES, name));
  return contextFor(fx.files, fx.host);
}
