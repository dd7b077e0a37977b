import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { run as lint } from '../../../src/cli/commands/lint.ts';
import { type Io, memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';
import { validate } from '../../lint/json-schema-validator.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imgcompat-lint-'));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

async function cli(args: string[], cwd = dir) {
  const io = memoryIo({ cwd });
  const code = await run(['lint', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const spec = (exprs: string) => `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions:
        ${exprs}
`;

const clean = write('clean.yaml', spec('vfio_pci: {op: Exists}'));
const dash = write('dash.yaml', spec('vfio-pci: {op: Exists}'));
const info = write('info.yaml', spec('nouveau: {op: DoesNotExist}'));

test('a clean file: exit 0 and a summary', async () => {
  const r = await cli([clean]);
  assert.equal(r.code, 0);
  assert.equal(r.out, '1 file: no findings\n');
  assert.equal(r.err, '');
});

test('an error finding: exit 1, file:line:col, id, why and fix', async () => {
  const r = await cli([clean, dash]);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    'dash.yaml:8:9: error IC1003: kernel.loadedmodule lists module names as the kernel does, with "_": "vfio-pci" never matches\n' +
      '  fix: did you mean "vfio_pci"?\n' +
      '2 files: 1 error, 0 warnings, 0 info\n',
  );
});

test('--fail-on decides which severities fail', async () => {
  assert.equal((await cli([info])).code, 0);
  assert.equal((await cli(['--fail-on', 'warning', info])).code, 0);
  assert.equal((await cli(['--fail-on', 'info', info])).code, 1);
  const bad = await cli(['--fail-on', 'fatal', info]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--fail-on/);
});

test('-o json: one document with every finding', async () => {
  const r = await cli(['-o', 'json', dash, info]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.summary, { error: 1, warning: 0, info: 1 });
  assert.equal(doc.files[0].kind, 'spec');
  assert.deepEqual(doc.files[0].findings[0], {
    id: 'IC1003',
    severity: 'error',
    message: 'kernel.loadedmodule lists module names as the kernel does, with "_": "vfio-pci" never matches',
    fix: 'did you mean "vfio_pci"?',
    file: 'dash.yaml',
    line: 8,
    column: 9,
    path: 'compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vfio-pci',
  });
  assert.equal(doc.files[1].findings[0].id, 'IC1009');
});

test('-o sarif: a SARIF 2.1.0 log with rules and located results', async () => {
  const r = await cli(['-o', 'sarif', dash]);
  assert.equal(r.code, 1);
  const log = JSON.parse(r.out);
  // Written file by file; valid SARIF 2.1.0 as a whole (test/fixtures/sarif).
  const schema = JSON.parse(readFileSync(join(repo, 'test/fixtures/sarif/sarif-2.1.0.json'), 'utf8'));
  assert.deepEqual(validate(schema, log, '2020-12'), []);
  assert.deepEqual(
    validate(schema, JSON.parse((await cli(['-o', 'sarif', clean, clean])).out), '2020-12'),
    [],
  );
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.equal(run0.tool.driver.name, 'imgcompat');
  const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
  assert.equal(ids[0], 'IC1000');
  assert.ok(ids.includes('IC1015'));
  assert.equal(run0.results.length, 1);
  const res = run0.results[0];
  assert.equal(res.ruleId, 'IC1003');
  assert.equal(ids[res.ruleIndex], 'IC1003');
  assert.equal(res.level, 'error');
  assert.deepEqual(res.locations[0].physicalLocation, {
    artifactLocation: { uri: 'dash.yaml' },
    region: { startLine: 8, startColumn: 9 },
  });
});

test('a file that is not a spec or rule file: exit 3 with a clear error, the others still linted', async () => {
  const r = await cli([dash, join(repo, 'examples/features.json')], dir);
  assert.equal(r.code, 3);
  assert.match(
    r.err,
    /features\.json:1:1: error: not an image compatibility spec .* nor a NodeFeatureRule\/NodeFeatureGroup/,
  );
  assert.match(r.out, /IC1003/);
  const missing = await cli(['nope.yaml']);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /nope\.yaml: cannot read file: no such file/);
});

test('the shipped examples: the seed example is flagged for vfio-pci', async () => {
  const r = await cli(['examples/spec.yaml'], repo);
  assert.equal(r.code, 1);
  assert.match(r.out, /^examples\/spec\.yaml:10:9: error IC1003: /m);
});

/** 1,000 NodeFeatureRule files of two rules, each with an IC1003 finding. */
function manyFiles(): string[] {
  const sub = mkdtempSync(join(dir, 'many-'));
  const names: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let text = `apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata:\n  name: f${i}\nspec:\n  rules:\n`;
    for (let j = 0; j < 2; j++) {
      text += `  - name: r${j}\n    labels:\n      l${j}: "true"\n    matchFeatures:\n    - feature: kernel.loadedmodule\n      matchExpressions:\n        vfio-pci: {op: Exists}\n    - feature: kernel.version\n      matchExpressions:\n        major: {op: Gt, value: ["${j}"]}\n`;
    }
    const name = join(sub, `f${i}.yaml`);
    writeFileSync(name, text);
    names.push(name);
  }
  return names;
}

