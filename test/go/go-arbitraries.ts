/**
 * Strings for the differential tests of src/go: mostly any well-formed Unicode, weighted towards the
 * runes where Go and JavaScript disagree (full vs simple case mappings, title case, Go's space class,
 * runes newer than Go's Unicode tables, JSON's HTML and line-separator escapes, controls).
 * Lone surrogates are left out: a JSON query cannot carry one to Go (it would arrive as U+FFFD).
 */

import fc from 'fast-check';

export const TRICKY_RUNES = [
  'ᾳ',
  'ᾼ',
  'ᾀ',
  'ᾈ',
  'ῃ',
  'ῳ',
  'ß',
  'ẞ',
  'ŉ',
  'ǰ',
  'ΐ',
  'ﬀ',
  'İ',
  'ı',
  'ſ',
  'K',
  'Å',
  'µ',
  'ǅ',
  'ǆ',
  'Ǆ',
  'ǈ',
  'ǲ',
  'ა',
  'Ა',
  'Σ',
  'ς',
  'ꞔ',
  'Ꟁ',
  'ꟑ',
  '\u1c89',
  '\u1c8a',
  '\ua7cb',
  '\ua7dc',
  '\u{10d50}',
  '\u{10d70}',
  '\u{1e5d0}',
  '\u{16ea0}',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u180e',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\0',
  '\x07',
  '\b',
  '\x1b',
  '\x7f',
  '\u0080',
  '\u009f',
  '\u00ad',
  '\u0378',
  '\ue000',
  '\uffff',
  '\u{10ffff}',
  '\u{1f600}',
  '\u{e0001}',
  '<',
  '>',
  '&',
  '"',
  '\\',
  "'",
  '_',
  '-',
  '0',
  '٣',
  'é',
  'e\u0301',
];

const trickyRune = fc.constantFrom(...TRICKY_RUNES);
const asciiRune = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
const anyRune = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** A string of up to 12 runes from the three pools. */
export const goString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: trickyRune },
      { weight: 3, arbitrary: asciiRune },
      { weight: 2, arbitrary: anyRune },
    ),
    { maxLength: 12 },
  )
  .map((runes) => runes.join(''));

/** A code point, weighted towards the tricky ones and never a surrogate. */
export const goRune = fc.oneof(
  { weight: 1, arbitrary: trickyRune.map((c) => c.codePointAt(0)!) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).filter((r) => r < 0xd800 || r > 0xdfff) },
);
