/**
 * Error classes shared by every layer. Each has a stable `code` (branch on it, never on message text)
 * and a `kind` that `cli/main.ts` alone turns into an exit code (see README "Exit codes").
 * Brand checks use Symbol.for so `instanceof`-like tests work across duplicate copies of the library
 * (a registered symbol is the same in every copy).
 */

/** What category of failure this is; `cli/main.ts` maps each to one exit code. */
export type ErrorKind =
  | 'usage' // 2: bad flags or arguments
  | 'invalid-input' // 3: spec, rule or features file is invalid
  | 'registry' // 4: registry, network or authentication failure
  | 'artifact-not-found' // 5: the image has no compatibility artifact
  | 'internal'; // 70: a bug

const BRAND = Symbol.for('imgcompat.error');

/** A position inside an input file, 1-based like editors show it. */
export interface SourcePosition {
  file?: string;
  line: number;
  column: number;
}

/** One problem found in an input file. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** Where in the file; absent when the problem is about the file as a whole. */
  position?: SourcePosition;
  /** JSON-pointer-like path of the offending value, e.g. `compatibilities[0].rules[1].name`. */
  path?: string;
}

export function formatPosition(p: SourcePosition | undefined): string {
  if (!p) return '';
  return `${p.file ? `${p.file}:` : ''}${p.line}:${p.column}`;
}

/**
 * Text from an input (a spec fetched from a registry, a file) made safe for a terminal: control
 * characters other than tab and newline — ESC starting an ANSI sequence, CR, BEL, C1 controls, the
 * Unicode line separators — are written as `\u001b` escapes so they show instead of acting.
 */
export function escapeControlChars(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `file:line:col: severity: message`, as the CLI prints a diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatPosition(d.position);
  return escapeControlChars(`${where ? `${where}: ` : ''}${d.severity}: ${d.message}`);
}

/** How many diagnostics of one list are printed; the rest are counted. */
export const MAX_PRINTED_DIAGNOSTICS = 100;

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} more ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The lines to print for a list of diagnostics: the first `max` in order, then how many more of each
 * severity were found, so 100,000 warnings make a few kilobytes of output, not megabytes.
 */
export function formatDiagnostics(list: readonly Diagnostic[], max = MAX_PRINTED_DIAGNOSTICS): string[] {
  const lines: string[] = [];
  for (let i = 0; i < list.length && i < max; i++) lines.push(formatDiagnostic(list[i]!));
  const rest = omittedDiagnostics(list, max);
  if (rest) lines.push(rest.summary);
  return lines;
}

/**
 * What `formatDiagnostics` leaves out of a list: how many errors and warnings past the first `max`, and
 * the `... and N more warnings (not shown)` line; undefined when nothing is left out.
 */
export function omittedDiagnostics(
  list: readonly Diagnostic[],
  max = MAX_PRINTED_DIAGNOSTICS,
): { errors: number; warnings: number; summary: string } | undefined {
  if (list.length <= max) return undefined;
  let errors = 0;
  for (let i = max; i < list.length; i++) if (list[i]!.severity === 'error') errors++;
  const warnings = list.length - max - errors;
  const rest = [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : '']
    .filter((x) => x !== '')
    .join(' and ');
  return { errors, warnings, summary: `... and ${rest} (not shown)` };
}

/**
 * The base of every error imgcompat throws: `code` is stable (branch on it), `kind` picks the CLI's exit
 * code, and `ImgcompatError.is(value)` recognises one from any copy of the library.
 */
export class ImgcompatError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly [BRAND] = true;

  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.code = code;
    this.name = new.target.name;
  }

  static is(value: unknown): value is ImgcompatError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Bad command-line usage: unknown flag, missing argument, conflicting options. */
export class UsageError extends ImgcompatError {
  constructor(message: string, code = 'E_USAGE') {
    super('usage', code, message);
  }
}

/**
 * An input document (spec, NodeFeatureRule, features file) is malformed or invalid. Carries every
 * diagnostic found so the CLI can list them all with line:column.
 */
export class InvalidInputError extends ImgcompatError {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[] = [], code = 'E_INVALID_INPUT') {
    super('invalid-input', code, message);
    this.diagnostics = diagnostics;
  }
}

/** A spec/rule failed NFD's semantic validation or could not be parsed. */
export class SpecError extends InvalidInputError {
  constructor(message: string, diagnostics: Diagnostic[] = [], code = 'E_SPEC_INVALID') {
    super(message, diagnostics, code);
  }
}

/** Rule evaluation failed (NFD's Execute returned an error: bad regexp, template error, ...). */
export class RuleEvaluationError extends ImgcompatError {
  constructor(message: string, code = 'E_RULE_EVAL', options?: { cause?: unknown }) {
    super('invalid-input', code, message, options);
  }
}

/** What a registry error is about: registry, repository, reference and HTTP status, where known. */
export interface RegistryErrorDetails {
  registry?: string;
  repository?: string;
  reference?: string;
  status?: number;
}

/**
 * Registry, network or authentication failure. The message must name the registry, repository and
 * HTTP status where known, and never contain credentials.
 */
export class RegistryError extends ImgcompatError {
  readonly details: RegistryErrorDetails;
  constructor(
    message: string,
    details: RegistryErrorDetails = {},
    code = 'E_REGISTRY',
    options?: { cause?: unknown },
  ) {
    super('registry', code, message, options);
    this.details = details;
  }
}

/** The image exists but carries no compatibility artifact. */
export class ArtifactNotFoundError extends ImgcompatError {
  constructor(message: string, code = 'E_ARTIFACT_NOT_FOUND') {
    super('artifact-not-found', code, message);
  }
}

/** A host feature source failed (only fatal under --strict). */
export class DiscoveryError extends ImgcompatError {
  readonly source: string;
  constructor(source: string, message: string, code = 'E_DISCOVERY', options?: { cause?: unknown }) {
    super('invalid-input', code, message, options);
    this.source = source;
  }
}

/**
 * Reading one host file failed for a reason other than "it does not exist" (EACCES, EIO, EISDIR, a
 * symlink that leaves the host root, ...). Sources turn it into a `SourceProblem` (path + errno) and keep
 * going; under --strict the discovery fails with exit 3.
 */
export class HostReadError extends ImgcompatError {
  readonly path: string;
  /** The errno name (`EACCES`, `EIO`, ...) or `EXDEV` for a link that would leave the host root. */
  readonly errno: string;
  constructor(path: string, errno: string, message: string, options?: { cause?: unknown }) {
    super('invalid-input', 'E_HOST_READ', message, options);
    this.path = path;
    this.errno = errno;
  }
}

/** A bug in imgcompat. The CLI asks for a bug report. */
export class InternalError extends ImgcompatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', 'E_INTERNAL', message, options);
  }
}

/**
 * The Kubernetes API server could not be reached, timed out, rejected the credentials or forbade a
 * request (RBAC). Same exit status as registry/network/auth failures (4); the message names the server,
 * and for a 403 the verb, the resource and a ClusterRole rule that would grant it.
 */
export class KubeApiError extends ImgcompatError {
  readonly status: number | undefined;
  constructor(message: string, code = 'E_KUBE_API', status?: number, options?: { cause?: unknown }) {
    super('registry', code, message, options);
    this.status = status;
  }
}
