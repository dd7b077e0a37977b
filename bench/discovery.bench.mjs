// Issue 3 item 7: host discovery of every default source on this machine.
// (a) in-process: discoverHost() with all default sources, 50 timed runs after 5 warm-up runs;
// (b) the whole `node dist/cli.mjs export features` process, 20 runs, interleaved with a bare
//     `node -e 0` baseline so both see the same machine load.
// Targets: (a) median <= 20 ms, (b) median <= 150 ms. The cpuid method used is reported.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const round = (x) => Math.round(x * 100) / 100;

const TIME = '/usr/bin/time';

/** Wall ms of one child process, and its CPU ms (user + sys) when /usr/bin/time is there. */
function timeProcess(args) {
  const t0 = performance.now();
  if (!existsSync(TIME)) {
    execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    return { wall: performance.now() - t0 };
  }
  const r = spawnSync(TIME, ['-f', '%U %S', process.execPath, ...args], { cwd: root, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000 };
}

export async function run() {
  const { discoverHost } = await import(pathToFileURL(join(root, 'build/src/host/discover.js')).href);
  const loadAverage1m = os.loadavg()[0];

  // (a) in-process
  let last;
  for (let i = 0; i < 5; i++) last = await discoverHost({ env: {} });
  const runs = [];
  const cpu = [];
  for (let i = 0; i < 50; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await discoverHost({ env: {} });
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  runs.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const f = last.features;
  const counts = {
    flagSets: Object.keys(f.flags).length,
    attributeSets: Object.keys(f.attributes).length,
    instanceSets: Object.keys(f.instances).length,
    cpuidFlags: Object.keys(f.flags['cpu.cpuid']?.elements ?? {}).length,
    kconfigOptions: Object.keys(f.attributes['kernel.config']?.elements ?? {}).length,
    pciDevices: f.instances['pci.device']?.elements?.length ?? 0,
    blockDevices: f.instances['storage.block']?.elements?.length ?? 0,
  };

  // (b) whole process, interleaved with the bare-node baseline
  const cli = join(root, 'dist/cli.mjs');
  let processResult = { skipped: 'dist/cli.mjs missing: run npm run build' };
  if (existsSync(cli)) {
    timeProcess([cli, 'export', 'features']);
    const whole = [];
    const bare = [];
    for (let i = 0; i < 20; i++) {
      bare.push(timeProcess(['-e', '0']));
      whole.push(timeProcess([cli, 'export', 'features']));
    }
    const med = (xs, k) =>
      round(
        quantile(
          xs.map((x) => x[k]).sort((a, b) => a - b),
          0.5,
        ),
      );
    const p95 = (xs, k) =>
      round(
        quantile(
          xs.map((x) => x[k]).sort((a, b) => a - b),
          0.95,
        ),
      );
    processResult = {
      runs: 20,
      exportFeaturesMedianMs: med(whole, 'wall'),
      exportFeaturesP95Ms: p95(whole, 'wall'),
      bareNodeMedianMs: med(bare, 'wall'),
      overBareNodeMedianMs: round(med(whole, 'wall') - med(bare, 'wall')),
      targetMs: 150,
    };
    if (whole[0].cpu !== undefined) {
      // CPU time (user + sys, 10 ms resolution) depends far less on other load than wall time does.
      processResult.exportFeaturesMedianCpuMs = med(whole, 'cpu');
      processResult.bareNodeMedianCpuMs = med(bare, 'cpu');
    }
  }

  return {
    cpuidMethod: last.cpuidMethod ?? 'cpu source not run',
    sources: last.sources,
    problems: last.problems.length,
    loadAverage1m: round(loadAverage1m),
    inProcess: {
      runs: runs.length,
      medianMs: round(quantile(runs, 0.5)),
      p95Ms: round(quantile(runs, 0.95)),
      minMs: round(runs[0]),
      medianCpuMs: round(quantile(cpu, 0.5)),
      targetMs: 20,
    },
    wholeProcess: processResult,
    counts,
  };
}
