/** The registry library's public surface (used by the CLI commands and the validate commands). */
export {
  type AttachOptions,
  type AttachResult,
  attachSpec,
  buildArtifactManifest,
  createClient,
  createdOf,
  type Discovery,
  discoverArtifacts,
  type FetchedSpec,
  fetchNewestSpec,
  fetchSpecByDigest,
  fetchSpecOf,
  noArtifactError,
  openReference,
  openRepository,
  type RegistryOptions,
  type RemoveOptions,
  type RemoveResult,
  removeArtifacts,
  resolveSubject,
  sortNewestFirst,
} from './artifact.ts';
export type { Credential, FlagCredentials } from './auth/credentials.ts';
export type { Descriptor, ImageIndex, ImageManifest, Platform } from './descriptor.ts';
export { LayoutRepository } from './layout.ts';
export * as mediaTypes from './media-types.ts';
export { formatPlatform, parsePlatform, platformMatches } from './platform.ts';
export {
  formatReference,
  type LayoutReference,
  parseReference,
  parseRemoteReference,
  type Reference,
  type RemoteReference,
} from './reference.ts';
export { REGISTRY_CODES } from './registry-errors.ts';
export { RegistryClient, RemoteRepository } from './remote.ts';
export type { Repository } from './repository.ts';
