/* Reductions, cumsum, sort and topk. Expected values are worked out by hand (or with
 * Python's math/statistics modules) and written in. */
#include "helpers.h"

static int64_t ielem(const mg_tensor *t, int64_t i) {
  assert_int_equal(t->dtype, MG_INT64);
  assert_true(mg_is_contiguous(t));
  return ((const int64_t *)mg_data(t))[i];
}

static mg_tensor *m23(mg_dtype dt) { /* {{1,2,3},{4,5,6}} */
  return make(dt, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6));
}

static void test_sum(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(21), 0);
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(5, 7, 9), 0);
  expect(mg_reduce(MG_SUM, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(6, 15), 0);
  expect(mg_reduce(MG_SUM, t, 1, true, 0), MG_FLOAT32, 2, SHAPE(2, 1), VALS(6, 15), 0);
  expect(mg_reduce(MG_SUM, t, 0, true, 0), MG_FLOAT32, 2, SHAPE(1, 3), VALS(5, 7, 9), 0);
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, true, 0), MG_FLOAT32, 2, SHAPE(1, 1), VALS(21), 0);
  mg_release(t);
}

static void test_sum_dtypes(void **state) {
  mg_tensor *t = m23(MG_FLOAT64);
  expect(mg_reduce(MG_SUM, t, 1, false, 0), MG_FLOAT64, 1, SHAPE(2), VALS(6, 15), 0);
  mg_release(t);
  t = m23(MG_INT64);
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_INT64, 1, SHAPE(3), VALS(5, 7, 9), 0);
  expect(mg_reduce(MG_MEAN, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(2, 5), 0);
  mg_release(t);
  t = make(MG_BOOL, 2, SHAPE(2, 3), VALS(1, 0, 1, 1, 1, 0));
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, false, 0), MG_INT64, 0, NULL, VALS(4), 0);
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_INT64, 1, SHAPE(3), VALS(2, 1, 1), 0);
  expect(mg_reduce(MG_MEAN, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(2.0 / 3, 2.0 / 3), 1e-6);
  expect(mg_reduce(MG_PROD, t, 0, false, 0), MG_INT64, 1, SHAPE(3), VALS(1, 0, 0), 0);
  mg_release(t);
}

static void test_int64_exact(void **state) {
  /* 2^53 + 1 is not a double: sums, products, max and sort must not go through double. */
  mg_tensor *t = mg_empty(MG_INT64, 1, SHAPE(2));
  int64_t *p = mg_data(t);
  p[0] = 9007199254740992, p[1] = 1;
  mg_tensor *s = mg_reduce(MG_SUM, t, 0, false, 0);
  assert_int_equal(ielem(s, 0), 9007199254740993);
  mg_release(s);
  p[0] = 3037000499, p[1] = 3037000499;
  s = mg_reduce(MG_PROD, t, MG_ALL_DIMS, false, 0);
  assert_int_equal(ielem(s, 0), 9223372030926249001);
  mg_release(s);
  p[0] = 9007199254740992, p[1] = 9007199254740993;
  s = mg_reduce(MG_MAX, t, 0, false, 0);
  assert_int_equal(ielem(s, 0), 9007199254740993);
  mg_release(s);
  mg_tensor *v, *i;
  assert_int_equal(mg_sort(t, 0, true, &v, &i), 0);
  assert_int_equal(ielem(v, 0), 9007199254740993);
  assert_int_equal(ielem(i, 0), 1);
  mg_release(v), mg_release(i), mg_release(t);
}

