// Benchmark runner: `npm run bench [-- NAME...]`.
//
// Contract for benchmark files: every `bench/*.bench.mjs` exports
//
//     export async function run(): Promise<object>
//
// which performs its measurements and resolves to a JSON-serialisable object of results (numbers
// with their unit in the key, e.g. `medianMicros`, `peakRssMB`). It may spawn child processes (for a
// clean RSS figure, say) but must not print to stdout. Benchmarks import the compiled library from
// `build/src/...`, so run `npm run build` (or `npx tsc -p tsconfig.json`) first.
//
// For each file `bench/<name>.bench.mjs` this runner writes `bench/results/<name>.json`:
//     { name, date, node, machine: { cpuModel, cores, totalMemoryMB, platform, arch },
//       loadAverage1m: { before, after }, results }
// With NAME arguments only those benchmarks run.
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

if (!existsSync(join(root, 'build', 'src'))) {
  process.stderr.write('bench: build/src is missing; run `npm run build` first\n');
  process.exit(2);
}

const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.mjs')).sort();
const selected = wanted.length > 0 ? files.filter((f) => wanted.includes(basename(f, '.bench.mjs'))) : files;
if (selected.length === 0) {
  process.stderr.write(`bench: no benchmark matches ${wanted.join(', ') || '(none found)'}\n`);
  process.exit(2);
}

const round2 = (n) => Math.round(n * 100) / 100;
const cpus = os.cpus();
const machine = {
  cpuModel: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
  platform: process.platform,
  arch: process.arch,
};

await mkdir(join(here, 'results'), { recursive: true });
let failed = 0;
for (const file of selected) {
  const name = basename(file, '.bench.mjs');
  process.stderr.write(`bench: ${name} ...\n`);
  try {
    const mod = await import(pathToFileURL(join(here, file)).href);
    if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
    // The load average tells how much other work shared the machine during the run.
    const loadBefore = os.loadavg()[0];
    const results = await mod.run();
    const loadAverage1m = { before: round2(loadBefore), after: round2(os.loadavg()[0]) };
    const out = {
      name,
      date: new Date().toISOString(),
      node: process.version,
      machine,
      loadAverage1m,
      results,
    };
    const target = join(here, 'results', `${name}.json`);
    await writeFile(target, `${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`bench: ${name} -> ${target}\n${JSON.stringify(results, null, 2)}\n`);
  } catch (err) {
    failed++;
    process.stderr.write(
      `bench: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
}
process.exit(failed > 0 ? 1 : 0);
