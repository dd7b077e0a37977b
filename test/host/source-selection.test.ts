import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectSources } from '../../src/host/source-selection.ts';

const known = ['cpu', 'fake', 'kernel', 'local', 'pci', 'usb'].map((name) => ({
  name,
  disableByDefault: name === 'fake',
}));

test("NFD's -feature-sources syntax", () => {
  const cases: [string | undefined, string[], string[]][] = [
    [undefined, ['cpu', 'kernel', 'local', 'pci', 'usb'], []],
    ['all', ['cpu', 'kernel', 'local', 'pci', 'usb'], []],
    ['all,-pci', ['cpu', 'kernel', 'local', 'usb'], []],
    ['-pci,all', ['cpu', 'kernel', 'local', 'usb'], []], // disables apply after every enable
    ['kernel,cpu', ['cpu', 'kernel'], []],
    ['-pci', [], []], // only disables: nothing selected, as in NFD
    ['all,fake', ['cpu', 'fake', 'kernel', 'local', 'pci', 'usb'], []], // naming a supplemental source enables it
    ['fake', ['fake'], []],
    ['cpu,nosuch,-other', ['cpu'], ['nosuch', '-other']],
    [' cpu , kernel ,', ['cpu', 'kernel'], []],
    ['cpu,-cpu', [], []],
  ];
  for (const [list, enabled, unknown] of cases) {
    assert.deepEqual(selectSources(list, known), { enabled, unknown }, String(list));
  }
});
