{
  "targets": [
    {
      "target_name": "imgcompat_cpuid",
      "sources": ["cpuid.c"],
      "defines": ["NAPI_VERSION=3"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
