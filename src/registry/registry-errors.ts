/**
 * Stable error codes of the registry layer (added to the classes of src/errors.ts by code, not by new
 * classes: callers branch on `code`). Messages always name registry, repository and HTTP status where
 * known and never contain credentials.
 */
import { RegistryError, type RegistryErrorDetails } from '../errors.ts';

export const REGISTRY_CODES = {
  generic: 'E_REGISTRY',
  unauthorized: 'E_REGISTRY_UNAUTHORIZED',
  denied: 'E_REGISTRY_DENIED',
  notFound: 'E_MANIFEST_UNKNOWN',
  nameUnknown: 'E_NAME_UNKNOWN',
  digestMismatch: 'E_DIGEST_MISMATCH',
  sizeLimit: 'E_SIZE_LIMIT',
  network: 'E_NETWORK',
  timeout: 'E_TIMEOUT',
  protocol: 'E_REGISTRY_PROTOCOL',
  redirect: 'E_REDIRECT_REFUSED',
  unsupported: 'E_REGISTRY_UNSUPPORTED',
  fallbackIndex: 'E_REFERRERS_INDEX',
  /** A UsageError code: the image reference does not parse. */
  referenceInvalid: 'E_REFERENCE_INVALID',
  /** An InvalidInputError code: the artifact is not a well-formed compatibility artifact. */
  artifactInvalid: 'E_ARTIFACT_INVALID',
} as const;

/** "registry R, repository P" + ", HTTP S" — the part of every message that locates the failure. */
export function where(d: RegistryErrorDetails): string {
  const parts: string[] = [];
  if (d.registry) parts.push(`registry ${d.registry}`);
  if (d.repository) parts.push(`repository ${d.repository}`);
  if (d.status !== undefined) parts.push(`HTTP ${d.status}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function registryError(
  message: string,
  details: RegistryErrorDetails,
  code: string = REGISTRY_CODES.generic,
  cause?: unknown,
): RegistryError {
  return new RegistryError(message + where(details), details, code, cause ? { cause } : undefined);
}

/**
 * Text a registry sent (error messages, Warning headers) made safe to show: control characters (terminal
 * escape sequences) replaced, and anything that looks like a credential a registry might echo back
 * (`Bearer …`/`Basic …` values, JWTs, `token=`/`password=` values) hidden — credentials never appear in
 * output, even when the server quotes them. Bounded to `max` characters.
 */
export function safeRemoteText(text: string, max = 200): string {
  return text
    .slice(0, 4 * max)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\b(Bearer|Basic)\s+[^\s,;"']+/gi, '$1 REDACTED')
    .replace(/\beyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g, 'REDACTED')
    .replace(
      /\b((?:access_|refresh_|id_)?token|password|passwd|secret|auth|signature|sig)(["']?\s*[=:]\s*["']?)[^\s&,;"']+/gi,
      '$1$2REDACTED',
    )
    .slice(0, max);
}
