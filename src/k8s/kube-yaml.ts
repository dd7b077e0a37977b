/**
 * The one YAML emitter for everything we print for Kubernetes (`kubectl apply -f -`, Helm, GitOps).
 *
 * kubectl and the API machinery read YAML with sigs.k8s.io/yaml, which decodes with gopkg.in/yaml.v2
 * (YAML 1.1 resolution, `resolve.go` `resolve`) into interface{} and converts the result to JSON. A plain
 * scalar that YAML 1.2 reads as a string can be a bool, int, float or null there (`y`, `on`, `no`,
 * `0b11`, `0o17`, `1_000`, `~`), and a plain map key `<<` is a merge key; sigs.k8s.io/yaml then turns
 * non-string keys into their JSON text (`y:` becomes `"true":`). So every string scalar, key or value,
 * that yaml.v2 would not read back as the same string is written double-quoted, and objects that occur
 * twice are written twice (no anchors or aliases, which some consumers reject).
 */
import { Document, isScalar, visit } from 'yaml';

/** yaml.v2's resolve table (`resolve.go` `init`): plain scalars with a fixed non-string meaning. */
const YAML11_WORDS = new Set([
  '~',
  'null',
  'Null',
  'NULL',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'true',
  'True',
  'TRUE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'false',
  'False',
  'FALSE',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '<<',
]);

/** yaml.v2's `yamlStyleFloat`, applied after removing `_` as `resolve` does. */
const YAML11_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, leading-0 octal), and yaml.v2's
 * own `0b`/`-0b` branch; `_` already removed. */
const GO_BASE0_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/;

/**
 * True when yaml.v2 would read the plain scalar `s` as something other than the string `s`. Errs on the
 * side of quoting: quoting a string that would have stayed a string changes nothing for the reader.
 */
export function yaml11NeedsQuotes(s: string): boolean {
  if (s === '' || YAML11_WORDS.has(s)) return true;
  const c = s.charCodeAt(0);
  // resolve.go only tries numbers for scalars that start with a digit, a sign or a dot.
  const numberish = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
  if (!numberish) return false;
  const plain = s.replaceAll('_', '');
  return GO_BASE0_INT.test(plain) || YAML11_FLOAT.test(plain);
}

/** One YAML document (no leading `---`), ending in a newline. */
export function toKubeYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && yaml11NeedsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && yaml11NeedsQuotes(pair.key.value)) {
        pair.key.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Several objects as one multi-document stream, separated by `---` lines. */
export function toKubeYamlStream(values: readonly unknown[]): string {
  return values.map(toKubeYaml).join('---\n');
}
