/**
 * Unit tests for the text/template + Sprig engine. Expected values follow Go's text/template and
 * Sprig v3.3.0 (the differential suite in oracle.test.ts checks the same behaviour against Go itself
 * on generated input; these pin the cases NFD rules rely on and our own API).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  expandMap,
  MAX_TEMPLATE_SIZE,
  parseTemplate,
  TemplateError,
  TemplateTooLargeError,
} from '../../src/template/index.ts';

const NFD = {
  cpu: { cpuid: [{ Name: 'AVX' }, { Name: 'AVX2' }] },
  kernel: { config: [{ Name: 'NO_HZ', Value: 'y' }] },
  pci: { device: [{ vendor: '8086', class: '0300', device: '1234' }] },
  'domain-1': { 'kf-1': [{ Name: 'x' }] },
};

function run(text: string, data: unknown = NFD): string {
  return parseTemplate(text).execute(data);
}

function execError(text: string, data: unknown = NFD): TemplateError {
  const t = parseTemplate(text);
  try {
    t.execute(data);
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`);
    assert.equal(e.phase, 'exec');
    return e;
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail at execution`);
}

function parseError(text: string): TemplateError {
  try {
    parseTemplate(text);
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`);
    assert.equal(e.phase, 'parse');
    return e;
  }
  assert.fail(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parsing', () => {
  test('functions NFD removes are undefined, like Go', () => {
    for (const f of ['env "PATH"', 'expandenv "$PATH"', 'getHostByName "localhost"']) {
      const e = parseError(`{{${f}}}`);
      assert.match(e.message, /^template: :1: function "\w+" not defined$/);
    }
  });

  test('an unsupported Sprig function fails at parse time, naming the function', () => {
    for (const f of ['now', 'genCA "x" 1', 'randAlphaNum 3', 'uuidv4', 'sha256sum "x"', 'date "2006" now']) {
      const name = f.split(' ')[0] ?? '';
      const e = parseError(`a={{ ${f} }}`);
      assert.match(e.message, new RegExp(`function "${name}" not supported`));
    }
  });

  test('an unsupported function is rejected even in a branch that would never run', () => {
    parseError('{{if false}}{{now}}{{end}}');
  });

  test('unknown functions, undefined variables and syntax errors use Go messages', () => {
    assert.equal(parseError('{{foo}}').message, 'template: :1: function "foo" not defined');
    assert.equal(parseError('{{$x}}').message, 'template: :1: undefined variable "$x"');
    assert.equal(parseError('{{').message, 'template: :1: unclosed action');
    assert.equal(parseError('a\n{{if 1}}').message, 'template: :2: unexpected EOF');
    assert.equal(parseError('{{end}}').message, 'template: :1: unexpected {{end}}');
    assert.equal(
      parseError('{{ 1 | 2 }}').message,
      'template: :1: non executable command in pipeline stage 2',
    );
    assert.equal(parseError('{{a=b}}').message, "template: :1: bad character U+003D '='");
    assert.equal(parseError('{{break}}').message, 'template: :1: {{break}} outside {{range}}');
  });

  test('the size cap is 65536 bytes, counted in UTF-8', () => {
    assert.doesNotThrow(() => parseTemplate('a'.repeat(MAX_TEMPLATE_SIZE)));
    assert.throws(() => parseTemplate('a'.repeat(MAX_TEMPLATE_SIZE + 1)), TemplateTooLargeError);
    // 32769 two-byte characters are 65538 bytes, though only 32769 UTF-16 units.
    assert.throws(() => parseTemplate('é'.repeat(32769)), TemplateTooLargeError);
    const e = parseError('x'.repeat(70000));
    assert.ok(e instanceof TemplateTooLargeError);
    assert.equal(e.code, 'E_TEMPLATE_TOO_LARGE');
  });

  test('a huge template is rejected before parsing', () => {
    assert.throws(() => parseTemplate('{{if 1}}'.repeat(600000)), TemplateTooLargeError);
  });
});

describe('execution', () => {
  test('range over an NFD feature with element fields', () => {
    assert.equal(run('{{range .cpu.cpuid}}cpu-{{.Name}}=true\n{{end}}'), 'cpu-AVX=true\ncpu-AVX2=true\n');
    assert.equal(run('{{range .pci.device}}{{.vendor}}-{{.class}}{{end}}'), '8086-0300');
  });

  test('missingkey=error on map lookups, but index returns the zero value', () => {
    assert.equal(
      execError('{{.pci.nope}}').message,
      // Go reports the position of the last field of the chain.
      'template: :1:6: executing "" at <.pci.nope>: map has no entry for key "nope"',
    );
    assert.match(
      execError('{{range .cpu.cpuid}}{{.Value}}{{end}}').message,
      /map has no entry for key "Value"/,
    );
    assert.equal(
      run('[{{index . "nope"}}][{{index .cpu "x"}}][{{index (index .cpu.cpuid 0) "Value"}}]'),
      '[map[]][[]][]',
    );
  });

  test('index with a nil key: the interface is unwrapped first, as Go does', () => {
    // Found by the oracle property test (seed -96880894); Go's own message.
    assert.equal(
      execError('{{if index $ .Value}}{{end}}', { Value: null }).message,
      'template: :1:5: executing "" at <index $ .Value>: error calling index: value is nil; should be of type string',
    );
    assert.equal(
      execError('{{index .a .Value}}', { a: [1], Value: null }).message,
      'template: :1:2: executing "" at <index .a .Value>: error calling index: cannot index slice/array with nil',
    );
  });

  test('names that are not identifiers are reached with index', () => {
    assert.equal(run('{{range index . "domain-1" "kf-1"}}{{.Name}}{{end}}'), 'x');
  });

  test('printing uses Go fmt: maps sorted, slices space-separated, nil forms', () => {
    assert.equal(run('{{index .kernel.config 0}}'), 'map[Name:NO_HZ Value:y]');
    assert.equal(run('{{list 1 "a" 2.5 true nil}}'), '[1 a 2.5 true <nil>]');
    assert.equal(run('{{.x}}|{{print .x}}', { x: null }), '<no value>|<nil>');
    assert.equal(run('{{1000000.0}} {{0.0001}} {{1e-5}}'), '1e+06 0.0001 1e-05');
  });

  test('range over a map visits keys in byte order; $i, $e over lists', () => {
    assert.equal(run('{{range $k, $v := .}}{{$k}};{{end}}', { b: 1, a: 2, B: 3, é: 4 }), 'B;a;b;é;');
    assert.equal(run('{{range $i, $e := .cpu.cpuid}}{{$i}}:{{$e.Name}} {{end}}'), '0:AVX 1:AVX2 ');
    assert.equal(run('{{range .none}}x{{else}}empty{{end}}', { none: [] }), 'empty');
    assert.equal(run('{{range 3}}{{.}}{{end}}'), '012');
  });

  test('break, continue, variables and assignment', () => {
    const t =
      '{{$n := 0}}{{range $i, $e := list 1 2 3 4}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 3}}{{break}}{{end}}{{$n = $e}}{{$e}}{{end}}/{{$n}}';
    assert.equal(run(t), '13/3');
  });

  test('if / else if / else, with / else with', () => {
    const t = '{{if eq .v "1"}}one{{else if eq .v "2"}}two{{else}}many{{end}}';
    assert.equal(run(t, { v: '1' }), 'one');
    assert.equal(run(t, { v: '2' }), 'two');
    assert.equal(run(t, { v: '3' }), 'many');
    // JSON numbers are float64 and constants int: Go refuses to compare them.
    assert.match(
      execError('{{eq .v 1}}', { v: 1 }).message,
      /incompatible types for comparison: float64 and int/,
    );
    assert.equal(run('{{with .a}}{{.}}{{else with .b}}b={{.}}{{end}}', { a: '', b: 'x' }), 'b=x');
  });

  test('trim markers and comments', () => {
    assert.equal(run('a  {{- "b" -}}  c {{/* note */}}d{{- /* trimmed */ -}} e'), 'abc de');
  });

  test('define, template and block', () => {
    assert.equal(
      run('{{define "T"}}<{{.}}>{{end}}{{template "T" "x"}}{{block "B" 2}}[{{.}}]{{end}}'),
      '<x>[2]',
    );
    assert.match(execError('{{template "nope"}}').message, /template "nope" not defined/);
  });

  test('a recursive template fails cleanly instead of overflowing the stack', () => {
    assert.match(
      execError('{{define "R"}}{{template "R" .}}{{end}}{{template "R" .}}').message,
      /maximum template depth/,
    );
  });

  test('and/or short-circuit: the failing argument is never evaluated', () => {
    assert.equal(run('{{and false (fail "boom")}} {{or 1 (fail "boom")}}'), 'false 1');
    assert.match(execError('{{and true (fail "boom")}}').message, /error calling fail: boom/);
  });

  test('comparison builtins follow Go basic kinds', () => {
    assert.equal(
      run('{{eq 1 2 1}} {{ne "a" "b"}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}'),
      'true true true true true false',
    );
    assert.match(execError('{{eq 1 "1"}}').message, /incompatible types for comparison: int and string/);
    assert.match(execError('{{lt true false}}').message, /invalid type for comparison/);
  });

  test('argument types are checked like reflect does', () => {
    // Sprig's add returns int64; substr takes int.
    assert.match(
      execError('{{substr 0 (add 1 1) "abc"}}').message,
      /wrong type for value; expected int; got int64/,
    );
    assert.match(execError('{{upper 1}}').message, /expected string; found 1/);
    // NFD's data maps are named types, not map[string]interface{}, so Sprig's dict functions reject them.
    assert.match(
      execError('{{hasKey .cpu "cpuid"}}').message,
      /expected map\[string\]interface \{\}; got nodefeaturerule\.domainMatchedFeatures/,
    );
  });

  test('the data type can be forced', () => {
    assert.equal(parseTemplate('{{hasKey .cpu "cpuid"}}').execute(NFD, { dataType: 'json' }), 'true');
    assert.throws(() => parseTemplate('{{.}}').execute({ a: 1 }, { dataType: 'nfd' }), TemplateError);
  });

  test('printf verbs, flags and fmt error forms', () => {
    assert.equal(
      run('{{printf "%5.2f|%-4s|%04d|%x|%q|%v|%T" 3.14159 "ab" 42 255 "a\\"b" (dict "k" 1) 1}}'),
      ' 3.14|ab  |0042|ff|"a\\"b"|map[k:1]|int',
    );
    assert.equal(
      run('{{printf "%d %s" "x" 1}}|{{printf "%d"}}|{{printf "%d" 1 2}}'),
      '%!d(string=x) %!s(int=1)|%!d(MISSING)|1%!(EXTRA int=2)',
    );
  });

  test('float verbs round exact ties to even, like strconv', () => {
    assert.equal(
      run('{{printf "%.0f %.0f %.1f %.2f %.3e %.2g %x" 2.5 3.5 0.25 1.005 1.0005 99.9 3.5}}'),
      '2 4 0.2 1.00 1.000e+00 1e+02 0x1.cp+01',
    );
  });

  test('html, js and urlquery escapes', () => {
    assert.equal(run(`{{html "<a href='x'>&</a>"}}`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
    assert.equal(run('{{js "a\'b<=>"}}'), "a\\'b\\u003C\\u003D\\u003E");
    assert.equal(run('{{urlquery "a b&c/é"}}'), 'a+b%26c%2F%C3%A9');
  });
});

