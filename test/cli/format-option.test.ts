/** `--format json|go-template=...` on attach and discover, as oras offers it, through the CLI in-process. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { makeLayout, SPEC_YAML } from '../registry/helpers/layout-fixture.ts';

async function cli(argv: string[], cwd?: string) {
  const io = memoryIo(cwd ? { cwd } : {});
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('--format go-template runs a Go template over the JSON output of attach and discover', async () => {
  const f = await makeLayout();
  await writeFile(join(f.dir, 'spec.yaml'), SPEC_YAML);
  const ref = `oci:${f.dir}:single`;
  const a = await cli(
    ['attach', ref, 'spec.yaml', '--format', 'go-template={{.digest}} {{.mediaType}} {{.size}}'],
    f.dir,
  );
  assert.equal(a.code, 0, a.err);
  const [digest, mediaType, size] = a.out.split(' ');
  assert.match(digest!, /^sha256:[0-9a-f]{64}$/);
  assert.equal(mediaType, 'application/vnd.oci.image.manifest.v1+json');
  // Numbers come to the template as encoding/json's float64: printed by Go's fmt as an integer here.
  assert.match(size!, /^[1-9][0-9]*$/);

  const d = await cli([
    'discover',
    ref,
    '--format',
    'go-template={{range .referrers}}{{.digest}}|{{.artifactType}}|{{upper (index .annotations "team" | default "none")}}{{"\\n"}}{{end}}',
  ]);
  assert.equal(d.code, 0, d.err);
  assert.equal(d.out, `${digest}|application/vnd.nfd.image-compatibility.v1alpha1|NONE\n`);

  // --format json is the -o json document.
  const j = await cli(['discover', ref, '--format', 'json']);
  const o = await cli(['discover', ref, '-o', 'json']);
  assert.equal(j.code, 0, j.err);
  assert.equal(j.out, o.out);
  assert.ok(j.out.endsWith('}\n'));
});

test('--format: a bad value or a template that fails is a usage error naming --format (exit 2)', async () => {
  const f = await makeLayout();
  const ref = `oci:${f.dir}:single`;
  for (const [format, message] of [
    ['yaml', /--format "yaml": expected json or go-template=TEMPLATE/],
    ['go-template=', /--format "go-template=": expected/],
    ['go-template={{.digest', /--format: template: :1: unclosed action/],
    ['go-template={{now}}', /--format: .*function "now" not supported/],
  ] as const) {
    const r = await cli(['discover', ref, '--format', format]);
    assert.equal(r.code, 2, `${format}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.out, '');
  }
});

test('-p/--password on the command line works, with the insecurity warning oras gives, never echoing it', async () => {
  const f = await makeLayout();
  const r = await cli([
    'discover',
    `oci:${f.dir}:single`,
    '-u',
    'someone',
    '-p',
    'canary-s3cret',
    '-o',
    'json',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: using -p\/--password on the command line is insecure/);
  assert.doesNotMatch(r.out + r.err, /canary-s3cret/);
});
