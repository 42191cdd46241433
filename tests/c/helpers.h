/* Helpers shared by the cmocka tests in tests/c: building tensors from C arrays, reading
 * elements through strides, comparing a tensor with expected values, and checking error
 * messages. Everything is static inline (or a macro), so a test that leaves one unused
 * gets no warning. */
#ifndef MOONGRAD_TESTS_HELPERS_H
#define MOONGRAD_TESTS_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "moongrad.h"

#define SHAPE(...) ((const int64_t[]){__VA_ARGS__})
#define VALS(...) ((const double[]){__VA_ARGS__})

/* A contiguous tensor holding v[0..numel) in row-major order. */
static inline mg_tensor *make(mg_dtype dt, int ndim, const int64_t *size, const double *v) {
  mg_tensor *t = mg_empty(dt, ndim, size);
  assert_non_null(t);
  char *p = mg_data(t);
  for (int64_t i = 0; i < mg_numel(t); i++) mg_store(dt, p + i * (int64_t)mg_dtype_size(dt), v[i]);
  return t;
}

/* The index of element i (row-major order of t's logical shape). */
static inline void index_of(const mg_tensor *t, int64_t i, int64_t *idx) {
  for (int d = t->ndim - 1; d >= 0; d--) idx[d] = i % t->size[d], i /= t->size[d];
}

/* Element i of t in row-major order of its logical shape (read through its strides). */
static inline double at(const mg_tensor *t, int64_t i) {
  int64_t idx[MG_MAX_DIMS];
  index_of(t, i, idx);
  return mg_load(t->dtype, mg_element(t, idx));
}

/* The same for an int64 tensor, exactly (beyond 2^53 a double cannot carry the values). */
static inline int64_t iat(const mg_tensor *t, int64_t i) {
  int64_t idx[MG_MAX_DIMS];
  assert_int_equal(t->dtype, MG_INT64);
  index_of(t, i, idx);
  return *(const int64_t *)mg_element(t, idx);
}

/* Checks dtype, shape and values (|got - v| <= tol * (1 + |v|); NaN matches NaN, an
 * infinity only itself; tol 0 means exact). */
static inline void check(const mg_tensor *t, mg_dtype dt, int ndim, const int64_t *size,
                         const double *v, double tol) {
  if (!t) fail_msg("got NULL: %s", mg_last_error());
  if (t->dtype != dt)
    fail_msg("dtype: got %s, expected %s", mg_dtype_name(t->dtype), mg_dtype_name(dt));
  if (t->ndim != ndim) fail_msg("ndim: got %d, expected %d", t->ndim, ndim);
  for (int d = 0; d < ndim; d++) assert_int_equal(t->size[d], size[d]);
  for (int64_t i = 0; i < mg_numel(t); i++) {
    double got = at(t, i);
    bool ok = isnan(v[i]) ? isnan(got) : isinf(v[i]) ? got == v[i]
                                                      : fabs(got - v[i]) <= tol * (1 + fabs(v[i]));
    if (!ok) fail_msg("element %lld: got %.17g, expected %.17g", (long long)i, got, v[i]);
  }
}

/* check, then release t. */
static inline void expect(mg_tensor *t, mg_dtype dt, int ndim, const int64_t *size,
                          const double *v, double tol) {
  check(t, dt, ndim, size, v, tol);
  mg_release(t);
}

/* The last error message contains needle. */
static inline void error_has(const char *needle) {
  if (!strstr(mg_last_error(), needle))
    fail_msg("error message \"%s\" lacks \"%s\"", mg_last_error(), needle);
}

/* The last error message is exactly message. */
static inline void expect_error(const char *message) {
  assert_string_equal(mg_last_error(), message);
}

#endif /* MOONGRAD_TESTS_HELPERS_H */
