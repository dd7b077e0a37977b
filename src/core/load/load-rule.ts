/**
 * Loading NodeFeatureRule and NodeFeatureGroup documents (NFD v0.19.0 api/nfd/v1alpha1/types.go `NodeFeatureRule`), one or several
 * per file (`---`-separated, as `kubectl apply -f` takes them). Each document is read the way
 * `kubectl nfd validate` reads its file: first into metav1.TypeMeta to learn the kind, then into the
 * object with sigs.k8s.io/yaml semantics; then checked as `kubectl nfd validate` checks it
 * (validate/rules.ts).
 */
import { type Diagnostic, SpecError } from '../../errors.ts';
import type { NodeFeatureGroup, NodeFeatureRule } from '../model/rules.ts';
import { validateNodeFeatureGroup, validateNodeFeatureRule } from '../validate/rules.ts';
import { countSummary, hasErrors, issuesToDiagnostics, sortDiagnostics } from './diagnostics.ts';
import { decodeDocument, parseYaml, topLevelKind } from './go-yaml.ts';
import type { Positions } from './positions.ts';
import { NODE_FEATURE_GROUP, NODE_FEATURE_RULE, TYPE_META_ONLY } from './schema.ts';

export const NFD_API_VERSION = 'nfd.k8s-sigs.io/v1alpha1';

export interface RuleDocument {
  /** 0-based index of the YAML document in the file. */
  index: number;
  object: NodeFeatureRule | NodeFeatureGroup;
  positions: Positions;
}

export interface RulesCheck {
  documents: RuleDocument[];
  /** Every error and warning, in file order. */
  diagnostics: Diagnostic[];
}

export interface LoadRuleOptions {
  file?: string;
}

/** Decode and validate every document; never throws on bad input. */
export function checkRules(text: string, opts: LoadRuleOptions = {}): RulesCheck {
  const { file } = opts;
  const parsed = parseYaml(text, file);
  const diagnostics = [...parsed.diagnostics];
  const documents: RuleDocument[] = [];
  if (hasErrors(diagnostics)) return { documents, diagnostics: sortDiagnostics(diagnostics) };
  parsed.documents.forEach((doc, index) => {
    const kindOfTop = topLevelKind(doc);
    if (kindOfTop === 'empty') return; // a stray `---` at the end
    const at = parsed.lineCounter.linePos(doc.range[0]);
    const start =
      file === undefined ? { line: at.line, column: at.col } : { file, line: at.line, column: at.col };
    if (kindOfTop !== 'map') {
      diagnostics.push({
        severity: 'error',
        message: `expected a NodeFeatureRule or NodeFeatureGroup object, found ${kindOfTop === 'seq' ? 'a list' : 'a scalar'}`,
        position: start,
      });
      return;
    }
    // kubectl nfd first reads the file into metav1.TypeMeta; only its errors matter here, the full
    // decode below reports everything else.
    const meta = decodeDocument(doc, TYPE_META_ONLY, parsed.lineCounter, file);
    const typeMeta = (meta.value ?? {}) as { kind?: string; apiVersion?: string };
    const kind = typeMeta.kind ?? '';
    const type =
      kind === 'NodeFeatureRule'
        ? NODE_FEATURE_RULE
        : kind === 'NodeFeatureGroup'
          ? NODE_FEATURE_GROUP
          : undefined;
    if (!type) {
      diagnostics.push({
        severity: 'error',
        message: `unsupported resource kind ${JSON.stringify(kind)}: must be NodeFeatureRule or NodeFeatureGroup`,
        position: meta.positions.value('kind') ?? start,
      });
      return;
    }
    const decoded = decodeDocument(doc, type, parsed.lineCounter, file);
    for (const item of decoded.diagnostics) diagnostics.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
    if (!decoded.value) return;
    const object = decoded.value as NodeFeatureRule | NodeFeatureGroup;
    if (object.apiVersion !== NFD_API_VERSION) {
      diagnostics.push({
        severity: 'warning',
        message: `apiVersion is ${JSON.stringify(object.apiVersion)}; NFD's objects are ${NFD_API_VERSION}`,
        position: decoded.positions.value('apiVersion') ?? start,
      });
    }
    const issues =
      object.kind === 'NodeFeatureRule'
        ? validateNodeFeatureRule(object as NodeFeatureRule)
        : validateNodeFeatureGroup(object as NodeFeatureGroup);
    for (const item of issuesToDiagnostics(issues, decoded.positions)) diagnostics.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
    documents.push({ index, object, positions: decoded.positions });
  });
  if (documents.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push({
      severity: 'error',
      message: 'the file holds no NodeFeatureRule or NodeFeatureGroup object',
      ...(file === undefined ? {} : { position: { file, line: 1, column: 1 } }),
    });
  }
  return { documents, diagnostics: sortDiagnostics(diagnostics) };
}

/** Load rule objects; throws `SpecError` with every diagnostic when any document is invalid. */
export function loadRules(
  text: string,
  opts: LoadRuleOptions = {},
): { documents: RuleDocument[]; warnings: Diagnostic[] } {
  const r = checkRules(text, opts);
  if (hasErrors(r.diagnostics)) {
    throw new SpecError(
      `${opts.file ?? 'input'}: invalid rule file (${countSummary(r.diagnostics)})`,
      r.diagnostics,
    );
  }
  return { documents: r.documents, warnings: r.diagnostics };
}
