import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'imgcompat-registry-defs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: ROOT });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('attach and discover take -o like every other printing command; their JSON ends with a newline', async () => {
  cpSync(join(ROOT, 'examples/layout'), join(dir, 'layout'), { recursive: true });
  const image = `oci:${join(dir, 'layout')}:app`;
  const attached = await cli(['attach', image, 'examples/spec.yaml', '-o', 'json']);
  assert.equal(attached.code, 0, attached.err);
  assert.ok(attached.out.endsWith('}\n'), attached.out);
  const digest = (JSON.parse(attached.out) as { digest: string }).digest;
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);

  const listed = await cli(['discover', image, '-o', 'json']);
  assert.equal(listed.code, 0, listed.err);
  assert.ok(listed.out.endsWith('}\n'));
  const referrers = (JSON.parse(listed.out) as { referrers: { digest: string }[] }).referrers;
  assert.ok(referrers.some((r) => r.digest === digest));
  const tree = await cli(['discover', image, '-o', 'tree']);
  assert.match(tree.out, new RegExp(`${digest}`));

  const bad = await cli(['discover', image, '-o', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /-o, --output <format>' argument 'xml' is invalid/);
});

test('get --digest of an artifact the image does not have is exit 5 (no artifact), not a registry error', async () => {
  const image = 'oci:examples/layout:app';
  const absent = `sha256:${'0'.repeat(64)}`;
  const r = await cli(['get', image, '--digest', absent]);
  assert.equal(r.code, 5, r.err);
  assert.match(r.err, new RegExp(`no compatibility artifact ${absent}`));
  assert.equal(r.out, '');
});
