/**
 * `imgcompat/core`: the I/O-free part of the library — load and check compatibility specs, evaluate a
 * spec against a node's features as NFD's `nfd compat validate-node` does, and render NFD's report.
 * It imports no `node:` module, so it runs in a browser, a worker or an edge runtime; the registry,
 * host discovery and cluster functions are in the main entry point (`imgcompat`).
 *
 * Arguments are checked at run time for JavaScript callers: a value of the wrong type is a `UsageError`
 * (the CLI's exit 2), an invalid spec a `SpecError` and invalid features an `InvalidInputError` (exit 3).
 *
 * @packageDocumentation
 */
import { type Diagnostic, SpecError } from '../errors.ts';
import { misuse } from './api-misuse.ts';
import { hasErrors } from './load/diagnostics.ts';
import { loadFeatures as loadFeaturesText, singleFeatures } from './load/load-features.ts';
import { checkSpec, loadSpec as loadSpecText } from './load/load-spec.ts';
import { decodeSpecBytes } from './load/spec-text.ts';
import type { Features } from './model/features.ts';
import type { CompatibilityStatus } from './model/report.ts';
import type { Spec } from './model/spec.ts';
import { marshalReport } from './report/go-json.ts';
import { compatibleSets, validateNode } from './report/node-validator.ts';
import { renderReport as renderTable } from './report/table.ts';

export {
  ArtifactNotFoundError,
  type Diagnostic,
  DiscoveryError,
  type ErrorKind,
  formatDiagnostic,
  HostReadError,
  ImgcompatError,
  InternalError,
  InvalidInputError,
  KubeApiError,
  RegistryError,
  type RegistryErrorDetails,
  RuleEvaluationError,
  type SourcePosition,
  SpecError,
  UsageError,
} from '../errors.ts';
export type {
  AttributeFeatureSet,
  Features,
  FlagFeatureSet,
  InstanceFeature,
  InstanceFeatureSet,
} from './model/features.ts';
export type {
  CompatibilityStatus,
  MatchAnyElemStatus,
  MatchedExpression,
  MatcherType,
  ProcessedRuleStatus,
} from './model/report.ts';
export type {
  FeatureMatcher,
  FeatureMatcherTerm,
  GroupRule,
  MatchAnyElem,
  MatchExpression,
  MatchExpressionSet,
  MatchOp,
  Rule,
} from './model/rules.ts';
export { ARTIFACT_TYPE, type Compatibility, SPEC_MEDIA_TYPE, SPEC_VERSION, type Spec } from './model/spec.ts';

/** Options of {@link loadSpec} and {@link validateSpec}. */
export interface LoadSpecOptions {
  /** A name for the text (a file name or URL), shown in every diagnostic position. */
  file?: string;
}

/** A loaded, valid spec and the warnings found on the way (things NFD would silently ignore). */
export interface LoadedSpec {
  spec: Spec;
  warnings: Diagnostic[];
}

/** What {@link validateSpec} found. */
export interface SpecValidation {
  /** True when the spec has no error (warnings allowed). */
  valid: boolean;
  /** Every error and warning, in file order, each with line and column. */
  diagnostics: Diagnostic[];
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Evaluate only the compatibility sets whose `tag` is one of these (`--tags`); empty keeps all. */
  tags?: readonly string[];
}

/** The validate-node result: NFD's report plus imgcompat's verdict. */
export interface Evaluation {
  /** NFD's `[]CompatibilityStatus`, one entry per evaluated compatibility set. */
  report: CompatibilityStatus[];
  /** True when at least one evaluated set passed (every rule matched): the CLI's exit 0. */
  compatible: boolean;
  /** 0-based positions in `report` of the sets that passed. */
  compatibleSets: number[];
}

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** `table`: NFD's pretty tables (`validate-node` default); `json`: NFD's `-o json` bytes. */
  format?: 'table' | 'json';
  /** ANSI colours in the table (default false). */
  color?: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFile(fn: string, options: LoadSpecOptions | undefined): string | undefined {
  if (options === undefined) return undefined;
  if (!isPlainObject(options)) misuse(fn, 'options', 'an object', options);
  if (options.file !== undefined && typeof options.file !== 'string')
    misuse(fn, 'options.file', 'a string', options.file);
  return options.file;
}

/**
 * The spec text: a string, or bytes decoded as NFD's YAML reader decodes them (spec-text.ts: a BOM
 * selects UTF-16; invalid UTF-8 and control characters are errors).
 */
function specText(
  fn: string,
  text: unknown,
  file: string | undefined,
): { text: string } | { error: Diagnostic } {
  if (typeof text === 'string') return { text };
  if (text instanceof Uint8Array) return decodeSpecBytes(text, file ?? 'spec');
  return misuse(fn, 'the spec', 'a string or a Uint8Array of YAML/JSON text', text);
}

