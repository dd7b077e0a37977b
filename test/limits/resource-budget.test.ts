/**
 * Resource-budget suite (issue 11): generated hostile inputs run through the commands that read them,
 * in-process:
 * - templates (deep nesting, huge counts and widths, nested loops, value doubling) and ordinary ones, in
 *   a spec, through `validate-spec` and `eval`;
 * - features files (`--features`, JSON and YAML, hostile shapes) through `eval`, `validate-node` and
 *   `nfr dryrun`;
 * - OCI layouts (`index.json`, `oci-layout` and blobs with hostile shapes, wrong digests, non-regular
 *   files) through `discover`, `get`, `validate-node --image`, `cluster affinity` and `remove --dry-run`;
 * - image references (hostile hosts, ports, paths, tags, digests; never a host off this machine: the
 *   generator keeps only references that do not parse, layouts, and loopback registries on a closed port)
 *   through `get`, `discover`, `validate-node --image` and `job`.
 * Every run must end with a documented exit code (never 70), never an uncaught error or a stack trace,
 * within a generous time budget and a memory budget (V8 heap growth sampled during the run, and the
 * process's peak RSS): a stall or a blow-up, not a speed measure (speed is in bench/limits.bench.mjs). On
 * failure fast-check prints the seed and path to replay; IMGCOMPAT_LIMITS_RUNS sets the number of cases
 * of each property (the defaults keep each test to a few seconds).
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { parseReference } from '../../src/registry/reference.ts';
import { labelsTemplateArb } from '../template/arbitraries.ts';

const RUNS_ENV = process.env.IMGCOMPAT_LIMITS_RUNS;
/** Cases per property: IMGCOMPAT_LIMITS_RUNS, else the property's default. */
const runs = (byDefault: number) => (RUNS_ENV !== undefined ? Number(RUNS_ENV) : byDefault);
const RUNS = runs(40);
/** Per command run: far above the limits' worst case (about 1 s), far below a stall. */
const TIME_BUDGET_MS = 30_000;
/** V8 heap growth during one run (sampled), and the process's peak RSS: far above any normal run. */
const HEAP_BUDGET_MB = 512;
const RSS_BUDGET_MB = 1536;

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-limits-budget-'));
writeFileSync(
  join(dir, 'f.json'),
  JSON.stringify({
    flags: { 'cpu.cpuid': { elements: { AVX: {}, AVX2: {} } } },
    attributes: { 'kernel.version': { elements: { major: '6', full: '6.1.0' } } },
  }),
);

const big = fc.constantFrom(0, 1, 7, 1000, 100_000, 1_000_000, 999_999_999, 2 ** 31, -5);
const depth = fc.integer({ min: 0, max: 4000 });

const hostile: fc.Arbitrary<string> = fc.oneof(
  depth.map((n) => `{{${'('.repeat(n)}1${')'.repeat(n)}}}`),
  depth.map((n) => `{{${'print ('.repeat(n)}1${')'.repeat(n)}}}`),
  depth.map((n) => `${'{{if true}}'.repeat(n)}x${'{{end}}'.repeat(n)}`),
  depth.map((n) => `${'{{range $i := until 2}}'.repeat(n % 400)}x${'{{end}}'.repeat(n % 400)}`),
  depth.map(
    (n) => `{{define "r"}}{{if .}}{{template "r" (sub . 1)}}{{end}}{{end}}{{template "r" ${n * 10}}}`,
  ),
  fc
    .tuple(big, fc.constantFrom('repeat', 'until', 'indent', 'nindent'))
    .map(([n, f]) => (f === 'until' ? `{{until ${n}}}` : `{{${f} ${n} "ab\\ncd"}}`)),
  fc.tuple(big, big).map(([a, b]) => `{{printf "%${a}.${b}f|%*d" 1.5 ${a} 2}}`),
  fc
    .tuple(big, big)
    .map(([a, b]) => `{{$s := repeat ${a % 2_000_000} "a"}}{{replace "a" (repeat ${b % 5000} "b") $s}}`),
  fc.integer({ min: 1, max: 4 }).map((k) => `${'{{range until 1000}}'.repeat(k)}x${'{{end}}'.repeat(k)}`),
  fc
    .integer({ min: 1, max: 80 })
    .map((k) => `{{$a := list 1}}{{range until ${k}}}{{$a = list $a $a}}{{end}}{{$a}}`),
  fc
    .integer({ min: 1, max: 80 })
    .map((k) => `{{$s := "ab"}}{{range until ${k}}}{{$s = printf "%s%s" $s $s}}{{end}}{{len $s}}`),
  fc.constant('{{$d := dict}}{{$_ := set $d "x" $d}}{{$d}}'),
);

