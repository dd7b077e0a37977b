/**
 * Loading an image-compatibility spec (NFD v0.19.0 api/image-compatibility/v1alpha1/spec.go) from text: Go-compatible YAML/JSON
 * decoding (go-yaml.ts) into the v1alpha1 `Spec`, then validation (validate/rules.ts). NFD itself
 * checks nothing here (not even `version`); we refuse what NFD would crash on or misread, and warn
 * about what it silently ignores.
 */
import { type Diagnostic, SpecError } from '../../errors.ts';
import type { Spec } from '../model/spec.ts';
import { validateSpec } from '../validate/rules.ts';
import { countSummary, hasErrors, issuesToDiagnostics, sortDiagnostics } from './diagnostics.ts';
import { decodeDocument, parseYaml, topLevelKind } from './go-yaml.ts';
import { Positions } from './positions.ts';
import { SPEC } from './schema.ts';

export interface LoadSpecOptions {
  /** Shown in every diagnostic position. */
  file?: string;
}

export interface SpecCheck {
  /** The decoded spec, when the text could be decoded at all (it may still be invalid). */
  spec: Spec | undefined;
  /** Every error and warning, in file order. */
  diagnostics: Diagnostic[];
  positions: Positions;
}

const SHAPE = 'a compatibility spec (a mapping with "version" and "compatibilities")';

function whole(file: string | undefined) {
  return file === undefined ? {} : { position: { file, line: 1, column: 1 } };
}

/** Decode and validate; never throws on bad input. */
export function checkSpec(text: string, opts: LoadSpecOptions = {}): SpecCheck {
  const { file } = opts;
  const parsed = parseYaml(text, file);
  const diagnostics = [...parsed.diagnostics];
  const empty = new Positions(file);
  if (hasErrors(diagnostics))
    return { spec: undefined, diagnostics: sortDiagnostics(diagnostics), positions: empty };
  const [doc, ...rest] = parsed.documents;
  if (!doc || topLevelKind(doc) === 'empty') {
    diagnostics.push({
      severity: 'error',
      message: `the document is empty: expected ${SHAPE}`,
      ...whole(file),
    });
    return { spec: undefined, diagnostics, positions: empty };
  }
  if (rest.length > 0) {
    const at = parsed.lineCounter.linePos(rest[0]!.range[0]);
    diagnostics.push({
      severity: 'warning',
      message: `the file holds ${rest.length + 1} YAML documents; only the first is read, as NFD does`,
      position:
        file === undefined ? { line: at.line, column: at.col } : { file, line: at.line, column: at.col },
    });
  }
  const kind = topLevelKind(doc);
  if (kind !== 'map') {
    diagnostics.push({
      severity: 'error',
      message: `expected ${SHAPE}, found ${kind === 'seq' ? 'a list' : 'a scalar'}`,
      ...whole(file),
    });
    return { spec: undefined, diagnostics, positions: empty };
  }
  const decoded = decodeDocument(doc, SPEC, parsed.lineCounter, file);
  for (const item of decoded.diagnostics) diagnostics.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
  const spec = decoded.value as Spec | undefined;
  // Validate even after decode errors: the decoder leaves a well-typed value (bad parts dropped), and
  // listing every problem at once saves round trips.
  if (spec) {
    for (const item of issuesToDiagnostics(validateSpec(spec), decoded.positions)) diagnostics.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
  }
  return { spec, diagnostics: sortDiagnostics(diagnostics), positions: decoded.positions };
}

/**
 * Load a compatibility spec. Throws `SpecError` carrying every diagnostic (errors and warnings, each
 * with file:line:column) when the spec is invalid.
 */
export function loadSpec(
  text: string,
  opts: LoadSpecOptions = {},
): { spec: Spec; warnings: Diagnostic[]; positions: Positions } {
  const r = checkSpec(text, opts);
  if (!r.spec || hasErrors(r.diagnostics)) {
    throw new SpecError(
      `${opts.file ?? 'spec'}: invalid compatibility spec (${countSummary(r.diagnostics)})`,
      r.diagnostics,
    );
  }
  return { spec: r.spec, warnings: r.diagnostics, positions: r.positions };
}