/**
 * Loads an image-compatibility spec (`version: v1alpha1`, YAML or JSON) as NFD reads it, and checks it.
 *
 * @param text - the spec's text, or its UTF-8 bytes (as fetched from a registry).
 * @returns the spec and its warnings.
 * @throws {@link SpecError} (code `E_SPEC_INVALID`) carrying every diagnostic with line:column when the
 *   spec cannot be decoded or is invalid; {@link UsageError} when `text` is neither a string nor bytes.
 */
export function loadSpec(text: string | Uint8Array, options?: LoadSpecOptions): LoadedSpec {
  const file = checkFile('loadSpec', options);
  const decoded = specText('loadSpec', text, file);
  if ('error' in decoded) throw new SpecError(decoded.error.message, [decoded.error]);
  const { spec, warnings } = loadSpecText(decoded.text, file === undefined ? {} : { file });
  return { spec, warnings };
}

/**
 * Checks a spec without throwing on an invalid one: `imgcompat validate-spec` as a function.
 *
 * @param text - the spec's text or UTF-8 bytes.
 * @returns whether it is valid, and every error and warning with line:column.
 * @throws {@link UsageError} when `text` is neither a string nor bytes.
 */
export function validateSpec(text: string | Uint8Array, options?: LoadSpecOptions): SpecValidation {
  const file = checkFile('validateSpec', options);
  const decoded = specText('validateSpec', text, file);
  if ('error' in decoded) return { valid: false, diagnostics: [decoded.error] };
  const r = checkSpec(decoded.text, file === undefined ? {} : { file });
  return { valid: r.spec !== undefined && !hasErrors(r.diagnostics), diagnostics: r.diagnostics };
}

/**
 * The spec argument of {@link evaluate}: a loaded {@link Spec} is re-checked through the same decoder
 * as text (an object built by hand gets the same errors a file would).
 */
function asSpec(value: Spec | string | Uint8Array): Spec {
  if (typeof value === 'string' || value instanceof Uint8Array) return loadSpec(value).spec;
  return loadSpecText(JSON.stringify(value), { file: 'spec' }).spec;
}

function asFeatures(value: Features | string | Uint8Array): Features {
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Uint8Array
        ? new TextDecoder().decode(value)
        : JSON.stringify(value);
  return singleFeatures(loadFeaturesText(text, { file: 'features' }), 'features');
}

/** Text, bytes or a plain object: what evaluate's spec and features arguments may be. */
function isDocument(value: unknown): boolean {
  return typeof value === 'string' || value instanceof Uint8Array || isPlainObject(value);
}

/**
 * Evaluates a spec against one node's features: `imgcompat validate-node` (and NFD's
 * `nfd compat validate-node`) without the I/O.
 *
 * @param spec - a {@link Spec} (from {@link loadSpec}) or the spec's text.
 * @param features - NFD's `Features` (`{flags, attributes, instances}`, as `imgcompat export features`
 *   prints), a NodeFeature object, or the text of either.
 * @returns NFD's report and the verdict.
 * @throws {@link SpecError} / {@link InvalidInputError} for an invalid spec or features;
 *   {@link RuleEvaluationError} when a rule cannot be evaluated (a bad regexp or template, as NFD);
 *   {@link UsageError} for arguments of the wrong type.
 */
export function evaluate(
  spec: Spec | string | Uint8Array,
  features: Features | string | Uint8Array,
  options?: EvaluateOptions,
): Evaluation {
  if (!isDocument(spec)) misuse('evaluate', 'spec', 'a Spec object or spec text', spec);
  if (!isDocument(features)) misuse('evaluate', 'features', 'a Features object or features text', features);
  if (options !== undefined && !isPlainObject(options)) misuse('evaluate', 'options', 'an object', options);
  const tags = options?.tags;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')))
    misuse('evaluate', 'options.tags', 'an array of strings', tags);
  const report = validateNode(asSpec(spec), asFeatures(features), { tags: tags ?? [] });
  const passed = compatibleSets(report).map((p) => p.index);
  return { report, compatible: passed.length > 0, compatibleSets: passed };
}

/**
 * Renders a report exactly as NFD prints it: the pretty tables, or `json.Marshal` output (no trailing
 * newline), as UTF-8 bytes.
 *
 * @param report - an {@link Evaluation}'s `report`.
 * @throws {@link UsageError} when `report` is not an array or the format is unknown.
 */
export function renderReport(report: readonly CompatibilityStatus[], options?: RenderOptions): Uint8Array {
  if (!Array.isArray(report)) misuse('renderReport', 'report', 'an array of CompatibilityStatus', report);
  if (options !== undefined && !isPlainObject(options))
    misuse('renderReport', 'options', 'an object', options);
  const format = options?.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    misuse('renderReport', 'options.format', '"table" or "json"', format);
  const text =
    format === 'json' ? marshalReport(report) : renderTable(report, { color: options?.color === true });
  return new TextEncoder().encode(text);
}
