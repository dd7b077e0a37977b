/** fast-check generators for Go RE2 patterns (valid and invalid) and inputs. */

import fc from 'fast-check';

// ---- generators -----------------------------------------------------------------------------------

const ATOMS = [
  'a',
  'b',
  'A',
  'x',
  '1',
  '_',
  '-',
  ' ',
  'é',
  '😀',
  '.',
  '\\.',
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\b',
  '\\B',
  '\\pL',
  '\\p{Greek}',
  '\\PL',
  '\\x41',
  '\\x{263a}',
  '\\141',
  '\\Qa.b\\E',
  '\\n',
  '\\t',
  '\\v',
  '\\f',
  '\\A',
  '\\z',
  '^',
  '$',
  '[abc]',
  '[^a]',
  '[a-z]',
  '[[:alpha:]]',
  '[[:digit:]_]',
  '[^[:space:]]',
  '[\\d.]',
  '[é-ü]',
  '(?P<n>a)',
  '(?<m>b)',
];

/** Constructs Go rejects (or treats specially): their error texts must agree too. */
const INVALID_ATOMS = [
  '(?=a)',
  '(?!a)',
  '(?<=a)',
  '\\1',
  'a**',
  'a{1001}',
  '\\C',
  '\\u0041',
  '[z-a]',
  '(',
  ')',
  '[',
  '\\',
  '*',
  '\\8',
  '(?P<n>a)(?P<n>b)',
  '[[:foo:]]',
  '\\pX',
  'x{2,1}',
];

type Gen = fc.Arbitrary<string>;

export const patternArb: Gen = fc.letrec<{ re: string; seq: string; piece: string }>((tie) => ({
  piece: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...ATOMS) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_ATOMS) },
    { weight: 2, arbitrary: tie('re').map((r) => `(${r})`) },
    { weight: 1, arbitrary: tie('re').map((r) => `(?:${r})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('i', 's', 'm', 'U', 'is', '-i', 'i-s'), tie('re'))
        .map(([f, r]) => `(?${f}:${r})`),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          tie('piece'),
          fc.constantFrom('*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{0,}', '{2,}?', '{,2}'),
        )
        .map(([p, q]) => p + q),
    },
  ),
  seq: fc.array(tie('piece'), { minLength: 0, maxLength: 4 }).map((ps) => ps.join('')),
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('seq'),
    fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `${a}|${b}`),
    fc.tuple(fc.constantFrom('(?i)', '(?s)', '(?m)', '(?U)', '(?im)'), tie('seq')).map(([f, s]) => f + s),
  ),
})).re;

const inputChar = fc.constantFrom(
  'a',
  'b',
  'A',
  'x',
  'B',
  '1',
  '_',
  '-',
  ' ',
  '\n',
  '\t',
  '\v',
  'é',
  '😀',
  '.',
  'α',
  'ab',
);
export const inputArb = fc.array(inputChar, { maxLength: 8 }).map((cs) => cs.join(''));
