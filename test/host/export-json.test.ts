import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fastGoJsonIndent, featuresJson, labelsJson, slowGoJsonIndent } from '../../src/host/export-json.ts';

test('features JSON: Go MarshalIndent layout, struct field order kept, map keys sorted by bytes', () => {
  const text = featuresJson({
    flags: { 'kernel.loadedmodule': { elements: { b: {}, a: {}, B: {} } } },
    attributes: { 'z.z': { elements: {} }, 'a.a': { elements: { y: '1', x: '2' } } },
    instances: {
      'pci.device': { elements: [{ attributes: { vendor: '8086', class: '0300' } }] },
      'usb.device': { elements: [] },
    },
  });
  assert.equal(
    text,
    [
      '{',
      '    "flags": {',
      '        "kernel.loadedmodule": {',
      '            "elements": {',
      '                "B": {},',
      '                "a": {},',
      '                "b": {}',
      '            }',
      '        }',
      '    },',
      '    "attributes": {',
      '        "a.a": {',
      '            "elements": {',
      '                "x": "2",',
      '                "y": "1"',
      '            }',
      '        },',
      '        "z.z": {',
      '            "elements": {}',
      '        }',
      '    },',
      '    "instances": {',
      '        "pci.device": {',
      '            "elements": [',
      '                {',
      '                    "attributes": {',
      '                        "class": "0300",',
      '                        "vendor": "8086"',
      '                    }',
      '                }',
      '            ]',
      '        },',
      '        "usb.device": {',
      '            "elements": []',
      '        }',
      '    }',
      '}',
    ].join('\n'),
  );
});

test("strings are escaped as Go's encoding/json does", () => {
  const text = labelsJson({ k: 'a<b>&c\u2028\u0001\b\f\t\n"\\é\ud800' });
  assert.equal(text, '{\n    "k": "a\\u003cb\\u003e\\u0026c\\u2028\\u0001\\b\\f\\t\\n\\"\\\\é\\ufffd"\n}');
  assert.equal(labelsJson({}), '{}');
});

test('backspace and form feed get the short escapes Go 1.22+ writes, as the report JSON does', () => {
  // encoding/json (Go >= 1.22) `encodeState.string`: `\b` and `\f`, not `\u0008` and `\u000c`.
  assert.equal(labelsJson({ '\b': '\f' }), '{\n    "\\b": "\\f"\n}');
  assert.equal(
    slowGoJsonIndent(['\b\f'], () => true),
    '[\n    "\\b\\f"\n]',
  );
});

test('map keys sort by UTF-8 bytes, also with astral characters', () => {
  // UTF-16 would put U+1F600 (surrogates D83D..) before U+FF21; UTF-8 bytes put it after (F0 > EF).
  const text = labelsJson({ '\u{1F600}': '1', '\uFF21': '2', b: '3', B: '4' });
  assert.deepEqual(
    [...text.matchAll(/"([^"]+)":/g)].map((m) => m[1]),
    ['B', 'b', '\uFF21', '\u{1F600}'],
  );
});

test('the JSON.stringify fast path prints exactly what the portable serialiser prints, or declines', () => {
  const mapAll = () => true;
  const featuresLike = (d: number, top: string) => d === 1 || (top === 'instances' ? d === 5 : d === 3);
  fc.assert(
    fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (labels) => {
      const fast = fastGoJsonIndent(labels, mapAll);
      if (fast !== undefined) assert.equal(fast, slowGoJsonIndent(labels, mapAll));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.dictionary(fc.string(), fc.dictionary(fc.string({ unit: 'grapheme-ascii' }), fc.string())),
      fc.array(fc.dictionary(fc.string(), fc.string()), { maxLength: 3 }),
      (attrs, insts) => {
        const features = {
          flags: {},
          attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { elements: v }])),
          instances: { 'x.y': { elements: insts.map((attributes) => ({ attributes })) } },
        };
        const fast = fastGoJsonIndent(features, featuresLike);
        if (fast !== undefined) assert.equal(fast, slowGoJsonIndent(features, featuresLike));
      },
    ),
    { numRuns: 200 },
  );
  // Declines where JSON.stringify and Go differ.
  assert.equal(fastGoJsonIndent({ a: '<' }, mapAll), undefined);
  assert.equal(fastGoJsonIndent({ a: '\ud800' }, mapAll), undefined);
  // JSON.stringify writes `\b` and `\f` as Go 1.22+ does: no need to decline.
  assert.equal(fastGoJsonIndent({ a: '\b' }, mapAll), '{\n    "a": "\\b"\n}');
  assert.equal(fastGoJsonIndent({ 10: 'x', 9: 'y' }, mapAll), undefined);
  assert.equal(fastGoJsonIndent({ b: 'x', a: 'y' }, mapAll), '{\n    "a": "y",\n    "b": "x"\n}');
});
