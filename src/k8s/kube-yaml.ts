/**
 * The one YAML emitter for everything we print for Kubernetes (`kubectl apply -f -`, Helm, GitOps).
 *
 * kubectl and the API machinery read YAML with sigs.k8s.io/yaml (`YAMLToJSON`), which decodes with
 * gopkg.in/yaml.v2 (go.yaml.in/yaml/v2: YAML 1.1 resolution, `resolve.go` `resolve`) into interface{} and
 * converts the result to JSON (`convertToJSONableObject`). A plain scalar that YAML 1.2 reads as a string
 * can be a bool, int, float or null there (`y`, `on`, `no`, `0b11`, `0o17`, `1_000`, `~`), a plain map
 * key `<<` is a merge key, and sigs.k8s.io/yaml then turns non-string keys into their JSON text (`y:`
 * becomes `"true":`, `~:` is an error). So:
 *
 * - every string, key or value, that yaml.v2's own encoder would not write plain (`encode.go` `stringv`:
 *   `resolve` gives a non-string tag, or it looks like a YAML 1.1 base-60 number) is double-quoted;
 * - so is every string holding a character that libyaml-based readers reject raw (`readerc.go`
 *   `yaml_parser_update_buffer`: C0/C1 controls, DEL, U+FFFE/U+FFFF) or read as a line break (YAML 1.1
 *   also breaks lines at U+0085, U+2028, U+2029), with those characters escaped, and multi-line text
 *   with a line a block scalar would misread; lone UTF-16 surrogates, which Go's encoding/json reads
 *   as U+FFFD, are written as U+FFFD;
 * - everything else is left to the `yaml` package, which also quotes what YAML 1.2 would misread;
 * - objects that occur twice are written twice (no anchors or aliases, which some consumers reject).
 */
import { Document, type ScalarTag } from 'yaml';
import { stringTag } from 'yaml/util';
import { isGoYamlTimestamp, resolveGoScalar } from '../core/load/go-scalar.ts';

/** yaml.v2 `encode.go` `base60float`: quoted on output "for compatibility with other parsers". */
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * True when yaml.v2 would not write the string `s` as a plain scalar: it would read it back as
 * something else (a bool, int, float, null or merge key), or it is a timestamp or a base-60 number,
 * which other YAML 1.1 readers take for one. Errs on the side of quoting: quoting a string that would
 * have stayed a string changes nothing for the reader.
 */
export function yaml11NeedsQuotes(s: string): boolean {
  if (s === '<<') return true;
  if (resolveGoScalar('', s).t !== 'str') return true;
  return isGoYamlTimestamp(s) || BASE60_FLOAT.test(s);
}

/**
 * Characters that must not appear raw in our output: everything libyaml's reader rejects (it accepts
 * TAB, LF, CR, U+0020–U+007E, U+0085, U+00A0–U+D7FF, U+E000–U+FFFD and the astral planes), CR, the
 * YAML 1.1 line breaks U+0085/U+2028/U+2029 (read as LF inside scalars), the byte order mark and lone
 * surrogates.
 */
const NEEDS_ESCAPE =
  /[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** A YAML double-quoted scalar on one line, with only the escapes YAML 1.1 and 1.2 share. */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\uFFFD';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${hex(c, 2)}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) {
      out += `\\u${hex(c, 4)}`;
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Lines that libyaml reads differently in a block scalar (`scannerc.go` `yaml_parser_scan_block_scalar`
 * and `yaml_parser_scan_block_scalar_breaks`): one of only spaces or tabs (taken for an empty line, so its whitespace is lost) and
 * one starting with a tab after any spaces (rejected while the indentation is being detected: "found a
 * tab character where an indentation space is expected"). Multi-line text with such a line is written
 * double-quoted instead.
 */
const BLOCK_UNSAFE_LINE = /(?:^|\n)(?:[ \t]+(?:\n|$)| *\t)/;

/** The `yaml` package's string tag, with the YAML 1.1 rule above in front of its own choice of style. */
const kubeString: ScalarTag = {
  ...stringTag,
  stringify(item, ctx, onComment, onChompKeep) {
    const s = String(item.value);
    if (yaml11NeedsQuotes(s) || NEEDS_ESCAPE.test(s)) return doubleQuoted(s);
    if (s.includes('\n') && BLOCK_UNSAFE_LINE.test(s)) return doubleQuoted(s);
    return stringTag.stringify?.(item, ctx, onComment, onChompKeep) ?? doubleQuoted(s);
  },
};

const STR_TAG = 'tag:yaml.org,2002:str';

/** One YAML document (no leading `---`), ending in a newline. */
export function toKubeYaml(value: unknown): string {
  const doc = new Document(value, {
    aliasDuplicateObjects: false,
    customTags: (tags) => tags.map((t) => (typeof t === 'object' && t.tag === STR_TAG ? kubeString : t)),
  });
  // doubleQuotedAsJSON: where the `yaml` package itself double-quotes, one line of JSON escapes (all
  // valid YAML escapes) instead of its folded form.
  return doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
}

/** Several objects as one multi-document stream, separated by `---` lines. */
export function toKubeYamlStream(values: readonly unknown[]): string {
  return values.map(toKubeYaml).join('---\n');
}
