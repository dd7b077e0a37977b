import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorize, displayWidth, goEscape, wrapText } from '../../../src/core/report/go-text.ts';

test('goEscape: go-pretty text.Escape re-opens the colour after inner resets', () => {
  const red = '\x1b[91m';
  assert.equal(goEscape('Ghost', ''), 'Ghost');
  assert.equal(goEscape('Ghost', red), '\x1b[91mGhost\x1b[0m');
  assert.equal(goEscape('\x1b[94mGhost\x1b[0mLady', red), '\x1b[94mGhost\x1b[0m\x1b[91mLady\x1b[0m');
  assert.equal(
    goEscape('Nymeria\x1b[94mGhost\x1b[0mLady', red),
    '\x1b[91mNymeria\x1b[94mGhost\x1b[0m\x1b[91mLady\x1b[0m',
  );
  assert.equal(
    goEscape('Nymeria \x1b[94mGhost\x1b[0m Lady', red),
    '\x1b[91mNymeria \x1b[94mGhost\x1b[0m\x1b[91m Lady\x1b[0m',
  );
  // NFD's title: bold around a text ending in a coloured status collapses the empty bold span.
  assert.equal(colorize('RULE: X - \x1b[42m OK \x1b[0m', [1], true), '\x1b[1mRULE: X - \x1b[42m OK \x1b[0m');
  assert.equal(colorize('x', [36, 1], false), 'x');
  assert.equal(colorize('x', [36, 1], true), '\x1b[36;1mx\x1b[0m');
});

test('wrapText: go-pretty text.WrapText', () => {
  assert.equal(wrapText('Ghost', 0), '');
  assert.equal(wrapText('Ghost', 1), 'G\nh\no\ns\nt');
  assert.equal(wrapText('Ghost', 2), 'Gh\nos\nt');
  assert.equal(wrapText('Ghost', 4), 'Ghos\nt');
  assert.equal(wrapText('Ghost', 5), 'Ghost');
  assert.equal(wrapText('Jon\nSnow', 2), 'Jo\nn\nSn\now');
  assert.equal(wrapText('Jon\nSnow\n', 3), 'Jon\nSno\nw\n');
  assert.equal(wrapText('\x1b[33mJon\x1b[0m\nSnow', 3), '\x1b[33mJon\x1b[0m\nSno\nw');
  assert.equal(
    wrapText('\x1b[33mJon Snow\x1b[0m', 3),
    '\x1b[33mJon\x1b[0m\n\x1b[33mSno\x1b[0m\n\x1b[33mw\x1b[0m',
  );
  assert.equal(
    wrapText('\x1b[33mJon Snow\n', 3),
    '\x1b[33mJon\x1b[0m\n\x1b[33mSno\x1b[0m\n\x1b[33mw\x1b[0m\n',
  );
  const table = '+---+------+-------+------+\n| 1 | Arya | Stark | 3000 |\n+---+------+-------+------+';
  assert.equal(wrapText(table, 27), table);
  assert.equal(
    wrapText('\x1b[91m\x1b[1mBold Title\x1b[22m Regular Red Text\x1b[0m', 23),
    '\x1b[91m\x1b[1mBold Title\x1b[22m Regular Red \x1b[0m\n\x1b[91mText\x1b[0m',
  );
  // Runs of spaces collapse once a line is wrapped (strings.Fields), tabs are four spaces.
  assert.equal(wrapText('a  b  c', 3), 'a b\nc');
  assert.equal(wrapText('a\tb', 10), 'a    b');
});

test('widths skip escape sequences and count wide runes as two columns', () => {
  assert.equal(displayWidth('\x1b[92mOK\x1b[0m'), 2);
  assert.equal(displayWidth('日本'), 4);
  assert.equal(displayWidth('e\u0301'), 1);
  assert.equal(displayWidth('😀'), 2);
  assert.equal(displayWidth('plain'), 5);
});
