/*
 * The cpuid addon: raw CPUID and XGETBV for the cpu feature source (github.com/klauspost/cpuid/v2 v2.4.0 cpuid_amd64.go).
 *
 * NFD gets its x86 flags from klauspost/cpuid, which executes CPUID and XGETBV directly. Node has no
 * way to run those instructions, so this tiny N-API module exposes exactly two functions:
 *   cpuid(leaf, subleaf) -> [eax, ebx, ecx, edx]   (unsigned 32-bit numbers)
 *   xgetbv(index)        -> [eax, edx]             (XCR[index] low and high halves)
 * On a non-x86 build both are absent (the module exports `supported: false`) so the loader falls back.
 * Only node_api.h is used, so the binary works with every Node version that has N-API 3+.
 */
#include <node_api.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define IMGCOMPAT_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#include <immintrin.h>
#else
#include <cpuid.h>
#endif
#endif

#ifdef IMGCOMPAT_X86
static void run_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
#if defined(_MSC_VER)
  int regs[4];
  __cpuidex(regs, (int)leaf, (int)subleaf);
  for (int i = 0; i < 4; i++) out[i] = (uint32_t)regs[i];
#else
  /* __cpuid_count does not check the max leaf (unlike __get_cpuid_count): NFD's rdt code and
   * klauspost call the instruction unconditionally too, and do their own max-leaf checks. */
  uint32_t a, b, c, d;
  __cpuid_count(leaf, subleaf, a, b, c, d);
  out[0] = a; out[1] = b; out[2] = c; out[3] = d;
#endif
}

static void run_xgetbv(uint32_t index, uint32_t out[2]) {
#if defined(_MSC_VER)
  unsigned long long v = _xgetbv(index);
  out[0] = (uint32_t)v; out[1] = (uint32_t)(v >> 32);
#else
  uint32_t a, d;
  /* The raw opcode (0f 01 d0) keeps this building with assemblers and -march levels without XSAVE. */
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(a), "=d"(d) : "c"(index));
  out[0] = a; out[1] = d;
#endif
}
#endif

static napi_value make_u32_array(napi_env env, const uint32_t *vals, uint32_t n) {
  napi_value arr, v;
  if (napi_create_array_with_length(env, n, &arr) != napi_ok) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    if (napi_create_uint32(env, vals[i], &v) != napi_ok) return NULL;
    if (napi_set_element(env, arr, i, v) != napi_ok) return NULL;
  }
  return arr;
}

static int get_u32_arg(napi_env env, napi_value *argv, size_t argc, size_t i, uint32_t *out) {
  if (i >= argc) { *out = 0; return 1; }
  napi_valuetype t;
  if (napi_typeof(env, argv[i], &t) != napi_ok) return 0;
  if (t == napi_undefined) { *out = 0; return 1; }
  if (t != napi_number) return 0;
  return napi_get_value_uint32(env, argv[i], out) == napi_ok;
}

#ifdef IMGCOMPAT_X86
static napi_value js_cpuid(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint32_t leaf, subleaf;
  if (!get_u32_arg(env, argv, argc, 0, &leaf) || !get_u32_arg(env, argv, argc, 1, &subleaf)) {
    napi_throw_type_error(env, NULL, "cpuid(leaf, subleaf) takes two unsigned 32-bit numbers");
    return NULL;
  }
  uint32_t regs[4];
  run_cpuid(leaf, subleaf, regs);
  return make_u32_array(env, regs, 4);
}

static napi_value js_xgetbv(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint32_t index;
  if (!get_u32_arg(env, argv, argc, 0, &index)) {
    napi_throw_type_error(env, NULL, "xgetbv(index) takes an unsigned 32-bit number");
    return NULL;
  }
  /* XGETBV faults (#UD) unless CPUID.1:ECX.OSXSAVE[27] is set: check first, return null otherwise. */
  uint32_t regs[4];
  run_cpuid(0, 0, regs);
  if (regs[0] < 1) { napi_value n; napi_get_null(env, &n); return n; }
  run_cpuid(1, 0, regs);
  if ((regs[2] & (1u << 27)) == 0) { napi_value n; napi_get_null(env, &n); return n; }
  uint32_t out[2];
  run_xgetbv(index, out);
  return make_u32_array(env, out, 2);
}
#endif

static napi_value init(napi_env env, napi_value exports) {
  napi_value v;
#ifdef IMGCOMPAT_X86
  napi_create_function(env, "cpuid", NAPI_AUTO_LENGTH, js_cpuid, NULL, &v);
  napi_set_named_property(env, exports, "cpuid", v);
  napi_create_function(env, "xgetbv", NAPI_AUTO_LENGTH, js_xgetbv, NULL, &v);
  napi_set_named_property(env, exports, "xgetbv", v);
  napi_get_boolean(env, 1, &v);
#else
  napi_get_boolean(env, 0, &v);
#endif
  napi_set_named_property(env, exports, "supported", v);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
