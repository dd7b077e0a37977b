/**
 * `imgcompat validate-node` in-process, offline: local specs (`--spec`), saved features (`--features`) and
 * the bundled OCI layout (`oci:examples/layout:app`, whose artifact is examples/image-spec.yaml). The
 * registry paths are covered by test/e2e/validate-node.test.ts against real registries.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

/** The repository root (this file compiles to build/test/cli/commands/). */
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-validate-node-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Result {
  code: number;
  out: string;
  err: string;
}

async function cli(
  argv: string[],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Result> {
  // A clean environment: no NO_COLOR/FORCE_COLOR/credentials of the machine running the tests.
  const io = memoryIo({ cwd: repo, env: opts.env ?? {}, stdin: opts.stdin });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const vn = (...args: string[]) => cli(['validate-node', ...args]);

const SEED = ['--spec', 'examples/spec.yaml', '--features', 'examples/features.json'];
const IMAGE_SPEC = ['--spec', 'examples/image-spec.yaml', '--features', 'examples/features.json'];
const LAYOUT = ['--image', 'oci:examples/layout:app', '--features', 'examples/features.json'];

interface JsonSet {
  tag?: string;
  description?: string;
  weight?: number;
  rules: { name: string; isMatch: boolean }[];
}

/** What examples/features.json says, read independently of imgcompat, to derive expected verdicts. */
const savedFeatures = JSON.parse(readFileSync(join(repo, 'examples', 'features.json'), 'utf8')) as {
  flags: Record<string, { elements: Record<string, unknown> }>;
  attributes: Record<string, { elements: Record<string, string> }>;
  instances: Record<string, { elements: { attributes: Record<string, string> }[] }>;
};

function assertNoStack(r: Result): void {
  assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+\)?$/m, `stack trace in stderr:\n${r.err}`);
  assert.doesNotMatch(r.err, /internal error/);
}

describe('NFD JSON output', () => {
  for (const [name, args] of [
    ['seed spec', SEED],
    ['image spec (two sets, weighted, tagged)', IMAGE_SPEC],
    ['image spec, --tags generic', [...IMAGE_SPEC, '--tags', 'generic']],
  ] as const) {
    test(`${name}: bytes identical to \`eval\` for the same inputs, exit code too`, async () => {
      const node = await vn(...args, '--output', 'json');
      const evaluated = await cli(['eval', ...args, '--output', 'json']);
      assert.equal(evaluated.err, '');
      assert.equal(node.err, '');
      assert.ok(node.out.startsWith('[{"rules":['), node.out);
      assert.ok(node.out.endsWith(']\n'), 'JSON output ends with a newline');
      assert.equal(node.out, evaluated.out);
      assert.equal(node.code, evaluated.code);
    });
  }

  test("--output-json (NFD flag) prints NFD's bytes (no final newline); --output json adds the newline", async () => {
    const a = await vn(...IMAGE_SPEC, '--output-json');
    const b = await vn(...IMAGE_SPEC, '--output', 'json');
    assert.ok(a.out.endsWith(']'), a.out.slice(-20));
    assert.equal(b.out, `${a.out}\n`);
    assert.equal(a.code, b.code);
    for (const args of [['--output-json'], ['-o', 'json']]) {
      const e = await cli(['eval', ...IMAGE_SPEC, ...args]);
      assert.equal(e.out, args[0] === '-o' ? b.out : a.out);
    }
  });

  test('the bundled layout carries examples/image-spec.yaml: same report as --spec on that file', async () => {
    const fromLayout = await vn(...LAYOUT, '--output', 'json');
    const fromFile = await vn(...IMAGE_SPEC, '--output', 'json');
    assert.equal(fromLayout.err, '');
    assert.equal(fromLayout.out, fromFile.out);
    assert.equal(fromLayout.code, fromFile.code);
    const sets = JSON.parse(fromLayout.out) as JsonSet[];
    assert.deepEqual(
      sets.map((s) => [s.tag, s.weight]),
      [
        ['telecom', 90],
        ['generic', 10],
      ],
    );
  });

  test('rule results follow the saved features (checked against the file itself)', async () => {
    const r = await vn(...SEED, '--output', 'json');
    const [set] = JSON.parse(r.out) as JsonSet[];
    const hasVfio = 'vfio-pci' in (savedFeatures.flags['kernel.loadedmodule']?.elements ?? {});
    const vendor = savedFeatures.attributes['cpu.model']?.elements.vendor_id;
    const kernelAndCpu = hasVfio && (vendor === 'Intel' || vendor === 'AMD');
    const nic = (savedFeatures.instances['pci.device']?.elements ?? []).some(
      (d) => ['0eee', '0fff'].includes(d.attributes.vendor ?? '') && d.attributes.class === '0200',
    );
    assert.deepEqual(
      set?.rules.map((x) => [x.name, x.isMatch]),
      [
        ['kernel and cpu', kernelAndCpu],
        ['one of available nics', nic],
      ],
    );
    assert.equal(r.code, kernelAndCpu && nic ? 0 : 1, 'exit status is the verdict');
  });
});