function spec(template: string): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: generated
    varsTemplate: ${JSON.stringify(template)}
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
`;
}

interface Ran {
  code: number;
  text: string;
  ms: number;
  heapMb: number;
}

/** One command in-process, with its time and the V8 heap growth sampled while it runs. */
async function cli(args: string[], cwd = dir): Promise<Ran> {
  const io = memoryIo({ cwd, env: {} });
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const t0 = performance.now();
  let code: number;
  try {
    code = await run(args, io);
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { code, text: io.err() + io.out(), ms, heapMb: (peak - heap0) / 2 ** 20 };
}

/** The budget every run is held to: a documented exit code, no stack trace, time and memory. */
function withinBudget(args: string[], r: Ran, codes: readonly number[]): void {
  const what = args.slice(0, 3).join(' ').slice(0, 200);
  assert.notEqual(r.code, 70, `${what}: exit 70\n${r.text.slice(0, 1000)}`);
  assert.ok(codes.includes(r.code), `${what}: exit ${r.code}\n${r.text.slice(0, 1000)}`);
  assert.doesNotMatch(r.text, /^\s+at |internal error|bug in imgcompat|RangeError|heap out of memory/m, what);
  assert.ok(r.ms < TIME_BUDGET_MS, `${what} took ${Math.round(r.ms)} ms`);
  assert.ok(r.heapMb < HEAP_BUDGET_MB, `${what} grew the heap by ${Math.round(r.heapMb)} MB`);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  assert.ok(rssMb < RSS_BUDGET_MB, `${what}: peak RSS ${Math.round(rssMb)} MB`);
}

let n = 0;
async function check(template: string): Promise<void> {
  const file = `s${n++}.yaml`;
  writeFileSync(join(dir, file), spec(template));
  for (const args of [
    ['validate-spec', file],
    ['eval', '--spec', file, '--features', 'f.json'],
  ]) {
    withinBudget(args, await cli(args), [0, 1, 3]);
  }
}

test('hostile templates end with a documented exit code, bounded', async () => {
  await fc.assert(fc.asyncProperty(hostile, check), { numRuns: RUNS });
});

test('ordinary generated templates end with a documented exit code', async () => {
  await fc.assert(fc.asyncProperty(labelsTemplateArb, check), { numRuns: RUNS });
});

// ---- features files ----------------------------------------------------------------------------

/** Strings a hostile features file may carry: YAML 1.1 look-alikes, prototype keys, long and odd text. */
const nastyString = fc.oneof(
  fc.constantFrom('', '0200', '0x1F', 'yes', 'on', '~', 'null', '1e999', '-0', '__proto__', 'constructor'),
  fc.constantFrom('toString', 'a.b.c', '..', '{{.}}', '\u0000', '\u202e', 'x'.repeat(70_000)),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const featureName = fc.oneof(
  fc.constantFrom('cpu.cpuid', 'kernel.version', 'kernel.loadedmodule', 'pci.device', 'usb.device'),
  nastyString,
);
/** Any JSON value, with the odd types in places a features file has objects or strings. */
const anyJson = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const elementValue = fc.oneof(nastyString, anyJson);
const manyCount = fc.constantFrom(0, 1, 3, 1000, 20_000);

const featuresDoc: fc.Arbitrary<unknown> = fc.oneof(
  // NFD's shape with hostile names, values and counts.
  fc.record({
    flags: fc.dictionary(featureName, fc.record({ elements: fc.dictionary(nastyString, fc.constant({})) })),
    attributes: fc.dictionary(featureName, fc.record({ elements: fc.dictionary(nastyString, elementValue) })),
    instances: fc.dictionary(
      featureName,
      fc.record({ elements: fc.array(fc.record({ attributes: fc.dictionary(nastyString, elementValue) })) }),
    ),
  }),
  // Many elements or instances.
  fc.tuple(manyCount, featureName).map(([n, name]) => ({
    flags: { [name]: { elements: Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, {}])) } },
    instances: {
      'pci.device': {
        elements: Array.from({ length: n }, (_, i) => ({
          attributes: { vendor: `${i % 10}`, class: '0300' },
        })),
      },
    },
  })),
  // Wrong types where objects are expected, and anything at all.
  fc.record({ flags: anyJson, attributes: anyJson, instances: anyJson }, { requiredKeys: [] }),
  fc.record({ kind: fc.constantFrom('NodeFeature', 'NodeFeatureList'), spec: anyJson, items: anyJson }),
  anyJson,
);

/** Deep nesting and repetition written out as text (JSON, YAML flow, YAML block, aliases, documents). */
const featuresText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(featuresDoc, fc.boolean()).map(([d, pretty]) => JSON.stringify(d, null, pretty ? 2 : 0) ?? 'null'),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `{"flags":${'{"a":'.repeat(n)}{}${'}'.repeat(n)}}`),
  fc
    .integer({ min: 1, max: 2000 })
    .map((n) => `flags:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n`),
  fc.integer({ min: 1, max: 12_000 }).map((n) => '---\nflags: {}\n'.repeat(n)),
  fc
    .integer({ min: 1, max: 9 })
    .map(
      (n) =>
        `a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}, *a${i}, *a${i}, *a${i}, *a${i}, *a${i}, *a${i}, *a${i}, *a${i}]`).join('\n')}\nflags: {x: {elements: *a${n}}}\n`,
    ),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((n) => `attributes:\n  kernel.version:\n    elements:\n${'      major: 0200\n'.repeat(n)}`),
);

