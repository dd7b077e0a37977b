import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Diagnostic, escapeControlChars, formatDiagnostic, formatDiagnostics } from '../src/errors.ts';

test('escapeControlChars: C0 (but tab and newline), DEL, C1 and line separators become \\uXXXX', () => {
  assert.equal(
    escapeControlChars('a\u001b[2Jb\u0007\r\u007f\u0085\u2028\t\n'),
    'a\\u001b[2Jb\\u0007\\u000d\\u007f\\u0085\\u2028\t\n',
  );
  assert.equal(escapeControlChars('plain ünïcode ✓'), 'plain ünïcode ✓');
  assert.equal(formatDiagnostic({ severity: 'error', message: 'x\u001by' }), 'error: x\\u001by');
});

test('formatDiagnostics: the first 100, then the rest counted by severity', () => {
  const w = (i: number): Diagnostic => ({ severity: 'warning', message: `w${i}` });
  const few = formatDiagnostics([w(1), w(2)]);
  assert.deepEqual(few, ['warning: w1', 'warning: w2']);
  const many = Array.from({ length: 100_050 }, (_, i) => w(i));
  many.push({ severity: 'error', message: 'e' });
  const lines = formatDiagnostics(many);
  assert.equal(lines.length, 101);
  assert.equal(lines[99], 'warning: w99');
  assert.equal(lines[100], '... and 1 more error and 99,950 more warnings (not shown)');
  assert.deepEqual(formatDiagnostics([w(1), w(2), w(3)], 2), [
    'warning: w1',
    'warning: w2',
    '... and 1 more warning (not shown)',
  ]);
});
