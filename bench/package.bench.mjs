// Issue 10 item 2: the published package's size. Packs the built repository (`npm pack`, after
// `npm run build`), installs the tarball into an empty project offline (empty npm cache: the package
// must need nothing else), and reports the tarball's bytes, the installed bytes (node_modules with every
// dependency) and the file count, against the targets: tarball <= 1 MB, installed <= 15 MB.
// Also times the installed CLI's start (`imgcompat --version`, median of a few runs).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from './lib/seed-spec.mjs';

const MB = 1024 * 1024;

function treeBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export async function run() {
  if (!existsSync(join(root, 'dist', 'index.mjs'))) throw new Error('dist/ is missing: run npm run build');
  const work = mkdtempSync(join(tmpdir(), 'imgcompat-bench-pack-'));
  try {
    const info = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
      }),
    )[0];
    const tarball = join(work, info.filename);
    const project = join(work, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}\n');
    const install = spawnSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(work, 'cache'), tarball],
      { cwd: project, encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`npm install --offline failed: ${install.stderr}`);
    const modules = join(project, 'node_modules');
    const installedPackages = readdirSync(modules).filter((n) => !n.startsWith('.')).length;
    const bin = join(modules, '.bin', 'imgcompat');
    const starts = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`imgcompat --version failed: ${r.stderr}`);
      starts.push(performance.now() - t);
    }
    const tarballBytes = statSync(tarball).size;
    const installedBytes = treeBytes(modules);
    return {
      command: 'npm pack --ignore-scripts && npm install --offline --cache <empty> <tarball>',
      tarballBytes,
      tarballMB: Math.round((tarballBytes / MB) * 1000) / 1000,
      targetTarballMB: 1,
      unpackedBytes: info.unpackedSize,
      files: info.entryCount,
      installedBytes,
      installedMB: Math.round((installedBytes / MB) * 1000) / 1000,
      targetInstalledMB: 15,
      installedPackages,
      cliStartMedianMs: Math.round(median(starts) * 10) / 10,
      withinTargets: tarballBytes <= MB && installedBytes <= 15 * MB,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
