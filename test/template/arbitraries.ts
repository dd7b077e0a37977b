/**
 * fast-check generators for templates and template data, shaped like what NFD rules contain:
 * ranges over `.domain.feature`, element fields, `index`, comparisons, printf, Sprig string/list/dict
 * functions, variables, trim markers, and deliberately some wrong programs (unknown functions,
 * undefined variables, type errors) so that error parity is tested too.
 */

import fc from 'fast-check';

// ---- data -----------------------------------------------------------------------------------------

const KEYS = ['Name', 'Value', 'vendor', 'class', 'x', 'a-b', 'B'];
const DOMAINS = ['cpu', 'kernel', 'pci', 'domain-1', 'rule'];
const FEATURES = ['cpuid', 'loadedmodule', 'device', 'kf-1', 'matched'];
const STRINGS = [
  '',
  'AVX',
  'avx512f',
  '1',
  '42',
  '-7',
  '0x1F',
  '1.5',
  '1.2.3',
  'true',
  ' a b ',
  'x=y',
  'é',
  '<&>',
  'a\nb',
  '0300',
];

const smallString = fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 6 }));

export const nfdElement = fc.dictionary(fc.constantFrom(...KEYS), smallString, { maxKeys: 4 });

/** NFD's matchedFeatures: {domain: {feature: [element]}}. */
export const nfdData = fc.dictionary(
  fc.constantFrom(...DOMAINS),
  fc.dictionary(fc.constantFrom(...FEATURES), fc.array(nfdElement, { maxLength: 4 }), { maxKeys: 3 }),
  { maxKeys: 3 },
);

const jsonLeaf = fc.oneof(
  smallString,
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, 1.5, -2.25, 1e21, 1e-7, 123456789),
  fc.boolean(),
  fc.constant(null),
);

/** Generic JSON data, decoded by Go into interface{}. */
export const jsonData: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS, ...DOMAINS, ...FEATURES), tie('v'), { maxKeys: 4 }),
  ),
})).v;

// ---- templates ------------------------------------------------------------------------------------

/** Functions the generator calls, with a plausible argument count range. */
const FUNCS: Array<[string, number, number]> = [
  // builtins
  ['and', 1, 3],
  ['or', 1, 3],
  ['not', 1, 1],
  ['len', 1, 1],
  ['index', 1, 3],
  ['slice', 1, 3],
  ['print', 0, 3],
  ['printf', 1, 4],
  ['println', 0, 2],
  ['eq', 1, 3],
  ['ne', 2, 2],
  ['lt', 2, 2],
  ['le', 2, 2],
  ['gt', 2, 2],
  ['ge', 2, 2],
  ['html', 1, 2],
  ['js', 1, 2],
  ['urlquery', 1, 2],
  // sprig strings
  ['trim', 1, 1],
  ['upper', 1, 1],
  ['lower', 1, 1],
  ['title', 1, 1],
  ['untitle', 1, 1],
  ['substr', 3, 3],
  ['trunc', 2, 2],
  ['repeat', 2, 2],
  ['trimAll', 2, 2],
  ['trimSuffix', 2, 2],
  ['trimPrefix', 2, 2],
  ['nospace', 1, 1],
  ['contains', 2, 2],
  ['hasPrefix', 2, 2],
  ['hasSuffix', 2, 2],
  ['quote', 0, 3],
  ['squote', 0, 3],
  ['cat', 0, 3],
  ['indent', 2, 2],
  ['nindent', 2, 2],
  ['replace', 3, 3],
  ['plural', 3, 3],
  ['toString', 1, 1],
  ['atoi', 1, 1],
  ['int', 1, 1],
  ['int64', 1, 1],
  ['float64', 1, 1],
  ['split', 2, 2],
  ['splitList', 2, 2],
  ['splitn', 3, 3],
  ['join', 2, 2],
  ['toStrings', 1, 1],
  ['sortAlpha', 1, 1],
  ['until', 1, 1],
  ['untilStep', 3, 3],
  // math
  ['add', 0, 3],
  ['add1', 1, 1],
  ['sub', 2, 2],
  ['mul', 1, 3],
  ['div', 2, 2],
  ['mod', 2, 2],
  ['max', 1, 3],
  ['min', 1, 3],
  // defaults / conversion
  ['default', 1, 2],
  ['empty', 1, 1],
  ['coalesce', 0, 3],
  ['all', 0, 3],
  ['any', 0, 3],
  ['compact', 1, 1],
  ['ternary', 3, 3],
  ['toJson', 1, 1],
  ['toRawJson', 1, 1],
  ['toPrettyJson', 1, 1],
  ['fromJson', 1, 1],
  ['fail', 1, 1],
  // lists
  ['list', 0, 4],
  ['first', 1, 1],
  ['last', 1, 1],
  ['rest', 1, 1],
  ['initial', 1, 1],
  ['append', 2, 2],
  ['prepend', 2, 2],
  ['reverse', 1, 1],
  ['uniq', 1, 1],
  ['without', 1, 3],
  ['has', 2, 2],
  ['concat', 0, 3],
  // dicts
  ['dict', 0, 4],
  ['get', 2, 2],
  ['hasKey', 2, 2],
  ['pluck', 1, 3],
  ['pick', 1, 3],
  ['omit', 1, 3],
  // regex, paths, encodings, semver
  ['regexMatch', 2, 2],
  ['regexFind', 2, 2],
  ['regexFindAll', 3, 3],
  ['regexReplaceAll', 3, 3],
  ['regexReplaceAllLiteral', 3, 3],
  ['regexSplit', 3, 3],
  ['regexQuoteMeta', 1, 1],
  ['base', 1, 1],
  ['dir', 1, 1],
  ['clean', 1, 1],
  ['ext', 1, 1],
  ['isAbs', 1, 1],
  ['b64enc', 1, 1],
  ['b64dec', 1, 1],
  ['semverCompare', 2, 2],
];

