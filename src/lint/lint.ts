/**
 * `imgcompat lint`: checks of image-compatibility specs, NodeFeatureRules and NodeFeatureGroups for
 * rules that load fine but cannot do what they seem to (names no source produces, ops that never
 * hold, unsatisfiable combinations, ...). Works on the loaded model and its source positions; no I/O.
 * The NFD behaviours each finding relies on are cited where they are checked.
 */

import { parseYaml, topLevelKind } from '../core/load/go-yaml.ts';
import { checkRules } from '../core/load/load-rule.ts';
import { checkSpec } from '../core/load/load-spec.ts';
import { childPath, type Positions } from '../core/load/positions.ts';
import type { FeatureMatcher, GroupRule, MatchExpression, Rule } from '../core/model/rules.ts';
import type { Spec } from '../core/model/spec.ts';
import type { Diagnostic, SourcePosition } from '../errors.ts';
import { CATALOGUE, type CatalogueEntry, FEATURE_NAMES, type ValueKind } from './catalogue.ts';
import { FINDING_KINDS, type FindingKey, type Severity } from './findings.ts';
import { closest } from './suggest.ts';
import { type Budget, checkTemplate, TEMPLATE_BUDGET } from './templates.ts';

export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  /** How to fix it, when there is one fix. */
  fix?: string;
  position?: SourcePosition;
  path?: string;
}

export type FileKind = 'spec' | 'rules';

export type LintResult =
  | { kind: FileKind; findings: Finding[] }
  /**
   * Not a spec, NodeFeatureRule or NodeFeatureGroup, or nothing in it could be decoded (not YAML, over
   * the size limit): the reason, with position. The CLI exits 3.
   */
  | { kind: 'unrecognized'; problem: Diagnostic };

const ORDERING_OPS = new Set(['Gt', 'Ge', 'Lt', 'Le', 'GtLt', 'GeLe']);
const KEY_OPS = new Set(['Exists', 'DoesNotExist', '']);
const INT = /^-?\d+$/;

