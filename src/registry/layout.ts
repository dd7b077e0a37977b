/**
 * An OCI image layout on disk (image-spec image-layout.md) behind the same Repository interface as a
 * registry: `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. Like oras-go's oci.Store (what
 * `oras --oci-layout` uses), every pushed manifest is listed in index.json — untagged ones without a
 * `org.opencontainers.image.ref.name` annotation — and referrers are found by reading the manifests
 * listed there and matching their `subject`. index.json updates are atomic (write + rename) and
 * serialised across processes by a lock file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { openFile } from '../file-handle.ts';
import {
  asDescriptor,
  type Descriptor,
  type ImageIndex,
  isDigest,
  isObject,
  parseJson,
  verifyContent,
} from './descriptor.ts';
import {
  ANNOTATION_REF_NAME,
  isIndexType,
  isManifestType,
  MAX_METADATA_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types.ts';
import { referrerDescriptor } from './referrers.ts';
import { REGISTRY_CODES, registryError } from './registry-errors.ts';
import type { BrokenReferrer, FetchedManifest, Repository } from './repository.ts';
import { indexProblem } from './shape.ts';
import { abortableSleep, throwIfAborted } from './transport/abort.ts';

const LOCK_STALE_MS = 30_000;
/** index.json lists every manifest of the layout: larger than a manifest, still bounded. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

class NotRegularFile extends Error {}
class FileTooLarge extends Error {
  readonly size: number;
  constructor(size: number) {
    super('too large');
    this.size = size;
  }
}

/**
 * Reads a layout file with a size cap, refusing anything but a regular file once symlinks are followed:
 * a blob or index.json that is a directory, a FIFO (blocks forever) or a device such as /dev/zero (stat
 * size 0, endless data) must not hang or exhaust memory. The size is checked on the open descriptor and
 * the read stops at the cap, so a file swapped or grown meanwhile cannot exceed it.
 */
async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever (no effect on files).
  const fh = await openFile(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFile(path);
    if (st.size > maxBytes) throw new FileTooLarge(st.size);
    const buf = new Uint8Array(Math.min(st.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, total, buf.byteLength - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total === buf.byteLength) {
        if (total > maxBytes) throw new FileTooLarge(total);
        break; // grew while reading: what was there when we looked is what we hash
      }
    }
    return buf.subarray(0, total);
  } finally {
    await fh.close();
  }
}

export class LayoutRepository implements Repository {
  readonly kind = 'layout' as const;
  readonly name: string;
  readonly dir: string;
  private readonly display: string;

  /** Cancels the layout's operations: each checks it before touching the disk again. */
  readonly signal: AbortSignal | undefined;

  private constructor(dir: string, display: string, signal: AbortSignal | undefined) {
    this.dir = dir;
    this.display = display;
    this.name = `oci:${display}`;
    this.signal = signal;
  }

