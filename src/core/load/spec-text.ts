/**
 * Spec bytes to text wherever they come from (a file, a registry or layout artifact, the library's
 * `loadSpec(bytes)`), through the one decoder NFD's YAML reader has (go-reader.ts): a BOM selects
 * UTF-16, invalid UTF-8 and control characters are errors in Go's words with the byte offset.
 */
import { type Diagnostic, SpecError } from '../../errors.ts';
import { readGoYamlText } from './go-reader.ts';

/** The text of `bytes`, or the error naming `source` (a file name or `repository@digest`). */
export function decodeSpecBytes(bytes: Uint8Array, source: string): { text: string } | { error: Diagnostic } {
  const read = readGoYamlText(bytes);
  if ('text' in read) return read;
  return {
    error: { severity: 'error', message: `${source}: yaml: ${read.problem} (at byte ${read.offset})` },
  };
}

/** The text of `bytes`; throws SpecError (exit 3) naming `source` when Go's reader refuses them. */
export function specTextOf(bytes: Uint8Array, source: string): string {
  const r = decodeSpecBytes(bytes, source);
  if ('error' in r) throw new SpecError(r.error.message);
  return r.text;
}