/** Top-level keys of block-style YAML: `kind:`, `"version":` at column 0. */
const TOP_KEY = /^["']?(kind|apiversion|version|compatibilities)["']?[ \t]*:/gim;

/**
 * Which kind of document `text` holds, from the top-level keys of its first document: read from the
 * text when it is block-style YAML (parsing a large file twice would double the cost), else from a
 * parse (JSON, flow style, or nothing recognisable).
 */
function sniff(text: string, file: string): FileKind | Diagnostic {
  const end = text.search(/^---/m) > 0 ? text.search(/^---/m) : text.length;
  for (const m of text.slice(0, end).matchAll(TOP_KEY)) {
    const key = m[1]!.toLowerCase();
    return key === 'kind' || key === 'apiversion' ? 'rules' : 'spec';
  }
  const parsed = parseYaml(text, file);
  const err = parsed.diagnostics.find((d) => d.severity === 'error');
  if (err) return err;
  const whole = { file, line: 1, column: 1 };
  const doc = parsed.documents.find((d) => topLevelKind(d) !== 'empty');
  if (!doc || topLevelKind(doc) !== 'map') {
    return {
      severity: 'error',
      message: `not an image compatibility spec, NodeFeatureRule or NodeFeatureGroup (${doc ? 'not a mapping' : 'empty'})`,
      position: whole,
    };
  }
  // Go's encoding/json and NFD's YAML decoding match field names case-insensitively.
  const keys = new Set(
    ((doc.contents as { items?: { key?: { value?: unknown } }[] }).items ?? []).map((i) =>
      String(i.key?.value ?? '').toLowerCase(),
    ),
  );
  if (keys.has('kind') || keys.has('apiversion')) return 'rules';
  if (keys.has('compatibilities') || keys.has('version')) return 'spec';
  return {
    severity: 'error',
    message: `not an image compatibility spec (no "version"/"compatibilities") nor a NodeFeatureRule/NodeFeatureGroup (no "kind")`,
    position: whole,
  };
}

export function lintText(text: string, file: string): LintResult {
  const kind = sniff(text, file);
  if (typeof kind !== 'string') return { kind: 'unrecognized', problem: kind };
  const findings: Finding[] = [];
  const budget: Budget = { left: TEMPLATE_BUDGET };
  const loaded = (ds: Diagnostic[]) => {
    for (const d of ds) {
      findings.push({
        id: FINDING_KINDS.invalid.id,
        severity: d.severity,
        message: d.message,
        ...(d.position ? { position: d.position } : {}),
        ...(d.path ? { path: d.path } : {}),
      });
    }
  };
  if (kind === 'spec') {
    const r = checkSpec(text, { file });
    // Nothing decoded (YAML syntax error, size or depth limit): the file is unusable, not linted.
    const fatal = r.diagnostics.find((d) => d.severity === 'error');
    if (!r.spec && fatal) return { kind: 'unrecognized', problem: fatal };
    loaded(r.diagnostics);
    if (r.spec) new Linter(r.positions, findings, text, budget).spec(r.spec);
  } else {
    const r = checkRules(text, { file });
    const fatal = r.diagnostics.find((d) => d.severity === 'error');
    if (r.documents.length === 0 && fatal) return { kind: 'unrecognized', problem: fatal };
    loaded(r.diagnostics);
    for (const d of r.documents) {
      const l = new Linter(d.positions, findings, text, budget);
      const describe = (j: number) => `rule ${j + 1}`;
      if (d.object.kind === 'NodeFeatureRule') {
        const rules = d.object.spec.rules ?? [];
        // nfd-master keeps rule.matched across all NodeFeatureRules of a node, in name order.
        const refs = backrefs(
          [{ rules, describe }],
          true,
          'warning',
          'unless a NodeFeatureRule evaluated before this one (name order) sets it',
        );
        l.rules(rules, 'spec.rules', refs, describe);
      } else {
        const rules = d.object.spec.featureGroupRules ?? [];
        const refs = backrefs(
          [{ rules, describe }],
          false,
          'warning',
          'unless a NodeFeatureGroup evaluated before this one sets it',
        );
        l.rules(rules, 'spec.featureGroupRules', refs, describe);
      }
    }
  }
  findings.sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
  return { kind, findings };
}

/**
 * The names a rule makes available to later rules' `rule.matched`: nfd-master feeds back a
 * NodeFeatureRule's labels and vars (pkg/nfd-master/nfd-master.go `processNodeFeatureRule`), a
 * NodeFeatureGroup's vars (`processNodeFeatureGroupRule`), and NFD's node validator a spec rule's vars
 * (pkg/client-nfd/compat/node-validator/node-validator.go `Execute`).
 */
function definedNames(rule: Rule | GroupRule, withLabels: boolean): { names: string[]; templated: boolean } {
  const r = rule as Rule;
  const names = [...(withLabels ? Object.keys(r.labels ?? {}) : []), ...Object.keys(r.vars ?? {})];
  return { names, templated: Boolean((withLabels && r.labelsTemplate) || r.varsTemplate) };
}

/** What `rule.matched` holds so far while walking rules in evaluation order. */
interface Backrefs {
  earlier: Set<string>;
  templated: boolean;
  /** Where each name is first set, in evaluation order ("rule 3", "rule 1 of compatibility set 2"). */
  firstSet: Map<string, string>;
  withLabels: boolean;
  /** Severity when no rule of the file sets the name (other objects may, for NFR/NFG). */
  nowhere: Severity;
  nowhereWhy: string;
}

function backrefs(
  groups: readonly { rules: readonly (Rule | GroupRule)[]; describe: (j: number) => string }[],
  withLabels: boolean,
  nowhere: Severity,
  nowhereWhy: string,
): Backrefs {
  const firstSet = new Map<string, string>();
  for (const g of groups) {
    g.rules.forEach((r, j) => {
      for (const n of definedNames(r, withLabels).names) if (!firstSet.has(n)) firstSet.set(n, g.describe(j));
    });
  }
  return { earlier: new Set(), templated: false, firstSet, withLabels, nowhere, nowhereWhy };
}

class Linter {
  private readonly positions: Positions;
  private readonly out: Finding[];
  /** The file's text, to place template findings on the template's own line. */
  private readonly text: string;
  /** Shared by the documents of a file. */
  private readonly budget: Budget;

  constructor(positions: Positions, out: Finding[], text: string, budget: Budget) {
    this.positions = positions;
    this.out = out;
    this.text = text;
    this.budget = budget;
  }

  private add(
    key: FindingKey,
    path: string,
    message: string,
    fix?: string,
    opts: { at?: 'key'; severity?: Severity } = {},
  ) {
    const k = FINDING_KINDS[key];
    const position = opts.at === 'key' ? this.positions.key(path) : this.positions.value(path);
    this.out.push({
      id: k.id,
      severity: opts.severity ?? k.severity,
      message,
      ...(fix ? { fix } : {}),
      ...(position ? { position } : {}),
      path,
    });
  }

  spec(spec: Spec): void {
    const tags = new Map<string, number>();
    // NFD's node validator keeps one features map for the whole spec: vars of every earlier set count.
    const sets = spec.compatibilities.map((c, i) => ({
      rules: c.rules ?? [],
      describe: (j: number) => `rule ${j + 1} of compatibility set ${i + 1}`,
    }));
    const refs = backrefs(sets, false, 'error', '');
    spec.compatibilities.forEach((c, i) => {
      const base = childPath('compatibilities', i);
      if (c.weight !== undefined && c.weight < 0) {
        // NFD's Compatibility.Weight orders sets; `select` picks the highest, an absent weight is 0.
        this.add(
          'weight',
          childPath(base, 'weight'),
          `weight ${c.weight} is negative: the set ranks below sets with no weight (0)`,
          'use a weight of 0 or more',
        );
      }
      if (c.tag) {
        const first = tags.get(c.tag);
        if (first !== undefined) {
          this.add(
            'tagCollision',
            childPath(base, 'tag'),
            `tag ${JSON.stringify(c.tag)} is also the tag of compatibility set ${first + 1}: reports and selection cannot tell them apart`,
            'give every set its own tag',
          );
        } else tags.set(c.tag, i);
      }
      this.rules(c.rules ?? [], childPath(base, 'rules'), refs, sets[i]!.describe);
    });
  }

  rules(
    rules: readonly (Rule | GroupRule)[],
    base: string,
    refs: Backrefs,
    describe: (j: number) => string,
  ): void {
    const seen = new Map<string, number>();
    rules.forEach((rule, j) => {
      const path = childPath(base, j);
      const first = seen.get(rule.name);
      if (first !== undefined) {
        this.add(
          'duplicateRule',
          childPath(path, 'name'),
          `rule name ${JSON.stringify(rule.name)} is also the name of rule ${first + 1}: results and rule.matched are keyed by name`,
          'rename one of the rules',
        );
      } else seen.set(rule.name, j);
      const ctx: RuleCtx = { refs, here: describe(j) };
      if (rule.matchFeatures) this.matcher(rule.matchFeatures, childPath(path, 'matchFeatures'), ctx);
      (rule.matchAny ?? []).forEach((any, k) => {
        const p = childPath(childPath(path, 'matchAny'), k);
        if (any.matchFeatures) this.matcher(any.matchFeatures, childPath(p, 'matchFeatures'), ctx);
      });
      for (const which of ['labelsTemplate', 'varsTemplate'] as const) {
        const t = (rule as Rule)[which];
        if (t) this.template(t, which, rule, childPath(path, which));
      }
      const d = definedNames(rule, refs.withLabels);
      for (const n of d.names) refs.earlier.add(n);
      refs.templated ||= d.templated;
    });
  }

  private template(text: string, which: string, rule: Rule | GroupRule, path: string): void {
    const at = this.positions.value(path);
    for (const p of checkTemplate(text, which, rule, this.budget)) {
      const key = p.kind === 'feature' ? 'templateFeature' : p.kind === 'key' ? 'templateKey' : 'sprigOctal';
      const k = FINDING_KINDS[key];
      const position = at && templatePosition(this.text, at, text, p.offset);
      this.out.push({
        id: k.id,
        severity: k.severity,
        message: p.message,
        ...(p.fix ? { fix: p.fix } : {}),
        ...(position ? { position } : {}),
        path,
      });
    }
  }

  private matcher(terms: FeatureMatcher, base: string, ctx: RuleCtx): void {
    // Integer bounds per feature+element across the terms of this matchFeatures (all must hold).
    const bounds = new Map<string, { lo: number; hi: number; path: string }>();
    terms.forEach((term, k) => {
      const path = childPath(base, k);
      const featurePath = childPath(path, 'feature');
      const name = term.feature.toLowerCase(); // NFD lower-cases feature names before the lookup
      const entry = CATALOGUE[name];
      if (!entry) {
        const guess = closest(term.feature, FEATURE_NAMES);
        this.add(
          'unknownFeature',
          featurePath,
          `feature ${JSON.stringify(term.feature)} is produced by no NFD source: the term never matches`,
          guess ? `did you mean ${guess}?` : `known features: ${FEATURE_NAMES.join(', ')}`,
        );
        return;
      }
      if (term.matchName && term.matchName.op === 'NotIn') {
        // NFD MatchNames: NotIn matches every name not listed, so one other element is enough.
        this.add(
          'matchNameNotIn',
          childPath(path, 'matchName'),
          `matchName NotIn ${JSON.stringify(term.matchName.value ?? [])} passes whenever ${name} has any other element; it does not require the listed ones to be absent`,
          `to require absence use matchExpressions: {NAME: {op: DoesNotExist}}`,
        );
      }
      for (const [element, expr] of Object.entries(term.matchExpressions ?? {})) {
        const ep = childPath(childPath(path, 'matchExpressions'), element);
        this.expression(name, entry, element, expr, ep, ctx);
        const b = intRange(expr);
        if (b) {
          const key = `${name}\0${element}`;
          const prev = bounds.get(key);
          const lo = Math.max(prev?.lo ?? Number.NEGATIVE_INFINITY, b.lo);
          const hi = Math.min(prev?.hi ?? Number.POSITIVE_INFINITY, b.hi);
          if (lo > hi) {
            this.add(
              'unsatisfiable',
              ep,
              prev
                ? `${name} ${element}: no integer satisfies this expression together with the one at ${prev.path}`
                : `${name} ${element}: no integer satisfies ${expr.op} ${JSON.stringify(expr.value)}`,
              'check the bounds',
            );
          }
          bounds.set(key, { lo, hi, path: prev?.path ?? ep });
        }
      }
    });
  }

  private expression(
    feature: string,
    entry: CatalogueEntry,
    element: string,
    e: MatchExpression,
    path: string,
    ctx: RuleCtx,
  ): void {
    const op = e.op ?? '';
    const values = e.value ?? [];
    // Element names.
    if (feature === 'kernel.loadedmodule' || feature === 'kernel.enabledmodule') {
      // The kernel names modules with "_" in /proc/modules and /sys/module (kernel/module: the
      // build replaces "-" in KBUILD_MODNAME), so a "-" never appears in these flags.
      if (element.includes('-')) {
        this.add(
          'moduleDash',
          path,
          `${feature} lists module names as the kernel does, with "_": ${JSON.stringify(element)} never matches`,
          `did you mean ${JSON.stringify(element.replaceAll('-', '_'))}?`,
          { at: 'key' },
        );
      }
    } else if (feature === 'kernel.config') {
      if (element.startsWith('CONFIG_')) {
        this.add(
          'kconfigPrefix',
          path,
          `kernel.config elements drop the CONFIG_ prefix: ${JSON.stringify(element)} never exists`,
          `did you mean ${JSON.stringify(element.slice(7))}?`,
          { at: 'key' },
        );
      }
      if (op === 'IsTrue' || op === 'IsFalse') {
        this.add(
          'kconfigBool',
          path,
          `kernel.config values are the config's own (y, m, strings), never "true"/"false": ${op} never matches`,
          op === 'IsTrue'
            ? 'use {op: In, value: ["y", "m"]} (or ["y"] for built-in only)'
            : 'use {op: DoesNotExist} or {op: NotIn, value: ["y", "m"]}',
        );
      }
    } else if (feature === 'rule.matched') {
      const refs = ctx.refs;
      if (!refs.earlier.has(element)) {
        const at = refs.firstSet.get(element);
        const what = refs.withLabels ? 'label or var' : 'var';
        // Rules are evaluated in order; a rule's outputs join rule.matched only after it ran.
        if (at !== undefined) {
          this.add(
            'backReference',
            path,
            `rule.matched ${JSON.stringify(element)} is set by ${at === ctx.here ? 'this rule itself' : at}, which is evaluated after this one (${ctx.here}): it does not exist yet here`,
            'move this rule after the rule that sets it',
            { at: 'key' },
          );
        } else {
          this.add(
            'backReference',
            path,
            `no rule in this file sets the ${what} ${JSON.stringify(element)}${refs.nowhereWhy ? ` (${refs.nowhereWhy})` : ''}: rule.matched never has it`,
            undefined,
            {
              at: 'key',
              ...(refs.templated ? { severity: 'warning' as const } : { severity: refs.nowhere }),
            },
          );
        }
      }
    } else if (entry.elements) {
      const names = entry.elements.names;
      if (!Object.hasOwn(names, element)) {
        const ci = Object.keys(names).find((n) => n.toLowerCase() === element.toLowerCase());
        if (ci) {
          this.add(
            'unknownElement',
            path,
            `${feature} has ${JSON.stringify(ci)}, not ${JSON.stringify(element)}: element names are case-sensitive, this never matches`,
            `did you mean ${ci}?`,
            { at: 'key' },
          );
        } else if (entry.elements.closed) {
          const guess = closest(element, Object.keys(names));
          this.add(
            'unknownElement',
            path,
            `${feature} never has an element ${JSON.stringify(element)}: this never matches`,
            guess ? `did you mean ${guess}?` : `known: ${Object.keys(names).join(', ')}`,
            { at: 'key' },
          );
        } else if (feature === 'cpu.cpuid') {
          const guess = closest(element, Object.keys(names));
          this.add(
            'unknownElement',
            path,
            `cpu.cpuid flag ${JSON.stringify(element)} is not a name any NFD cpuid table produces`,
            guess ? `did you mean ${guess}?` : undefined,
            { at: 'key', severity: 'warning' },
          );
        }
      }
    }
    // Ops against the feature type and value kind.
    if (entry.type === 'flag' && !KEY_OPS.has(op)) {
      // NFD evaluateMatchExpressionKeys passes a nil value: every value op returns false.
      this.add(
        'flagValueOp',
        childPath(path, 'op'),
        `${feature} is a flag feature: its elements have no value, so ${op} never matches`,
        `use {op: Exists}`,
      );
      return;
    }
    const kind: ValueKind | undefined = entry.elements?.names[element];
    if (kind && ORDERING_OPS.has(op) && e.type !== 'version' && (kind === 'bool' || kind === 'string')) {
      this.add(
        'opValueKind',
        childPath(path, 'op'),
        `${feature} ${element} holds ${kind === 'bool' ? '"true"/"false"' : 'non-integer strings'}; ${op} compares integers and fails with an error on them`,
        kind === 'bool' ? 'use IsTrue or IsFalse' : 'use In or InRegexp',
      );
    }
    if (kind && (op === 'IsTrue' || op === 'IsFalse') && kind !== 'bool') {
      this.add(
        'opValueKind',
        childPath(path, 'op'),
        `${feature} ${element} never holds "true"/"false": ${op} never matches`,
        kind === 'int' ? 'use Gt/Ge/Lt/Le/In' : 'use In',
      );
    }
    if (e.type === 'version' && kind && kind !== 'version' && ORDERING_OPS.has(op)) {
      this.add(
        'versionType',
        childPath(path, 'type'),
        kind === 'string' && feature === 'kernel.version'
          ? `kernel.version full is the raw release (e.g. 5.14.0-427.13.1.el9_4.x86_64), not a semantic version: the comparison errors on such kernels and the error fails the whole rule`
          : `${feature} ${element} holds ${kind} values, not versions`,
        kind === 'int' || feature === 'kernel.version'
          ? 'compare kernel.version major/minor/revision as integers without `type`'
          : undefined,
      );
    }
    if ((op === 'In' || op === 'NotIn' || op === 'InRegexp') && values.length === 0) {
      this.add(
        'unsatisfiable',
        childPath(path, 'value'),
        `${op} with no values ${op === 'NotIn' ? 'is an evaluation error' : 'never matches (and is an evaluation error)'}`,
        'list at least one value',
      );
    }
    if (op === 'DoesNotExist') {
      // NFD evaluateFeatureMatcher: a term on a feature the node does not have fails outright, before
      // any expression is evaluated.
      this.add(
        'doesNotExist',
        childPath(path, 'op'),
        `DoesNotExist on ${feature} ${JSON.stringify(element)} fails on nodes where ${feature} itself is missing (e.g. the source could not read it)`,
        'if a missing feature should also pass, add a matchAny branch without this term',
      );
    }
  }
}

/**
 * Where `offset` of a template lies in the file: for a literal block scalar (`|`) the template's
 * lines are the file's lines after the indicator, at the block's indentation; for any other scalar
 * (quoted, folded, plain) the scalar's own position.
 */
function templatePosition(
  source: string,
  at: SourcePosition,
  template: string,
  offset: number,
): SourcePosition {
  let start = 0;
  for (let l = 1; l < at.line; l++) {
    const nl = source.indexOf('\n', start);
    if (nl < 0) return at;
    start = nl + 1;
  }
  if (source[start + at.column - 1] !== '|') return at;
  const before = template.slice(0, offset);
  const line = before.split('\n').length - 1;
  const col = offset - (before.lastIndexOf('\n') + 1);
  // The block's indentation: that of its first non-blank line.
  let p = source.indexOf('\n', start);
  while (p >= 0) {
    const next = source.indexOf('\n', p + 1);
    const text = source.slice(p + 1, next < 0 ? undefined : next);
    if (text.trim() !== '') {
      const indent = text.length - text.trimStart().length;
      return { ...at, line: at.line + 1 + line, column: indent + col + 1 };
    }
    p = next;
  }
  return at;
}

interface RuleCtx {
  refs: Backrefs;
  /** This rule, as `Backrefs.firstSet` describes rules. */
  here: string;
}

/** The integer interval an ordering expression allows (`type: version` excluded), or undefined. */
function intRange(e: MatchExpression): { lo: number; hi: number } | undefined {
  if (e.type === 'version') return undefined;
  const v = e.value ?? [];
  if (!v.every((x) => INT.test(x))) return undefined;
  const n = v.map(Number);
  switch (e.op) {
    case 'Gt':
      return n.length === 1 ? { lo: n[0]! + 1, hi: Number.POSITIVE_INFINITY } : undefined;
    case 'Ge':
      return n.length === 1 ? { lo: n[0]!, hi: Number.POSITIVE_INFINITY } : undefined;
    case 'Lt':
      return n.length === 1 ? { lo: Number.NEGATIVE_INFINITY, hi: n[0]! - 1 } : undefined;
    case 'Le':
      return n.length === 1 ? { lo: Number.NEGATIVE_INFINITY, hi: n[0]! } : undefined;
    case 'GtLt':
      return n.length === 2 ? { lo: n[0]! + 1, hi: n[1]! - 1 } : undefined;
    case 'GeLe':
      return n.length === 2 ? { lo: n[0]!, hi: n[1]! } : undefined;
    default:
      return undefined;
  }
}