static void test_mean_prod(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  expect(mg_reduce(MG_MEAN, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(3.5), 0);
  expect(mg_reduce(MG_MEAN, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(2.5, 3.5, 4.5), 0);
  expect(mg_reduce(MG_MEAN, t, 1, true, 0), MG_FLOAT32, 2, SHAPE(2, 1), VALS(2, 5), 0);
  expect(mg_reduce(MG_PROD, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(720), 0);
  expect(mg_reduce(MG_PROD, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(6, 120), 0);
  mg_release(t);
}

static void test_max_min(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 2, SHAPE(2, 3), VALS(1, 5, 5, 7, 0, 7)), *v = NULL, *i = NULL;
  assert_int_equal(mg_reduce_with_index(MG_MAX, t, 1, false, &v, &i), 0);
  expect(v, MG_FLOAT64, 1, SHAPE(2), VALS(5, 7), 0);
  expect(i, MG_INT64, 1, SHAPE(2), VALS(1, 0), 0); /* ties: the first */
  assert_int_equal(mg_reduce_with_index(MG_MIN, t, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT64, 2, SHAPE(1, 3), VALS(1, 0, 5), 0);
  expect(i, MG_INT64, 2, SHAPE(1, 3), VALS(0, 1, 0), 0);
  expect(mg_reduce(MG_MAX, t, MG_ALL_DIMS, false, 0), MG_FLOAT64, 0, NULL, VALS(7), 0);
  expect(mg_reduce(MG_MIN, t, 1, false, 0), MG_FLOAT64, 1, SHAPE(2), VALS(1, 0), 0);
  expect(mg_reduce(MG_ARGMAX, t, MG_ALL_DIMS, false, 0), MG_INT64, 0, NULL, VALS(3), 0);
  expect(mg_reduce(MG_ARGMIN, t, MG_ALL_DIMS, false, 0), MG_INT64, 0, NULL, VALS(4), 0);
  expect(mg_reduce(MG_ARGMAX, t, 0, false, 0), MG_INT64, 1, SHAPE(3), VALS(1, 0, 1), 0);
  expect(mg_reduce(MG_ARGMIN, t, 1, true, 0), MG_INT64, 2, SHAPE(2, 1), VALS(0, 1), 0);
  mg_release(t);
  t = make(MG_INT64, 1, SHAPE(4), VALS(-3, 8, 8, -9));
  expect(mg_reduce(MG_MAX, t, 0, false, 0), MG_INT64, 0, NULL, VALS(8), 0);
  expect(mg_reduce(MG_ARGMIN, t, 0, false, 0), MG_INT64, 0, NULL, VALS(3), 0);
  mg_release(t);
  t = make(MG_BOOL, 1, SHAPE(3), VALS(0, 1, 1));
  expect(mg_reduce(MG_MAX, t, 0, false, 0), MG_BOOL, 0, NULL, VALS(1), 0);
  expect(mg_reduce(MG_MIN, t, 0, false, 0), MG_BOOL, 0, NULL, VALS(0), 0);
  expect(mg_reduce(MG_ARGMAX, t, 0, false, 0), MG_INT64, 0, NULL, VALS(1), 0);
  mg_release(t);
}

static void test_max_nan(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 1, SHAPE(4), VALS(1, NAN, 3, NAN)), *v, *i;
  assert_int_equal(mg_reduce_with_index(MG_MAX, t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 0, NULL, VALS(NAN), 0);
  expect(i, MG_INT64, 0, NULL, VALS(1), 0);
  assert_int_equal(mg_reduce_with_index(MG_MIN, t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 0, NULL, VALS(NAN), 0);
  expect(i, MG_INT64, 0, NULL, VALS(1), 0);
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_FLOAT32, 0, NULL, VALS(NAN), 0);
  mg_release(t);
}

static void test_var_std(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 1, SHAPE(4), VALS(1, 2, 3, 4));
  expect(mg_reduce(MG_VAR, t, 0, false, 1), MG_FLOAT64, 0, NULL, VALS(1.6666666666666667), 1e-15);
  expect(mg_reduce(MG_VAR, t, MG_ALL_DIMS, false, 0), MG_FLOAT64, 0, NULL, VALS(1.25), 1e-15);
  expect(mg_reduce(MG_STD, t, 0, false, 1), MG_FLOAT64, 0, NULL, VALS(1.2909944487358056), 1e-15);
  expect(mg_reduce(MG_STD, t, 0, true, 0), MG_FLOAT64, 1, SHAPE(1), VALS(1.118033988749895), 1e-15);
  mg_release(t);
  t = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(1, 2, 3, 5));
  expect(mg_reduce(MG_VAR, t, 0, false, 1), MG_FLOAT32, 1, SHAPE(2), VALS(2, 4.5), 1e-6);
  expect(mg_reduce(MG_VAR, t, 1, false, 1), MG_FLOAT32, 1, SHAPE(2), VALS(0.5, 2), 1e-6);
  mg_release(t);
  t = make(MG_INT64, 1, SHAPE(1), VALS(7)); /* one element: unbiased variance is NaN */
  expect(mg_reduce(MG_VAR, t, 0, false, 1), MG_FLOAT32, 0, NULL, VALS(NAN), 0);
  expect(mg_reduce(MG_VAR, t, 0, false, 0), MG_FLOAT32, 0, NULL, VALS(0), 0);
  mg_release(t);
}

static void test_norm(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 1, SHAPE(2), VALS(3, -4));
  expect(mg_reduce(MG_NORM, t, MG_ALL_DIMS, false, 2), MG_FLOAT64, 0, NULL, VALS(5), 1e-15);
  expect(mg_reduce(MG_NORM, t, 0, false, 1), MG_FLOAT64, 0, NULL, VALS(7), 0);
  expect(mg_reduce(MG_NORM, t, 0, false, INFINITY), MG_FLOAT64, 0, NULL, VALS(4), 0);
  expect(mg_reduce(MG_NORM, t, 0, false, -INFINITY), MG_FLOAT64, 0, NULL, VALS(3), 0);
  expect(mg_reduce(MG_NORM, t, 0, false, 0), MG_FLOAT64, 0, NULL, VALS(2), 0);
  expect(mg_reduce(MG_NORM, t, 0, false, 3), MG_FLOAT64, 0, NULL, VALS(4.497941445275415), 1e-14);
  mg_release(t);
  t = make(MG_INT64, 2, SHAPE(2, 2), VALS(3, 4, 0, -2));
  expect(mg_reduce(MG_NORM, t, 1, false, 2), MG_FLOAT32, 1, SHAPE(2), VALS(5, 2), 1e-6);
  mg_release(t);
}

static void test_logsumexp(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 1, SHAPE(3), VALS(1, 2, 3));
  expect(mg_reduce(MG_LOGSUMEXP, t, 0, false, 0), MG_FLOAT64, 0, NULL, VALS(3.4076059644443806), 1e-15);
  mg_release(t);
  t = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(1000, 1000, 0.5, -1.5));
  expect(mg_reduce(MG_LOGSUMEXP, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(2),
         VALS(1000.6931471805599, 0.6269280110429726), 1e-7);
  mg_release(t);
  t = make(MG_FLOAT64, 2, SHAPE(3, 2), VALS(-INFINITY, -INFINITY, INFINITY, 1, 2, NAN));
  expect(mg_reduce(MG_LOGSUMEXP, t, 1, false, 0), MG_FLOAT64, 1, SHAPE(3),
         VALS(-INFINITY, INFINITY, NAN), 0);
  mg_release(t);
}