writeFileSync(
  join(dir, 'rule.yaml'),
  `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: r
spec:
  rules:
  - name: any
    labels: {x: "y"}
    labelsTemplate: "{{ range .cpu.cpuid }}f-{{ .Name }}=1\\n{{ end }}"
    matchAny:
    - matchFeatures:
      - feature: cpu.cpuid
        matchName: {op: Exists}
    - matchFeatures:
      - feature: pci.device
        matchExpressions:
          vendor: {op: In, value: ["1", "2"]}
`,
);
writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(repo, 'examples', 'spec.yaml')));

test('hostile features files end with a documented exit code, bounded', async () => {
  let i = 0;
  await fc.assert(
    fc.asyncProperty(featuresText, async (text) => {
      const file = `features${i++}.${i % 2 ? 'json' : 'yaml'}`;
      writeFileSync(join(dir, file), text);
      for (const args of [
        ['eval', '--spec', 'spec.yaml', '--features', file],
        ['validate-node', '--spec', 'spec.yaml', '--features', file],
        ['nfr', 'dryrun', '--rule', 'rule.yaml', '--features', file],
      ]) {
        withinBudget(args, await cli(args), [0, 1, 3]);
      }
      rmSync(join(dir, file));
    }),
    { numRuns: runs(10) },
  );
});

// ---- OCI layouts -------------------------------------------------------------------------------