describe('Sprig functions', () => {
  test("upper, lower and title map runes with Go's unicode tables (simple case mappings)", () => {
    // strings.ToUpper is unicode.ToUpper per rune: U+1FB3 has the simple upper-case mapping U+1FBC,
    // while JavaScript's full mapping expands it to two letters; strings.Title uses the title case.
    assert.equal(run('{{upper "ᾳ"}}|{{upper "ǆß"}}|{{lower "İ"}}'), 'ᾼ|Ǆß|i');
    assert.equal(run('{{title "ǆx ᾳ ა"}}'), 'ǅx ᾼ ა');
  });

  test('strings', () => {
    assert.equal(
      run('{{trim "  x \\t"}}|{{upper "aé"}}|{{lower "AB"}}|{{title "hello wor-ld"}}'),
      'x|AÉ|ab|Hello Wor-Ld',
    );
    assert.equal(
      run('{{"foobar" | contains "oba"}} {{hasPrefix "f" "foo"}} {{hasSuffix "o" "foo"}}'),
      'true true true',
    );
    assert.equal(
      run('{{substr 1 3 "abcd"}}|{{trunc 2 "abcd"}}|{{trunc -2 "abcd"}}|{{repeat 2 "ab"}}'),
      'bc|ab|cd|abab',
    );
    assert.equal(
      run(
        '{{replace "a" "b" "aXa"}}|{{trimAll "$" "$x$"}}|{{trimPrefix "v" "v1"}}|{{trimSuffix ".0" "1.0"}}',
      ),
      'bXb|x|1|1',
    );
    assert.equal(
      run('{{quote "a" 1 nil}}|{{squote "a"}}|{{cat "a" 1 nil "b"}}|{{nospace " a b "}}'),
      '"a" "1"|\'a\'|a 1 b|ab',
    );
    assert.equal(run('{{indent 2 "a\\nb"}}|{{nindent 1 "x"}}'), '  a\n  b|\n x');
    assert.equal(
      run('{{split "," "a,b"}}|{{splitList "," "a,b"}}|{{join "-" (list 1 "a" nil)}}'),
      'map[_0:a _1:b]|[a b]|1-a',
    );
  });

  test('lists', () => {
    assert.equal(run('{{first .cpu.cpuid}}'), 'map[Name:AVX]');
    assert.equal(
      run('{{list 3 1 2 | last}} {{rest (list 1 2 3)}} {{initial (list 1 2 3)}} {{reverse (list 1 2)}}'),
      '2 [2 3] [1 2] [2 1]',
    );
    assert.equal(
      run(
        '{{has 2 (list 1 2)}} {{has 2.0 (list 1 2)}} {{uniq (list 1 1 "a" "a")}} {{sortAlpha (list "b" "a" "C")}}',
      ),
      'true false [1 a] [C a b]',
    );
    assert.equal(
      run(
        '{{append (list 1) 2}} {{prepend (list 1) 0}} {{concat (list 1) (list 2)}} {{without (list 1 2 3) 2}} {{compact (list 0 "" "x")}}',
      ),
      '[1 2] [0 1] [1 2] [1 3] [x]',
    );
    assert.equal(run('{{slice (list 1 2 3) 1}} {{first (list)}}'), '[2 3] <no value>');
  });

  test('dicts', () => {
    assert.equal(
      run(
        '{{$d := dict "a" 1 "b" 2}}{{get $d "a"}}|{{get $d "z"}}|{{hasKey $d "b"}}|{{keys $d | sortAlpha}}|{{pluck "a" $d (dict "a" 9)}}',
      ),
      '1||true|[a b]|[1 9]',
    );
    assert.equal(
      run(
        '{{$d := dict "a" 1}}{{set $d "b" 2}}|{{unset $d "a"}}|{{pick (dict "a" 1 "b" 2) "a"}}|{{omit (dict "a" 1 "b" 2) "a"}}',
      ),
      'map[a:1 b:2]|map[b:2]|map[a:1]|map[b:2]',
    );
  });

  test('defaults, conversion and JSON', () => {
    assert.equal(
      run(
        '{{default "d" ""}} {{default "d" "x"}} {{empty 0}} {{coalesce 0 "" "z"}} {{ternary "y" "n" false}}',
      ),
      'd x true z n',
    );
    assert.equal(
      run('{{atoi "42"}} {{int "0x1F"}} {{int64 "3.0"}} {{float64 "1.5"}} {{toString 12}}'),
      '42 31 3 1.5 12',
    );
    assert.equal(run('{{toJson (dict "a" "<b>" "n" (list 1 2.5))}}'), '{"a":"\\u003cb\\u003e","n":[1,2.5]}');
    assert.equal(run('{{(fromJson "{\\"a\\":[1,2]}").a}}'), '[1 2]');
  });

  test('math uses int64 with spf13/cast conversions', () => {
    assert.equal(
      run(
        '{{add 1 2 "3"}} {{sub 5 7}} {{mul 2 3 4}} {{div 7 2}} {{mod -7 3}} {{max 1 9 3}} {{min 4 2}} {{add1 1.9}}',
      ),
      '6 -2 24 3 -1 9 2 2',
    );
    assert.match(
      execError('{{div 1 0}}').message,
      /error calling div: runtime error: integer divide by zero/,
    );
  });

  test('regular expressions use Go RE2 semantics', () => {
    assert.equal(
      run('{{regexMatch "^[[:alpha:]]+$" "abc"}} {{regexMatch "(?i)AVX" "avx512"}} {{regexMatch "(" "x"}}'),
      'true true false',
    );
    assert.equal(
      run('{{regexFind "b+" "abbbc"}}|{{regexFindAll "a*" "baaa" -1}}|{{regexSplit "," "a,b,c" 2}}'),
      'bbb|[ aaa]|[a b,c]',
    );
    assert.equal(
      run(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp replacement syntax, not JS.
        '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}}|{{regexReplaceAllLiteral "b" "abc" "$1"}}|{{regexQuoteMeta "a.b"}}',
      ),
      '-W-xxW-|a$1c|a\\.b',
    );
    assert.match(
      execError('{{regexFind "(" "x"}}').message,
      /regexp: Compile\(`\(`\): error parsing regexp: missing closing \)/,
    );
  });

  test('semver and semverCompare follow Masterminds/semver v3', () => {
    assert.equal(
      run(
        '{{semverCompare ">=1.2.3" "1.10.0"}} {{semverCompare "^1.2" "2.0.0"}} {{semverCompare "~1.2.x" "1.2.9"}}',
      ),
      'true false true',
    );
    assert.equal(
      run(
        '{{semverCompare "1.2 - 1.4" "1.3.5"}} {{semverCompare ">1.0 <2.0 || >=3" "3.1.0"}} {{semverCompare ">=1.0" "1.5.0-rc1"}}',
      ),
      'true true false',
    );
    assert.equal(run('{{(semver "v1.2.3-rc.1+b").Minor}} {{semver "1.2"}}'), '2 1.2.0');
    assert.match(execError('{{semverCompare ">=1.0" "x"}}').message, /invalid semantic version/);
  });

  test('paths and base64', () => {
    assert.equal(
      run('{{base "/a/b.txt"}} {{dir "/a/b.txt"}} {{clean "a//b/../c"}} {{ext "x.tar.gz"}} {{isAbs "a"}}'),
      'b.txt /a a/c .gz false',
    );
    assert.equal(
      run('{{b64enc "hello"}} {{b64dec "aGVsbG8="}} {{b64dec "a.b"}}'),
      'aGVsbG8= hello illegal base64 data at input byte 1',
    );
  });
});

