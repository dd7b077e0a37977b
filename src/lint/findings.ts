/**
 * The lint findings: stable ids (never reused or renumbered), default severity and a one-line title.
 * README "imgcompat lint" lists the same table; SARIF output uses it as the rule list.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface FindingKind {
  id: string;
  severity: Severity;
  title: string;
}

export const FINDING_KINDS = {
  invalid: {
    id: 'IC1000',
    severity: 'error',
    title: 'the file does not load (validate-spec / kubectl nfd validate error)',
  },
  unknownFeature: { id: 'IC1001', severity: 'error', title: 'feature name that no NFD source produces' },
  unknownElement: {
    id: 'IC1002',
    severity: 'error',
    title: 'element or attribute name the feature never has',
  },
  moduleDash: {
    id: 'IC1003',
    severity: 'error',
    title: 'kernel module name with "-": the kernel lists it with "_"',
  },
  flagValueOp: {
    id: 'IC1004',
    severity: 'error',
    title: 'value op on a flag feature: flags have no value, never matches',
  },
  opValueKind: { id: 'IC1005', severity: 'error', title: "op that cannot hold on this element's values" },
  versionType: {
    id: 'IC1006',
    severity: 'warning',
    title: '`type: version` on an element whose values are not versions',
  },
  unsatisfiable: { id: 'IC1007', severity: 'error', title: 'expressions that no value can satisfy' },
  matchNameNotIn: {
    id: 'IC1008',
    severity: 'warning',
    title: '`matchName` NotIn passes whenever any other name exists',
  },
  doesNotExist: {
    id: 'IC1009',
    severity: 'info',
    title: 'DoesNotExist fails when the whole feature is missing',
  },
  backReference: {
    id: 'IC1010',
    severity: 'error',
    title: '`rule.matched` element that no earlier rule sets',
  },
  duplicateRule: { id: 'IC1011', severity: 'error', title: 'duplicate rule name' },
  weight: { id: 'IC1012', severity: 'warning', title: 'compatibility weight out of range' },
  tagCollision: { id: 'IC1013', severity: 'warning', title: 'two compatibility sets share a tag' },
  kconfigPrefix: {
    id: 'IC1014',
    severity: 'error',
    title: 'kernel.config element written with the CONFIG_ prefix',
  },
  kconfigBool: {
    id: 'IC1015',
    severity: 'error',
    title: 'IsTrue/IsFalse on kernel.config: values are y, m or strings',
  },
  templateFeature: {
    id: 'IC1016',
    severity: 'error',
    title: 'template reads a feature the matched branch has no term on: it fails at run time',
  },
  templateKey: {
    id: 'IC1017',
    severity: 'error',
    title:
      'template reads a key the matched elements never have (.Value of a flag, .Name of an instance, ...)',
  },
  sprigOctal: {
    id: 'IC1018',
    severity: 'warning',
    title: 'Sprig int/add/... on a leading-zero or hex value: "0302" is read as octal 194, "10de" as 0',
  },
} as const satisfies Record<string, FindingKind>;

export type FindingKey = keyof typeof FINDING_KINDS;