/** Not functions at all (NFD removes env): parse errors, generated rarely. */
const UNDEFINED_FUNCS: Array<[string, number, number]> = [
  ['nosuchfunc', 0, 1],
  ['env', 1, 1],
];

const STRING_LITERALS = [
  '""',
  '"a"',
  '"AVX"',
  '"x=y"',
  '"a,b,c"',
  '","',
  '" a "',
  '"1.2.3"',
  '">=1.2"',
  '"^1.0"',
  '"~1.2.x"',
  '"1.2 - 1.4"',
  '"v1.3.0-rc1"',
  '"%d"',
  '"%s=%v"',
  '"%q %5.2f"',
  '"%.2e|%g|%x"',
  '"%-5s|%05d|%+.1f"',
  '"%T %v %.0f"',
  '"%6.3v|%X|%c"',
  '"a.*"',
  '"(a|b)+"',
  '"^[[:alpha:]]+$"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp replacement syntax, not JS.
  '"$1-${1}"',
  '"\\n"',
  '"\\t|\\u00e9"',
  '`raw\\n`',
  '"/a/b.c"',
  '"aGk="',
  '"{\\"a\\":1}"',
  '"Name"',
  '"cpu"',
  '"cpuid"',
  '"domain-1"',
  "'a'",
];

const NUMBER_LITERALS = [
  '0',
  '1',
  '2',
  '-1',
  '3',
  '10',
  '1.5',
  '-0.5',
  '0x1F',
  '1e3',
  '007',
  '1_000',
  '255',
  '2.5',
  '0.125',
  '1e21',
  '65',
];

const FIELDS = [
  '.',
  '.cpu',
  '.cpu.cpuid',
  '.kernel.loadedmodule',
  '.pci.device',
  '.rule.matched',
  '.Name',
  '.Value',
  '.vendor',
  '.x',
  '.x.Name',
  '.nope',
];

const VARS = ['$', '$v', '$i', '$e', '$.cpu', '$v.Name'];

type Gen = fc.Arbitrary<string>;

function pipelineArb(depth: number): Gen {
  const operand = operandArb(depth);
  const command = commandArb(depth);
  return fc.oneof(
    { weight: 3, arbitrary: command },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          operand,
          fc.array(
            fc.oneof({ weight: 60, arbitrary: callArb(depth) }, { weight: 1, arbitrary: operandArb(0) }),
            { minLength: 1, maxLength: 2 },
          ),
        )
        .map(([first, rest]) => [first, ...rest].join(' | ')),
    },
  );
}

