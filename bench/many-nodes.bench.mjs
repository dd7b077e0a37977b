// Issue 12, "engine on many distinct nodes": the seed spec (examples/spec.yaml) against 10,000 distinct
// node feature sets (bench/lib/features-gen.mjs, seeds 1000..10999, as core.bench.mjs (b)), by our
// engine (bench/lib/many-nodes.mjs, validateNode) and by NFD's own (tools/nfd-engine-bench: NFD
// v0.19.0's nodefeaturerule.ExecuteGroupRule as `nfd compat validate-node` runs it, built by
// scripts/install-test-deps.sh), each in its own process, reading the same feature sets and spec
// written once to a temporary directory as JSON. Runs alternate (ours, NFD's, NFD's, ours, ...) so
// both see the same machine load; each side's figure is the median over its runs; only evaluation is
// timed (wall and process CPU), decoding is not. Both must find the same compatible nodes and report
// rows, or the benchmark fails. Target: ours <= 0.5x NFD's evaluation time.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { realisticFeatures } from './lib/features-gen.mjs';
import { loadSeedSpec, root } from './lib/seed-spec.mjs';

const NODES = 10_000;
/** Runs per side; alternating order, so an even number gives each side the same positions. */
const RUNS = Number(process.env.MANY_NODES_RUNS ?? 4);
const exec = promisify(execFile);
const NFD_BENCH = join(root, '.cache', 'go-bin', 'imgcompat-nfd-engine-bench');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
const r2 = (n) => Math.round(n * 100) / 100;

/** The feature sets of many-nodes.mjs, one JSON object per line. */
async function writeFeatures(path) {
  const out = createWriteStream(path);
  for (let i = 0; i < NODES; i++) {
    if (!out.write(`${JSON.stringify(realisticFeatures(1000 + i))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function ours(featuresFile) {
  const { stdout } = await exec(
    process.execPath,
    ['--expose-gc', join(root, 'bench', 'lib', 'many-nodes.mjs'), String(NODES), featuresFile],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout);
}

async function nfd(specFile, featuresFile) {
  const { stdout } = await exec(NFD_BENCH, [specFile, featuresFile], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

export async function run() {
  if (!existsSync(NFD_BENCH)) {
    throw new Error(`${NFD_BENCH} is missing: run scripts/install-test-deps.sh (tools/nfd-engine-bench)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-many-nodes-'));
  try {
    const specFile = join(dir, 'spec.json');
    const featuresFile = join(dir, 'features.jsonl');
    await writeFile(specFile, JSON.stringify(await loadSeedSpec()));
    await writeFeatures(featuresFile);
    const runs = { ours: [], nfd: [] };
    for (let i = 0; i < RUNS; i++) {
      // ours, NFD, NFD, ours, ...: neither side always goes first.
      const order = i % 2 === 0 ? ['ours', 'nfd'] : ['nfd', 'ours'];
      for (const side of order) {
        runs[side].push(side === 'ours' ? await ours(featuresFile) : await nfd(specFile, featuresFile));
      }
    }
    const all = [...runs.ours, ...runs.nfd];
    const mismatch = all.find(
      (r) =>
        r.nodes !== NODES ||
        r.compatibleNodes !== all[0].compatibleNodes ||
        r.reportRows !== all[0].reportRows,
    );
    if (mismatch !== undefined) {
      throw new Error(`ours and NFD's disagree: ${JSON.stringify({ ours: runs.ours, nfd: runs.nfd })}`);
    }
    const side = (list) => ({
      medianEvaluationWallMs: r2(median(list.map((r) => r.evaluationWallMs))),
      medianEvaluationCpuMs: r2(median(list.map((r) => r.evaluationCpuMs))),
      medianPeakRssMB: r2(median(list.map((r) => r.peakRssMB))),
      runs: list,
    });
    const o = side(runs.ours);
    const n = side(runs.nfd);
    return {
      nodes: NODES,
      compatibleNodes: all[0].compatibleNodes,
      reportRows: all[0].reportRows,
      ours: o,
      nfd: n,
      ratioWallOursToNfd: r2(o.medianEvaluationWallMs / n.medianEvaluationWallMs),
      ratioCpuOursToNfd: r2(o.medianEvaluationCpuMs / n.medianEvaluationCpuMs),
      microsPerNode: {
        oursCpu: r2((o.medianEvaluationCpuMs * 1000) / NODES),
        nfdCpu: r2((n.medianEvaluationCpuMs * 1000) / NODES),
      },
      targetRatioMax: 0.5,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
