/**
 * The published package as a consumer gets it: `npm pack` the built repository, install the tarball into
 * an empty project with no network (an empty npm cache and --offline: it must need nothing else), run the
 * CLI from node_modules/.bin, import the library from JavaScript, and compile a TypeScript consumer
 * (module NodeNext) against the shipped declarations. Runs after `npm run build` (it packs dist/).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const built =
  existsSync(path.join(REPO, 'dist', 'index.mjs')) && existsSync(path.join(REPO, 'dist', 'types'));
const MB = 1024 * 1024;

/** Bytes of every file under `dir` (what the install puts on disk). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the npm package', { skip: built ? false : 'dist/ not built (npm run build)' }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'imgcompat-pack-'));
  const project = path.join(work, 'consumer');
  let tarball = '';
  let files: string[] = [];
  after(() => rmSync(work, { recursive: true, force: true }));

  before(() => {
    // --ignore-scripts: the build already ran (prepack would run it again).
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: REPO,
      encoding: 'utf8',
    });
    const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, info[0]!.filename);
    files = info[0]!.files.map((f) => f.path);
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' })}\n`,
    );
    const install = run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, 'empty-cache'), tarball],
      project,
    );
    assert.equal(install.code, 0, `npm install --offline failed:\n${install.err}`);
  });

  test('holds the bundle, declarations, prebuilt addons, LICENSE and README only', () => {
    assert.ok(statSync(tarball).size <= MB, `tarball is ${statSync(tarball).size} bytes`);
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/cli.mjs',
      'dist/nfd.mjs',
      'dist/cli.cjs',
      'dist/nfd.cjs',
      'dist/short-run.cjs',
      'dist/index.mjs',
      'dist/core.mjs',
      'dist/types/index.d.ts',
      'dist/types/core/index.d.ts',
      'dist/native/linux-x64/imgcompat_cpuid.node',
      'dist/THIRD-PARTY-LICENSES.txt',
    ])
      assert.ok(files.includes(f), `${f} is in the package`);
    const stray = files.filter(
      (f) =>
        !/^(LICENSE|README\.md|package\.json)$/.test(f) &&
        !/^dist\/(chunks\/)?[\w-]+\.mjs$/.test(f) &&
        !/^dist\/(cli|nfd|short-run)\.cjs$/.test(f) &&
        !/^dist\/types\/.+\.d\.ts$/.test(f) &&
        !/^dist\/native\/linux-(x64|arm64)\/imgcompat_cpuid\.node$/.test(f) &&
        f !== 'dist/THIRD-PARTY-LICENSES.txt',
    );
    assert.deepEqual(stray, [], 'no sources, tests, build output or source maps');
  });

  test('installs offline with no dependency and within 15 MB', () => {
    const modules = readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(modules, ['imgcompat']);
    assert.ok(treeBytes(path.join(project, 'node_modules')) <= 15 * MB);
  });

  test('the CLI runs from node_modules/.bin, with the prebuilt addon', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'imgcompat');
    const r = run(
      bin,
      ['validate-node', '--image', `oci:${path.join(REPO, 'examples/layout')}:app`, '--verbose'],
      project,
    );
    assert.ok(r.code === 0 || r.code === 1, r.err);
    assert.match(r.out, /Verdict: (compatible|incompatible)/);
    if (process.arch === 'x64') assert.match(r.err, /cpuid method: addon/);
    const bad = run(bin, ['validate-node', '--no-such-flag'], project);
    assert.equal(bad.code, 2);
  });

  test('JavaScript imports the library and the core', () => {
    const script = path.join(project, 'use.mjs');
    writeFileSync(
      script,
      [
        "import { fetchCompatibilitySpec, evaluate, renderReport, UsageError } from 'imgcompat';",
        "import * as core from 'imgcompat/core';",
        `const f = await fetchCompatibilitySpec(${JSON.stringify(`oci:${path.join(REPO, 'examples/layout')}:app`)});`,
        "const features = { flags: { 'cpu.cpuid': { elements: { X86_64_V2: {} } } } };",
        'const r = evaluate(f.spec, features);',
        'let misuse = false;',
        'try { core.loadSpec(42); } catch (e) { misuse = e instanceof core.UsageError && !(e instanceof UsageError); }',
        'console.log(JSON.stringify({ sets: r.report.length, bytes: renderReport(r.report, { format: "json" }).length, misuse }));',
      ].join('\n'),
    );
    const r = run(process.execPath, [script], project);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { sets: number; bytes: number; misuse: boolean };
    assert.equal(out.sets, 2);
    assert.ok(out.bytes > 0);
    // The two entry points are separate bundles: each has its own error classes (ImgcompatError.is works on both).
    assert.equal(out.misuse, true);
  });

  test('a TypeScript consumer (module NodeNext) type-checks against the declarations', () => {
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      `${JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [path.join(REPO, 'node_modules', '@types')],
        },
        include: ['consumer.ts'],
      })}\n`,
    );
    writeFileSync(
      path.join(project, 'consumer.ts'),
      [
        "import { type Evaluation, type FetchSpecOptions, ImgcompatError, evaluate, fetchCompatibilitySpec } from 'imgcompat';",
        "import { type Spec, loadSpec, renderReport } from 'imgcompat/core';",
        'const options: FetchSpecOptions = { signal: AbortSignal.timeout(1000), tags: ["generic"], platform: "linux/amd64" };',
        'export async function check(ref: string): Promise<boolean> {',
        '  try {',
        '    const { spec } = await fetchCompatibilitySpec(ref, options);',
        '    const result: Evaluation = evaluate(spec, { flags: {} });',
        '    const bytes: Uint8Array = renderReport(result.report, { format: "table", color: false });',
        '    return result.compatible && bytes.length > 0;',
        '  } catch (e) {',
        '    if (ImgcompatError.is(e)) return e.code === "E_ARTIFACT_NOT_FOUND" ? false : Promise.reject(e);',
        '    throw e;',
        '  }',
        '}',
        'export const spec: Spec = loadSpec("version: v1alpha1").spec;',
        '// @ts-expect-error the format is typed',
        'renderReport([], { format: "yaml" });',
      ].join('\n'),
    );
    const r = run(
      process.execPath,
      [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
      project,
    );
    assert.equal(r.code, 0, `${r.out}${r.err}`);
  });
});