function operandArb(depth: number): Gen {
  const leaves: Gen[] = [
    fc.constantFrom(...STRING_LITERALS),
    fc.constantFrom(...NUMBER_LITERALS),
    fc.constantFrom('true', 'false', 'nil'),
    fc.constantFrom(...FIELDS),
    fc.constantFrom(...VARS),
  ];
  if (depth <= 0) return fc.oneof(...leaves);
  return fc.oneof(
    ...leaves,
    pipelineArb(depth - 1).map((p) => `(${p})`),
    pipelineArb(depth - 1).map((p) => `(${p}).Name`),
  );
}

function commandArb(depth: number): Gen {
  return fc.oneof(
    { weight: 4, arbitrary: callArb(depth) },
    { weight: 1, arbitrary: operandArb(Math.max(0, depth - 1)) },
  );
}

function callArb(depth: number): Gen {
  return fc
    .oneof(
      { weight: 400, arbitrary: fc.constantFrom(...FUNCS) },
      { weight: 1, arbitrary: fc.constantFrom(...UNDEFINED_FUNCS) },
    )
    .chain(([name, min, max]) =>
      fc
        .array(operandArb(Math.max(0, depth - 1)), { minLength: min, maxLength: max })
        .map((args) => [name, ...args].join(' ')),
    );
}

const textArb: Gen = fc.oneof(
  fc.constantFrom('a=b\n', 'x=', '=', '\n', ' ', '  \n\t', 'label-', '-', 'k', '}', '\r\n'),
  // A "{" right before an action would make "{{{", which is always a parse error.
  fc.string({ maxLength: 5 }).filter((s) => !s.includes('{')),
);

const openArb = fc.constantFrom('{{', '{{', '{{- ');
const closeArb = fc.constantFrom('}}', '}}', ' -}}');

function actionArb(body: Gen): Gen {
  return fc.tuple(openArb, body, closeArb).map(([o, b, c]) => `${o}${b}${c}`);
}

function itemsArb(depth: number): Gen {
  const simple: Gen[] = [
    textArb,
    actionArb(pipelineArb(1)),
    actionArb(pipelineArb(1).map((p) => `$v := ${p}`)),
    actionArb(pipelineArb(0).map((p) => `$v = ${p}`)),
    fc.constant('{{/* comment */}}'),
  ];
  const item: Gen =
    depth <= 0
      ? fc.oneof(...simple)
      : fc.oneof(
          { weight: 3, arbitrary: fc.oneof(...simple) },
          { weight: 1, arbitrary: ifArb(depth) },
          { weight: 1, arbitrary: rangeArb(depth) },
          { weight: 1, arbitrary: withArb(depth) },
        );
  return fc.array(item, { maxLength: 4 }).map((xs) => xs.join(''));
}

function ifArb(depth: number): Gen {
  return fc
    .tuple(
      actionArb(pipelineArb(1).map((p) => `if ${p}`)),
      itemsArb(depth - 1),
      fc.option(fc.tuple(pipelineArb(0), itemsArb(depth - 1)), { nil: undefined }),
      fc.option(itemsArb(depth - 1), { nil: undefined }),
    )
    .map(([head, body, elif, els]) => {
      let s = head + body;
      if (elif) s += `{{else if ${elif[0]}}}${elif[1]}`;
      if (els !== undefined) s += `{{else}}${els}`;
      return `${s}{{end}}`;
    });
}

function rangeArb(depth: number): Gen {
  return fc
    .tuple(
      fc.constantFrom('', '$e := ', '$i, $e := ', '$v = '),
      pipelineArb(1),
      itemsArb(depth - 1),
      fc.constantFrom('', '', '{{break}}', '{{continue}}', '{{if eq $i 1}}{{break}}{{end}}'),
      fc.option(itemsArb(depth - 1), { nil: undefined }),
    )
    .map(
      ([decl, p, body, ctl, els]) =>
        `{{range ${decl}${p}}}${body}${ctl}${els !== undefined ? `{{else}}${els}` : ''}{{end}}`,
    );
}

