/**
 * The image-compatibility spec, v1alpha1 (NFD api/image-compatibility/v1alpha1). The Go struct field is
 * misspelt `Compatibilties` but its JSON tag is `compatibilities`.
 */
import type { GroupRule } from './rules.ts';

/** The only spec `version` NFD defines. */
export const SPEC_VERSION = 'v1alpha1';
/** The `artifactType` of an NFD image-compatibility artifact manifest. */
export const ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
/** The media type of the spec layer of a compatibility artifact. */
export const SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';

/** One compatibility set: its rules, and the optional description, weight and tag. */
export interface Compatibility {
  rules: GroupRule[];
  weight?: number;
  tag?: string;
  description?: string;
}

/** An image-compatibility spec (NFD `v1alpha1`): `version` and its compatibility sets. */
export interface Spec {
  version: string;
  compatibilities: Compatibility[];
}
