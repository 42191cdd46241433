/* Tests of index_select, gather, scatter_add(_), index_add_, masked_fill(_) and one_hot. Expected values
 * are worked out by hand in the comments next to them. */
#include <stdio.h>

#include "helpers.h"

static const mg_dtype all_dtypes[] = {MG_FLOAT32, MG_FLOAT64, MG_INT64, MG_BOOL};

/* Shapes are written S(2, 3); the number of dims is the length of the array. */
#define S(...) ((int64_t[]){__VA_ARGS__})
#define NDIM(shape) ((int)(sizeof(shape) / sizeof(int64_t)))
#define T(dtype, shape, ...) make(dtype, NDIM(shape), shape, (double[]){__VA_ARGS__})
#define IDX(shape, ...) T(MG_INT64, shape, __VA_ARGS__)

/* 0, 1, 2, ... (mod 2 for bool) in the given shape. */
static mg_tensor *iota(mg_dtype dtype, int ndim, const int64_t *size) {
  mg_tensor *t = mg_empty(dtype, ndim, size);
  assert_non_null(t);
  char *p = mg_data(t);
  for (int64_t i = 0; i < mg_numel(t); i++)
    mg_store(dtype, p + i * (int64_t)mg_dtype_size(dtype), dtype == MG_BOOL ? i % 2 : i);
  return t;
}

/* t (any layout) has this dtype, shape and exactly these values in row-major order. */
#define EXPECT(t, dtype, shape, ...) check(t, dtype, NDIM(shape), shape, (double[]){__VA_ARGS__}, 0)
#define EXPECT_EMPTY(t, dtype, shape) check(t, dtype, NDIM(shape), shape, NULL, 0)

/* For bool, the values 0..11 of iota are i % 2. */
static double b(mg_dtype dtype, double v) {
  return dtype == MG_BOOL ? (double)((int64_t)v % 2) : v;
}

/* ---- index_select --------------------------------------------------------------------- */

static void test_index_select_dtypes(void **state) {
  for (size_t k = 0; k < sizeof all_dtypes / sizeof *all_dtypes; k++) {
    mg_dtype dt = all_dtypes[k];
    mg_tensor *t = iota(dt, 2, (int64_t[]){3, 4}); /* t[i][j] = 4i + j */
    mg_tensor *i0 = IDX(S(3), 2, 0, 2), *i1 = IDX(S(2), 3, 1);
    mg_tensor *r0 = mg_index_select(t, 0, i0), *r1 = mg_index_select(t, 1, i1);
    /* rows 2, 0, 2 */
    EXPECT(r0, dt, S(3, 4), b(dt, 8), b(dt, 9), b(dt, 10), b(dt, 11), b(dt, 0), b(dt, 1),
           b(dt, 2), b(dt, 3), b(dt, 8), b(dt, 9), b(dt, 10), b(dt, 11));
    /* columns 3, 1 */
    EXPECT(r1, dt, S(3, 2), b(dt, 3), b(dt, 1), b(dt, 7), b(dt, 5), b(dt, 11), b(dt, 9));
    mg_release(t), mg_release(i0), mg_release(i1), mg_release(r0), mg_release(r1);
  }
}

static void test_index_select_views(void **state) {
  mg_tensor *u = iota(MG_FLOAT32, 2, (int64_t[]){4, 3}); /* u[i][j] = 3i + j */
  mg_tensor *tt = mg_transpose(u, 0, 1);                  /* tt[i][j] = 3j + i, {3,4} */
  mg_tensor *i1 = IDX(S(1), 1), *i2 = IDX(S(2), 0, 3);
  mg_tensor *r = mg_index_select(tt, 0, i1);
  EXPECT(r, MG_FLOAT32, S(1, 4), 1, 4, 7, 10);
  mg_release(r);
  r = mg_index_select(tt, 1, i2);
  EXPECT(r, MG_FLOAT32, S(3, 2), 0, 9, 1, 10, 2, 11);
  mg_release(r);
  /* a narrowed tensor: rows of 2 contiguous elements, n[i][j] = 3i + j + 1 */
  mg_tensor *n = mg_narrow(u, 1, 1, 2);
  mg_tensor *i3 = IDX(S(2), 3, 0);
  r = mg_index_select(n, 0, i3);
  EXPECT(r, MG_FLOAT32, S(2, 2), 10, 11, 1, 2);
  mg_release(r);
  /* a non-contiguous index: column 0 of {{2,0},{1,1}} is {2,1} */
  mg_tensor *i2d = IDX(S(2, 2), 2, 0, 1, 1), *col = mg_select(i2d, 1, 0);
  r = mg_index_select(u, 0, col);
  EXPECT(r, MG_FLOAT32, S(2, 3), 6, 7, 8, 3, 4, 5);
  mg_release(r);
  /* a 0-d index selects one slice, keeping the dim */
  mg_tensor *s = mg_scalar(MG_INT64, 1);
  r = mg_index_select(u, 1, s);
  EXPECT(r, MG_FLOAT32, S(4, 1), 1, 4, 7, 10);
  mg_release(r);
  mg_release(u), mg_release(tt), mg_release(i1), mg_release(i2), mg_release(n);
  mg_release(i3), mg_release(i2d), mg_release(col), mg_release(s);
}

static void test_index_select_large(void **state) {
  /* Enough rows to be split over threads: out[i] = t[(7i) % 100], t[r][c] = 3r + c. */
  mg_tensor *t = iota(MG_FLOAT32, 2, (int64_t[]){100, 3});
  int64_t n = 70000;
  mg_tensor *idx = mg_empty(MG_INT64, 1, &n);
  int64_t *ip = mg_data(idx);
  for (int64_t i = 0; i < n; i++) ip[i] = (7 * i) % 100;
  mg_tensor *r = mg_index_select(t, 0, idx);
  assert_non_null(r);
  assert_int_equal(r->size[0], n);
  const float *rp = mg_data(r);
  for (int64_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++) assert_true(rp[i * 3 + c] == (float)(3 * ((7 * i) % 100) + c));
  /* the same along dim 1 of the transpose goes through the element-wise path */
  mg_tensor *tt = mg_transpose(t, 0, 1), *r2 = mg_index_select(tt, 1, idx);
  assert_non_null(r2);
  const float *p2 = mg_data(r2);
  for (int c = 0; c < 3; c++)
    for (int64_t i = 0; i < n; i++) assert_true(p2[c * n + i] == (float)(3 * ((7 * i) % 100) + c));
  mg_release(t), mg_release(idx), mg_release(r), mg_release(tt), mg_release(r2);
}

