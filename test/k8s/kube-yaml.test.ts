import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { toKubeYaml, toKubeYamlStream, yaml11NeedsQuotes } from '../../src/k8s/kube-yaml.ts';
import { NEAR_MISSES, RESOLVE_TRAPS } from './yaml11-traps.ts';

test('every YAML 1.1 trap is double-quoted, as a value, a list element and a key', () => {
  for (const t of RESOLVE_TRAPS) {
    assert.equal(yaml11NeedsQuotes(t), true, t);
    assert.equal(toKubeYaml({ v: t }), `v: "${t}"\n`, t);
    assert.equal(toKubeYaml({ v: [t] }), `v:\n  - "${t}"\n`, t);
    assert.equal(toKubeYaml({ [t]: 'x' }), `"${t}": x\n`, t);
  }
});

test('strings that only look like traps stay plain', () => {
  for (const t of NEAR_MISSES) {
    assert.equal(yaml11NeedsQuotes(t), false, t);
  }
  assert.equal(
    toKubeYaml({ a: 'yess', b: '1.2.3', c: 'x86_64', d: '0x', e: '._5', f: '1:60', g: 'nO' }),
    'a: yess\nb: 1.2.3\nc: x86_64\nd: 0x\ne: ._5\nf: 1:60\ng: nO\n',
  );
});

test('a kernel.config spec value y is written "y", not y (which kubectl reads as true)', () => {
  const rule = {
    feature: 'kernel.config',
    matchExpressions: { NO_HZ: { op: 'In', value: ['y'] }, PREEMPT: { op: 'In', value: ['y', 'n', 'm'] } },
  };
  assert.equal(
    toKubeYaml(rule),
    [
      'feature: kernel.config',
      'matchExpressions:',
      '  NO_HZ:',
      '    op: In',
      '    value:',
      '      - "y"',
      '  PREEMPT:',
      '    op: In',
      '    value:',
      '      - "y"',
      '      - "n"',
      '      - m',
      '',
    ].join('\n'),
  );
});

test('characters YAML 1.1 readers reject raw or read as line breaks are escaped in double quotes', () => {
  assert.equal(toKubeYaml({ v: 'a\u2028b\u2029c' }), 'v: "a\\u2028b\\u2029c"\n');
  assert.equal(toKubeYaml({ v: 'nel\u0085' }), 'v: "nel\\x85"\n');
  assert.equal(toKubeYaml({ v: 'del\u007f c1\u0090' }), 'v: "del\\x7F c1\\x90"\n');
  assert.equal(toKubeYaml({ v: 'bom\ufeff \ufffe\uffff' }), 'v: "bom\\uFEFF \\uFFFE\\uFFFF"\n');
  assert.equal(toKubeYaml({ v: 'nul\u0000 bell\u0007 esc\u001b' }), 'v: "nul\\x00 bell\\x07 esc\\x1B"\n');
  assert.equal(toKubeYaml({ v: 'cr\r\nlf "q" \\' }), 'v: "cr\\r\\nlf \\"q\\" \\\\"\n');
  assert.equal(toKubeYaml({ 'k\u2028': 'x' }), '"k\\u2028": x\n');
  // A lone surrogate cannot be written in UTF-8; Go's encoding/json reads it as U+FFFD, and so do we.
  assert.equal(toKubeYaml({ v: 'lone\ud800' }), 'v: "lone\\uFFFD"\n');
  // Other non-ASCII text is written as it is.
  assert.equal(toKubeYaml({ v: 'é ユニコード 😀 nbsp\u00a0' }), 'v: é ユニコード 😀 nbsp\u00a0\n');
});

test('multi-line strings are block literals; leading and trailing spaces are kept by quoting', () => {
  assert.equal(toKubeYaml({ v: 'multi\nline' }), 'v: |-\n  multi\n  line\n');
  assert.equal(toKubeYaml({ v: 'multi\nline\n' }), 'v: |\n  multi\n  line\n');
  assert.equal(toKubeYaml({ v: '  indented\nnext' }), 'v: |2-\n    indented\n  next\n');
  assert.equal(toKubeYaml({ v: ' lead', w: 'trail ' }), 'v: " lead"\nw: "trail "\n');
  // A multi-line string that also needs an escape is one double-quoted line.
  assert.equal(toKubeYaml({ v: 'a\u0085\nb' }), 'v: "a\\x85\\nb"\n');
  // Lines libyaml misreads in a block scalar: whitespace-only ones, and ones starting with a tab.
  assert.equal(toKubeYaml({ v: 'line\n  ' }), 'v: "line\\n  "\n');
  assert.equal(toKubeYaml({ v: ' \n' }), 'v: " \\n"\n');
  assert.equal(toKubeYaml({ v: 'a\n \t\nb' }), 'v: "a\\n \\t\\nb"\n');
  assert.equal(toKubeYaml({ v: '\tx\ny' }), 'v: "\\tx\\ny"\n');
  assert.equal(toKubeYaml({ v: 'a\n  \tb' }), 'v: "a\\n  \\tb"\n');
  // More-indented lines and tabs inside a line are fine.
  assert.equal(toKubeYaml({ v: 'a\n  b\tc' }), 'v: |-\n  a\n    b\tc\n');
  // A multi-line trap is still a trap only as a whole: `y\nn` is text.
  assert.equal(toKubeYaml({ v: 'y\nn' }), 'v: |-\n  y\n  n\n');
});

