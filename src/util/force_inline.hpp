#pragma once
// For the few helpers the line parser calls several times per record. GCC 12 at -O2 kept
// dotted_quad_known and each parse_unsigned_known<T> out of line (together ~30 % of `inspect`
// in perf), paying a call and spills per field; inlining lets each call site keep its constants.

#if defined(__GNUC__) || defined(__clang__)
#define FLOWSLEUTH_FORCE_INLINE inline __attribute__((always_inline))
#else
#define FLOWSLEUTH_FORCE_INLINE inline
#endif

// The same for a lambda, written between its parameter list and its body.
#if defined(__GNUC__) || defined(__clang__)
#define FLOWSLEUTH_INLINE_LAMBDA __attribute__((always_inline))
#else
#define FLOWSLEUTH_INLINE_LAMBDA
#endif