test('1,000 files: the heap stays flat while they are linted, and no progress without a terminal', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const files = manyFiles();
  // Retained heap after every 100th file written: a full collection first, so only live data counts.
  const retained: number[] = [];
  let writes = 0;
  let bytes = 0;
  let err = '';
  const io: Io = {
    stdout: {
      write: (s) => {
        bytes += s.length;
        if (++writes % 100 === 0) {
          gc();
          retained.push(process.memoryUsage().heapUsed);
        }
      },
    },
    stderr: {
      write: (s) => {
        err += String(s);
      },
    },
    readStdin: async () => '',
    env: {},
    cwd: dir,
  };
  const code = await lint(
    { files, output: 'text', failOn: 'error', progressAfterMs: 0 },
    { io, exitCode: 0 },
  );
  assert.equal(code, 1);
  assert.equal(writes, 1001); // one write per file as it is linted, then the summary
  assert.ok(bytes > 150_000);
  assert.equal(retained.length, 10);
  // Keeping each file's text, YAML tree or findings would grow the heap by tens of MB over 900 files.
  const growth = Math.max(...retained) - retained[0]!;
  assert.ok(growth < 4 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB`);
  assert.equal(err, '');
});

test('on a terminal, a progress line counts the files and is erased before output and at the end', async () => {
  const files = [clean, dash, clean];
  let out = '';
  let err = '';
  const events: string[] = [];
  const io: Io = {
    stdout: {
      write: (s) => {
        out += String(s);
        events.push('out');
      },
    },
    stderr: {
      isTTY: true,
      write: (s) => {
        err += String(s);
        events.push(
          String(s).startsWith('\r\x1b[2Klint:') ? 'progress' : String(s) === '\r\x1b[2K' ? 'erase' : 'err',
        );
      },
    },
    readStdin: async () => '',
    env: {},
    cwd: dir,
  };
  const code = await lint(
    { files, output: 'text', failOn: 'error', progressAfterMs: 0 },
    { io, exitCode: 0 },
  );
  assert.equal(code, 1);
  assert.match(err, /^\r\x1b\[2Klint: 0\/3 files/);
  assert.match(out, /dash\.yaml:8:9: error IC1003/);
  // Every stdout write comes after an erase, and the line is erased at the end.
  events.forEach((e, i) => {
    if (e === 'out' && events.slice(0, i).includes('progress')) {
      const lastProgress = events.lastIndexOf('progress', i);
      assert.ok(events.slice(lastProgress, i).includes('erase'), events.join(' '));
    }
  });
  assert.ok(err.endsWith('\r\x1b[2K'));
  // The default delay: a short run shows nothing.
  err = '';
  await lint({ files, output: 'text', failOn: 'error' }, { io, exitCode: 0 });
  assert.equal(err, '');
});
