import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOsRelease } from '../../../src/host/sources/system.ts';

test('os-release parsing: quotes trimmed, FOO= skipped, last duplicate wins, CRLF tolerated', () => {
  assert.deepEqual(parseOsRelease('ID=test\nVERSION_ID=1.0\n'), {
    ID: 'test',
    VERSION_ID: '1.0',
    'VERSION_ID.major': '1',
    'VERSION_ID.minor': '0',
  });
  assert.deepEqual(parseOsRelease('NAME="A \\"b\\""\r\nEMPTY=\nID=x\nID=\'y\'\n# c=d\n bad=1\n'), {
    NAME: 'A \\"b\\',
    ID: 'y',
  });
});

test('VERSION_ID.major/minor only when non-empty, leading zeros kept', () => {
  const v = (id: string) => {
    const o = parseOsRelease(`VERSION_ID=${id}\n`);
    return [o['VERSION_ID.major'], o['VERSION_ID.minor']];
  };
  assert.deepEqual(v('22.04'), ['22', '04']);
  assert.deepEqual(v('12'), ['12', undefined]);
  assert.deepEqual(v('rolling'), [undefined, undefined]);
  assert.deepEqual(v('3.19.1'), ['3', '19']);
});