static void test_index_select_empty(void **state) {
  mg_tensor *t = iota(MG_FLOAT32, 2, (int64_t[]){3, 4});
  mg_tensor *none = mg_empty(MG_INT64, 1, (int64_t[]){0});
  mg_tensor *r = mg_index_select(t, 0, none);
  EXPECT_EMPTY(r, MG_FLOAT32, S(0, 4));
  mg_release(r);
  mg_tensor *z = mg_empty(MG_FLOAT64, 2, (int64_t[]){0, 3}), *i = IDX(S(2), 2, 0);
  r = mg_index_select(z, 1, i);
  EXPECT_EMPTY(r, MG_FLOAT64, S(0, 2));
  mg_release(r);
  /* an index into a dim of size 0 is out of range */
  assert_null(mg_index_select(z, 0, i));
  expect_error("index_select: index 3 is out of range for dimension 1 of size 0");
  mg_release(t), mg_release(none), mg_release(z), mg_release(i);
}

static void test_index_select_errors(void **state) {
  mg_tensor *t = iota(MG_FLOAT32, 2, (int64_t[]){2, 3});
  mg_tensor *f = T(MG_FLOAT32, S(1), 0), *i2 = IDX(S(2, 2), 0, 0, 0, 0);
  mg_tensor *bad = IDX(S(3), 0, 6, 9), *neg = IDX(S(1), -1), *ok = IDX(S(1), 0);
  assert_null(mg_index_select(t, 0, f));
  expect_error("index_select: expected an int64 index tensor, got float32");
  assert_null(mg_index_select(t, 0, i2));
  expect_error("index_select: expected a 1-D index tensor, got shape {2,2}");
  assert_null(mg_index_select(t, 1, bad));
  expect_error("index_select: index 7 is out of range for dimension 2 of size 3");
  assert_null(mg_index_select(t, 0, neg));
  expect_error("index_select: index 0 is out of range for dimension 1 of size 2");
  assert_null(mg_index_select(t, 2, ok));
  expect_error("index_select: dimension 3 out of range (tensor has 2 dimensions)");
  assert_null(mg_index_select(t, -1, ok));
  /* the arguments are unchanged */
  EXPECT(t, MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  EXPECT(bad, MG_INT64, S(3), 0, 6, 9);
  mg_release(t), mg_release(f), mg_release(i2), mg_release(bad), mg_release(neg), mg_release(ok);
}

/* ---- gather --------------------------------------------------------------------------- */

static void test_gather_dtypes(void **state) {
  for (size_t k = 0; k < sizeof all_dtypes / sizeof *all_dtypes; k++) {
    mg_dtype dt = all_dtypes[k];
    mg_tensor *t = iota(dt, 2, (int64_t[]){3, 3}); /* t[i][j] = 3i + j */
    mg_tensor *i1 = IDX(S(3, 2), 0, 0, 1, 0, 2, 2), *i0 = IDX(S(2, 3), 2, 1, 0, 0, 0, 0);
    /* out[i][j] = t[i][i1[i][j]] */
    mg_tensor *r = mg_gather(t, 1, i1);
    EXPECT(r, dt, S(3, 2), b(dt, 0), b(dt, 0), b(dt, 4), b(dt, 3), b(dt, 8), b(dt, 8));
    mg_release(r);
    /* out[i][j] = t[i0[i][j]][j] */
    r = mg_gather(t, 0, i0);
    EXPECT(r, dt, S(2, 3), b(dt, 6), b(dt, 4), b(dt, 2), b(dt, 0), b(dt, 1), b(dt, 2));
    mg_release(r);
    mg_release(t), mg_release(i0), mg_release(i1);
  }
}

static void test_gather_views(void **state) {
  mg_tensor *t = iota(MG_FLOAT32, 2, (int64_t[]){3, 3}); /* t[i][j] = 3i + j */
  mg_tensor *tt = mg_transpose(t, 0, 1);                  /* tt[i][j] = 3j + i */
  mg_tensor *i = IDX(S(3, 2), 0, 2, 1, 1, 2, 0);
  mg_tensor *r = mg_gather(tt, 1, i); /* 3 i[r][c] + r */
  EXPECT(r, MG_FLOAT32, S(3, 2), 0, 6, 4, 4, 8, 2);
  mg_release(r);
  /* a transposed index: {{0,1},{2,0}}^T = {{0,2},{1,0}} */
  mg_tensor *i0 = IDX(S(2, 2), 0, 1, 2, 0), *it = mg_transpose(i0, 0, 1);
  r = mg_gather(t, 1, it);
  EXPECT(r, MG_FLOAT32, S(2, 2), 0, 2, 4, 3);
  mg_release(r);
  /* an index smaller than t outside dim */
  mg_tensor *one = IDX(S(1, 1), 1);
  r = mg_gather(t, 0, one);
  EXPECT(r, MG_FLOAT32, S(1, 1), 3);
  mg_release(r);
  /* an index expanded along the trailing dim copies whole rows: rows 2 and 0 of u */
  mg_tensor *u = iota(MG_FLOAT32, 2, (int64_t[]){3, 4});
  mg_tensor *col = IDX(S(2, 1), 2, 0), *ex = mg_expand(col, 2, (int64_t[]){2, 4});
  r = mg_gather(u, 0, ex);
  EXPECT(r, MG_FLOAT32, S(2, 4), 8, 9, 10, 11, 0, 1, 2, 3);
  mg_release(r);
  /* 3-D: v[a][b][c] = 6a + 2b + c, out[a][0][c] = v[a][idx[a][0][c]][c] */
  mg_tensor *v = iota(MG_INT64, 3, (int64_t[]){2, 3, 2});
  mg_tensor *i3 = IDX(S(2, 1, 2), 2, 0, 1, 1);
  r = mg_gather(v, 1, i3);
  EXPECT(r, MG_INT64, S(2, 1, 2), 4, 1, 8, 9);
  mg_release(r);
  /* zero-size */
  mg_tensor *none = mg_empty(MG_INT64, 2, (int64_t[]){0, 3});
  r = mg_gather(t, 0, none);
  EXPECT_EMPTY(r, MG_FLOAT32, S(0, 3));
  mg_release(r);
  mg_release(t), mg_release(tt), mg_release(i), mg_release(i0), mg_release(it), mg_release(one);
  mg_release(u), mg_release(col), mg_release(ex), mg_release(v), mg_release(i3), mg_release(none);
}

static void test_gather_errors(void **state) {
  mg_tensor *t = iota(MG_FLOAT32, 2, (int64_t[]){3, 3});
  mg_tensor *f = T(MG_FLOAT32, S(1, 1), 0), *flat = IDX(S(2), 0, 1);
  mg_tensor *big = IDX(S(4, 1), 0, 0, 0, 0), *bad = IDX(S(1, 2), 1, 3);
  assert_null(mg_gather(t, 1, f));
  expect_error("gather: expected an int64 index tensor, got float32");
  assert_null(mg_gather(t, 1, flat));
  expect_error("gather: expected an index with as many dimensions as the tensor (2), got 1");
  assert_null(mg_gather(t, 1, big));
  expect_error("gather: index of shape {4,1} is larger than the tensor of shape {3,3} in "
               "dimension 1");
  assert_null(mg_gather(t, 1, bad));
  expect_error("gather: index 4 is out of range for dimension 2 of size 3");
  assert_null(mg_gather(t, 2, bad));
  expect_error("gather: dimension 3 out of range (tensor has 2 dimensions)");
  EXPECT(t, MG_FLOAT32, S(3, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8);
  EXPECT(bad, MG_INT64, S(1, 2), 1, 3);
  mg_release(t), mg_release(f), mg_release(flat), mg_release(big), mg_release(bad);
}

/* ---- scatter_add ---------------------------------------------------------------------- */

static void test_scatter_add_dtypes(void **state) {
  /* out[idx[i][j]][j] += src[i][j] along dim 0 from t = {{1,2,3},{4,5,6}}:
   * out[1][0] += 10 + 40, out[0][1] += 20, out[1][2] += 30, out[1][1] += 50, out[0][2] += 60 */
  for (size_t k = 0; k < 3; k++) {
    mg_dtype dt = all_dtypes[k];
    mg_tensor *t = T(dt, S(2, 3), 1, 2, 3, 4, 5, 6);
    mg_tensor *src = T(dt, S(2, 3), 10, 20, 30, 40, 50, 60);
    mg_tensor *idx = IDX(S(2, 3), 1, 0, 1, 1, 1, 0);
    mg_tensor *r = mg_scatter_add(t, 0, idx, src);
    EXPECT(r, dt, S(2, 3), 1, 22, 63, 54, 55, 36);
    EXPECT(t, dt, S(2, 3), 1, 2, 3, 4, 5, 6); /* the copy left t alone */
    assert_int_equal(mg_scatter_add_(t, 0, idx, src), 0);
    EXPECT(t, dt, S(2, 3), 1, 22, 63, 54, 55, 36);
    mg_release(t), mg_release(src), mg_release(idx), mg_release(r);
  }
  /* bool adds as logical or */
  mg_tensor *t = T(MG_BOOL, S(2, 3), 0, 0, 0, 0, 0, 1), *ones = T(MG_BOOL, S(1, 3), 1, 1, 1);
  mg_tensor *idx = IDX(S(1, 3), 1, 0, 1);
  assert_int_equal(mg_scatter_add_(t, 0, idx, ones), 0);
  EXPECT(t, MG_BOOL, S(2, 3), 0, 1, 0, 1, 0, 1);
  mg_release(t), mg_release(ones), mg_release(idx);
}

static void test_scatter_add_shapes(void **state) {
  /* dim 1: row 0 gets [1+2, 0, 0, 3], row 1 gets [0, 4+6, 5, 0] */
  mg_tensor *z = mg_zeros(MG_FLOAT32, 2, (int64_t[]){2, 4});
  mg_tensor *idx = IDX(S(2, 3), 0, 0, 3, 1, 2, 1), *src = T(MG_FLOAT32, S(2, 3), 1, 2, 3, 4, 5, 6);
  mg_tensor *r = mg_scatter_add(z, 1, idx, src);
  EXPECT(r, MG_FLOAT32, S(2, 4), 3, 0, 0, 3, 0, 10, 5, 0);
  mg_release(r);
  /* an index smaller than src uses src's leading corner: out[1][0] += 7, out[0][1] += 8 */
  mg_tensor *z2 = mg_zeros(MG_FLOAT32, 2, (int64_t[]){2, 3}), *i2 = IDX(S(1, 2), 1, 0);
  mg_tensor *s3 = T(MG_FLOAT32, S(3, 3), 7, 8, 9, 10, 11, 12, 13, 14, 15);
  r = mg_scatter_add(z2, 0, i2, s3);
  EXPECT(r, MG_FLOAT32, S(2, 3), 0, 8, 0, 7, 0, 0);
  mg_release(r);
  /* a zero-size index changes nothing */
  mg_tensor *none = mg_empty(MG_INT64, 2, (int64_t[]){0, 3});
  assert_int_equal(mg_scatter_add_(src, 0, none, src), 0);
  EXPECT(src, MG_FLOAT32, S(2, 3), 1, 2, 3, 4, 5, 6);
  mg_release(z), mg_release(idx), mg_release(src), mg_release(z2), mg_release(i2);
  mg_release(s3), mg_release(none);
}

static void test_scatter_add_views(void **state) {
  /* into a transposed destination: tt = base^T, tt[0][2] += 1 + 2, tt[1][0] += 3,
   * tt[1][1] += 4, so tt = {{0,0,3},{3,4,0}} and base = {{0,3},{0,4},{3,0}} */
  mg_tensor *base = mg_zeros(MG_FLOAT64, 2, (int64_t[]){3, 2}), *tt = mg_transpose(base, 0, 1);
  mg_tensor *idx = IDX(S(2, 2), 2, 2, 0, 1), *src = T(MG_FLOAT64, S(2, 2), 1, 2, 3, 4);
  assert_int_equal(mg_scatter_add_(tt, 1, idx, src), 0);
  EXPECT(base, MG_FLOAT64, S(3, 2), 0, 3, 0, 4, 3, 0);
  /* from a transposed src {{1,3},{2,4}} and a transposed index {{2,0},{2,1}} */
  mg_tensor *z = mg_zeros(MG_FLOAT64, 2, (int64_t[]){2, 3});
  mg_tensor *st = mg_transpose(src, 0, 1), *it = mg_transpose(idx, 0, 1);
  /* z[0][2] += 1, z[0][0] += 3, z[1][2] += 2, z[1][1] += 4 */
  assert_int_equal(mg_scatter_add_(z, 1, it, st), 0);
  EXPECT(z, MG_FLOAT64, S(2, 3), 3, 0, 1, 0, 4, 2);
  /* src sharing t's memory is read as it was before the call: {1,2,3} -> {1+3, 2, 3+1+2} */
  mg_tensor *v = T(MG_FLOAT32, S(3), 1, 2, 3), *i3 = IDX(S(3), 2, 2, 0);
  assert_int_equal(mg_scatter_add_(v, 0, i3, v), 0);
  EXPECT(v, MG_FLOAT32, S(3), 4, 2, 6);
  mg_release(base), mg_release(tt), mg_release(idx), mg_release(src), mg_release(z);
  mg_release(st), mg_release(it), mg_release(v), mg_release(i3);
}

static void test_scatter_add_large(void **state) {
  /* 100000 ones into 10 bins by i % 10: every bin gets 10000, whatever the threads do */
  int64_t n = 100000, bins = 10;
  mg_tensor *idx = mg_empty(MG_INT64, 1, &n), *ones = mg_full(MG_INT64, 1, &n, 1);
  int64_t *ip = mg_data(idx);
  for (int64_t i = 0; i < n; i++) ip[i] = i % bins;
  mg_tensor *z = mg_zeros(MG_INT64, 1, &bins), *r = mg_scatter_add(z, 0, idx, ones);
  EXPECT(r, MG_INT64, S(10), 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000,
         10000);
  mg_release(idx), mg_release(ones), mg_release(z), mg_release(r);
}

static void test_scatter_add_errors(void **state) {
  mg_tensor *t = T(MG_FLOAT32, S(2, 3), 1, 2, 3, 4, 5, 6);
  mg_tensor *src = T(MG_FLOAT32, S(2, 3), 10, 20, 30, 40, 50, 60);
  mg_tensor *src64 = T(MG_FLOAT64, S(2, 3), 10, 20, 30, 40, 50, 60);
  mg_tensor *fidx = T(MG_FLOAT32, S(2, 3), 0, 0, 0, 0, 0, 0);
  mg_tensor *late = IDX(S(2, 3), 0, 1, 0, 1, 1, 2); /* the last entry is out of range */
  mg_tensor *flat = IDX(S(3), 0, 1, 0), *wide = IDX(S(1, 4), 0, 0, 0, 0);
  mg_tensor *tall = IDX(S(3, 3), 0, 0, 0, 0, 0, 0, 0, 0, 0), *ok = IDX(S(1, 3), 0, 1, 0);
  for (int inplace = 0; inplace < 2; inplace++) {
    const char *what = inplace ? "scatter_add_" : "scatter_add";
    char msg[200];
#define TRY(dim, index, s)                                                                   \
  (inplace ? mg_scatter_add_(t, dim, index, s) : (mg_scatter_add(t, dim, index, s) ? 0 : -1))
    assert_int_equal(TRY(0, fidx, src), -1);
    snprintf(msg, sizeof msg, "%s: expected an int64 index tensor, got float32", what);
    expect_error(msg);
    assert_int_equal(TRY(0, ok, src64), -1);
    snprintf(msg, sizeof msg, "%s: expected src of the tensor's dtype float32, got float64", what);
    expect_error(msg);
    assert_int_equal(TRY(0, late, src), -1);
    snprintf(msg, sizeof msg, "%s: index 3 is out of range for dimension 1 of size 2", what);
    expect_error(msg);
    assert_int_equal(TRY(0, flat, src), -1);
    snprintf(msg, sizeof msg, "%s: expected an index with as many dimensions as the tensor "
             "(2), got 1", what);
    expect_error(msg);
    assert_int_equal(TRY(0, wide, src), -1);
    snprintf(msg, sizeof msg, "%s: index of shape {1,4} is larger than the tensor of shape "
             "{2,3} in dimension 2", what);
    expect_error(msg);
    assert_int_equal(TRY(0, tall, src), -1); /* fits t along dim 0, but not src */
    snprintf(msg, sizeof msg, "%s: index of shape {3,3} is larger than src of shape {2,3} in "
             "dimension 1", what);
    expect_error(msg);
    assert_int_equal(TRY(2, ok, src), -1);
    snprintf(msg, sizeof msg, "%s: dimension 3 out of range (tensor has 2 dimensions)", what);
    expect_error(msg);
#undef TRY
    EXPECT(t, MG_FLOAT32, S(2, 3), 1, 2, 3, 4, 5, 6);
    EXPECT(src, MG_FLOAT32, S(2, 3), 10, 20, 30, 40, 50, 60);
    EXPECT(late, MG_INT64, S(2, 3), 0, 1, 0, 1, 1, 2);
  }
  /* an expanded destination cannot be written in place */
  mg_tensor *row = T(MG_FLOAT32, S(1, 3), 1, 2, 3), *ex = mg_expand(row, 2, (int64_t[]){2, 3});
  assert_int_equal(mg_scatter_add_(ex, 0, ok, src), -1);
  expect_error("scatter_add_: cannot write into an expanded tensor (several elements share one "
               "memory location); clone it first");
  EXPECT(row, MG_FLOAT32, S(1, 3), 1, 2, 3);
  /* into a copy it works: out[0][0] += 10, out[1][1] += 20, out[0][2] += 30 */
  mg_tensor *r = mg_scatter_add(ex, 0, ok, src);
  EXPECT(r, MG_FLOAT32, S(2, 3), 11, 2, 33, 1, 22, 3);
  mg_release(t), mg_release(src), mg_release(src64), mg_release(fidx), mg_release(late);
  mg_release(flat), mg_release(wide), mg_release(tall), mg_release(ok), mg_release(row);
  mg_release(ex), mg_release(r);
}

/* ---- index_add_ ----------------------------------------------------------------------- */

static void test_index_add_dtypes(void **state) {
  /* rows of src into rows of t at index {2, 0, 2}: t[2] = {5,6} + {10,20} + {50,60},
   * t[0] = {1,2} + {30,40} */
  for (size_t k = 0; k < 3; k++) {
    mg_dtype dt = all_dtypes[k];
    mg_tensor *t = T(dt, S(3, 2), 1, 2, 3, 4, 5, 6), *idx = IDX(S(3), 2, 0, 2);
    mg_tensor *src = T(dt, S(3, 2), 10, 20, 30, 40, 50, 60);
    assert_int_equal(mg_index_add_(t, 0, idx, src), 0);
    EXPECT(t, dt, S(3, 2), 31, 42, 3, 4, 65, 86);
    EXPECT(src, dt, S(3, 2), 10, 20, 30, 40, 50, 60);
    mg_release(t), mg_release(src), mg_release(idx);
  }
  /* bool adds as logical or: t[2] = {1 or 0, 0 or 1}, t[0] stays {0, 0} */
  mg_tensor *t = mg_zeros(MG_BOOL, 2, (int64_t[]){3, 2}), *idx = IDX(S(3), 2, 0, 2);
  mg_tensor *src = T(MG_BOOL, S(3, 2), 1, 0, 0, 0, 0, 1);
  assert_int_equal(mg_index_add_(t, 0, idx, src), 0);
  EXPECT(t, MG_BOOL, S(3, 2), 0, 0, 0, 0, 1, 1);
  mg_release(t), mg_release(src), mg_release(idx);
}

static void test_index_add_shapes(void **state) {
  /* 1-D: {0,0,0}[0] += 1 + 2, [2] += 3 */
  mg_tensor *v = mg_zeros(MG_FLOAT32, 1, (int64_t[]){3}), *i3 = IDX(S(3), 0, 0, 2);
  mg_tensor *s3 = T(MG_FLOAT32, S(3), 1, 2, 3);
  assert_int_equal(mg_index_add_(v, 0, i3, s3), 0);
  EXPECT(v, MG_FLOAT32, S(3), 3, 0, 3);
  /* dim 2 of {2, 3} with index {2, 2, 0}: row 0 gets [2] += 1 + 2, [0] += 3; row 1 gets
   * [2] += 4 + 5, [0] += 6 */
  mg_tensor *z = mg_zeros(MG_FLOAT64, 2, (int64_t[]){2, 3}), *idx = IDX(S(3), 2, 2, 0);
  mg_tensor *src = T(MG_FLOAT64, S(2, 3), 1, 2, 3, 4, 5, 6);
  assert_int_equal(mg_index_add_(z, 1, idx, src), 0);
  EXPECT(z, MG_FLOAT64, S(2, 3), 3, 0, 3, 6, 0, 9);
  /* a source with fewer positions than t along dim: {2, 1} into {2, 3} at column 2 */
  mg_tensor *one = IDX(S(1), 1), *col = T(MG_FLOAT64, S(2, 1), 7, 8);
  assert_int_equal(mg_index_add_(z, 1, one, col), 0);
  EXPECT(z, MG_FLOAT64, S(2, 3), 3, 7, 3, 6, 8, 9);
  /* an empty index changes nothing */
  mg_tensor *none = mg_empty(MG_INT64, 1, (int64_t[]){0});
  mg_tensor *nothing = mg_empty(MG_FLOAT64, 2, (int64_t[]){0, 3});
  assert_int_equal(mg_index_add_(z, 0, none, nothing), 0);
  EXPECT(z, MG_FLOAT64, S(2, 3), 3, 7, 3, 6, 8, 9);
  mg_release(v), mg_release(i3), mg_release(s3), mg_release(z), mg_release(idx);
  mg_release(src), mg_release(one), mg_release(col), mg_release(none), mg_release(nothing);
}

static void test_index_add_views(void **state) {
  /* into a transposed t (the strided path), as in test_index_add_shapes: tt = {{3,0,3},
   * {6,0,9}}, so base = tt^T = {{3,6},{0,0},{3,9}} */
  mg_tensor *base = mg_zeros(MG_FLOAT32, 2, (int64_t[]){3, 2}), *tt = mg_transpose(base, 0, 1);
  mg_tensor *idx = IDX(S(3), 2, 2, 0), *src = T(MG_FLOAT32, S(2, 3), 1, 2, 3, 4, 5, 6);
  assert_int_equal(mg_index_add_(tt, 1, idx, src), 0);
  EXPECT(base, MG_FLOAT32, S(3, 2), 3, 6, 0, 0, 3, 9);
  /* from a transposed src and a strided index {2, 2, 0} (column 1 of a {3, 2} tensor) */
  mg_tensor *srct = T(MG_FLOAT32, S(3, 2), 1, 4, 2, 5, 3, 6), *st = mg_transpose(srct, 0, 1);
  mg_tensor *pairs = IDX(S(3, 2), 9, 2, 9, 2, 9, 0), *strided = mg_select(pairs, 1, 1);
  mg_tensor *z = mg_zeros(MG_FLOAT32, 2, (int64_t[]){2, 3});
  assert_int_equal(mg_index_add_(z, 1, strided, st), 0);
  EXPECT(z, MG_FLOAT32, S(2, 3), 3, 0, 3, 6, 0, 9);
  /* src sharing t's memory is read as it was before the call: {1,2,3} -> {1+3, 2, 3+1+2} */
  mg_tensor *v = T(MG_FLOAT32, S(3), 1, 2, 3);
  assert_int_equal(mg_index_add_(v, 0, idx, v), 0);
  EXPECT(v, MG_FLOAT32, S(3), 4, 2, 6);
  mg_release(base), mg_release(tt), mg_release(idx), mg_release(src), mg_release(srct);
  mg_release(st), mg_release(pairs), mg_release(strided), mg_release(z), mg_release(v);
}

static void test_index_add_large(void **state) {
  /* 100000 rows {1, 2, 3, 4} into 10 rows by i % 10 (large enough to be added in chunks):
   * every row gets 10000 times {1, 2, 3, 4} */
  int64_t n = 100000, bins = 10;
  mg_tensor *idx = mg_empty(MG_INT64, 1, &n), *rows = mg_empty(MG_INT64, 2, (int64_t[]){n, 4});
  mg_tensor *values = mg_empty(MG_FLOAT64, 2, (int64_t[]){n, 1});
  int64_t *ip = mg_data(idx), *rp = mg_data(rows);
  double *vp = mg_data(values);
  for (int64_t i = 0; i < n; i++) {
    ip[i] = i % bins, vp[i] = (double)i;
    for (int j = 0; j < 4; j++) rp[4 * i + j] = j + 1;
  }
  mg_tensor *sums = mg_zeros(MG_INT64, 2, (int64_t[]){bins, 4});
  assert_int_equal(mg_index_add_(sums, 0, idx, rows), 0);
  for (int64_t b = 0; b < bins; b++)
    for (int j = 0; j < 4; j++)
      assert_int_equal(((int64_t *)mg_data(sums))[4 * b + j], 10000 * (j + 1));
  /* the sum of i = 10 m + b for m < 10000 is 10 * 9999 * 10000 / 2 + 10000 b, exact in
   * float64 */
  mg_tensor *totals = mg_zeros(MG_FLOAT64, 2, (int64_t[]){bins, 1});
  assert_int_equal(mg_index_add_(totals, 0, idx, values), 0);
  for (int64_t b = 0; b < bins; b++)
    assert_true(((double *)mg_data(totals))[b] == 499950000.0 + 10000.0 * (double)b);
  mg_release(idx), mg_release(rows), mg_release(values), mg_release(sums), mg_release(totals);
}

static void test_index_add_errors(void **state) {
  mg_tensor *t = T(MG_FLOAT32, S(3, 2), 1, 2, 3, 4, 5, 6);
  mg_tensor *src = T(MG_FLOAT32, S(3, 2), 10, 20, 30, 40, 50, 60);
  mg_tensor *src64 = T(MG_FLOAT64, S(3, 2), 10, 20, 30, 40, 50, 60);
  mg_tensor *short_src = T(MG_FLOAT32, S(2, 2), 1, 2, 3, 4);
  mg_tensor *flat_src = T(MG_FLOAT32, S(6), 1, 2, 3, 4, 5, 6);
  mg_tensor *narrow_src = T(MG_FLOAT32, S(3, 1), 1, 2, 3);
  mg_tensor *fidx = T(MG_FLOAT32, S(3), 0, 1, 2), *square = IDX(S(1, 3), 0, 1, 2);
  mg_tensor *late = IDX(S(3), 0, 1, 3), *negative = IDX(S(3), 0, -1, 1), *ok = IDX(S(3), 0, 1, 0);
  assert_int_equal(mg_index_add_(t, 0, fidx, src), -1);
  expect_error("index_add_: expected an int64 index tensor, got float32");
  assert_int_equal(mg_index_add_(t, 0, square, src), -1);
  expect_error("index_add_: expected a 1-D index tensor, got shape {1,3}");
  assert_int_equal(mg_index_add_(t, 0, ok, src64), -1);
  expect_error("index_add_: expected source of the tensor's dtype float32, got float64");
  assert_int_equal(mg_index_add_(t, 0, ok, short_src), -1);
  expect_error("index_add_: expected source of the tensor's shape {3,2} with 3 along dimension "
               "1 (the index's length), got shape {2,2}");
  assert_int_equal(mg_index_add_(t, 0, ok, narrow_src), -1);
  expect_error("index_add_: expected source of the tensor's shape {3,2} with 3 along dimension "
               "1 (the index's length), got shape {3,1}");
  assert_int_equal(mg_index_add_(t, 0, ok, flat_src), -1);
  expect_error("index_add_: expected source of the tensor's shape {3,2} with 3 along dimension "
               "1 (the index's length), got shape {6}");
  assert_int_equal(mg_index_add_(t, 0, late, src), -1); /* checked before any write */
  expect_error("index_add_: index 4 is out of range for dimension 1 of size 3");
  assert_int_equal(mg_index_add_(t, 0, negative, src), -1);
  expect_error("index_add_: index 0 is out of range for dimension 1 of size 3");
  assert_int_equal(mg_index_add_(t, 2, ok, src), -1);
  expect_error("index_add_: dimension 3 out of range (tensor has 2 dimensions)");
  /* autograd does not record index_add_: it refuses a t or a source that requires grad */
  assert_int_equal(mg_set_requires_grad(t, true), 0);
  assert_int_equal(mg_index_add_(t, 0, ok, src), -1);
  error_has("index_add_: in-place change of a tensor that requires grad");
  assert_int_equal(mg_set_requires_grad(t, false), 0);
  assert_int_equal(mg_set_requires_grad(src, true), 0);
  assert_int_equal(mg_index_add_(t, 0, ok, src), -1);
  error_has("index_add_: in-place writes are not recorded by autograd");
  EXPECT(t, MG_FLOAT32, S(3, 2), 1, 2, 3, 4, 5, 6);
  /* an expanded destination cannot be written */
  mg_tensor *row = T(MG_FLOAT32, S(1, 2), 1, 2), *ex = mg_expand(row, 2, (int64_t[]){3, 2});
  assert_int_equal(mg_index_add_(ex, 0, ok, src64), -1); /* the dtype is checked first */
  expect_error("index_add_: expected source of the tensor's dtype float32, got float64");
  assert_int_equal(mg_set_requires_grad(src, false), 0);
  assert_int_equal(mg_index_add_(ex, 0, ok, src), -1);
  error_has("index_add_: cannot write into an expanded tensor");
  EXPECT(row, MG_FLOAT32, S(1, 2), 1, 2);
  mg_release(t), mg_release(src), mg_release(src64), mg_release(short_src);
  mg_release(flat_src), mg_release(narrow_src), mg_release(fidx), mg_release(square);
  mg_release(late), mg_release(negative), mg_release(ok), mg_release(row), mg_release(ex);
}

/* ---- masked_fill ---------------------------------------------------------------------- */

static void test_masked_fill_dtypes(void **state) {
  mg_tensor *mask = T(MG_BOOL, S(2, 3), 1, 0, 1, 0, 0, 1);
  mg_tensor *t = T(MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  mg_tensor *r = mg_masked_fill(t, mask, -1.5);
  EXPECT(r, MG_FLOAT32, S(2, 3), -1.5, 1, -1.5, 3, 4, -1.5);
  EXPECT(t, MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  assert_int_equal(mg_masked_fill_(t, mask, -1.5), 0);
  EXPECT(t, MG_FLOAT32, S(2, 3), -1.5, 1, -1.5, 3, 4, -1.5);
  mg_release(r);
  mg_tensor *d = T(MG_FLOAT64, S(2, 3), 0, 1, 2, 3, 4, 5);
  assert_int_equal(mg_masked_fill_(d, mask, 0.25), 0);
  EXPECT(d, MG_FLOAT64, S(2, 3), 0.25, 1, 0.25, 3, 4, 0.25);
  /* the value is cast to the dtype: 2.7 -> 2 for int64, 5 -> true for bool */
  mg_tensor *i = T(MG_INT64, S(2, 3), 0, 1, 2, 3, 4, 5);
  r = mg_masked_fill(i, mask, 2.7);
  EXPECT(r, MG_INT64, S(2, 3), 2, 1, 2, 3, 4, 2);
  mg_release(r);
  mg_tensor *bt = T(MG_BOOL, S(2, 3), 0, 0, 0, 1, 1, 1);
  r = mg_masked_fill(bt, mask, 5);
  EXPECT(r, MG_BOOL, S(2, 3), 1, 0, 1, 1, 1, 1);
  mg_release(r);
  r = mg_masked_fill(bt, mask, 0);
  EXPECT(r, MG_BOOL, S(2, 3), 0, 0, 0, 1, 1, 0);
  mg_release(r), mg_release(mask), mg_release(t), mg_release(d), mg_release(i), mg_release(bt);
}

static void test_masked_fill_broadcast(void **state) {
  mg_tensor *t = T(MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  mg_tensor *cols = T(MG_BOOL, S(3), 0, 1, 0), *rows = T(MG_BOOL, S(2, 1), 1, 0);
  mg_tensor *r = mg_masked_fill(t, cols, 9);
  EXPECT(r, MG_FLOAT32, S(2, 3), 0, 9, 2, 3, 9, 5);
  mg_release(r);
  assert_int_equal(mg_masked_fill_(t, rows, 7), 0);
  EXPECT(t, MG_FLOAT32, S(2, 3), 7, 7, 7, 3, 4, 5);
  /* out of place, the mask may grow the result: {3} with {2,1} gives {2,3} */
  mg_tensor *v = T(MG_INT64, S(3), 1, 2, 3);
  r = mg_masked_fill(v, rows, -4);
  EXPECT(r, MG_INT64, S(2, 3), -4, -4, -4, 1, 2, 3);
  mg_release(r);
  /* a 0-d mask */
  mg_tensor *yes = mg_scalar(MG_BOOL, 1);
  r = mg_masked_fill(v, yes, 0);
  EXPECT(r, MG_INT64, S(3), 0, 0, 0);
  mg_release(r);
  /* zero-size */
  mg_tensor *z = mg_empty(MG_FLOAT32, 2, (int64_t[]){0, 3});
  assert_int_equal(mg_masked_fill_(z, cols, 1), 0);
  r = mg_masked_fill(z, cols, 1);
  EXPECT_EMPTY(r, MG_FLOAT32, S(0, 3));
  mg_release(r);
  mg_release(t), mg_release(cols), mg_release(rows), mg_release(v), mg_release(yes), mg_release(z);
}

static void test_masked_fill_views(void **state) {
  /* into a transposed tensor: tt[i][j] = base[j][i]; tt[0][0] and tt[1][2] are filled,
   * that is base[0][0] and base[2][1] */
  mg_tensor *base = T(MG_FLOAT32, S(3, 2), 0, 1, 2, 3, 4, 5), *tt = mg_transpose(base, 0, 1);
  mg_tensor *mask = T(MG_BOOL, S(2, 3), 1, 0, 0, 0, 0, 1);
  assert_int_equal(mg_masked_fill_(tt, mask, 100), 0);
  EXPECT(base, MG_FLOAT32, S(3, 2), 100, 1, 2, 3, 4, 100);
  /* a transposed mask: {{1,0,0},{0,0,1}}^T = {{1,0},{0,0},{0,1}} */
  mg_tensor *mt = mg_transpose(mask, 0, 1), *c = T(MG_FLOAT32, S(3, 2), 0, 1, 2, 3, 4, 5);
  mg_tensor *r = mg_masked_fill(c, mt, -1);
  EXPECT(r, MG_FLOAT32, S(3, 2), -1, 1, 2, 3, 4, -1);
  mg_release(r);
  /* a mask that is another view of t's memory is read as it was: with b = {{0,1},{1,0}},
   * b^T = {{0,1},{1,0}} marks (0,1) and (1,0), and both are cleared */
  mg_tensor *bb = T(MG_BOOL, S(2, 2), 0, 1, 1, 0), *bt = mg_transpose(bb, 0, 1);
  assert_int_equal(mg_masked_fill_(bb, bt, 0), 0);
  EXPECT(bb, MG_BOOL, S(2, 2), 0, 0, 0, 0);
  /* a mask that is t itself */
  mg_tensor *self = T(MG_BOOL, S(3), 1, 0, 1);
  assert_int_equal(mg_masked_fill_(self, self, 0), 0);
  EXPECT(self, MG_BOOL, S(3), 0, 0, 0);
  mg_release(base), mg_release(tt), mg_release(mask), mg_release(mt), mg_release(c);
  mg_release(bb), mg_release(bt), mg_release(self);
}

static void test_masked_fill_errors(void **state) {
  mg_tensor *t = T(MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  mg_tensor *fm = T(MG_FLOAT32, S(2, 3), 1, 1, 1, 1, 1, 1), *m4 = T(MG_BOOL, S(4), 1, 1, 1, 1);
  mg_tensor *v = T(MG_FLOAT32, S(3), 1, 2, 3), *rows = T(MG_BOOL, S(2, 1), 1, 1);
  assert_null(mg_masked_fill(t, fm, 0));
  expect_error("masked_fill: expected a bool mask, got float32");
  assert_int_equal(mg_masked_fill_(t, fm, 0), -1);
  expect_error("masked_fill_: expected a bool mask, got float32");
  assert_null(mg_masked_fill(t, m4, 0));
  expect_error("masked_fill: shapes {2,3} and {4} cannot be broadcast (dimension 2: 3 vs 4)");
  assert_int_equal(mg_masked_fill_(t, m4, 0), -1);
  expect_error("masked_fill_: shapes {2,3} and {4} cannot be broadcast (dimension 2: 3 vs 4)");
  assert_int_equal(mg_masked_fill_(v, rows, 0), -1);
  expect_error("masked_fill_: a mask of shape {2,1} cannot be broadcast to the tensor's shape "
               "{3}");
  mg_tensor *ex = mg_expand(v, 2, (int64_t[]){2, 3});
  assert_int_equal(mg_masked_fill_(ex, rows, 0), -1);
  expect_error("masked_fill_: cannot write into an expanded tensor (several elements share one "
               "memory location); clone it first");
  EXPECT(t, MG_FLOAT32, S(2, 3), 0, 1, 2, 3, 4, 5);
  EXPECT(v, MG_FLOAT32, S(3), 1, 2, 3);
  mg_release(t), mg_release(fm), mg_release(m4), mg_release(v), mg_release(rows), mg_release(ex);
}

/* ---- one_hot -------------------------------------------------------------------------- */

static void test_one_hot(void **state) {
  mg_tensor *i = IDX(S(3), 0, 2, 1), *r = mg_one_hot(i, 3);
  EXPECT(r, MG_INT64, S(3, 3), 1, 0, 0, 0, 0, 1, 0, 1, 0);
  mg_release(r);
  r = mg_one_hot(i, 5);
  EXPECT(r, MG_INT64, S(3, 5), 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
  mg_release(r);
  /* inferred: max + 1 = 4 classes */
  mg_tensor *j = IDX(S(2), 1, 3);
  r = mg_one_hot(j, -1);
  EXPECT(r, MG_INT64, S(2, 4), 0, 1, 0, 0, 0, 0, 0, 1);
  mg_release(r);
  /* a transposed 2-D index {{0,1},{2,0}}^T = {{0,2},{1,0}} */
  mg_tensor *k = IDX(S(2, 2), 0, 1, 2, 0), *kt = mg_transpose(k, 0, 1);
  r = mg_one_hot(kt, 3);
  EXPECT(r, MG_INT64, S(2, 2, 3), 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0);
  mg_release(r);
  /* a 0-d index gives a 1-D row */
  mg_tensor *s = mg_scalar(MG_INT64, 2);
  r = mg_one_hot(s, 4);
  EXPECT(r, MG_INT64, S(4), 0, 0, 1, 0);
  mg_release(r);
  /* zero-size */
  mg_tensor *none = mg_empty(MG_INT64, 1, (int64_t[]){0});
  r = mg_one_hot(none, 5);
  EXPECT_EMPTY(r, MG_INT64, S(0, 5));
  mg_release(r);
  r = mg_one_hot(none, 0);
  EXPECT_EMPTY(r, MG_INT64, S(0, 0));
  mg_release(r);
  mg_release(i), mg_release(j), mg_release(k), mg_release(kt), mg_release(s), mg_release(none);
}

static void test_one_hot_errors(void **state) {
  mg_tensor *f = T(MG_FLOAT32, S(2), 0, 1), *big = IDX(S(2), 0, 3), *neg = IDX(S(2), 1, -1);
  mg_tensor *none = mg_empty(MG_INT64, 1, (int64_t[]){0});
  mg_tensor *deep = mg_zeros(MG_INT64, 8, (int64_t[]){1, 1, 1, 1, 1, 1, 1, 1});
  assert_null(mg_one_hot(f, 3));
  expect_error("one_hot: expected an int64 index tensor, got float32");
  assert_null(mg_one_hot(big, 3));
  expect_error("one_hot: class 4 is out of range for 3 classes");
  assert_null(mg_one_hot(neg, 3));
  expect_error("one_hot: class 0 is out of range for 3 classes");
  assert_null(mg_one_hot(neg, -1));
  expect_error("one_hot: class 0 is out of range (classes start at 1)");
  assert_null(mg_one_hot(none, -1));
  expect_error("one_hot: cannot infer the number of classes from an empty tensor");
  assert_null(mg_one_hot(deep, 2));
  expect_error("one_hot: expected an index with at most 7 dimensions, got 8");
  EXPECT(big, MG_INT64, S(2), 0, 3);
  mg_release(f), mg_release(big), mg_release(neg), mg_release(none), mg_release(deep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_index_select_dtypes), cmocka_unit_test(test_index_select_views),
      cmocka_unit_test(test_index_select_large),  cmocka_unit_test(test_index_select_empty),
      cmocka_unit_test(test_index_select_errors), cmocka_unit_test(test_gather_dtypes),
      cmocka_unit_test(test_gather_views),        cmocka_unit_test(test_gather_errors),
      cmocka_unit_test(test_scatter_add_dtypes),  cmocka_unit_test(test_scatter_add_shapes),
      cmocka_unit_test(test_scatter_add_views),   cmocka_unit_test(test_scatter_add_large),
      cmocka_unit_test(test_scatter_add_errors),  cmocka_unit_test(test_index_add_dtypes),
      cmocka_unit_test(test_index_add_shapes),    cmocka_unit_test(test_index_add_views),
      cmocka_unit_test(test_index_add_large),     cmocka_unit_test(test_index_add_errors),
      cmocka_unit_test(test_masked_fill_dtypes),
      cmocka_unit_test(test_masked_fill_broadcast), cmocka_unit_test(test_masked_fill_views),
      cmocka_unit_test(test_masked_fill_errors),  cmocka_unit_test(test_one_hot),
      cmocka_unit_test(test_one_hot_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
