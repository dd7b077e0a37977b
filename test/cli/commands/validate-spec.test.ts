import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imgcompat-validate-spec-'));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(['validate-spec', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** No bad input may print a stack trace or an internal-error message. */
function noStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at /m);
  assert.doesNotMatch(text, /internal error|bug in imgcompat/i);
}

function spec(matchExpressions: string, extra = ''): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: r
${extra}    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        ${matchExpressions}
`;
}

/** Runs one bad file: exit 3, an `error:` line naming file:line:col that matches `re`. */
async function expectBad(name: string, text: string, re: RegExp, withLineCol = true) {
  write(name, text);
  const r = await cli([name]);
  assert.equal(r.code, 3, r.err);
  noStackTrace(r.err + r.out);
  const line = r.err.split('\n').find((l) => re.test(l));
  assert.ok(line, `no stderr line matching ${re}:\n${r.err}`);
  if (withLineCol) assert.match(line, new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: error: `));
  assert.match(r.out, new RegExp(`^${name.replace('.', '\\.')}: invalid`, 'm'));
  return r;
}

/** `expectBad` for tests that need nothing back. */
async function bad(name: string, text: string, re: RegExp, withLineCol = true): Promise<void> {
  await expectBad(name, text, re, withLineCol);
}

test('the example spec is valid (exit 0, no warnings)', async () => {
  const io = memoryIo({ cwd: repo });
  const code = await run(['validate-spec', 'examples/spec.yaml'], io);
  assert.equal(code, 0);
  assert.equal(io.err(), '');
  assert.equal(io.out(), 'examples/spec.yaml: valid, 1 compatibility set\n');
});

test('warnings are printed but do not fail', async () => {
  write('warn.yaml', spec('AVX: {op: Exists, typo: 1}'));
  const r = await cli(['warn.yaml']);
  assert.equal(r.code, 0);
  assert.match(
    r.err,
    /^warn\.yaml:8:27: warning: unknown field "typo" in MatchExpression \(NFD ignores it\)$/m,
  );
  assert.match(r.out, /warn\.yaml: valid, 1 compatibility set \(0 errors, 1 warning\)/);
});

test('bad input: malformed YAML', () =>
  bad('malformed.yaml', 'version: v1alpha1\ncompatibilities: [\n  {rules: [}\n', /YAML syntax error/));

test('bad input: malformed JSON', () =>
  bad(
    'malformed.json',
    '{"version": "v1alpha1",\n "compatibilities": [{"rules": [,]}]}\n',
    /YAML syntax error/,
  ));

test('bad input: a spec over 4 MiB (refused from its size)', async () => {
  const r = await expectBad(
    'big.yaml',
    `${spec('AVX: {op: Exists}')}#${'x'.repeat(4 * 1024 * 1024)}\n`,
    /4 MiB/,
    false,
  );
  assert.match(r.err, /^error: big\.yaml: file is \d+ bytes, larger than the 4194304-byte \(4 MiB\) limit$/m);
});