static void test_transposed(void **state) {
  mg_tensor *base = make(MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 9, 3, 4, 5, 6));
  mg_tensor *t = mg_transpose(base, 0, 1); /* {{1,4},{9,5},{3,6}} */
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(13, 15), 0);
  expect(mg_reduce(MG_SUM, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(5, 14, 9), 0);
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(28), 0);
  expect(mg_reduce(MG_ARGMAX, t, MG_ALL_DIMS, false, 0), MG_INT64, 0, NULL, VALS(2), 0);
  expect(mg_reduce(MG_ARGMAX, t, 1, false, 0), MG_INT64, 1, SHAPE(3), VALS(1, 0, 1), 0);
  expect(mg_reduce(MG_MAX, t, 0, true, 0), MG_FLOAT32, 2, SHAPE(1, 2), VALS(9, 6), 0);
  expect(mg_reduce(MG_MEAN, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(2), VALS(13.0 / 3, 5), 1e-6);
  expect(mg_cumsum(t, 0), MG_FLOAT32, 2, SHAPE(3, 2), VALS(1, 4, 10, 9, 13, 15), 0);
  mg_tensor *v, *i;
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 2, SHAPE(3, 2), VALS(1, 4, 3, 5, 9, 6), 0);
  expect(i, MG_INT64, 2, SHAPE(3, 2), VALS(0, 0, 2, 1, 1, 2), 0);
  mg_release(t), mg_release(base);
}

