/**
 * Validation of whole rules and documents: what `kubectl nfd validate` checks for NodeFeatureRule
 * and NodeFeatureGroup files (pkg/kubectl-nfd validate: rule name, annotations, labels with `@`
 * dynamic values replaced by a dummy quantity, taints, extended resources, both templates,
 * matchFeatures and matchAny feature names) — with outputs judged as nfd-master judges them
 * (nfd-master.ts: unprefixed keys accepted, denied namespaces a warning) —, plus the expression checks NFD only makes lazily at
 * evaluation time (expression.ts), plus the image-compatibility spec's own rules.
 */

import { childPath } from '../load/positions.ts';
import type {
  FeatureMatcherTerm,
  GroupRule,
  NodeFeatureGroup,
  NodeFeatureRule,
  Rule,
} from '../model/rules.ts';
import { SPEC_VERSION, type Spec } from '../model/spec.ts';
import { type Issue, validateMatchExpression } from './expression.ts';
import * as nfd from './nfd.ts';
import { DEFAULT_OUTPUT_NS, filterOutputs, filterTaint } from './nfd-master.ts';
import { template } from './template.ts';

export type { Issue } from './expression.ts';

export interface RuleValidationOptions {
  /**
   * How feature names that are not `<domain>.<feature>` are treated. `'nfd'`: every such name is an
   * error, as NFD's validate package says. `'spec'`: a name without a dot is an error (no feature has
   * such a name), a name with several dots only a warning (the engine accepts it, templates cannot
   * use it).
   */
  featureNames: 'nfd' | 'spec';
}

function validateTerms(
  terms: readonly FeatureMatcherTerm[] | null | undefined,
  path: string,
  opts: RuleValidationOptions,
  issues: Issue[],
): void {
  (terms ?? []).forEach((term, i) => {
    const termPath = childPath(path, i);
    const feature = term.feature ?? '';
    const dots = feature.split('.').length - 1;
    if (dots !== 1) {
      const [bad] = nfd.matchFeatures([{ feature }]);
      const severity = opts.featureNames === 'spec' && dots > 1 ? 'warning' : 'error';
      issues.push({ severity, message: bad!.error.message, path: childPath(termPath, 'feature') });
    }
    const set = term.matchExpressions;
    if (set) {
      for (const name of Object.keys(set)) {
        issues.push(
          ...validateMatchExpression(set[name]!, childPath(childPath(termPath, 'matchExpressions'), name)),
        );
      }
    }
    if (term.matchName)
      issues.push(...validateMatchExpression(term.matchName, childPath(termPath, 'matchName')));
  });
}

function validateTemplate(text: string | undefined, path: string, issues: Issue[]): void {
  if (!text) return;
  const err = template(text);
  if (err) issues.push({ severity: 'error', message: err.message, path });
}

function validateMatchers(rule: GroupRule, path: string, opts: RuleValidationOptions, issues: Issue[]): void {
  validateTerms(rule.matchFeatures, childPath(path, 'matchFeatures'), opts, issues);
  (rule.matchAny ?? []).forEach((elem, i) => {
    validateTerms(
      elem.matchFeatures,
      childPath(childPath(childPath(path, 'matchAny'), i), 'matchFeatures'),
      opts,
      issues,
    );
  });
}

function ruleName(rule: GroupRule, path: string, issues: Issue[]): void {
  if (!rule.name)
    issues.push({ severity: 'error', message: 'rule name cannot be empty', path: childPath(path, 'name') });
}

/** A NodeFeatureGroup `featureGroupRules[]` entry or an image-compatibility rule. */
export function validateGroupRule(rule: GroupRule, path: string, opts: RuleValidationOptions): Issue[] {
  const issues: Issue[] = [];
  ruleName(rule, path, issues);
  validateTemplate(rule.varsTemplate, childPath(path, 'varsTemplate'), issues);
  validateMatchers(rule, path, opts, issues);
  return issues;
}

