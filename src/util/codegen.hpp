#pragma once
// Code-generation hints for the line parser's hot path, kept in one place so each use stays a
// single word and compilers without them still build the code.

// For the few helpers the parser calls several times per record. GCC 12 at -O2 kept
// dotted_quad_known and each parse_unsigned_known<T> out of line (together ~30 % of `inspect`
// in perf), paying a call and spills per field; inlining lets each call site keep its constants.
#if defined(__GNUC__) || defined(__clang__)
#define FLOWSLEUTH_FORCE_INLINE inline __attribute__((always_inline))
#define FLOWSLEUTH_INLINE_LAMBDA __attribute__((always_inline))  // between a lambda's parameters and body
#else
#define FLOWSLEUTH_FORCE_INLINE inline
#define FLOWSLEUTH_INLINE_LAMBDA
#endif

// A second copy of a function compiled for x86-64-v3 (AVX2, BMI1/2: Haswell and later), picked at
// load time by the CPU the binary runs on; the build itself stays baseline x86-64 for any machine.
// On the default-layout parser the copy measured ~10 % fewer ns per record (VEX encoding, tzcnt,
// shlx in the field splitting). GCC only: clang 14 names the dispatcher of a cloned member function
// so that callers in other files do not link (the fuzz build broke), so clang builds get one copy.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(FLOWSLEUTH_NO_CLONES)
#define FLOWSLEUTH_X86_V3_CLONE __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FLOWSLEUTH_X86_V3_CLONE
#endif