static void test_empty(void **state) {
  mg_tensor *t = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 3)), *v = NULL, *i = NULL;
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(0, 0, 0), 0);
  expect(mg_reduce(MG_SUM, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  expect(mg_reduce(MG_PROD, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(1, 1, 1), 0);
  expect(mg_reduce(MG_MEAN, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3), VALS(NAN, NAN, NAN), 0);
  expect(mg_reduce(MG_VAR, t, 0, false, 1), MG_FLOAT32, 1, SHAPE(3), VALS(NAN, NAN, NAN), 0);
  expect(mg_reduce(MG_LOGSUMEXP, t, 0, false, 0), MG_FLOAT32, 1, SHAPE(3),
         VALS(-INFINITY, -INFINITY, -INFINITY), 0);
  expect(mg_reduce(MG_NORM, t, 0, false, 2), MG_FLOAT32, 1, SHAPE(3), VALS(0, 0, 0), 0);
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(0), 0);
  expect(mg_reduce(MG_MEAN, t, MG_ALL_DIMS, false, 0), MG_FLOAT32, 0, NULL, VALS(NAN), 0);
  expect(mg_reduce(MG_MAX, t, 1, false, 0), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  assert_null(mg_reduce(MG_MAX, t, 0, false, 0));
  expect_error("max: cannot reduce over a zero-size dimension");
  assert_null(mg_reduce(MG_ARGMIN, t, MG_ALL_DIMS, false, 0));
  expect_error("argmin: cannot reduce over a zero-size dimension");
  assert_int_equal(mg_reduce_with_index(MG_MIN, t, 0, false, &v, &i), -1);
  assert_null(v), assert_null(i);
  expect(mg_cumsum(t, 0), MG_FLOAT32, 2, SHAPE(0, 3), NULL, 0);
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 2, SHAPE(0, 3), NULL, 0);
  expect(i, MG_INT64, 2, SHAPE(0, 3), NULL, 0);
  mg_release(t);
  t = mg_zeros(MG_INT64, 1, SHAPE(0));
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_INT64, 0, NULL, VALS(0), 0);
  expect(mg_reduce(MG_PROD, t, MG_ALL_DIMS, false, 0), MG_INT64, 0, NULL, VALS(1), 0);
  mg_release(t);
}

static void test_scalar(void **state) {
  mg_tensor *t = mg_scalar(MG_FLOAT64, 5), *v, *i;
  expect(mg_reduce(MG_SUM, t, 0, false, 0), MG_FLOAT64, 0, NULL, VALS(5), 0);
  expect(mg_reduce(MG_MEAN, t, MG_ALL_DIMS, true, 0), MG_FLOAT64, 0, NULL, VALS(5), 0);
  expect(mg_reduce(MG_ARGMAX, t, 0, false, 0), MG_INT64, 0, NULL, VALS(0), 0);
  expect(mg_cumsum(t, 0), MG_FLOAT64, 0, NULL, VALS(5), 0);
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT64, 0, NULL, VALS(5), 0);
  expect(i, MG_INT64, 0, NULL, VALS(0), 0);
  assert_int_equal(mg_topk(t, 1, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT64, 0, NULL, VALS(5), 0);
  expect(i, MG_INT64, 0, NULL, VALS(0), 0);
  assert_null(mg_reduce(MG_SUM, t, 1, false, 0));
  expect_error("sum: dimension 2 out of range (tensor has 0 dimensions)");
  mg_release(t);
}