function withArb(depth: number): Gen {
  return fc
    .tuple(pipelineArb(1), itemsArb(depth - 1), fc.option(itemsArb(depth - 1), { nil: undefined }))
    .map(([p, body, els]) => `{{with ${p}}}${body}${els !== undefined ? `{{else}}${els}` : ''}{{end}}`);
}

/** A whole template: an optional `$v` declaration, items, and sometimes a define/template pair. */
export const templateArb: Gen = fc
  .tuple(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom('{{$v := .}}{{$i := 0}}{{$e := ""}}', '{{$v := 1}}{{$i := 1}}{{$e := .}}'),
      },
      { weight: 1, arbitrary: fc.constantFrom('', '{{$v := .}}') },
    ),
    itemsArb(2),
    fc.constantFrom(
      '',
      '',
      '{{define "T"}}<{{.}}>{{end}}{{template "T" .cpu}}',
      '{{block "B" "x"}}[{{.}}]{{end}}',
    ),
  )
  .map(([pre, body, post]) => pre + body + post);

/** NFD-style labelsTemplate: lines of key=value built from a range over a feature. */
export const labelsTemplateArb: Gen = fc
  .tuple(
    fc.constantFrom(
      '.cpu.cpuid',
      '.kernel.loadedmodule',
      '.pci.device',
      '.rule.matched',
      '(index . "domain-1" "kf-1")',
    ),
    fc.constantFrom(
      '{{.Name}}',
      '{{.Value}}',
      '{{index . "vendor"}}',
      '{{.vendor}}-{{.class}}',
      '{{lower .Name}}',
    ),
    fc.constantFrom('true', '{{.Value}}', '{{len $.cpu}}', '{{trim .Name | upper}}', '{{printf "%v" .}}'),
    fc.constantFrom('{{range ', '{{- range ', '{{range $i, $e := '),
  )
  .map(([feat, key, val, open]) => `${open}${feat}}}\n${key}=${val}\n{{- end}}`);

// ---- semverCompare constraints ----------------------------------------------------------------------

const cvArb = fc
  .tuple(
    fc.constantFrom('', '', 'v'),
    fc.constantFrom('0', '1', '2', '10', 'x', '*', 'X', '01'),
    fc.option(fc.constantFrom('.0', '.2', '.10', '.x', '.*'), { nil: undefined }),
    fc.option(fc.constantFrom('.0', '.3', '.x', '.*'), { nil: undefined }),
    fc.option(fc.constantFrom('-rc1', '-alpha.1', '-0', '-01'), { nil: undefined }),
  )
  .map(([v, a, b, c, pre]) => `${v}${a}${b ?? ''}${b !== undefined ? (c ?? '') : ''}${pre ?? ''}`);

const opArb = fc.constantFrom('', '=', '!=', '>', '<', '>=', '=>', '<=', '=<', '~', '~>', '^');

const singleConstraint = fc.tuple(opArb, fc.constantFrom('', ' '), cvArb).map(([op, sp, cv]) => op + sp + cv);

/** Masterminds constraint strings: ANDs (space or comma), ORs (||), hyphen ranges, and some junk. */
export const constraintArb: Gen = fc.oneof(
  { weight: 4, arbitrary: singleConstraint },
  {
    weight: 3,
    arbitrary: fc
      .tuple(singleConstraint, fc.constantFrom(' ', ', ', ','), singleConstraint)
      .map(([a, sep, b]) => a + sep + b),
  },
  { weight: 2, arbitrary: fc.tuple(singleConstraint, singleConstraint).map(([a, b]) => `${a} || ${b}`) },
  { weight: 2, arbitrary: fc.tuple(cvArb, cvArb).map(([a, b]) => `${a} - ${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'foo', '>= 1.2 <', '1.2.3.4', '>=1.0 ||', '=>1|2') },
);

export const semverArb: Gen = fc
  .tuple(
    fc.constantFrom('', 'v'),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 12 }),
    fc.option(fc.constantFrom('-rc1', '-alpha.2', '-0', '-beta'), { nil: undefined }),
  )
  .map(([v, a, b, c, pre]) => `${v}${a}.${b}.${c}${pre ?? ''}`);
