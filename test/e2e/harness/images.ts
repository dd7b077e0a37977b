/**
 * Test images: small OCI image layouts written here byte by byte (a gzip'd tar layer, an OCI config with
 * os/architecture, manifests, and for multi-platform images an image index), pushed to a test registry
 * with `skopeo copy --all --preserve-digests` (an independent client; it pushes byte-exact, distribution v2.8f).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './proc.ts';
import type { TestRegistry } from './registries.ts';
import { execOk, mustTool } from './tools.ts';

export const MT = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PushedImage {
  /** `host/repo:tag` */
  ref: string;
  repo: string;
  tag: string;
  /** The top-level descriptor (the index for multi-platform images). */
  descriptor: Descriptor;
  /** Per-platform manifest digests, keyed `os/arch[/variant]`. */
  platforms: Record<string, string>;
}

export function sha256(b: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** A one-file ustar archive (the layer's uncompressed content). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (s: string, off: number, len: number) => header.write(s, off, len, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8); // checksum is computed with this field as spaces
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

class LayoutWriter {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }
  blob(mediaType: string, bytes: Buffer | string): Descriptor {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    const digest = sha256(buf);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice(7)), buf);
    return { mediaType, digest, size: buf.length };
  }
}

function platformKey(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function writeImage(w: LayoutWriter, p: Platform, salt: string): Descriptor {
  const tar = tarOneFile('etc/imgcompat-e2e', Buffer.from(`${salt} ${platformKey(p)}\n`));
  const layer = w.blob(MT.layer, gzipSync(tar));
  const config = w.blob(
    MT.config,
    JSON.stringify({
      architecture: p.architecture,
      os: p.os,
      ...(p.variant ? { variant: p.variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  return w.blob(
    MT.manifest,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.manifest,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    }),
  );
}

/**
 * Builds an OCI layout holding one image tagged `tag`: a single manifest for one platform, or an image
 * index when several platforms are given. `salt` makes the content (and so the digests) unique.
 */
export function buildLayout(
  platforms: Platform[],
  tag: string,
  salt: string,
): { dir: string; top: Descriptor; platforms: Record<string, string> } {
  const dir = tempDir('imgcompat-e2e-layout-');
  const w = new LayoutWriter(dir);
  const perPlatform: Record<string, string> = {};
  const manifests = platforms.map((p) => {
    const d = writeImage(w, p, salt);
    perPlatform[platformKey(p)] = d.digest;
    return { ...d, platform: { ...p } };
  });
  let top: Descriptor;
  if (manifests.length === 1) {
    const { platform: _p, ...single } = manifests[0]!;
    top = single;
  } else {
    top = w.blob(MT.index, JSON.stringify({ schemaVersion: 2, mediaType: MT.index, manifests }));
  }
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.index,
      manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir, top, platforms: perPlatform };
}

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };
export const LINUX_ARM64: Platform = { os: 'linux', architecture: 'arm64' };

/** skopeo's destination flags for a test registry (TLS trust, credentials). */
function skopeoDestFlags(reg: TestRegistry): string[] {
  const flags: string[] = ['--insecure-policy'];
  if (reg.scheme === 'http') flags.push('--dest-tls-verify=false');
  else if (reg.tls) {
    // skopeo trusts every *.crt in --dest-cert-dir as a CA.
    const certDir = join(reg.dir, 'skopeo-certs');
    mkdirSync(certDir, { recursive: true });
    writeFileSync(join(certDir, 'ca.crt'), reg.tls.caPem);
    flags.push('--dest-cert-dir', certDir);
  }
  if (reg.credentials) flags.push('--dest-creds', `${reg.credentials.username}:${reg.credentials.password}`);
  return flags;
}

/**
 * Builds an image for `platforms` and pushes it to `reg` as `repo:tag` with skopeo. Returns the
 * digests the registry now serves (skopeo --preserve-digests fails rather than rewrite them).
 */
export async function pushImage(
  reg: TestRegistry,
  repo: string,
  tag: string,
  platforms: Platform[] = [LINUX_AMD64],
): Promise<PushedImage> {
  const skopeo = mustTool('skopeo');
  const layout = buildLayout(platforms, tag, `${repo}:${tag}:${reg.host}`);
  const ref = `${reg.host}/${repo}:${tag}`;
  await execOk(
    skopeo,
    [
      'copy',
      '--all',
      '--preserve-digests',
      '--quiet',
      ...skopeoDestFlags(reg),
      `oci:${layout.dir}:${tag}`,
      `docker://${ref}`,
    ],
    // skopeo reads registries.conf/auth files from HOME; keep it away from the machine's own.
    { env: { ...process.env, HOME: layout.dir, REGISTRY_AUTH_FILE: join(layout.dir, 'auth.json') } },
  );
  return { ref, repo, tag, descriptor: layout.top, platforms: layout.platforms };
}