/* Big enough to split over threads: full reductions in chunks, rows, and columns. */
static void test_large(void **state) {
  mg_tensor *t = mg_arange(0, 1000000, 1, MG_FLOAT64);
  expect(mg_reduce(MG_SUM, t, MG_ALL_DIMS, false, 0), MG_FLOAT64, 0, NULL, VALS(499999500000), 0);
  expect(mg_reduce(MG_VAR, t, 0, false, 1), MG_FLOAT64, 0, NULL, VALS(83333416666.66667), 1e-12);
  ((double *)mg_data(t))[777777] = 1e9;
  ((double *)mg_data(t))[900000] = 1e9;
  expect(mg_reduce(MG_ARGMAX, t, 0, false, 0), MG_INT64, 0, NULL, VALS(777777), 0);
  mg_tensor *f = mg_to(t, MG_FLOAT32);
  mg_tensor *rows = mg_reshape(f, 2, SHAPE(1000, 1000));
  ((float *)mg_data(f))[777777] = 777777, ((float *)mg_data(f))[900000] = 900000;
  double want_rows[1000], want_cols[1000];
  for (int i = 0; i < 1000; i++) {
    want_rows[i] = 1000000.0 * i + 499500; /* sum over j of 1000 i + j */
    want_cols[i] = 499500000.0 + 1000.0 * i; /* sum over r of 1000 r + i */
  }
  expect(mg_reduce(MG_SUM, rows, 1, false, 0), MG_FLOAT32, 1, SHAPE(1000), want_rows, 1e-7);
  expect(mg_reduce(MG_SUM, rows, 0, false, 0), MG_FLOAT32, 1, SHAPE(1000), want_cols, 1e-7);
  for (int i = 0; i < 1000; i++) want_cols[i] /= 1000;
  expect(mg_reduce(MG_MEAN, rows, 0, false, 0), MG_FLOAT32, 1, SHAPE(1000), want_cols, 1e-7);
  mg_release(rows), mg_release(f), mg_release(t);
}

/* Sums along a dim while another, contiguous one carries the outputs ("columns"). */
static void test_columns(void **state) {
  mg_tensor *t = mg_arange(0, 60, 1, MG_FLOAT32), *t3 = mg_reshape(t, 3, SHAPE(2, 3, 10));
  double want[20];
  for (int i = 0; i < 20; i++) want[i] = 90 * (i / 10) + 30 + 3 * (i % 10); /* 30b+10r+c over r */
  expect(mg_reduce(MG_SUM, t3, 1, false, 0), MG_FLOAT32, 2, SHAPE(2, 10), want, 0);
  for (int i = 0; i < 20; i++) want[i] /= 3;
  expect(mg_reduce(MG_MEAN, t3, 1, true, 0), MG_FLOAT32, 3, SHAPE(2, 1, 10), want, 1e-7);
  mg_tensor *tt = mg_transpose(t3, 1, 2); /* {2,10,3}: dim 1 contiguous */
  for (int i = 0; i < 20; i++) want[i] = 90 * (i / 10) + 30 + 3 * (i % 10);
  expect(mg_reduce(MG_SUM, tt, 2, false, 0), MG_FLOAT32, 2, SHAPE(2, 10), want, 0);
  for (int i = 0; i < 6; i++) want[i] = 300 * (i / 3) + 45 + 100 * (i % 3); /* over c */
  expect(mg_reduce(MG_SUM, tt, 1, false, 0), MG_FLOAT32, 2, SHAPE(2, 3), want, 0);
  mg_release(tt), mg_release(t3), mg_release(t);
  /* {300, 4} seen as {4, 300}: over 256 columns, float64 and int64 loads. */
  t = mg_arange(0, 1200, 1, MG_FLOAT64);
  t3 = mg_reshape(t, 2, SHAPE(300, 4));
  tt = mg_transpose(t3, 0, 1);
  double w300[300];
  for (int i = 0; i < 300; i++) w300[i] = 16 * i + 6; /* 4i + 4i+1 + 4i+2 + 4i+3 */
  expect(mg_reduce(MG_SUM, tt, 0, false, 0), MG_FLOAT64, 1, SHAPE(300), w300, 0);
  mg_tensor *ti = mg_to(tt, MG_INT64);
  for (int i = 0; i < 300; i++) w300[i] = 4 * i + 1.5;
  expect(mg_reduce(MG_MEAN, ti, 0, false, 0), MG_FLOAT32, 1, SHAPE(300), w300, 1e-7);
  mg_release(ti), mg_release(tt), mg_release(t3), mg_release(t);
}

