/**
 * A fixture host: a directory tree under test/fixtures/hosts/<name>/ that stands for another machine.
 * Its `root/` subdirectory is simply a host root (same `HostFiles` as `--host-root`, so links are resolved
 * inside it and can never reach this machine's files); `host.json` carries what is not a file:
 * `{"arch": "x64" | "arm64" | ..., "nodeName"?: string, "now"?: RFC 3339 time for features.d expiry}`.
 * `live: false` tells sources not to use this process's CPU instructions or auxv.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createHostFiles } from '../../src/host/root.ts';
import type { HostFiles, HostInfo } from '../../src/host/types.ts';

export interface FixtureHost {
  files: HostFiles;
  host: HostInfo;
}

interface HostJson {
  arch?: unknown;
  nodeName?: unknown;
  now?: unknown;
}

export async function openFixtureHost(dir: string): Promise<FixtureHost> {
  const meta = JSON.parse(await readFile(path.join(dir, 'host.json'), 'utf8')) as HostJson;
  if (typeof meta.arch !== 'string') throw new TypeError(`${dir}/host.json: "arch" must be a string`);
  const host: HostInfo = { arch: meta.arch, live: false };
  if (typeof meta.nodeName === 'string') host.nodeName = meta.nodeName;
  if (typeof meta.now === 'string') {
    const at = new Date(meta.now);
    if (Number.isNaN(at.getTime())) throw new TypeError(`${dir}/host.json: bad "now": ${meta.now}`);
    host.now = () => at;
  }
  return { files: createHostFiles({ root: path.join(dir, 'root') }), host };
}
