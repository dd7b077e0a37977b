/**
 * Spec bytes read from an OCI layout artifact are decoded as NFD's YAML reader decodes them (UTF-16 with a
 * BOM is read; invalid UTF-8 is refused in Go's words, naming the artifact), by every command that reads
 * them: validate-node, get, cluster affinity (the registry paths run the same code after the fetch).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-spec-check-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: repo, env: {} });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A copy of examples/layout whose compatibility artifact carries `spec` as its spec layer. */
function layoutWithSpec(name: string, spec: Uint8Array): { dir: string; artifact: string } {
  const dir = join(scratch, name);
  cpSync(join(repo, 'examples', 'layout'), dir, { recursive: true });
  const blob = (d: string) => join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; size: number; artifactType?: string }[];
  };
  const entry = index.manifests.find((m) => m.artifactType !== undefined)!;
  const manifest = JSON.parse(readFileSync(blob(entry.digest), 'utf8')) as {
    layers: { digest: string; size: number }[];
  };
  writeFileSync(blob(sha(spec)), spec);
  manifest.layers[0]!.digest = sha(spec);
  manifest.layers[0]!.size = spec.length;
  const bytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(blob(sha(bytes)), bytes);
  entry.digest = sha(bytes);
  entry.size = bytes.length;
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return { dir, artifact: entry.digest };
}

const original = readFileSync(join(repo, 'examples', 'image-spec.yaml'));
const features = ['--features', 'examples/features.json'];

test('an artifact whose spec is UTF-16 with a BOM: read as the UTF-8 one is', async () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original.toString('utf8'), 'utf16le')]);
  const { dir } = layoutWithSpec('utf16', new Uint8Array(utf16));
  const want = await cli(['validate-node', '--image', 'oci:examples/layout:app', ...features, '-o', 'json']);
  const got = await cli(['validate-node', '--image', `oci:${dir}:app`, ...features, '-o', 'json']);
  assert.equal(got.code, want.code, got.err);
  assert.equal(got.out, want.out);
  const affinity = await cli(['cluster', 'affinity', '--image', `oci:${dir}:app`, '-o', 'json']);
  assert.equal(affinity.code, 0, affinity.err);
  assert.ok(JSON.parse(affinity.out).affinity.nodeAffinity);
  const get = await cli(['get', `oci:${dir}:app`]);
  assert.equal(get.code, 0, get.err);
});

test("an artifact whose spec is not UTF-8: exit 3 in Go's words, naming the artifact digest", async () => {
  const latin1 = Buffer.concat([original, Buffer.from('# caf\xe9 ok\n', 'latin1')]);
  const { dir, artifact } = layoutWithSpec('latin1', new Uint8Array(latin1));
  const offset = original.length + '# caf'.length;
  const message = new RegExp(
    `oci:${dir}@${artifact}: yaml: invalid trailing UTF-8 octet \\(at byte ${offset + 1}\\)`,
  );
  for (const argv of [
    ['validate-node', '--image', `oci:${dir}:app`, ...features],
    ['cluster', 'affinity', '--image', `oci:${dir}:app`],
    ['get', `oci:${dir}:app`],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 3, `${argv[0]}: ${r.err}`);
    assert.match(r.err, message, argv[0]);
    assert.doesNotMatch(r.err, /^\s+at /m);
  }
});