  /** Opens an existing layout (`create` makes an empty one when the directory has none). */
  static async open(
    dir: string,
    display = dir,
    create = false,
    signal?: AbortSignal,
  ): Promise<LayoutRepository> {
    throwIfAborted(signal);
    const repo = new LayoutRepository(dir, display, signal);
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await readRegularFile(join(dir, 'oci-layout'), 64 * 1024));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw registryError(
          `${repo.name}: cannot read its oci-layout file (${code ?? 'not a small regular file'})`,
          repo.details(),
          REGISTRY_CODES.protocol,
        );
      }
    }
    if (text === undefined) {
      if (!create) {
        // A layout is a local input the user named: a missing one is a bad input file (exit 3), as a
        // missing --spec file is, not a registry error.
        throw new InvalidInputError(
          `${display} is not an OCI image layout (no oci-layout file)`,
          [],
          'E_LAYOUT_MISSING',
        );
      }
      await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
      await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeFile(
        join(dir, 'index.json'),
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }),
      );
    }
    return repo;
  }

  details(extra: Record<string, unknown> = {}) {
    return { repository: this.name, ...extra };
  }

  private blobPath(digest: string): string {
    if (!isDigest(digest))
      throw registryError(`invalid digest ${digest}`, this.details(), REGISTRY_CODES.protocol);
    const [alg, hex] = digest.split(':') as [string, string];
    return join(this.dir, 'blobs', alg, hex);
  }

  async readIndex(): Promise<ImageIndex> {
    let text: string;
    try {
      text = new TextDecoder().decode(await readRegularFile(join(this.dir, 'index.json'), MAX_INDEX_BYTES));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
      throw registryError(
        e instanceof FileTooLarge
          ? `${this.name}/index.json is over the ${MAX_INDEX_BYTES}-byte limit`
          : `${this.name}/index.json cannot be read (${(e as NodeJS.ErrnoException).code ?? 'not a regular file'})`,
        this.details(),
        e instanceof FileTooLarge ? REGISTRY_CODES.sizeLimit : REGISTRY_CODES.protocol,
      );
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw this.invalidFile('index.json', `not valid JSON (${(e as Error).message.slice(0, 200)})`);
    }
    const problem = indexProblem(v);
    if (problem) throw this.invalidFile('index.json', `not an image index: ${problem}`);
    return v as ImageIndex;
  }

  /** A layout file whose content is wrong: an invalid input file (exit 3) named by its path. */
  invalidFile(file: string, problem: string): InvalidInputError {
    return new InvalidInputError(`${join(this.display, file)}: ${problem}`, [], 'E_LAYOUT_INVALID');
  }

  private async writeIndex(index: ImageIndex): Promise<void> {
    const path = join(this.dir, 'index.json');
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, JSON.stringify(index));
    await rename(tmp, path);
  }

  /** Read-modify-write of index.json under the layout's lock file. */
  private async updateIndex(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    const lock = join(this.dir, 'index.json.lock');
    for (let i = 0; ; i++) {
      try {
        const fh = await open(lock, 'wx');
        await fh.close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const st = await stat(lock).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) await rm(lock, { force: true });
        if (i > 2000)
          throw registryError(
            `${this.name}: index.json stays locked (${lock})`,
            this.details(),
            REGISTRY_CODES.fallbackIndex,
          );
        await abortableSleep(5 + Math.random() * 20, this.signal);
      }
    }
    try {
      const index = await this.readIndex();
      index.manifests = change(index.manifests);
      await this.writeIndex(index);
    } finally {
      await rm(lock, { force: true });
    }
  }

  async resolve(reference: string): Promise<Descriptor> {
    throwIfAborted(this.signal);
    const index = await this.readIndex();
    if (isDigest(reference)) {
      const listed = index.manifests.find((d) => d.digest === reference);
      if (listed) return { mediaType: listed.mediaType, digest: listed.digest, size: listed.size };
      const bytes = await this.readBlobFile(reference, MAX_METADATA_BYTES, 'manifest');
      return { mediaType: mediaTypeOf(bytes), digest: reference, size: bytes.byteLength };
    }
    const tagged = index.manifests.filter((d) => d.annotations?.[ANNOTATION_REF_NAME] === reference);
    const found = tagged[tagged.length - 1];
    if (!found) {
      throw registryError(
        `${this.name}:${reference}: manifest not found`,
        this.details({ reference }),
        REGISTRY_CODES.notFound,
      );
    }
    return { mediaType: found.mediaType, digest: found.digest, size: found.size };
  }

  /** Tags listed in index.json (for messages when no tag is given). */
  async tags(): Promise<string[]> {
    const index = await this.readIndex();
    return index.manifests.map((d) => d.annotations?.[ANNOTATION_REF_NAME]).filter((t): t is string => !!t);
  }

  private async readBlobFile(digest: string, maxBytes: number, what: string): Promise<Uint8Array> {
    const path = this.blobPath(digest);
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(path, maxBytes);
    } catch (e) {
      if (e instanceof FileTooLarge) {
        throw registryError(
          `${what} ${digest} is ${e.size} bytes, over the ${maxBytes}-byte limit`,
          this.details(),
          REGISTRY_CODES.sizeLimit,
        );
      }
      if (e instanceof NotRegularFile) {
        throw registryError(
          `${this.name}@${digest}: the ${what} file is not a regular file`,
          this.details({ reference: digest }),
          REGISTRY_CODES.protocol,
        );
      }
      throw registryError(
        `${this.name}@${digest}: ${what} not found`,
        this.details({ reference: digest }),
        what === 'manifest' ? REGISTRY_CODES.notFound : 'E_BLOB_UNKNOWN',
      );
    }
    verifyContent(bytes, { digest }, `${what} ${this.name}@${digest}`, this.details());
    return bytes;
  }

  async fetchManifest(target: Descriptor | string): Promise<FetchedManifest> {
    throwIfAborted(this.signal);
    const desc = typeof target === 'string' ? await this.resolve(target) : target;
    const bytes = await this.readBlobFile(desc.digest, MAX_METADATA_BYTES, 'manifest');
    verifyContent(bytes, desc, `manifest ${this.name}@${desc.digest}`, this.details());
    return {
      descriptor: {
        mediaType: desc.mediaType || mediaTypeOf(bytes),
        digest: desc.digest,
        size: bytes.byteLength,
      },
      bytes,
    };
  }

  async fetchBlob(desc: Descriptor, maxBytes = MAX_METADATA_BYTES): Promise<Uint8Array> {
    throwIfAborted(this.signal);
    const bytes = await this.readBlobFile(desc.digest, maxBytes, 'blob');
    verifyContent(bytes, desc, `blob ${this.name}@${desc.digest}`, this.details());
    return bytes;
  }

  async pushBlob(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    throwIfAborted(this.signal);
    verifyContent(bytes, desc, 'blob to store', this.details());
    const path = this.blobPath(desc.digest);
    const st = await stat(path).catch(() => undefined);
    if (st?.size === desc.size) return;
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async pushManifest(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    throwIfAborted(this.signal);
    await this.pushBlob(desc, bytes);
    const entry = referrerDescriptor(desc, bytes);
    await this.updateIndex((list) => (list.some((d) => d.digest === desc.digest) ? list : [...list, entry]));
  }

  async deleteManifest(desc: Descriptor): Promise<void> {
    throwIfAborted(this.signal);
    await this.updateIndex((list) => list.filter((d) => d.digest !== desc.digest));
    await rm(this.blobPath(desc.digest), { force: true });
  }

  /** Manifests listed in index.json (and inside listed indexes) whose subject is `subject`. */
  async referrers(
    subject: Descriptor,
    artifactType?: string,
    broken: BrokenReferrer[] = [],
  ): Promise<Descriptor[]> {
    throwIfAborted(this.signal);
    const index = await this.readIndex();
    const out: Descriptor[] = [];
    const seen = new Set<string>();
    const visit = async (entries: Descriptor[], depth: number) => {
      for (const e of entries) {
        const d = asDescriptor(e);
        if (!d || seen.has(d.digest) || !isManifestType(d.mediaType)) continue;
        seen.add(d.digest);
        // An entry index.json lists with the wanted artifactType is ours: if it cannot be used, that is
        // said (when no valid artifact exists) rather than hidden. Others that fail are not our concern.
        const ours = artifactType !== undefined && d.artifactType === artifactType;
        const bad = (problem: string) => {
          if (ours) broken.push({ digest: d.digest, problem });
        };
        if (d.size > MAX_METADATA_BYTES) {
          bad(`its size ${d.size} is over the ${MAX_METADATA_BYTES}-byte manifest limit`);
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = await this.readBlobFile(d.digest, MAX_METADATA_BYTES, 'manifest');
        } catch (e) {
          bad((e as Error).message);
          continue;
        }
        let m: unknown;
        try {
          m = parseJson(bytes);
        } catch {
          bad('the manifest is not JSON');
          continue;
        }
        if (!isObject(m)) {
          bad('the manifest is not a JSON object');
          continue;
        }
        const subj = asDescriptor(m.subject);
        if (subj?.digest === subject.digest) {
          const ref = referrerDescriptor(
            { mediaType: d.mediaType, digest: d.digest, size: bytes.byteLength },
            bytes,
          );
          if (!artifactType || ref.artifactType === artifactType) out.push(ref);
        }
        if (depth < 2 && isIndexType(d.mediaType) && Array.isArray(m.manifests))
          await visit(m.manifests as Descriptor[], depth + 1);
      }
    };
    await visit(index.manifests, 0);
    return out;
  }
}

function mediaTypeOf(bytes: Uint8Array): string {
  try {
    const m = parseJson(bytes);
    if (isObject(m)) {
      if (typeof m.mediaType === 'string') return m.mediaType;
      return Array.isArray(m.manifests) ? OCI_INDEX : OCI_MANIFEST;
    }
  } catch {}
  return OCI_MANIFEST;
}
