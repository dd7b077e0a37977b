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

test('remove: --dry-run deletes nothing; on a terminal it asks unless --force; a "no" deletes nothing', async () => {
  cpSync(join(ROOT, 'examples/layout'), join(dir, 'rm-layout'), { recursive: true });
  const image = `oci:${join(dir, 'rm-layout')}:app`;
  const attached = await cli(['attach', image, 'examples/spec.yaml', '-o', 'json']);
  assert.equal(attached.code, 0, attached.err);
  const artifacts = async () =>
    (JSON.parse((await cli(['discover', image, '-o', 'json'])).out) as { referrers: { digest: string }[] })
      .referrers.length;
  const before = await artifacts();
  assert.ok(before >= 2);

  const dry = await cli(['remove', image, '--all', '--dry-run']);
  assert.equal(dry.code, 0, dry.err);
  assert.equal(dry.out.match(/^Would remove /gm)?.length, before);
  assert.equal(await artifacts(), before);

  const asked = async (answers: boolean[], extra: string[] = []) => {
    const io = memoryIo({ cwd: ROOT, answers });
    const code = await run(['remove', image, '--all', ...extra], io);
    return { code, out: io.out(), err: io.err() };
  };
  const declined = await asked([false]);
  assert.equal(declined.code, 0);
  assert.match(declined.err, new RegExp(`Delete ${before} compatibility artifacts of .*\\[y/N\\] `, 's'));
  assert.match(declined.err, /nothing removed/);
  assert.equal(await artifacts(), before);

  // --force: no question is asked (the queued "no" would have stopped it).
  const forced = await asked([false], ['--force']);
  assert.equal(forced.code, 0, forced.err);
  assert.doesNotMatch(forced.err, /\[y\/N\]/);
  assert.equal(forced.out.match(/^Removed /gm)?.length, before);
  assert.equal(await artifacts(), 0);
});