describe('table, yaml and --summary', () => {
  test('table: NFD tables without colour (not a TTY), then the verdict line', async () => {
    const r = await vn(...IMAGE_SPEC);
    assert.equal(r.err, '');
    assert.ok(!r.out.includes('\x1b'), 'no escape codes when stdout is not a terminal');
    assert.ok(
      r.out.startsWith('COMPATIBILITY SET #1 Weight: 90; Tag: telecom\nDescription: My image requirements\n'),
    );
    assert.match(r.out, /\nCOMPATIBILITY SET #2 Weight: 10; Tag: generic\n/);
    assert.match(r.out, /│ RULE: KERNEL AND CPU - {2}(OK|FAIL) +│/);
    const json = JSON.parse((await vn(...IMAGE_SPEC, '--output', 'json')).out) as JsonSet[];
    const passed = json.filter((s) => s.rules.every((x) => x.isMatch));
    const verdict = r.out.slice(r.out.lastIndexOf('\nVerdict: ') + 1);
    if (passed.length > 0) {
      assert.equal(r.code, 0);
      assert.match(verdict, /^Verdict: compatible - \d+ of 2 sets passed: /);
    } else {
      assert.equal(r.code, 1);
      assert.equal(verdict, 'Verdict: incompatible - no compatibility set passed (2 evaluated)\n');
    }
  });

  test('table colour: on for a terminal, off under NO_COLOR; FORCE_COLOR turns it on in a pipe', async () => {
    const onTty = async (env: Record<string, string>) => {
      const io = memoryIo({ cwd: repo, env });
      io.stdout.isTTY = true;
      await run(['validate-node', ...SEED], io);
      return io.out();
    };
    assert.ok((await onTty({})).startsWith('\x1b[36;1mCOMPATIBILITY SET #1'));
    assert.ok(!(await onTty({ NO_COLOR: '1' })).includes('\x1b'));
    const forced = await cli(['validate-node', ...SEED], { env: { FORCE_COLOR: '1' } });
    assert.ok(forced.out.startsWith('\x1b['), 'colour when forced');
    assert.match(
      forced.out,
      /\x1b\[31;1mVerdict: incompatible\x1b\[0m|\x1b\[32;1mVerdict: compatible\x1b\[0m/,
    );
  });

  test('--output yaml holds the same data as the JSON report', async () => {
    const y = await vn(...IMAGE_SPEC, '--output', 'yaml');
    const j = await vn(...IMAGE_SPEC, '--output', 'json');
    assert.deepEqual(parseYaml(y.out), JSON.parse(j.out));
    assert.equal(y.code, j.code);
  });

  test('--summary: verdict and per-set results agree with the JSON report and the exit code', async () => {
    const s = await vn(...IMAGE_SPEC, '--summary', '-o', 'json');
    const j = JSON.parse((await vn(...IMAGE_SPEC, '--output', 'json')).out) as JsonSet[];
    const summary = JSON.parse(s.out) as {
      spec: string;
      compatible: boolean;
      sets: {
        index: number;
        tag?: string;
        compatible: boolean;
        rules: { name: string; isMatch: boolean; firstFailure?: string }[];
      }[];
    };
    assert.equal(summary.spec, 'examples/image-spec.yaml');
    assert.deepEqual(
      summary.sets.map((x) => [x.index, x.tag, x.compatible]),
      j.map((x, i) => [i + 1, x.tag, x.rules.every((r) => r.isMatch)]),
    );
    assert.equal(
      summary.compatible,
      summary.sets.some((x) => x.compatible),
    );
    assert.equal(s.code, summary.compatible ? 0 : 1);
    for (const set of summary.sets)
      for (const rule of set.rules) assert.equal(rule.firstFailure === undefined, rule.isMatch, rule.name);
    // The seed's NIC rule fails on the saved features (no 0eee/0fff device): its first failing row is named.
    const nic = summary.sets[0]?.rules.find((r) => r.name === 'one of available nics');
    assert.equal(nic?.firstFailure, 'pci.device.vendor In ["0eee"]');
    const asYaml = await vn(...IMAGE_SPEC, '--summary', '--output', 'yaml');
    assert.deepEqual(parseYaml(asYaml.out), summary);
    // The default (table) format renders the summary as text, not JSON: one line per set.
    const asText = await vn(...IMAGE_SPEC, '--summary');
    assert.equal(asText.code, s.code);
    assert.doesNotMatch(asText.out, /^[[{]/);
    const lines = asText.out.trimEnd().split('\n');
    assert.equal(lines[0], `examples/image-spec.yaml: ${summary.compatible ? 'compatible' : 'incompatible'}`);
    for (const set of summary.sets) {
      const line = lines.find((l) => l.startsWith(`  set #${set.index}`));
      assert.ok(line?.includes(set.compatible ? ': compatible' : ': incompatible'), line);
    }
    assert.ok(asText.out.includes('pci.device.vendor In ["0eee"]'));
  });

  test('--summary for the bundled layout names the image and the artifact digest', async () => {
    const s = await vn(...LAYOUT, '--summary', '--output-json');
    const summary = JSON.parse(s.out) as Record<string, unknown>;
    assert.equal(summary.image, 'oci:examples/layout:app');
    const index = JSON.parse(readFileSync(join(repo, 'examples', 'layout', 'index.json'), 'utf8')) as {
      manifests: { digest: string; artifactType?: string }[];
    };
    const artifact = index.manifests.find((m) => m.artifactType)?.digest;
    const image = index.manifests.find((m) => !m.artifactType)?.digest;
    assert.equal(summary.artifact, artifact);
    assert.equal(summary.subject, image);
  });
});

describe('this host (discovery)', () => {
  test('the quick-start command: bundled layout, discovery of this host, verdict = exit code', async () => {
    const r = await vn('--image', 'oci:examples/layout:app', '--summary', '-o', 'json');
    assertNoStack(r);
    const summary = JSON.parse(r.out) as { compatible: boolean; sets: unknown[] };
    assert.equal(summary.sets.length, 2);
    assert.equal(r.code, summary.compatible ? 0 : 1);
  });
});

describe('--tags', () => {
  test('keeps only sets with those tags (comma-separated and repeatable)', async () => {
    const one = await vn(...IMAGE_SPEC, '--tags', 'telecom', '--output', 'json');
    assert.deepEqual(
      (JSON.parse(one.out) as JsonSet[]).map((s) => s.tag),
      ['telecom'],
    );
    const both = await vn(...IMAGE_SPEC, '--tags', 'nope,generic', '--tags', 'telecom', '--output', 'json');
    assert.deepEqual(
      (JSON.parse(both.out) as JsonSet[]).map((s) => s.tag),
      ['telecom', 'generic'],
    );
  });

  test('an unknown tag: usage error (exit 2) naming --tags and the known tags, nothing evaluated', async () => {
    const r = await vn(...IMAGE_SPEC, '--tags', 'gpu');
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /--tags: no compatibility set has tag "gpu" \(tags in examples\/image-spec\.yaml: telecom, generic\); nothing was evaluated/,
    );
    assert.equal(r.out, '');
    const json = await vn(...IMAGE_SPEC, '--tags', 'gpu', '--output', 'json');
    assert.equal(json.code, 2);
    assert.equal(json.out, '');
    const layout = await vn(...LAYOUT, '--tags', 'gpu');
    assert.equal(layout.code, 2);
    assert.match(
      layout.err,
      /no compatibility set has tag "gpu" \(tags in oci:.*@sha256:[0-9a-f]{64}: telecom, generic\)/,
    );
  });
});

describe('bad input', () => {
  test('neither --image nor --spec: usage error, exit 2', async () => {
    const r = await vn('--features', 'examples/features.json');
    assert.equal(r.code, 2);
    assert.match(r.err, /either --image .* or --spec .* is required/);
    assertNoStack(r);
  });

  test('--image with --spec, and --features with discovery flags: exit 2', async () => {
    const both = await vn('--image', 'oci:examples/layout:app', ...SEED);
    assert.equal(both.code, 2);
    assert.match(both.err, /--image and --spec cannot be combined/);
    const mixed = await vn(...SEED, '--host-root', '/');
    assert.equal(mixed.code, 2);
    assert.match(mixed.err, /--features replaces discovery/);
  });

  test("--registry-password-stdin with --registry-token-stdin: exit 2 with NFD's message", async () => {
    const r = await cli(
      [
        'validate-node',
        ...LAYOUT,
        '--registry-username',
        'u',
        '--registry-password-stdin',
        '--registry-token-stdin',
      ],
      { stdin: 'secret-canary\n' },
    );
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot use --registry-token-stdin and --registry-password-stdin at the same time/);
    assert.ok(!r.err.includes('secret-canary') && !r.out.includes('secret-canary'));
  });

  test('bad flag values: --output, --timeout (exit 2)', async () => {
    const out = await vn(...SEED, '--output', 'xml');
    assert.equal(out.code, 2);
    assert.match(out.err, /xml/);
    const timeout = await vn(...LAYOUT, '--timeout', 'soon');
    assert.equal(timeout.code, 2);
    assert.match(timeout.err, /--timeout "soon"/);
  });

  test('--features that is not a Features/NodeFeature document: exit 3 with file:line:column', async () => {
    writeFileSync(
      join(scratch, 'pod.json'),
      '{"apiVersion": "v1",\n "kind": "Pod", "metadata": {"name": "x"}}\n',
    );
    const pod = await vn('--spec', 'examples/spec.yaml', '--features', join(scratch, 'pod.json'));
    assert.equal(pod.code, 3);
    assert.match(pod.err, /pod\.json:\d+:\d+/);
    assert.match(pod.err, /NodeFeature/);
    assertNoStack(pod);
    // A spec handed in as features.
    const spec = await vn('--spec', 'examples/spec.yaml', '--features', 'examples/spec.yaml');
    assert.equal(spec.code, 3);
    assert.match(spec.err, /examples\/spec\.yaml:\d+:\d+/);
    // A Features document with a wrongly typed field: the position of that field.
    writeFileSync(join(scratch, 'typed.json'), '{"flags": {\n  "cpu.cpuid": {"elements": 5}}}\n');
    const typed = await vn('--spec', 'examples/spec.yaml', '--features', join(scratch, 'typed.json'));
    assert.equal(typed.code, 3);
    assert.match(typed.err, /typed\.json:2:\d+/);
  });

  test('invalid spec file: exit 3 with line:column; unreadable files: exit 3', async () => {
    writeFileSync(
      join(scratch, 'bad.yaml'),
      'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: x\n    matchFeatures:\n    - feature: a.b\n      matchExpressions:\n        k: {op: Bogus}\n',
    );
    const bad = await vn('--spec', join(scratch, 'bad.yaml'), '--features', 'examples/features.json');
    assert.equal(bad.code, 3);
    assert.match(bad.err, /bad\.yaml:8:\d+/);
    assertNoStack(bad);
    const missing = await vn('--spec', 'examples/no-such-spec.yaml', '--features', 'examples/features.json');
    assert.equal(missing.code, 3);
    assert.match(missing.err, /no-such-spec\.yaml/);
    const noFeatures = await vn('--spec', 'examples/spec.yaml', '--features', join(scratch, 'none.json'));
    assert.equal(noFeatures.code, 3);
    assert.match(noFeatures.err, /none\.json/);
  });

  test('an OCI layout image without a compatibility artifact: exit 5, says how to attach one', async () => {
    const layout = join(scratch, 'layout');
    cpSync(join(repo, 'examples', 'layout'), layout, { recursive: true });
    const indexFile = join(layout, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: { artifactType?: string }[] };
    index.manifests = index.manifests.filter((m) => m.artifactType === undefined);
    writeFileSync(indexFile, JSON.stringify(index));
    const r = await vn('--image', `oci:${layout}:app`, '--features', 'examples/features.json');
    assert.equal(r.code, 5);
    assert.match(r.err, /compatibility artifact not found/);
    assert.match(r.err, /imgcompat attach oci:/);
    assert.equal(r.out, '');
    // A tag the layout does not hold is a different error (not found: exit 4), not "no artifact".
    const noTag = await vn('--image', `oci:${layout}:nosuch`, '--features', 'examples/features.json');
    assert.equal(noTag.code, 4);
  });
});

describe('--help', () => {
  test("names NFD's flags and ours, the exit codes, examples, and --timeout as the whole-fetch deadline", async () => {
    const r = await vn('--help');
    assert.equal(r.code, 0);
    for (const flag of [
      '--image',
      '--tags',
      '--platform',
      '--plain-http',
      '--output-json',
      '--registry-username',
      '--registry-password-stdin',
      '--registry-token-stdin',
      '--output',
      '--spec',
      '--features',
      '--host-root',
      '--sources',
      '--timeout',
      '--summary',
    ])
      assert.match(r.out, new RegExp(`^\\s+(-\\w, )?${flag}\\b`, 'm'), flag);
    assert.match(r.out, /--timeout <duration> +deadline for fetching the artifact.*default 60s/);
    assert.match(r.out, /Exit status: 0 compatible/);
    assert.match(r.out, /Examples:\n {2}imgcompat validate-node --image /);
  });
});

describe('control characters from a spec', () => {
  test('are escaped in the table (names, descriptions, tags, values) and in error messages', async () => {
    const file = join(scratch, 'ansi.yaml');
    writeFileSync(
      file,
      'version: v1alpha1\ncompatibilities:\n- description: "d\\e[2J"\n  tag: "t\\e]0;x\\a"\n  rules:\n' +
        '  - name: "r\\e[2J\\r"\n    matchFeatures:\n    - feature: cpu.cpuid\n      matchExpressions:\n' +
        '        "AV\\e[31mX": {op: In, value: ["x\\e[1m"]}\n',
    );
    const r = await vn('--spec', file, '--features', 'examples/features.json');
    assert.equal(r.code, 1, r.err);
    assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(r.out, /Tag: t\\u001b\]0;x\\u0007/);
    assert.match(r.out, /Description: d\\u001b\[2J/);
    assert.match(r.out, /RULE: R\\U001B\[2J\\U000D/i);
    assert.match(r.out, /cpu\.cpuid\.AV\\u001b\[31mX/);

    const bad = join(scratch, 'ansi-regexp.yaml');
    writeFileSync(
      bad,
      'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: cpu.cpuid\n' +
        '      matchExpressions:\n        AVX: {op: InRegexp, value: ["(\\e"]}\n',
    );
    const e = await vn('--spec', bad, '--features', 'examples/features.json');
    assert.equal(e.code, 3, e.err);
    assert.doesNotMatch(e.err, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(e.err, /missing closing \): `\(\\u001b`/);
  });
});

describe('undetermined: the host could not be read for what a rule needs', () => {
  const container = 'test/fixtures/hosts/minimal-container/root';
  const spec = join(scratch, 'needs-modules.yaml');
  writeFileSync(
    spec,
    [
      'version: v1alpha1',
      'compatibilities:',
      '- tag: vfio',
      '  rules:',
      '  - name: vfio',
      '    matchFeatures:',
      '    - feature: kernel.loadedmodule',
      '      matchExpressions:',
      '        vfio_pci: {op: Exists}',
      '- tag: ancient',
      '  rules:',
      '  - name: kernel',
      '    matchFeatures:',
      '    - feature: kernel.version',
      '      matchExpressions:',
      '        major: {op: In, value: ["1"]}',
      '',
    ].join('\n'),
  );

  test('no /proc/modules under --host-root: exit 6 and the verdict names the expression and the file', async () => {
    const r = await vn('--spec', spec, '--host-root', container, '--sources', 'kernel');
    assert.equal(r.code, 6, r.err);
    assert.ok(
      r.out.endsWith(
        'Verdict: undetermined - no compatibility set passed (2 evaluated), but these expressions need features ' +
          'that could not be read on this host:\n' +
          '  set #1, rule "vfio": kernel.loadedmodule vfio_pci {op: "Exists"}: /proc/modules could not be read on this host\n',
      ),
      r.out,
    );
  });

  test('-o json: NFD JSON on stdout, the reason on stderr, exit 6; --summary says undetermined', async () => {
    const r = await vn('--spec', spec, '--host-root', container, '--sources', 'kernel', '-o', 'json');
    assert.equal(r.code, 6, r.err);
    assert.equal(JSON.parse(r.out).length, 2);
    assert.match(
      r.err,
      /verdict undetermined: .*\n {2}set #1, rule "vfio": kernel\.loadedmodule vfio_pci \{op: "Exists"\}: \/proc\/modules could not be read on this host\n/,
    );
    const s = await vn(
      '--spec',
      spec,
      '--host-root',
      container,
      '--sources',
      'kernel',
      '--summary',
      '-o',
      'json',
    );
    assert.equal(s.code, 6, s.err);
    const summary = JSON.parse(s.out);
    assert.equal(summary.compatible, false);
    assert.equal(summary.verdict, 'undetermined');
    assert.deepEqual(summary.undetermined, [
      {
        set: 1,
        rule: 'vfio',
        feature: 'kernel.loadedmodule',
        name: 'vfio_pci',
        expression: '{op: "Exists"}',
        reason: '/proc/modules could not be read on this host',
      },
    ]);
  });

  test('the same rules from a features file without the module list: plainly incompatible (exit 1)', async () => {
    const features = join(scratch, 'no-modules.json');
    writeFileSync(
      features,
      JSON.stringify({ attributes: { 'kernel.version': { elements: { major: '5' } } } }),
    );
    const r = await vn('--spec', spec, '--features', features);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /Verdict: incompatible/);
  });

  test('macOS or Windows without --features: usage error (exit 2) with a hint; with --features it runs', async () => {
    const { run: runValidateNode } = await import('../../../src/cli/commands/validate-node.ts');
    for (const os of ['darwin', 'win32']) {
      const io = memoryIo({ cwd: repo });
      await assert.rejects(
        runValidateNode({ spec, tags: [], output: 'table', hostOs: os }, { io, exitCode: 0 }),
        (e: Error & { kind?: string }) => {
          assert.equal(e.kind, 'usage');
          assert.match(e.message, new RegExp(`this is ${os}: .*--features FILE.*imgcompat job.*Linux host`));
          return true;
        },
      );
    }
    const io = memoryIo({ cwd: repo });
    const code = await runValidateNode(
      {
        spec: 'examples/spec.yaml',
        features: 'examples/features.json',
        tags: [],
        output: 'table',
        hostOs: 'darwin',
      },
      { io, exitCode: 0 },
    );
    assert.equal(code, 1, io.err());
  });
});
