/**
 * src/go sits below everything (it imports nothing but itself) and src/template sits on it alone: both
 * are usable where no `node:` module exists. Read from the repository's source files.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

function srcDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root');
    dir = up;
  }
  return path.join(dir, 'src');
}

/** Every import specifier of the .ts files of one folder of src/, resolved against src/ when relative. */
function imports(folder: string): Array<{ file: string; spec: string }> {
  const root = srcDir();
  const out: Array<{ file: string; spec: string }> = [];
  for (const name of readdirSync(path.join(root, folder))) {
    if (!name.endsWith('.ts')) continue;
    const text = readFileSync(path.join(root, folder, name), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      out.push({
        file: `${folder}/${name}`,
        spec: spec.startsWith('.') ? path.relative(root, path.join(root, folder, spec)) : spec,
      });
    }
  }
  return out;
}

test('src/go imports only src/go and re2js', () => {
  const found = imports('go');
  assert.ok(found.length > 5, 'the import scan found too little');
  for (const { file, spec } of found) {
    assert.ok(spec.startsWith('go/') || spec === 're2js', `${file} imports ${spec}`);
  }
});

test('src/template imports only src/go, src/template and re2js', () => {
  for (const { file, spec } of imports('template')) {
    assert.ok(/^(go|template)\//.test(spec) || spec === 're2js', `${file} imports ${spec}`);
  }
});
