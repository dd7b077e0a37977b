// Regenerates examples/layout: an OCI image layout holding one small image (tag `app`, linux/amd64) and
// its compatibility artifact made from examples/image-spec.yaml by `imgcompat attach` itself.
// Run after `npm run build`: node scripts/make-example-layout.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'examples/layout';
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });

const put = (bytes) => {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
};

// The image: one layer holding a text file (an uncompressed tar with a single entry).
const content = Buffer.from('hello from the imgcompat example image\n');
const header = Buffer.alloc(512);
header.write('hello.txt', 0);
header.write('0000644\0', 100);
header.write('0000000\0', 108);
header.write('0000000\0', 116);
header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
header.write('00000000000\0', 136);
header.write('        ', 148);
header.write('0', 156);
header.write('ustar\0', 257);
header.write('00', 263);
let sum = 0;
for (const b of header) sum += b;
header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
content.copy(body);
const tar = Buffer.concat([header, body, Buffer.alloc(1024)]);
const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
const layer = put(tar);
const config = put(
  Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/true'] },
      rootfs: { type: 'layers', diff_ids: [diffId] },
    }),
  ),
);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  }),
);
const m = put(manifest);
writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(
  join(dir, 'index.json'),
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...m,
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: { 'org.opencontainers.image.ref.name': 'app' },
      },
    ],
  }),
);
execFileSync('node', ['dist/cli.mjs', 'attach', `oci:${dir}:app`, 'examples/image-spec.yaml'], {
  stdio: 'inherit',
});