static void test_cumsum(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  expect(mg_cumsum(t, 1), MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 3, 6, 4, 9, 15), 0);
  expect(mg_cumsum(t, 0), MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 2, 3, 5, 7, 9), 0);
  mg_release(t);
  t = m23(MG_INT64);
  expect(mg_cumsum(t, 1), MG_INT64, 2, SHAPE(2, 3), VALS(1, 3, 6, 4, 9, 15), 0);
  mg_release(t);
  t = make(MG_BOOL, 1, SHAPE(4), VALS(1, 0, 1, 1));
  expect(mg_cumsum(t, 0), MG_INT64, 1, SHAPE(4), VALS(1, 1, 2, 3), 0);
  mg_release(t);
  /* Rows and columns longer than a block. */
  t = mg_full(MG_FLOAT64, 2, SHAPE(2, 600), 1);
  double want[1200];
  for (int i = 0; i < 1200; i++) want[i] = i % 600 + 1;
  expect(mg_cumsum(t, 1), MG_FLOAT64, 2, SHAPE(2, 600), want, 0);
  for (int i = 0; i < 1200; i++) want[i] = i / 600 + 1;
  expect(mg_cumsum(t, 0), MG_FLOAT64, 2, SHAPE(2, 600), want, 0);
  assert_null(mg_cumsum(t, 2));
  expect_error("cumsum: dimension 3 out of range (tensor has 2 dimensions)");
  mg_release(t);
}

static void test_sort(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 1, SHAPE(4), VALS(3, 1, 2, 1)), *v, *i;
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 1, SHAPE(4), VALS(1, 1, 2, 3), 0);
  expect(i, MG_INT64, 1, SHAPE(4), VALS(1, 3, 2, 0), 0); /* ties keep their order */
  assert_int_equal(mg_sort(t, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT32, 1, SHAPE(4), VALS(3, 2, 1, 1), 0);
  expect(i, MG_INT64, 1, SHAPE(4), VALS(0, 2, 1, 3), 0);
  mg_release(t);
  t = make(MG_FLOAT64, 1, SHAPE(4), VALS(2, NAN, 1, NAN));
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT64, 1, SHAPE(4), VALS(1, 2, NAN, NAN), 0);
  expect(i, MG_INT64, 1, SHAPE(4), VALS(2, 0, 1, 3), 0);
  assert_int_equal(mg_sort(t, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT64, 1, SHAPE(4), VALS(NAN, NAN, 2, 1), 0);
  expect(i, MG_INT64, 1, SHAPE(4), VALS(1, 3, 0, 2), 0);
  mg_release(t);
  t = make(MG_BOOL, 2, SHAPE(2, 3), VALS(1, 0, 1, 0, 1, 0));
  assert_int_equal(mg_sort(t, 1, false, &v, &i), 0);
  expect(v, MG_BOOL, 2, SHAPE(2, 3), VALS(0, 1, 1, 0, 0, 1), 0);
  expect(i, MG_INT64, 2, SHAPE(2, 3), VALS(1, 0, 2, 0, 2, 1), 0);
  assert_int_equal(mg_sort(t, 2, false, &v, &i), -1);
  expect_error("sort: dimension 3 out of range (tensor has 2 dimensions)");
  mg_release(t);
}

/* A longer sort (past the insertion-sort cutoff): sorted, a permutation, stable. */
static void test_sort_long(void **state) {
  enum { N = 1000 };
  double x[N];
  for (int k = 0; k < N; k++) x[k] = (k * 7919) % 101; /* many ties */
  mg_tensor *t = make(MG_FLOAT32, 1, SHAPE(N), x), *v, *i;
  assert_int_equal(mg_sort(t, 0, false, &v, &i), 0);
  bool seen[N] = {false};
  for (int k = 0; k < N; k++) {
    int64_t j = ielem(i, k);
    assert_true(j >= 0 && j < N && !seen[j]);
    seen[j] = true;
    assert_true(at(v, k) == x[j]);
    if (k > 0) {
      assert_true(at(v, k - 1) <= at(v, k));
      if (at(v, k - 1) == at(v, k)) assert_true(ielem(i, k - 1) < j);
    }
  }
  mg_release(v), mg_release(i), mg_release(t);
}