test('bad input: a YAML alias bomb', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]`,
    );
  }
  return bad('bomb.yaml', `${lines.join('\n')}\n${spec('AVX: {op: Exists}')}`, /excessive aliasing/);
});

test('bad input: deep nesting', () =>
  bad(
    'deep.yaml',
    `version: v1alpha1\ncompatibilities: ${'['.repeat(100000)}${']'.repeat(100000)}\n`,
    /nesting is deeper than the limit/,
  ));

test('bad input: unknown op (the message lists the valid ops)', async () => {
  const r = await expectBad('op.yaml', spec('AVX: {op: Has}'), /invalid Op "Has"/);
  assert.match(
    r.err,
    /op\.yaml:8:19: error: invalid Op "Has": the valid ops are In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse/,
  );
});

test('bad input: wrong value count', () =>
  bad(
    'count.yaml',
    spec('AVX: {op: GtLt, value: ["1"]}'),
    /must contain exactly two elements for Op "GtLt"/,
  ));

test("bad input: invalid regex (Go's error text)", () =>
  bad(
    'regex.yaml',
    spec('AVX: {op: InRegexp, value: ["a)"]}'),
    /error parsing regexp: unexpected \): `a\)`/,
  ));

test('(a+)+$ is accepted', async () => {
  write('redos.yaml', spec('AVX: {op: InRegexp, value: ["(a+)+$"]}'));
  const r = await cli(['redos.yaml']);
  assert.equal(r.code, 0, r.err);
});

test('bad input: a non-integer under Gt', () =>
  bad('gt.yaml', spec('AVX: {op: Gt, value: ["2.5"]}'), /not a number "2\.5"/));

test('bad input: a template using an unsupported function', () =>
  bad(
    'tmpl.yaml',
    spec('AVX: {op: Exists}', '    varsTemplate: "{{ expandenv \\"$HOME\\" }}"\n'),
    /function "expandenv" not defined/,
  ));

test('bad input: an empty compatibilities list', () =>
  bad('empty.yaml', 'version: v1alpha1\ncompatibilities: []\n', /"compatibilities" is empty/));

test('bad input: an unsupported version names the supported one', () =>
  bad(
    'version.yaml',
    spec('AVX: {op: Exists}').replace('v1alpha1', 'v1'),
    /the supported version is "v1alpha1"/,
  ));

test('a missing file is exit 3 with its path; other files are still checked', async () => {
  const ok = write('ok.yaml', spec('AVX: {op: Exists}'));
  const r = await cli(['missing.yaml', ok]);
  assert.equal(r.code, 3);
  assert.match(r.err, /^error: missing\.yaml: cannot read file: no such file$/m);
  assert.match(r.out, /^ok\.yaml: valid/m);
  noStackTrace(r.err);
});

test('--output json: one document with every diagnostic', async () => {
  write('j.yaml', spec('AVX: {op: Gt, value: [x]}'));
  const r = await cli(['--output', 'json', 'j.yaml']);
  assert.equal(r.code, 3);
  const doc = JSON.parse(r.out) as {
    valid: boolean;
    files: Array<{
      file: string;
      valid: boolean;
      errors: number;
      diagnostics: Array<Record<string, unknown>>;
    }>;
  };
  assert.equal(doc.valid, false);
  assert.equal(doc.files[0]!.errors, 1);
  assert.deepEqual(doc.files[0]!.diagnostics[0], {
    severity: 'error',
    message: 'not a number "x": Op "Gt" compares integers (add "type: version" to compare versions)',
    file: 'j.yaml',
    line: 8,
    column: 31,
    path: 'compatibilities[0].rules[0].matchFeatures[0].matchExpressions.AVX.value[0]',
  });
});

test('no file argument is a usage error', async () => {
  const r = await cli([]);
  assert.equal(r.code, 2);
});

test('bad input: a named pipe nobody writes to is refused in bounded time, one with a writer is read', {
  timeout: 20_000,
}, async () => {
  const fifo = join(dir, 'no-writer.fifo');
  execFileSync('mkfifo', [fifo]);
  const r = await cli(['no-writer.fifo']);
  assert.equal(r.code, 3);
  assert.match(r.err, /no-writer\.fifo: cannot read file: a named pipe \(FIFO\) that no process writes to/);
  noStackTrace(r.err);

  const fed = join(dir, 'fed.fifo');
  execFileSync('mkfifo', [fed]);
  const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', join(repo, 'examples', 'spec.yaml'), fed]);
  const exited = new Promise((r) => writer.once('exit', r));
  const ok = await cli(['fed.fifo']);
  assert.equal(ok.code, 0, ok.err);
  await exited;
});

test('130,000 warnings: no crash, the first 100 printed, the rest counted', async () => {
  // Each "01" is an octal-looking value YAML 1.1 reads differently: one warning per element.
  const values = Array.from({ length: 130_000 }, () => '01').join(',');
  write('many-warnings.yaml', spec(`AVX: {op: In, value: [${values}]}`));
  const r = await cli(['many-warnings.yaml']);
  noStackTrace(r.err + r.out);
  assert.equal(r.code, 0, r.err.slice(0, 2000));
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.length, 101, r.err.slice(0, 2000));
  assert.match(lines[0]!, /^many-warnings\.yaml:\d+:\d+: warning: /);
  assert.equal(lines[100], '... and 129,900 more warnings (not shown)');
  assert.ok(r.err.length < 50_000, `${r.err.length} bytes on stderr`);
  assert.match(r.out, /many-warnings\.yaml: valid.*130000 warnings/);
});

test('--output json with 130,000 warnings: the first 100 listed, the rest counted with a summary', async () => {
  const values = Array.from({ length: 130_000 }, () => '01').join(',');
  write('many-warnings-json.yaml', spec(`AVX: {op: In, value: [${values}]}`));
  const r = await cli(['--output', 'json', 'many-warnings-json.yaml']);
  noStackTrace(r.err + r.out);
  assert.equal(r.code, 0, r.err.slice(0, 2000));
  assert.equal(r.err, '');
  // Every diagnostic listed made a 20 MB document.
  assert.ok(r.out.length < 100_000, `${r.out.length} bytes on stdout`);
  const doc = JSON.parse(r.out) as {
    files: Array<{ warnings: number; diagnostics: unknown[]; omitted?: Record<string, unknown> }>;
  };
  const f = doc.files[0]!;
  assert.equal(f.warnings, 130_000);
  assert.equal(f.diagnostics.length, 100);
  assert.deepEqual(f.omitted, {
    errors: 0,
    warnings: 129_900,
    summary: '... and 129,900 more warnings (not shown)',
  });
  const few = await cli(['--output', 'json', write('few.yaml', spec('AVX: {op: In, value: [01]}'))]);
  const fewDoc = JSON.parse(few.out) as { files: Array<Record<string, unknown>> };
  assert.equal(fewDoc.files[0]!.warnings, 1);
  assert.equal('omitted' in fewDoc.files[0]!, false);
});

test("Go's YAML reader: UTF-16 with a BOM and CR-only line ends are read; invalid UTF-8 and control characters are errors", async () => {
  const text = readFileSync(join(repo, 'examples', 'spec.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'utf16.yaml'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  );
  const u = await cli(['utf16.yaml']);
  assert.equal(u.code, 0, u.err);
  assert.match(u.out, /utf16\.yaml: valid, 1 compatibility set/);
  const cr = await cli([write('cr.yaml', text.replaceAll('\n', '\r'))]);
  assert.equal(cr.code, 0, cr.err);
  assert.match(cr.out, /cr\.yaml: valid, 1 compatibility set/);
  writeFileSync(
    join(dir, 'latin1.yaml'),
    Buffer.concat([Buffer.from(text), Buffer.from([0x23, 0x20, 0xe9, 0x0a, 0x23, 0x0a])]),
  );
  const bad = await cli(['latin1.yaml']);
  assert.equal(bad.code, 3);
  assert.match(bad.err, /latin1\.yaml: yaml: invalid trailing UTF-8 octet \(at byte \d+\)/);
  const ctl = await cli([write('ctl.yaml', `${text}# \u0007\n`)]);
  assert.equal(ctl.code, 3);
  assert.match(ctl.err, /ctl\.yaml: yaml: control characters are not allowed/);
});