test('numbers, booleans and null keep their types; strings of them are quoted', () => {
  assert.equal(
    toKubeYaml({ num: 1, f: 1.5, t: true, z: null, sn: '1', sf: '1.5', st: 'true', sz: 'null' }),
    'num: 1\nf: 1.5\nt: true\nz: null\nsn: "1"\nsf: "1.5"\nst: "true"\nsz: "null"\n',
  );
});

test('no anchors or aliases: an object used twice is written twice', () => {
  const shared = { op: 'In', value: ['y'] };
  const out = toKubeYaml({ a: shared, b: shared, l: [shared, shared] });
  assert.doesNotMatch(out, /[&*]a\d|&|\*/);
  assert.equal(
    out,
    'a:\n  op: In\n  value:\n    - "y"\nb:\n  op: In\n  value:\n    - "y"\nl:\n' +
      '  - op: In\n    value:\n      - "y"\n  - op: In\n    value:\n      - "y"\n',
  );
});

test('long lines are not folded; a key over 1024 characters becomes an explicit key', () => {
  const long = 'word '.repeat(100).trim();
  assert.equal(toKubeYaml({ v: long }), `v: ${long}\n`);
  const key = 'k'.repeat(1100);
  assert.equal(toKubeYaml({ [key]: 'v' }), `? ${key}\n: v\n`);
});

test('a stream separates documents with --- lines, as before', () => {
  assert.equal(toKubeYamlStream([{ a: 'y' }, { b: 1 }]), 'a: "y"\n---\nb: 1\n');
  assert.equal(toKubeYamlStream([]), '');
});

/** The repository root, from build/test/k8s/ (compiled) or test/k8s/ (source). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'k8s'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root');
}

const OUTPUT_API = new Set(['stringify', 'Document', 'default']);

/**
 * What a module imports from the `yaml` package that can write YAML: `stringify`, `Document` (its
 * `toString`), a default or namespace import, or anything from `yaml/util` (the stringifiers). Type-only
 * imports are fine (src/core/load/go-yaml.ts parses and names `type Document`).
 */
function yamlOutputImports(source: string): string[] {
  const found: string[] = [];
  const re = /import\s+(type\s+)?([^'";]*?)\s*from\s*['"](yaml(?:\/[^'"]*)?)['"]/g;
  for (const m of source.matchAll(re)) {
    const typeOnly = m[1] !== undefined;
    const clause = m[2] ?? '';
    const spec = m[3] ?? '';
    if (typeOnly) continue;
    if (spec !== 'yaml') {
      found.push(`import from '${spec}'`);
      continue;
    }
    const named = /\{([^}]*)\}/.exec(clause);
    const outside = clause
      .replace(/\{[^}]*\}/, '')
      .replace(/,/g, ' ')
      .trim();
    if (outside !== '') found.push(outside.startsWith('*') ? 'namespace import' : 'default import');
    for (const part of (named?.[1] ?? '').split(',')) {
      const p = part.trim();
      if (p === '' || p.startsWith('type ')) continue;
      const name = p.split(/\s+as\s+/)[0]?.trim() ?? '';
      if (OUTPUT_API.has(name)) found.push(name);
    }
  }
  if (/import\(\s*['"]yaml/.test(source)) found.push('dynamic import');
  return found;
}

test('the import guard itself catches each way of writing YAML', () => {
  assert.deepEqual(yamlOutputImports("import { stringify } from 'yaml';"), ['stringify']);
  assert.deepEqual(yamlOutputImports("import { isMap, Document as D } from 'yaml';"), ['Document']);
  assert.deepEqual(yamlOutputImports("import YAML from 'yaml';"), ['default import']);
  assert.deepEqual(yamlOutputImports("import * as YAML from 'yaml';"), ['namespace import']);
  assert.deepEqual(yamlOutputImports("import { stringifyString } from 'yaml/util';"), [
    "import from 'yaml/util'",
  ]);
  assert.deepEqual(yamlOutputImports("const y = await import('yaml');"), ['dynamic import']);
  assert.deepEqual(yamlOutputImports("import {\n  Parser,\n  type Document,\n} from 'yaml';"), []);
  assert.deepEqual(yamlOutputImports("import type { Document } from 'yaml';"), []);
});

test('no module under src/ but src/k8s/kube-yaml.ts writes YAML with the yaml package', () => {
  const root = repoRoot();
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(e.name)) {
        const rel = path.relative(root, p).split(path.sep).join('/');
        if (rel === 'src/k8s/kube-yaml.ts') continue;
        const found = yamlOutputImports(readFileSync(p, 'utf8'));
        if (found.length > 0) offenders.push(`${rel}: ${found.join(', ')}`);
      }
    }
  };
  walk(path.join(root, 'src'));
  assert.deepEqual(
    offenders,
    [],
    'print Kubernetes YAML with toKubeYaml/toKubeYamlStream (src/k8s/kube-yaml.ts)',
  );
});