const sha = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const EXAMPLE = join(repo, 'examples', 'layout');
const exampleIndex = JSON.parse(readFileSync(join(EXAMPLE, 'index.json'), 'utf8')) as {
  manifests: { digest: string; artifactType?: string }[];
};
const IMAGE_DIGEST = exampleIndex.manifests.find((m) => m.artifactType === undefined)!.digest;
const ARTIFACT_DIGEST = exampleIndex.manifests.find((m) => m.artifactType !== undefined)!.digest;

const digestLike = fc.oneof(
  fc.constantFrom(IMAGE_DIGEST, ARTIFACT_DIGEST, `sha256:${'0'.repeat(64)}`, 'sha256:../../../etc/passwd'),
  fc.constantFrom(
    'sha512:abc',
    'md5:00',
    '',
    'sha256:',
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'a'.repeat(10_000)}`,
  ),
  nastyString,
);
const sizeLike = fc.oneof(
  fc.constantFrom(0, 1, 2, 397, 792, -1, 2 ** 53 + 2, 1e308, 4 * 2 ** 20 + 1),
  anyJson,
);
const descriptor = fc.record(
  {
    mediaType: fc.oneof(
      fc.constantFrom(
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ),
      nastyString,
    ),
    digest: digestLike,
    size: sizeLike,
    artifactType: fc.oneof(fc.constant('application/vnd.nfd.image-compatibility.v1alpha1'), nastyString),
    annotations: fc.oneof(
      fc.record({ 'org.opencontainers.image.ref.name': fc.oneof(fc.constant('app'), nastyString) }),
      fc.record({
        'org.opencontainers.image.created': fc.oneof(fc.constant('2026-11-27T19:06:46Z'), nastyString),
      }),
      anyJson,
    ),
    platform: fc.oneof(fc.record({ architecture: nastyString, os: nastyString }), anyJson),
    subject: anyJson,
  },
  { requiredKeys: [] },
);
const indexDoc = fc.oneof(
  fc.record({
    schemaVersion: fc.oneof(fc.constant(2), anyJson),
    mediaType: fc.oneof(fc.constant('application/vnd.oci.image.index.v1+json'), nastyString),
    manifests: fc.array(fc.oneof(descriptor, anyJson), { maxLength: 6 }),
  }),
  fc.constantFrom(1, 1000, 20_000).map((n) => ({
    schemaVersion: 2,
    manifests: Array.from({ length: n }, () => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: IMAGE_DIGEST,
      size: 397,
      annotations: { 'org.opencontainers.image.ref.name': 'app' },
    })),
  })),
  anyJson,
);
/** A manifest (image or artifact) with hostile fields. */
const manifestDoc = fc.oneof(
  fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), anyJson),
      mediaType: fc.oneof(fc.constant('application/vnd.oci.image.manifest.v1+json'), nastyString),
      artifactType: fc.oneof(fc.constant('application/vnd.nfd.image-compatibility.v1alpha1'), nastyString),
      config: fc.oneof(descriptor, anyJson),
      layers: fc.oneof(fc.array(fc.oneof(descriptor, anyJson), { maxLength: 4 }), anyJson),
      subject: fc.oneof(descriptor, anyJson),
      manifests: fc.array(fc.oneof(descriptor, anyJson), { maxLength: 4 }),
      annotations: anyJson,
    },
    { requiredKeys: [] },
  ),
  anyJson,
);

/** One change to a copy of examples/layout. */
type LayoutChange =
  | { kind: 'index'; text: string }
  | { kind: 'oci-layout'; text: string }
  | { kind: 'blob'; which: 'image' | 'artifact'; text: string; redigest: boolean }
  | { kind: 'spec'; bytes: Uint8Array }
  | { kind: 'special'; which: 'index' | 'image' | 'artifact'; to: 'dir' | 'fifo' | 'dev-zero' | 'missing' };

const deepJson = fc.integer({ min: 1, max: 200_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
const layoutChange: fc.Arbitrary<LayoutChange> = fc.oneof(
  fc
    .oneof(
      indexDoc.map((d) => JSON.stringify(d) ?? 'null'),
      deepJson,
    )
    .map((text) => ({ kind: 'index' as const, text })),
  fc
    .oneof(
      fc.constant('{"imageLayoutVersion":"2.0.0"}'),
      anyJson.map((d) => JSON.stringify(d) ?? ''),
      fc.string(),
    )
    .map((text) => ({ kind: 'oci-layout' as const, text })),
  fc
    .tuple(
      fc.constantFrom('image' as const, 'artifact' as const),
      fc.oneof(
        manifestDoc.map((d) => JSON.stringify(d) ?? 'null'),
        deepJson,
      ),
      fc.boolean(),
    )
    .map(([which, text, redigest]) => ({ kind: 'blob' as const, which, text, redigest })),
  fc
    .oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(
        new Uint8Array([0xff, 0xfe, 0x41]),
        new Uint8Array(Buffer.from('version: v1alpha1\ncompatibilities: [\n'.padEnd(3_000_000, '['))),
      ),
    )
    .map((bytes) => ({ kind: 'spec' as const, bytes })),
  fc
    .tuple(
      fc.constantFrom('index' as const, 'image' as const, 'artifact' as const),
      fc.constantFrom('dir' as const, 'fifo' as const, 'dev-zero' as const, 'missing' as const),
    )
    .map(([which, to]) => ({ kind: 'special' as const, which, to })),
);

/** A copy of examples/layout with `change` made; blobs whose content changed get their new digest when asked. */
function makeLayout(name: string, change: LayoutChange): string {
  const d = join(dir, name);
  cpSync(EXAMPLE, d, { recursive: true });
  const blob = (digest: string) => join(d, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const indexFile = join(d, 'index.json');
  /** Replaces a blob's content; with `redigest`, stores it under its new digest and points the index (and the artifact's subject or layer) at it. */
  const replace = (old: string, content: Uint8Array | string, redigest: boolean) => {
    if (!redigest) return writeFileSync(blob(old), content);
    const digest = sha(content);
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    writeFileSync(blob(digest), content);
    const index = readFileSync(indexFile, 'utf8').replaceAll(old, digest);
    writeFileSync(
      indexFile,
      index.replace(/"digest":"([^"]+)","size":\d+/g, (m, dg) =>
        dg === digest ? `"digest":"${dg}","size":${size}` : m,
      ),
    );
    return digest;
  };
  switch (change.kind) {
    case 'index':
      writeFileSync(indexFile, change.text);
      break;
    case 'oci-layout':
      writeFileSync(join(d, 'oci-layout'), change.text);
      break;
    case 'blob':
      replace(change.which === 'image' ? IMAGE_DIGEST : ARTIFACT_DIGEST, change.text, change.redigest);
      break;
    case 'spec': {
      const manifest = JSON.parse(readFileSync(blob(ARTIFACT_DIGEST), 'utf8')) as {
        layers: { digest: string; size: number }[];
      };
      const layer = manifest.layers[0]!;
      layer.digest = sha(change.bytes);
      layer.size = change.bytes.byteLength;
      writeFileSync(blob(layer.digest), change.bytes);
      replace(ARTIFACT_DIGEST, JSON.stringify(manifest), true);
      break;
    }
    case 'special': {
      const path =
        change.which === 'index'
          ? indexFile
          : blob(change.which === 'image' ? IMAGE_DIGEST : ARTIFACT_DIGEST);
      rmSync(path);
      if (change.to === 'dir') mkdirSync(path);
      else if (change.to === 'fifo') execFileSync('mkfifo', [path]);
      else if (change.to === 'dev-zero') symlinkSync('/dev/zero', path);
      break;
    }
  }
  return d;
}

test('hostile OCI layouts end with a documented exit code, bounded', async () => {
  let i = 0;
  await fc.assert(
    fc.asyncProperty(layoutChange, async (change) => {
      const d = makeLayout(`layout${i++}`, change);
      const ref = `oci:${d}:app`;
      for (const args of [
        ['discover', ref, '-o', 'json'],
        ['get', ref],
        ['validate-node', '--image', ref, '--features', join(repo, 'examples', 'features.json')],
        ['cluster', 'affinity', '--image', ref],
        ['remove', ref, '--all', '--dry-run'],
      ]) {
        withinBudget(args, await cli(args), [0, 1, 3, 4, 5]);
      }
      rmSync(d, { recursive: true, force: true });
    }),
    { numRuns: runs(20) },
  );
});

// ---- image references --------------------------------------------------------------------------

/** A loopback port nothing listens on (bound, then closed): connections are refused at once. */
const closedPort = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Only references that stay on this machine: unparsable ones, layouts, loopback registries. */
function offline(ref: string): boolean {
  try {
    const r = parseReference(ref);
    if (r.kind === 'layout') return true;
    const host = r.registry.startsWith('[')
      ? r.registry.slice(0, r.registry.indexOf(']') + 1)
      : r.registry.split(':')[0]!;
    return LOOPBACK.has(host) && (r.registry === host || r.registry === `${host}:${closedPort}`);
  } catch {
    return true;
  }
}

const refPart = fc.oneof(
  fc.constantFrom('a', 'app', 'A', '..', '.', '-a', 'a--b', 'a__b', 'a___b', '%2f', 'x'.repeat(300), ''),
  fc.stringMatching(/^[a-z0-9._-]{0,12}$/),
  nastyString,
);
const port = fc.constantFrom(
  `${closedPort}`,
  '0',
  '65536',
  '99999999999999999999',
  '6000',
  '-1',
  '',
  'abc',
  '0x50',
  '\uff18\uff10',
);
const host = fc.oneof(
  fc.constantFrom('127.0.0.1', 'localhost', '[::1]', '[::1', '127.0.0.1.', 'LOCALHOST', '127.1'),
  port.map((p) => `127.0.0.1:${p}`),
  port.map((p) => `localhost:${p}`),
  port.map((p) => `[::1]:${p}`),
);
const suffix = fc.oneof(
  fc.constant(''),
  refPart.map((t) => `:${t}`),
  fc.constantFrom(
    `@sha256:${'a'.repeat(64)}`,
    '@sha256:abc',
    `@sha512:${'a'.repeat(128)}`,
    `@sha256:${'G'.repeat(64)}`,
    '@',
    '@@',
  ),
  fc.tuple(refPart, fc.constantFrom(`@sha256:${'b'.repeat(64)}`, '@x')).map(([t, dg]) => `:${t}${dg}`),
);
const reference: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .tuple(host, fc.array(refPart, { minLength: 0, maxLength: 4 }), suffix)
      .map(([h, p, s]) => `${[h, ...p].join('/')}${s}`),
    fc
      .tuple(
        fc.constantFrom(
          'oci:',
          'oci:/',
          'oci:/dev/zero',
          'oci:/proc/self',
          `oci:${EXAMPLE}`,
          'oci:nonexistent',
        ),
        suffix,
      )
      .map(([p, s]) => `${p}${s}`),
    fc
      .tuple(fc.constantFrom('http://', 'https://', 'docker://', '//', ' ', '-', '--image='), host, suffix)
      .map(([p, h, s]) => `${p}${h}/a${s}`),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  .filter(offline);

test('hostile image references end with a documented exit code, bounded, and never leave this machine', async () => {
  const features = join(repo, 'examples', 'features.json');
  await fc.assert(
    fc.asyncProperty(reference, async (ref) => {
      for (const args of [
        ['get', ref, '--timeout', '5s'],
        ['discover', ref, '--timeout', '5s'],
        ['validate-node', '--image', ref, '--features', features, '--timeout', '5s'],
        ['job', '--image', ref, '--node', 'n1'],
      ]) {
        withinBudget(args, await cli(args), [0, 1, 2, 3, 4, 5]);
      }
    }),
    { numRuns: runs(40) },
  );
});
