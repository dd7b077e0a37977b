/**
 * fmt.Sprintf's handling of huge widths and precisions (issue 11 class 2). Expected values are what
 * Go 1.26's fmt prints for the same calls (print.go `tooLarge`, `parsenum`, `intFromArg`): a width or
 * precision over 1e6 in an argument is `%!(BADWIDTH)` / `%!(BADPREC)`, and a literal one that grows
 * past 1e6 while it is read swallows the rest of the format (`%!(NOVERB)`).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatTooLongError, MAX_SPRINTF_LENGTH, sprintf } from '../../src/go/fmt.ts';
import { float64, GoInt, T_INT } from '../../src/go/reflect.ts';

const int = (n: number) => new GoInt(T_INT, BigInt(n));

test('a literal precision or width over 1e6 ends the format like Go (no allocation)', () => {
  assert.equal(sprintf('%.999999999f', [float64(1)]), '%!(NOVERB)%!(EXTRA float64=1)');
  assert.equal(sprintf('%999999999d|', [int(1)]), '%!(NOVERB)%!(EXTRA int=1)');
  assert.equal(sprintf('%12345678901x', [int(1)]), '%!(NOVERB)%!(EXTRA int=1)');
});

test('a width or precision argument over 1e6 is BADWIDTH / BADPREC', () => {
  assert.equal(sprintf('%.*f', [int(99999999), float64(1)]), '%!(BADPREC)1.000000');
  assert.equal(sprintf('%*d', [int(1000001), int(1)]), '%!(BADWIDTH)1');
  assert.equal(sprintf('%*d', [int(-1000001), int(1)]), '%!(BADWIDTH)1');
});

test('widths up to what parsenum accepts still pad, and zeros before the width are flags', () => {
  assert.equal(sprintf('%1000001d', [int(1)]).length, 1000001);
  assert.equal(sprintf('%00000000000000000003d', [int(1)]), '001');
  assert.equal(sprintf('%.5', [int(1)]), '%!(NOVERB)%!(EXTRA int=1)');
});

test('the whole result is bounded: many large widths fail instead of allocating gigabytes', () => {
  const format = '%9999999d'.repeat(50);
  assert.throws(
    () =>
      sprintf(
        format,
        Array.from({ length: 50 }, () => int(1)),
      ),
    FormatTooLongError,
  );
  assert.ok(MAX_SPRINTF_LENGTH >= 9999999);
});