/** `kubectl nfd validate` replaces `@feature.element` dynamic values with a zero quantity first. */
function withDummyDynamicValues(
  m: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) {
    Object.defineProperty(out, k, {
      value: v.startsWith('@') ? '0' : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Outputs checked as nfd-master filters them (nfd-master.ts): unprefixed keys get the default namespace
 * and are fine; a denied namespace is a warning (nfd-master drops that output, the rest still applies);
 * anything else nfd-master would drop is an error.
 */
function outputIssues(
  kind: 'label' | 'annotation' | 'extended resource',
  m: Readonly<Record<string, string>> | null | undefined,
  path: string,
  issues: Issue[],
): void {
  const { rejected, ignored } = filterOutputs(kind, m);
  for (const r of rejected) {
    issues.push({
      severity: r.denied ? 'warning' : 'error',
      message: r.message,
      path: childPath(path, r.ruleKey),
      at: 'key',
    });
  }
  for (const k of ignored) {
    issues.push({
      severity: 'warning',
      message: `${kind} ${JSON.stringify(k)} is ignored by nfd-master: the rule also sets ${JSON.stringify(`${DEFAULT_OUTPUT_NS}/${k}`)}`,
      path: childPath(path, k),
      at: 'key',
    });
  }
}

/** A NodeFeatureRule `spec.rules[]` entry. */
export function validateRule(
  rule: Rule,
  path: string,
  opts: RuleValidationOptions = { featureNames: 'nfd' },
): Issue[] {
  const issues: Issue[] = [];
  ruleName(rule, path, issues);
  outputIssues('annotation', rule.annotations, childPath(path, 'annotations'), issues);
  outputIssues('label', withDummyDynamicValues(rule.labels), childPath(path, 'labels'), issues);
  (rule.taints ?? []).forEach((t, i) => {
    const bad = filterTaint(t);
    if (bad) {
      issues.push({
        severity: bad.denied ? 'warning' : 'error',
        message: bad.message,
        path: childPath(childPath(path, 'taints'), i),
      });
    }
  });
  outputIssues(
    'extended resource',
    withDummyDynamicValues(rule.extendedResources),
    childPath(path, 'extendedResources'),
    issues,
  );
  validateTemplate(rule.labelsTemplate, childPath(path, 'labelsTemplate'), issues);
  validateTemplate(rule.varsTemplate, childPath(path, 'varsTemplate'), issues);
  validateMatchers(rule, path, opts, issues);
  return issues;
}

export function validateNodeFeatureRule(obj: NodeFeatureRule): Issue[] {
  const rules = obj.spec?.rules ?? [];
  return rules.flatMap((r, i) => validateRule(r, childPath(childPath(childPath('', 'spec'), 'rules'), i)));
}

export function validateNodeFeatureGroup(obj: NodeFeatureGroup): Issue[] {
  const rules = obj.spec?.featureGroupRules ?? [];
  return rules.flatMap((r, i) =>
    validateGroupRule(r, childPath(childPath(childPath('', 'spec'), 'featureGroupRules'), i), {
      featureNames: 'nfd',
    }),
  );
}

/** The image-compatibility spec: version, at least one set, and every rule. */
export function validateSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  if (spec.version !== SPEC_VERSION) {
    issues.push({
      severity: 'error',
      message: spec.version
        ? `unsupported spec version "${spec.version}": the supported version is "${SPEC_VERSION}"`
        : `missing "version": the supported version is "${SPEC_VERSION}"`,
      path: 'version',
    });
  }
  const sets = spec.compatibilities ?? [];
  if (sets.length === 0) {
    issues.push({
      severity: 'error',
      message: '"compatibilities" is empty: a spec needs at least one compatibility set',
      path: 'compatibilities',
    });
  }
  sets.forEach((set, i) => {
    const setPath = childPath('compatibilities', i);
    const rules = set.rules ?? [];
    if (rules.length === 0) {
      issues.push({
        severity: 'warning',
        message: 'compatibility set has no rules: every node passes it',
        path: setPath,
      });
    }
    rules.forEach((r, j) => {
      issues.push(
        ...validateGroupRule(r, childPath(childPath(setPath, 'rules'), j), { featureNames: 'spec' }),
      );
    });
  });
  return issues;
}