static void test_topk(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 1, SHAPE(5), VALS(1, 5, 3, 5, 2)), *v = NULL, *i = NULL;
  assert_int_equal(mg_topk(t, 2, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT32, 1, SHAPE(2), VALS(5, 5), 0);
  expect(i, MG_INT64, 1, SHAPE(2), VALS(1, 3), 0);
  assert_int_equal(mg_topk(t, 3, 0, false, &v, &i), 0);
  expect(v, MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3), 0);
  expect(i, MG_INT64, 1, SHAPE(3), VALS(0, 4, 2), 0);
  assert_int_equal(mg_topk(t, 0, 0, true, &v, &i), 0);
  expect(v, MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  expect(i, MG_INT64, 1, SHAPE(0), NULL, 0);
  v = i = NULL;
  assert_int_equal(mg_topk(t, 6, 0, true, &v, &i), -1);
  expect_error("topk: k (6) is out of range for dimension 1 of size 5");
  assert_null(v), assert_null(i);
  assert_int_equal(mg_topk(t, -1, 0, true, &v, &i), -1);
  mg_release(t);
  t = m23(MG_INT64);
  assert_int_equal(mg_topk(t, 2, 1, true, &v, &i), 0);
  expect(v, MG_INT64, 2, SHAPE(2, 2), VALS(3, 2, 6, 5), 0);
  expect(i, MG_INT64, 2, SHAPE(2, 2), VALS(2, 1, 2, 1), 0);
  assert_int_equal(mg_topk(t, 1, 0, false, &v, &i), 0);
  expect(v, MG_INT64, 2, SHAPE(1, 3), VALS(1, 2, 3), 0);
  expect(i, MG_INT64, 2, SHAPE(1, 3), VALS(0, 0, 0), 0);
  assert_int_equal(mg_topk(t, 3, 0, false, &v, &i), -1);
  expect_error("topk: k (3) is out of range for dimension 1 of size 2");
  mg_release(t);
}

static void test_errors(void **state) {
  mg_tensor *t = m23(MG_FLOAT32), *v = NULL, *i = NULL;
  assert_null(mg_reduce(MG_SUM, t, 2, false, 0));
  expect_error("sum: dimension 3 out of range (tensor has 2 dimensions)");
  assert_null(mg_reduce(MG_LOGSUMEXP, t, -2, false, 0));
  assert_int_equal(strncmp(mg_last_error(), "logsumexp: ", 11), 0);
  assert_null(mg_reduce(MG_NUM_REDUCE_OPS, t, 0, false, 0));
  assert_int_equal(mg_reduce_with_index(MG_SUM, t, 0, false, &v, &i), -1);
  expect_error("reduce_with_index: expected max or min, got sum");
  assert_int_equal(mg_reduce_with_index(MG_MAX, t, 5, false, &v, &i), -1);
  expect_error("max: dimension 6 out of range (tensor has 2 dimensions)");
  assert_null(v), assert_null(i);
  assert_int_equal(mg_topk(t, 1, 3, true, &v, &i), -1);
  expect_error("topk: dimension 4 out of range (tensor has 2 dimensions)");
  assert_null(v), assert_null(i);
  mg_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sum),        cmocka_unit_test(test_sum_dtypes),
      cmocka_unit_test(test_int64_exact), cmocka_unit_test(test_mean_prod),
      cmocka_unit_test(test_max_min),    cmocka_unit_test(test_max_nan),
      cmocka_unit_test(test_var_std),    cmocka_unit_test(test_norm),
      cmocka_unit_test(test_logsumexp),  cmocka_unit_test(test_transposed),
      cmocka_unit_test(test_empty),      cmocka_unit_test(test_scalar),
      cmocka_unit_test(test_large),      cmocka_unit_test(test_columns),
      cmocka_unit_test(test_cumsum),
      cmocka_unit_test(test_sort),       cmocka_unit_test(test_sort_long),
      cmocka_unit_test(test_topk),       cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