describe('expandMap (NFD Helper.ExpandMap)', () => {
  test('lines are trimmed with Go TrimSpace and split at the first "="', () => {
    assert.deepEqual(expandMap('  a = b  \n\n\tc=d=e\nf=\n=v\n', {}), {
      'a ': ' b',
      c: 'd=e',
      f: '',
      '': 'v',
    });
  });

  test('\\r, \\v and U+0085 are whitespace to Go; U+FEFF is not', () => {
    assert.deepEqual(expandMap('a=1\r\n\vb=2\u0085\n', {}), { a: '1', b: '2' });
    assert.deepEqual(expandMap('\ufeffc=3', {}), { '\ufeffc': '3' });
  });

  test('a line without "=" is an error with NFD\'s text', () => {
    assert.throws(
      () => expandMap('a=1\nb\n', {}),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message === `missing value in expanded template line "b", (format must be '<key>=<value>')`,
    );
  });

  test('the last duplicate wins; a parsed Template can be passed', () => {
    const t = parseTemplate('{{range .cpu.cpuid}}k={{.Name}}\n{{end}}');
    assert.deepEqual(expandMap(t, NFD), { k: 'AVX2' });
  });

  test('a template key "__proto__" is an ordinary key', () => {
    const out = expandMap('__proto__=x', {});
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, 'x');
  });

  test('execution errors propagate as TemplateError', () => {
    assert.throws(() => expandMap('{{.nope}}', { x: 1 }), TemplateError);
  });
});
