/** Compatibility specs used by the end-to-end tests, written to temp files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './proc.ts';
import { REPO_ROOT } from './tools.ts';

/** The bundled example spec (the seed document's), with its description replaced by `label`. */
export function validSpec(label: string): string {
  const base = readFileSync(join(REPO_ROOT, 'examples', 'spec.yaml'), 'utf8');
  const out = base.replace('My image requirements', label);
  if (out === base) throw new Error('examples/spec.yaml changed: update validSpec()');
  return out;
}

/** Line of INVALID_SPEC that holds the error (an unknown operator). */
export const INVALID_SPEC_LINE = 9;
/** A spec that parses as YAML but is invalid: `op: Bogus` on line 9. */
export const INVALID_SPEC = [
  'version: v1alpha1',
  'compatibilities:',
  '- description: "invalid on purpose"',
  '  rules:',
  '  - name: "bad operator"',
  '    matchFeatures:',
  '    - feature: cpu.model',
  '      matchExpressions:',
  '        vendor_id: {op: Bogus, value: ["Intel"]}',
  '',
].join('\n');

/** Writes `content` to `<fresh temp dir>/<name>` and returns the path. */
export function writeSpec(content: string | Buffer, name = 'spec.yaml'): string {
  const file = join(tempDir('imgcompat-e2e-spec-'), name);
  writeFileSync(file, content);
  return file;
}

/** A valid spec padded with a YAML comment to more than `bytes` bytes (for the 4 MiB cap). */
export function hugeSpec(bytes: number): string {
  const spec = validSpec('huge');
  const line = `# ${'x'.repeat(1000)}\n`;
  return spec + line.repeat(Math.ceil((bytes - spec.length) / line.length) + 1);
}

/** A spec of `n` compatibility sets (about 150 bytes each): seconds to load in-process at 20,000. */
export function slowSpec(n: number): string {
  const lines = ['version: v1alpha1', 'compatibilities:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `- description: "set ${i}"`,
      '  rules:',
      `  - name: "rule ${i}"`,
      '    matchFeatures:',
      '    - feature: cpu.cpuid',
      '      matchExpressions:',
      `        AVX${i}: {op: Exists}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
