// Loads the seed spec (examples/spec.yaml) with the library's spec loader when it is built, or with
// a plain YAML parse otherwise (the seed spec has no YAML 1.1 scalars that would differ).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export function buildModule(path) {
  return import(pathToFileURL(join(root, 'build', 'src', path)).href);
}

export async function loadSeedSpec() {
  const file = join(root, 'examples', 'spec.yaml');
  const text = readFileSync(file, 'utf8');
  const loader = join(root, 'build', 'src', 'core', 'load', 'load-spec.js');
  if (existsSync(loader)) {
    const { loadSpec } = await import(pathToFileURL(loader).href);
    return loadSpec(text, { file }).spec;
  }
  const { parse } = await import('yaml');
  return parse(text);
}
