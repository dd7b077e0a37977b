/**
 * Media types and well-known values of the OCI image and distribution specs (OCI image-spec descriptor.md "Digests" and OCI distribution-spec v1.1 "Pulling manifests"; OCI image-spec manifest.md "Guidelines for Artifact Usage") and of
 * NFD's image-compatibility artifact (NFD v0.19.0 pkg/client-nfd/compat/artifact-client/client.go).
 */
import { ARTIFACT_TYPE, SPEC_MEDIA_TYPE } from '../core/model/spec.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** The pre-1.1 artifact manifest; oras-go still lists it in Accept. */
export const OCI_ARTIFACT_MANIFEST = 'application/vnd.oci.artifact.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

/** Accept for manifests: oras-go's default list, Docker types first (OCI image-spec descriptor.md "Digests" and OCI distribution-spec v1.1 "Pulling manifests"). */
export const MANIFEST_ACCEPT = [
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  OCI_ARTIFACT_MANIFEST,
].join(', ');

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
export const EMPTY_BYTES = new TextEncoder().encode('{}');

export const COMPAT_ARTIFACT_TYPE = ARTIFACT_TYPE;
export const COMPAT_SPEC_MEDIA_TYPE = SPEC_MEDIA_TYPE;

export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
/** NFD's documentation example uses this misspelt key; we read it as a fallback (NFD v0.19.0 pkg/client-nfd/compat/artifact-client/client.go). */
export const ANNOTATION_CREATED_MISSPELT = 'oci.opencontainers.image.created';
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** oras-go's MaxMetadataBytes: cap for manifests, indexes, referrers responses and the spec blob. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024;
/** oras-go caps token responses at 128 KiB and error bodies at 8 KiB. */
export const MAX_TOKEN_BYTES = 128 * 1024;
export const MAX_ERROR_BODY_BYTES = 8 * 1024;

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isManifestType(mediaType: string | undefined): boolean {
  return (
    mediaType === OCI_MANIFEST ||
    mediaType === DOCKER_MANIFEST ||
    mediaType === OCI_INDEX ||
    mediaType === DOCKER_MANIFEST_LIST ||
    mediaType === OCI_ARTIFACT_MANIFEST
  );
}

/** The media type part of a Content-Type header, without parameters. */
export function baseMediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
