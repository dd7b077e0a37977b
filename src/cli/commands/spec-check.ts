/**
 * Validation of spec bytes before attach and after get, through the core loader (errors carry
 * file:line:column). Kept in one place so attach and get report the same way.
 */
import type { Diagnostic } from '../../errors.ts';

/**
 * Throws the loader's SpecError (exit 3, with line:column) when the bytes are not a valid spec (decoded as
 * Go's YAML reader decodes them: spec-text.ts); returns
 * the warnings otherwise. The loader is imported lazily: discover/remove never pay for the YAML stack.
 */
export async function checkSpec(bytes: Uint8Array, file: string): Promise<Diagnostic[]> {
  const { loadSpec } = await import('../../core/load/load-spec.ts');
  const { specTextOf } = await import('../../core/load/spec-text.ts');
  return loadSpec(specTextOf(bytes, file), { file }).warnings;
}
