// Issue 4 item 8: whole-process timings of the CLI, each as the median of repeated runs.
//
// - validate-node: `node dist/cli.mjs validate-node --image 127.0.0.1:PORT/example/app:app --plain-http`
//   against a local registry with the referrers API (go-containerregistry's, the e2e harness's stand-in
//   for olareg, which the Go module proxy does not serve) holding the bundled example image
//   (examples/layout, copied byte-exact with skopeo) and its compatibility artifact
//   (examples/image-spec.yaml, attached with `imgcompat attach`). It discovers this host. The same with
//   `--features examples/features.json` replaces discovery by reading a saved features file, and the
//   bundled layout (`--image oci:examples/layout:app`, the README's quick start) needs no registry.
//   Target: <= 200 ms.
// - `node dist/cli.mjs --help` against a bare `node -e 0` in the same run, interleaved so both see the
//   same machine load. Target: --help <= baseline + 25 ms.
// Both are measured with the environment as it is and, when NODE_EXTRA_CA_CERTS is set, without it too:
// Node reads that CA file at every start (tens of ms), which is not imgcompat's own time.
// Needs `npm run build` (dist/ and build/) and the e2e tools (scripts/install-test-deps.sh).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pushExampleImage } from './lib/example-image.mjs';
import { root } from './lib/seed-spec.mjs';

const RUNS = 15;
const WARMUP = 2;
const VALIDATE_TARGET_MS = 200;
const HELP_OVER_BASELINE_TARGET_MS = 25;

const round1 = (n) => Math.round(n * 10) / 10;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** GNU time, when installed, reports each run's CPU time (user + system), which machine load barely moves. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CPU_MARK = 'imgcompat-bench-cpu';

/** Runs a process to its end; resolves with its wall time and CPU time (ms), exit code and output. */
function timed(file, args, env) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', `${CPU_MARK} %U %S`, file, ...args]] : [file, args];
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const m = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)\\n?$`).exec(err);
      const cpuMs = m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
      if (m) err = err.slice(0, m.index);
      resolve({ ms, cpuMs, code, out, err });
    });
  });
}

/**
 * Median wall time of each command, run round-robin (command A, B, A, B, ...) so they share the
 * machine's load alike. `accept(code)` says which exit codes are a valid run.
 */
async function interleaved(commands, env) {
  const times = commands.map(() => []);
  const cpu = commands.map(() => []);
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [k, c] of commands.entries()) {
      const r = await timed(c.file, c.args, env);
      if (!c.accept(r.code)) throw new Error(`${c.name} exited ${r.code}: ${r.err}`);
      if (i >= WARMUP) {
        times[k].push(r.ms);
        if (r.cpuMs !== undefined) cpu[k].push(r.cpuMs);
      }
    }
  }
  return Object.fromEntries(
    commands.map((c, k) => [
      c.name,
      {
        medianMs: round1(median(times[k])),
        minMs: round1(Math.min(...times[k])),
        // GNU time has 10 ms resolution; the median of 15 runs is still a useful load-independent figure.
        ...(cpu[k].length ? { medianCpuMs: round1(median(cpu[k])) } : {}),
        runs: RUNS,
      },
    ]),
  );
}

async function load(rel) {
  return import(pathToFileURL(join(root, 'build', rel)).href);
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const missing = ['imgcompat-ggcr-registry', 'skopeo'].filter((t) => !h.toolPath(t));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-test-deps.sh`);
  const cli = join(root, 'dist', 'cli.mjs');
  const node = process.execPath;

  const reg = await h.startGgcrRegistry();
  try {
    // The example image, byte-exact, then its compatibility artifact (what examples/layout holds).
    const env = h.isolatedEnv();
    const ref = await pushExampleImage(h, reg, { node, cli, env });

    const verdict = (code) => code === 0 || code === 1; // compatible or not: both are complete runs
    const ok = (code) => code === 0;
    const commands = [
      {
        name: 'validateNode',
        file: node,
        args: [cli, 'validate-node', '--image', ref, '--plain-http'],
        accept: verdict,
      },
      {
        name: 'validateNodeSavedFeatures',
        file: node,
        args: [cli, 'validate-node', '--image', ref, '--plain-http', '--features', 'examples/features.json'],
        accept: verdict,
      },
      {
        name: 'validateNodeBundledLayout',
        file: node,
        args: [cli, 'validate-node', '--image', 'oci:examples/layout:app'],
        accept: verdict,
      },
      { name: 'help', file: node, args: [cli, '--help'], accept: ok },
      { name: 'nodeBaseline', file: node, args: ['-e', '0'], accept: ok },
    ];

    const summarize = (m) => ({
      ...m,
      helpOverBaselineMs: round1(m.help.medianMs - m.nodeBaseline.medianMs),
      validateNodeOverBaselineMs: round1(m.validateNode.medianMs - m.nodeBaseline.medianMs),
      ...(m.help.medianCpuMs !== undefined
        ? { helpOverBaselineCpuMs: round1(m.help.medianCpuMs - m.nodeBaseline.medianCpuMs) }
        : {}),
    });
    const results = {
      image:
        'examples/layout:app with examples/image-spec.yaml attached, on go-containerregistry (referrers API)',
      targets: {
        validateNodeMaxMs: VALIDATE_TARGET_MS,
        helpOverBaselineMaxMs: HELP_OVER_BASELINE_TARGET_MS,
      },
    };
    // The isolated environment has no credentials of this machine; keep NODE_EXTRA_CA_CERTS as it is.
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    const envAsIs = extraCa ? { ...env, NODE_EXTRA_CA_CERTS: extraCa } : env;
    const asIs = summarize(await interleaved(commands, envAsIs));
    results.environmentAsIs = {
      NODE_EXTRA_CA_CERTS: extraCa ? 'set' : 'unset',
      ...asIs,
    };
    let clean = asIs;
    if (extraCa) {
      clean = summarize(await interleaved(commands, env));
      results.withoutNodeExtraCaCerts = { NODE_EXTRA_CA_CERTS: 'unset', ...clean };
    }
    results.targetsMet = {
      validateNode: asIs.validateNode.medianMs <= VALIDATE_TARGET_MS,
      validateNodeWithoutExtraCaCerts: clean.validateNode.medianMs <= VALIDATE_TARGET_MS,
      help: asIs.helpOverBaselineMs <= HELP_OVER_BASELINE_TARGET_MS,
      helpWithoutExtraCaCerts: clean.helpOverBaselineMs <= HELP_OVER_BASELINE_TARGET_MS,
    };
    return results;
  } finally {
    await reg.stop();
  }
}
