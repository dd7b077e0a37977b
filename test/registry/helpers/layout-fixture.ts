/** Builds small OCI image layouts for tests: one single-platform image and a two-platform index. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export function blob(mediaType: string, content: string | Uint8Array): Blob {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    mediaType,
    bytes,
    size: bytes.byteLength,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

export function desc(b: Blob, extra: Record<string, unknown> = {}) {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size, ...extra };
}

export function imageFor(os: string, architecture: string, variant?: string) {
  const config = blob(
    'application/vnd.oci.image.config.v1+json',
    JSON.stringify({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const layer = blob('application/vnd.oci.image.layer.v1.tar', `layer for ${os}/${architecture}`);
  const manifest = blob(
    'application/vnd.oci.image.manifest.v1+json',
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: desc(config),
      layers: [desc(layer)],
    }),
  );
  return { config, layer, manifest, blobs: [config, layer, manifest] };
}

export interface Fixture {
  dir: string;
  single: ReturnType<typeof imageFor>;
  amd: ReturnType<typeof imageFor>;
  arm: ReturnType<typeof imageFor>;
  index: Blob;
}

/** A layout with tag `single` (linux/amd64 manifest) and tag `multi` (index of linux/amd64 + linux/arm64/v8). */
export async function makeLayout(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-layout-'));
  const single = imageFor('linux', 'amd64');
  const amd = imageFor('linux', 'amd64');
  const arm = imageFor('linux', 'arm64', 'v8');
  const index = blob(
    'application/vnd.oci.image.index.v1+json',
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        desc(amd.manifest, { platform: { architecture: 'amd64', os: 'linux' } }),
        desc(arm.manifest, { platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }),
      ],
    }),
  );
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [...single.blobs, ...amd.blobs, ...arm.blobs, index]) {
    await writeFile(join(dir, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
  }
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        desc(single.manifest, { annotations: { 'org.opencontainers.image.ref.name': 'single' } }),
        desc(index, { annotations: { 'org.opencontainers.image.ref.name': 'multi' } }),
      ],
    }),
  );
  return { dir, single, amd, arm, index };
}

export const SPEC_YAML = `version: v1alpha1
compatibilities:
  - description: fixture
    rules:
      - name: kernel
        matchFeatures:
          - feature: kernel.version
            matchExpressions:
              major: {op: Gt, value: ["3"]}
`;
