/**
 * The image-compatibility spec, v1alpha1 (NFD api/image-compatibility/v1alpha1). The Go struct field is
 * misspelt `Compatibilties` but its JSON tag is `compatibilities`.
 */
import type { GroupRule } from './rules.ts';

export const SPEC_VERSION = 'v1alpha1';
export const ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
export const SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';

export interface Compatibility {
  rules: GroupRule[];
  weight?: number;
  tag?: string;
  description?: string;
}

export interface Spec {
  version: string;
  compatibilities: Compatibility[];
}
