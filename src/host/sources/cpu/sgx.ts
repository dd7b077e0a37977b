/**
 * SGX EPC size for `cpu.security` `sgx.*` (NFD v0.19.0 source/cpu/security_amd64.go): the sum over CPUID leaf 0x12
 * subleaves 2..9, stopping at the first of type 0, of the type-1 (EPC section) sizes
 * `(ECX & 0xfffff000) + ((EDX & 0xfffff) << 32)` (klauspost `hasSGX`, NFD `sgx_amd64.go`).
 */
import type { CpuidDump } from '../../native/cpuid-dump.ts';

/** Total EPC bytes (a bigint: sections can exceed 2^53 in theory); 0n when SGX is absent. */
export function sgxEpcTotal(dump: CpuidDump, flags: ReadonlySet<string>): bigint {
  if (!flags.has('SGX')) return 0n;
  let total = 0n;
  for (let sub = 2; sub < 10; sub++) {
    const [eax, , ecx, edx] = dump.get(0x12, sub);
    const type = eax & 0xf;
    if (type === 0) break;
    if (type === 1) total += BigInt((ecx & 0xfffff000) >>> 0) + (BigInt(edx & 0xfffff) << 32n);
  }
  return total;
}
