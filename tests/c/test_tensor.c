/* Tensor objects: dtypes, creation, refcounting, views, copies, cat/stack, type promotion,
 * randomness and memory counters. Expected values are worked out by hand (or recorded from
 * NumPy 1.24 where a comment says so) and written in. */
#include "helpers.h"

/* The header fields a failed call must leave as they were. */
static void same_header(const mg_tensor *before, const mg_tensor *t) {
  assert_int_equal(t->dtype, before->dtype);
  assert_int_equal(t->ndim, before->ndim);
  assert_memory_equal(t->size, before->size, sizeof t->size);
  assert_memory_equal(t->stride, before->stride, sizeof t->stride);
  assert_int_equal(t->offset, before->offset);
  assert_ptr_equal(t->storage, before->storage);
  assert_int_equal(t->refcount, before->refcount);
}

static mg_tensor *m23(mg_dtype dt) { /* {{0,1,2},{3,4,5}} */
  return make(dt, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5));
}

/* ---- dtypes --------------------------------------------------------------------------- */

static void test_dtypes(void **state) {
  assert_int_equal(mg_dtype_size(MG_FLOAT32), 4);
  assert_int_equal(mg_dtype_size(MG_FLOAT64), 8);
  assert_int_equal(mg_dtype_size(MG_INT64), 8);
  assert_int_equal(mg_dtype_size(MG_BOOL), 1);
  assert_string_equal(mg_dtype_name(MG_FLOAT32), "float32");
  assert_string_equal(mg_dtype_name(MG_FLOAT64), "float64");
  assert_string_equal(mg_dtype_name(MG_INT64), "int64");
  assert_string_equal(mg_dtype_name(MG_BOOL), "bool");
  mg_dtype d = MG_BOOL;
  assert_int_equal(mg_dtype_from_name("float64", &d), 0);
  assert_int_equal(d, MG_FLOAT64);
  assert_int_equal(mg_dtype_from_name("int64", &d), 0);
  assert_int_equal(d, MG_INT64);
  assert_int_equal(mg_dtype_from_name("int32", &d), -1);
  assert_int_equal(d, MG_INT64);
  error_has("int32");
  assert_true(mg_dtype_is_float(MG_FLOAT32));
  assert_true(mg_dtype_is_float(MG_FLOAT64));
  assert_false(mg_dtype_is_float(MG_INT64));
  assert_false(mg_dtype_is_float(MG_BOOL));
}

static void test_load_store(void **state) {
  float f;
  double d;
  int64_t i;
  bool b;
  mg_store(MG_FLOAT32, &f, 0.1);
  assert_true(f == 0.1f);
  assert_true(mg_load(MG_FLOAT32, &f) == (double)0.1f);
  mg_store(MG_FLOAT64, &d, -2.75);
  assert_true(d == -2.75 && mg_load(MG_FLOAT64, &d) == -2.75);
  /* float to int64 truncates toward zero and saturates; NaN gives 0 (no UB) */
  static const struct {
    double in;
    int64_t out;
  } cases[] = {{2.9, 2}, {-2.9, -2}, {1e30, INT64_MAX}, {-1e30, INT64_MIN},
               {INFINITY, INT64_MAX}, {-INFINITY, INT64_MIN}, {NAN, 0},
               {9223372036854775808.0, INT64_MAX}, {-9223372036854775808.0, INT64_MIN}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    mg_store(MG_INT64, &i, cases[k].in);
    if (i != cases[k].out)
      fail_msg("store int64 %g: got %lld, expected %lld", cases[k].in, (long long)i,
               (long long)cases[k].out);
  }
  i = -5;
  assert_true(mg_load(MG_INT64, &i) == -5);
  mg_store(MG_BOOL, &b, 0.5);
  assert_true(b && mg_load(MG_BOOL, &b) == 1);
  mg_store(MG_BOOL, &b, NAN);
  assert_true(b);
  mg_store(MG_BOOL, &b, -0.0);
  assert_false(b);
  assert_true(mg_load(MG_BOOL, &b) == 0);
}

/* ---- creation ------------------------------------------------------------------------- */

static void test_empty_shapes(void **state) {
  mg_tensor *t = mg_empty(MG_FLOAT32, 3, SHAPE(2, 3, 4));
  assert_non_null(t);
  assert_int_equal(t->ndim, 3);
  assert_int_equal(t->size[0], 2);
  assert_int_equal(t->size[1], 3);
  assert_int_equal(t->size[2], 4);
  assert_int_equal(t->stride[0], 12);
  assert_int_equal(t->stride[1], 4);
  assert_int_equal(t->stride[2], 1);
  assert_int_equal(t->offset, 0);
  assert_int_equal(t->refcount, 1);
  assert_false(t->wrapped_number);
  assert_int_equal(mg_numel(t), 24);
  assert_true(mg_is_contiguous(t));
  assert_true(mg_storage_nbytes(t) >= 24 * 4);
  assert_ptr_equal(mg_element(t, (const int64_t[]){1, 2, 3}), (float *)mg_data(t) + 23);
  mg_release(t);

  t = mg_empty(MG_INT64, 0, NULL);
  assert_non_null(t);
  assert_int_equal(t->ndim, 0);
  assert_int_equal(mg_numel(t), 1);
  mg_release(t);

  t = mg_empty(MG_FLOAT64, 3, SHAPE(3, 0, 2));
  assert_non_null(t);
  assert_int_equal(mg_numel(t), 0);
  assert_int_equal(t->size[1], 0);
  mg_release(t);

  t = mg_empty(MG_BOOL, 8, SHAPE(1, 2, 1, 2, 1, 2, 1, 2));
  assert_non_null(t);
  assert_int_equal(t->ndim, 8);
  assert_int_equal(mg_numel(t), 16);
  mg_release(t);
}

static void test_zeros_full_scalar(void **state) {
  for (int d = 0; d < MG_NUM_DTYPES; d++)
    expect(mg_zeros((mg_dtype)d, 2, SHAPE(2, 2)), (mg_dtype)d, 2, SHAPE(2, 2), VALS(0, 0, 0, 0), 0);
  expect(mg_full(MG_FLOAT32, 2, SHAPE(1, 3), 2.5), MG_FLOAT32, 2, SHAPE(1, 3), VALS(2.5, 2.5, 2.5), 0);
  expect(mg_full(MG_FLOAT64, 1, SHAPE(2), -0.1), MG_FLOAT64, 1, SHAPE(2), VALS(-0.1, -0.1), 0);
  expect(mg_full(MG_INT64, 1, SHAPE(3), -7), MG_INT64, 1, SHAPE(3), VALS(-7, -7, -7), 0);
  expect(mg_full(MG_INT64, 1, SHAPE(1), 2.9), MG_INT64, 1, SHAPE(1), VALS(2), 0); /* truncates */
  expect(mg_full(MG_BOOL, 1, SHAPE(2), 2), MG_BOOL, 1, SHAPE(2), VALS(1, 1), 0);
  expect(mg_full(MG_FLOAT32, 1, SHAPE(0), 1), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  mg_tensor *s = mg_scalar(MG_FLOAT64, 3.25);
  check(s, MG_FLOAT64, 0, NULL, VALS(3.25), 0);
  assert_int_equal(mg_numel(s), 1);
  assert_false(s->wrapped_number);
  mg_release(s);
  s = mg_wrapped_number(2.5, false);
  check(s, MG_FLOAT64, 0, NULL, VALS(2.5), 0);
  assert_true(s->wrapped_number);
  mg_release(s);
  s = mg_wrapped_number(-4, true);
  check(s, MG_INT64, 0, NULL, VALS(-4), 0);
  assert_true(s->wrapped_number);
  mg_release(s);
}

static void test_arange(void **state) {
  expect(mg_arange(0, 5, 1, MG_INT64), MG_INT64, 1, SHAPE(5), VALS(0, 1, 2, 3, 4), 0);
  expect(mg_arange(0, 1, 0.25, MG_FLOAT32), MG_FLOAT32, 1, SHAPE(4), VALS(0, 0.25, 0.5, 0.75), 0);
  /* np.arange(5, 0, -1.5) = [5, 3.5, 2, 0.5] */
  expect(mg_arange(5, 0, -1.5, MG_FLOAT64), MG_FLOAT64, 1, SHAPE(4), VALS(5, 3.5, 2, 0.5), 0);
  expect(mg_arange(2, 2, 1, MG_FLOAT32), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  /* NumPy: len(np.arange(0, 1, 0.1)) == 10, and element 3 is 0.30000000000000004 */
  mg_tensor *t = mg_arange(0, 1, 0.1, MG_FLOAT64);
  assert_non_null(t);
  assert_int_equal(mg_numel(t), 10);
  assert_true(at(t, 3) == 0.30000000000000004);
  mg_release(t);

  assert_null(mg_arange(0, 5, 0, MG_FLOAT32));
  error_has("arange");
  assert_null(mg_arange(0, 5, -1, MG_FLOAT32));
  error_has("arange");
  assert_null(mg_arange(0, INFINITY, 1, MG_FLOAT32));
  error_has("arange");
  assert_null(mg_arange(NAN, 1, 1, MG_FLOAT32));
  error_has("arange");
  /* 1e14 float32 elements (400 TB) must fail cleanly */
  assert_null(mg_arange(0, 1e14, 1, MG_FLOAT32));
  assert_true(strlen(mg_last_error()) > 0);
}

static void test_linspace(void **state) {
  expect(mg_linspace(0, 1, 5, MG_FLOAT32), MG_FLOAT32, 1, SHAPE(5), VALS(0, 0.25, 0.5, 0.75, 1), 0);
  expect(mg_linspace(-1, 1, 3, MG_FLOAT64), MG_FLOAT64, 1, SHAPE(3), VALS(-1, 0, 1), 0);
  /* NumPy: np.linspace(0, 10, 4).astype(np.int64) = [0, 3, 6, 10] */
  expect(mg_linspace(0, 10, 4, MG_INT64), MG_INT64, 1, SHAPE(4), VALS(0, 3, 6, 10), 0);
  expect(mg_linspace(0, 1, 0, MG_FLOAT32), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
  /* NumPy: np.linspace(0, 0.3, 4)[3] == 0.3 exactly */
  mg_tensor *t = mg_linspace(0, 0.3, 4, MG_FLOAT64);
  check(t, MG_FLOAT64, 1, SHAPE(4), VALS(0, 0.1, 0.2, 0.3), 1e-15);
  assert_true(at(t, 3) == 0.3);
  assert_true(at(t, 0) == 0);
  mg_release(t);
  assert_null(mg_linspace(0, 1, -1, MG_FLOAT32));
  error_has("linspace");
}

static void test_linspace_one_step(void **state) {
  /* NumPy: np.linspace(3, 7, 1) = [3.]; PyTorch's linspace(3, 7, 1) is [3.] too */
  mg_tensor *t = mg_linspace(3, 7, 1, MG_FLOAT64);
  assert_non_null(t);
  int64_t n = mg_numel(t);
  double v = at(t, 0);
  mg_release(t); /* before asserting, so a failure leaks nothing */
  assert_int_equal(n, 1);
  if (v != 3) fail_msg("linspace(3, 7, 1): got [%g], expected [3]", v);
}

static void test_eye(void **state) {
  expect(mg_eye(2, 3, MG_FLOAT32), MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 0, 0, 0, 1, 0), 0);
  expect(mg_eye(3, 2, MG_BOOL), MG_BOOL, 2, SHAPE(3, 2), VALS(1, 0, 0, 1, 0, 0), 0);
  expect(mg_eye(3, 3, MG_INT64), MG_INT64, 2, SHAPE(3, 3), VALS(1, 0, 0, 0, 1, 0, 0, 0, 1), 0);
  expect(mg_eye(0, 0, MG_FLOAT64), MG_FLOAT64, 2, SHAPE(0, 0), NULL, 0);
  assert_null(mg_eye(-1, 2, MG_FLOAT32));
  assert_true(strlen(mg_last_error()) > 0);
}

static void test_creation_errors(void **state) {
  assert_null(mg_empty(MG_FLOAT32, 9, SHAPE(1, 1, 1, 1, 1, 1, 1, 1, 1)));
  error_has("empty");
  error_has("8");
  assert_null(mg_empty(MG_FLOAT32, -1, NULL));
  error_has("empty");
  assert_null(mg_empty(MG_FLOAT32, 2, SHAPE(2, -1)));
  error_has("empty");
  error_has("{2,-1}");
  assert_null(mg_zeros(MG_INT64, 1, SHAPE(-5)));
  error_has("{-5}");
  assert_null(mg_full(MG_FLOAT64, 1, SHAPE(-5), 1));
  error_has("{-5}");
  /* 10^27 elements: must be an error, not an overflow, abort or a huge malloc */
  const int64_t *huge = SHAPE(1000000000, 1000000000, 1000000000);
  assert_null(mg_empty(MG_FLOAT32, 3, huge));
  error_has("{1000000000,1000000000,1000000000}");
  for (int d = 0; d < MG_NUM_DTYPES; d++) assert_null(mg_zeros((mg_dtype)d, 3, huge));
  assert_null(mg_full(MG_FLOAT32, 3, huge, 1));
  assert_null(mg_rand(MG_FLOAT32, 3, huge));
  assert_null(mg_randn(MG_FLOAT64, 3, huge));
  assert_null(mg_randint(0, 9, MG_INT64, 3, huge));
  assert_null(mg_empty(MG_BOOL, 2, SHAPE(INT64_MAX, 2)));
  assert_null(mg_empty(MG_BOOL, 2, SHAPE(4294967296, 4294967296)));
  /* 2^47 bytes: beyond any machine here */
  assert_null(mg_zeros(MG_FLOAT64, 1, SHAPE((int64_t)1 << 44)));
  assert_null(mg_eye(1000000000, 1000000000, MG_FLOAT32));
}

/* DESIGN: errors name the function the caller called. */
static void test_constructor_errors_name_the_function(void **state) {
  assert_null(mg_zeros(MG_INT64, 1, SHAPE(-5)));
  error_has("zeros");
  assert_null(mg_full(MG_FLOAT64, 1, SHAPE(-5), 1));
  error_has("full");
  assert_null(mg_eye(-1, 2, MG_FLOAT32));
  error_has("eye");
}

/* ---- reference counting ----------------------------------------------------------------- */

static void test_refcount_views_keep_storage(void **state) {
  mg_tensor *base = m23(MG_FLOAT64);
  assert_ptr_equal(mg_retain(base), base);
  assert_int_equal(base->refcount, 2);
  mg_release(base);
  assert_int_equal(base->refcount, 1);

  mg_tensor *v = mg_narrow(base, 1, 1, 2);
  mg_tensor *row = mg_select(base, 0, 1);
  assert_true(mg_same_storage(v, base));
  assert_true(mg_same_storage(row, base));
  mg_release(base); /* the views still hold the storage */
  check(v, MG_FLOAT64, 2, SHAPE(2, 2), VALS(1, 2, 4, 5), 0);
  mg_tensor *vv = mg_transpose(v, 0, 1);
  mg_release(v);
  expect(vv, MG_FLOAT64, 2, SHAPE(2, 2), VALS(1, 4, 2, 5), 0);
  *(double *)mg_data(row) = 30;
  expect(row, MG_FLOAT64, 1, SHAPE(3), VALS(30, 4, 5), 0);
  mg_release(NULL); /* allowed, does nothing */
}

/* ---- views ---------------------------------------------------------------------------- */

static void test_view(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  mg_tensor *v = mg_view(t, 2, SHAPE(3, 2));
  assert_true(mg_same_storage(v, t));
  expect(v, MG_FLOAT32, 2, SHAPE(3, 2), VALS(0, 1, 2, 3, 4, 5), 0);
  v = mg_view(t, 1, SHAPE(-1));
  expect(v, MG_FLOAT32, 1, SHAPE(6), VALS(0, 1, 2, 3, 4, 5), 0);
  v = mg_view(t, 3, SHAPE(2, -1, 1));
  expect(v, MG_FLOAT32, 3, SHAPE(2, 3, 1), VALS(0, 1, 2, 3, 4, 5), 0);
  /* a view writes through to the base */
  v = mg_view(t, 1, SHAPE(6));
  *(float *)mg_element(v, (const int64_t[]){4}) = 40;
  mg_release(v);
  check(t, MG_FLOAT32, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 40, 5), 0);
  /* narrowed rows are still viewable */
  mg_tensor *rows = mg_narrow(t, 0, 1, 1);
  expect(mg_view(rows, 1, SHAPE(3)), MG_FLOAT32, 1, SHAPE(3), VALS(3, 40, 5), 0);
  mg_release(rows);

  mg_tensor before = *t;
  assert_null(mg_view(t, 2, SHAPE(4, 4)));
  assert_string_equal(mg_last_error(), "view: shape {4,4} is invalid for a tensor of shape {2,3} (6 elements)");
  assert_null(mg_view(t, 2, SHAPE(-1, -1)));
  error_has("view");
  assert_null(mg_view(t, 2, SHAPE(-2, -3)));
  error_has("view");
  assert_null(mg_view(t, 2, SHAPE(-1, 4)));
  error_has("view");
  assert_null(mg_view(t, 9, SHAPE(1, 1, 1, 1, 1, 1, 1, 2, 3)));
  error_has("view");
  same_header(&before, t);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  mg_tensor before_tt = *tt;
  assert_null(mg_view(tt, 1, SHAPE(6)));
  error_has("view");
  same_header(&before_tt, tt);
  same_header(&before, t); /* and no extra reference was left behind */
  mg_release(tt);
  mg_release(t);
}

/* A {2,3,1} tensor permuted to {2,1,3} is contiguous (only a size-1 dim moved): PyTorch's
 * x.permute(0, 2, 1).view(6) works and shares storage. */
static void test_view_of_contiguous_with_moved_size1_dim(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 3, SHAPE(2, 3, 1), VALS(0, 1, 2, 3, 4, 5));
  mg_tensor *p = mg_permute(t, (const int[]){0, 2, 1});
  check(p, MG_FLOAT32, 3, SHAPE(2, 1, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  assert_true(mg_is_contiguous(p));
  mg_tensor *v = mg_view(p, 1, SHAPE(6));
  mg_release(p);
  if (!v) {
    mg_release(t);
    fail_msg("view of a contiguous {2,1,3} tensor failed: %s", mg_last_error());
  }
  assert_true(mg_same_storage(v, t));
  mg_release(t);
  expect(v, MG_FLOAT32, 1, SHAPE(6), VALS(0, 1, 2, 3, 4, 5), 0);
}

static void test_reshape(void **state) {
  mg_tensor *t = m23(MG_FLOAT64);
  mg_tensor *r = mg_reshape(t, 2, SHAPE(3, -1));
  assert_true(mg_same_storage(r, t)); /* no copy needed */
  expect(r, MG_FLOAT64, 2, SHAPE(3, 2), VALS(0, 1, 2, 3, 4, 5), 0);
  mg_tensor *tt = mg_transpose(t, 0, 1); /* {{0,3},{1,4},{2,5}} */
  r = mg_reshape(tt, 1, SHAPE(6));
  assert_non_null(r);
  assert_false(mg_same_storage(r, t)); /* copied */
  assert_true(mg_is_contiguous(r));
  expect(r, MG_FLOAT64, 1, SHAPE(6), VALS(0, 3, 1, 4, 2, 5), 0);
  r = mg_reshape(tt, 2, SHAPE(2, 3));
  expect(r, MG_FLOAT64, 2, SHAPE(2, 3), VALS(0, 3, 1, 4, 2, 5), 0);
  /* splitting a dim of a transposed tensor needs no copy */
  r = mg_reshape(tt, 3, SHAPE(3, 2, 1));
  assert_true(mg_same_storage(r, t));
  expect(r, MG_FLOAT64, 3, SHAPE(3, 2, 1), VALS(0, 3, 1, 4, 2, 5), 0);

  mg_tensor before = *tt;
  assert_null(mg_reshape(tt, 1, SHAPE(4)));
  assert_string_equal(mg_last_error(), "reshape: shape {4} is invalid for a tensor of shape {3,2} (6 elements)");
  same_header(&before, tt);
  mg_release(tt);

  mg_tensor *s = mg_scalar(MG_INT64, 7);
  r = mg_reshape(s, 1, SHAPE(1));
  expect(r, MG_INT64, 1, SHAPE(1), VALS(7), 0);
  r = mg_reshape(s, 2, SHAPE(1, -1));
  expect(r, MG_INT64, 2, SHAPE(1, 1), VALS(7), 0);
  mg_release(s);
  mg_tensor *one = mg_full(MG_INT64, 2, SHAPE(1, 1), 9);
  expect(mg_reshape(one, 0, NULL), MG_INT64, 0, NULL, VALS(9), 0);
  mg_release(one);
  mg_tensor *e = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 4));
  expect(mg_reshape(e, 2, SHAPE(2, 0)), MG_FLOAT32, 2, SHAPE(2, 0), NULL, 0);
  assert_null(mg_reshape(e, 2, SHAPE(-1, 0))); /* -1 is ambiguous with 0 elements */
  error_has("reshape");
  mg_release(e);
  mg_release(t);
}

static void test_transpose(void **state) {
  mg_tensor *t = m23(MG_INT64);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  assert_int_equal(tt->stride[0], 1);
  assert_int_equal(tt->stride[1], 3);
  assert_false(mg_is_contiguous(tt));
  assert_true(mg_same_storage(tt, t));
  expect(tt, MG_INT64, 2, SHAPE(3, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  expect(mg_transpose(t, 1, 1), MG_INT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  mg_tensor before = *t;
  assert_null(mg_transpose(t, 0, 2));
  assert_string_equal(mg_last_error(), "transpose: dimension 3 out of range (tensor has 2 dimensions)");
  assert_null(mg_transpose(t, -1, 0));
  error_has("transpose");
  same_header(&before, t);
  mg_release(t);

  mg_tensor *c = make(MG_FLOAT32, 3, SHAPE(2, 1, 3), VALS(0, 1, 2, 3, 4, 5));
  expect(mg_transpose(c, 0, 2), MG_FLOAT32, 3, SHAPE(3, 1, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  mg_release(c);
}

static void test_permute(void **state) {
  double v[24];
  for (int i = 0; i < 24; i++) v[i] = i;
  mg_tensor *t = make(MG_FLOAT64, 3, SHAPE(2, 3, 4), v);
  mg_tensor *p = mg_permute(t, (const int[]){2, 0, 1});
  /* p[k][i][j] = t[i][j][k] = 12 i + 4 j + k */
  double want[24];
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++) want[k * 6 + i * 3 + j] = 12 * i + 4 * j + k;
  assert_true(mg_same_storage(p, t));
  expect(p, MG_FLOAT64, 3, SHAPE(4, 2, 3), want, 0);
  expect(mg_permute(t, (const int[]){0, 1, 2}), MG_FLOAT64, 3, SHAPE(2, 3, 4), v, 0);
  mg_tensor before = *t;
  assert_null(mg_permute(t, (const int[]){0, 0, 1}));
  error_has("permute");
  assert_null(mg_permute(t, (const int[]){0, 1, 3}));
  error_has("permute");
  same_header(&before, t);
  mg_release(t);
}

static void test_narrow(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 2, SHAPE(4, 3), VALS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
  mg_tensor *n = mg_narrow(t, 0, 1, 2);
  assert_true(mg_is_contiguous(n));
  assert_int_equal(n->offset, 3);
  expect(n, MG_FLOAT32, 2, SHAPE(2, 3), VALS(3, 4, 5, 6, 7, 8), 0);
  n = mg_narrow(t, 1, 1, 2);
  assert_false(mg_is_contiguous(n));
  check(n, MG_FLOAT32, 2, SHAPE(4, 2), VALS(1, 2, 4, 5, 7, 8, 10, 11), 0);
  /* narrowing a narrowed view composes the offsets */
  expect(mg_narrow(n, 0, 2, 2), MG_FLOAT32, 2, SHAPE(2, 2), VALS(7, 8, 10, 11), 0);
  mg_release(n);
  expect(mg_narrow(t, 0, 4, 0), MG_FLOAT32, 2, SHAPE(0, 3), NULL, 0);
  mg_tensor before = *t;
  assert_null(mg_narrow(t, 0, 3, 2));
  error_has("narrow");
  assert_null(mg_narrow(t, 0, -1, 2));
  error_has("narrow");
  assert_null(mg_narrow(t, 1, 0, 4));
  error_has("narrow");
  assert_null(mg_narrow(t, 2, 0, 1));
  error_has("narrow");
  same_header(&before, t);
  mg_release(t);
}

static void test_select(void **state) {
  mg_tensor *t = m23(MG_FLOAT64);
  expect(mg_select(t, 0, 1), MG_FLOAT64, 1, SHAPE(3), VALS(3, 4, 5), 0);
  expect(mg_select(t, 1, 2), MG_FLOAT64, 1, SHAPE(2), VALS(2, 5), 0);
  mg_tensor *row = mg_select(t, 0, 0);
  expect(mg_select(row, 0, 2), MG_FLOAT64, 0, NULL, VALS(2), 0);
  mg_release(row);
  mg_tensor before = *t;
  assert_null(mg_select(t, 0, 2));
  error_has("select");
  assert_null(mg_select(t, 1, -1));
  error_has("select");
  assert_null(mg_select(t, 2, 0));
  error_has("select");
  same_header(&before, t);
  mg_release(t);
}

static void test_squeeze_unsqueeze(void **state) {
  mg_tensor *t = make(MG_INT64, 3, SHAPE(1, 3, 1), VALS(7, 8, 9));
  expect(mg_squeeze(t, MG_ALL_DIMS), MG_INT64, 1, SHAPE(3), VALS(7, 8, 9), 0);
  expect(mg_squeeze(t, 0), MG_INT64, 2, SHAPE(3, 1), VALS(7, 8, 9), 0);
  expect(mg_squeeze(t, 2), MG_INT64, 2, SHAPE(1, 3), VALS(7, 8, 9), 0);
  expect(mg_squeeze(t, 1), MG_INT64, 3, SHAPE(1, 3, 1), VALS(7, 8, 9), 0); /* size 3: kept */
  mg_tensor before = *t;
  assert_null(mg_squeeze(t, 3));
  error_has("squeeze");
  same_header(&before, t);
  mg_tensor *one = mg_full(MG_FLOAT32, 2, SHAPE(1, 1), 4);
  expect(mg_squeeze(one, MG_ALL_DIMS), MG_FLOAT32, 0, NULL, VALS(4), 0);
  mg_release(one);
  mg_release(t);

  t = m23(MG_FLOAT32);
  expect(mg_unsqueeze(t, 0), MG_FLOAT32, 3, SHAPE(1, 2, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  expect(mg_unsqueeze(t, 1), MG_FLOAT32, 3, SHAPE(2, 1, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  mg_tensor *u = mg_unsqueeze(t, 2);
  assert_true(mg_is_contiguous(u));
  expect(u, MG_FLOAT32, 3, SHAPE(2, 3, 1), VALS(0, 1, 2, 3, 4, 5), 0);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  expect(mg_unsqueeze(tt, 1), MG_FLOAT32, 3, SHAPE(3, 1, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  mg_release(tt);
  before = *t;
  assert_null(mg_unsqueeze(t, 3));
  error_has("unsqueeze");
  assert_null(mg_unsqueeze(t, -1));
  error_has("unsqueeze");
  same_header(&before, t);
  mg_release(t);
  mg_tensor *s = mg_scalar(MG_FLOAT64, 5);
  expect(mg_unsqueeze(s, 0), MG_FLOAT64, 1, SHAPE(1), VALS(5), 0);
  mg_release(s);
  mg_tensor *big = mg_zeros(MG_FLOAT32, 8, SHAPE(1, 1, 1, 1, 1, 1, 1, 2));
  assert_null(mg_unsqueeze(big, 0));
  error_has("unsqueeze");
  mg_release(big);
}

static void test_expand(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3));
  mg_tensor *e = mg_expand(t, 3, SHAPE(2, 3, 4));
  assert_true(mg_same_storage(e, t));
  assert_false(mg_is_contiguous(e));
  double want[24];
  for (int b = 0; b < 2; b++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 4; j++) want[b * 12 + i * 4 + j] = i + 1;
  expect(e, MG_FLOAT32, 3, SHAPE(2, 3, 4), want, 0);
  expect(mg_expand(t, 2, SHAPE(-1, 2)), MG_FLOAT32, 2, SHAPE(3, 2), VALS(1, 1, 2, 2, 3, 3), 0);
  expect(mg_expand(t, 2, SHAPE(3, 1)), MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3), 0);
  expect(mg_expand(t, 2, SHAPE(3, 0)), MG_FLOAT32, 2, SHAPE(3, 0), NULL, 0);
  mg_tensor before = *t;
  assert_null(mg_expand(t, 2, SHAPE(2, 4)));
  error_has("expand");
  error_has("{3,1}");
  assert_null(mg_expand(t, 1, SHAPE(3)));
  error_has("expand");
  assert_null(mg_expand(t, 3, SHAPE(-1, 3, 1))); /* -1 on a new leading dim */
  error_has("expand");
  same_header(&before, t);
  mg_release(t);
  mg_tensor *s = mg_scalar(MG_INT64, 6);
  expect(mg_expand(s, 2, SHAPE(2, 2)), MG_INT64, 2, SHAPE(2, 2), VALS(6, 6, 6, 6), 0);
  mg_release(s);
}

static void test_flatten(void **state) {
  double v[24];
  for (int i = 0; i < 24; i++) v[i] = i;
  mg_tensor *t = make(MG_FLOAT64, 3, SHAPE(2, 3, 4), v);
  mg_tensor *f = mg_flatten(t, 0, 2);
  assert_true(mg_same_storage(f, t));
  expect(f, MG_FLOAT64, 1, SHAPE(24), v, 0);
  expect(mg_flatten(t, 1, 2), MG_FLOAT64, 2, SHAPE(2, 12), v, 0);
  expect(mg_flatten(t, 0, 1), MG_FLOAT64, 2, SHAPE(6, 4), v, 0);
  expect(mg_flatten(t, 1, 1), MG_FLOAT64, 3, SHAPE(2, 3, 4), v, 0);
  mg_tensor *p = mg_permute(t, (const int[]){2, 0, 1}); /* {4,2,3}: p[k][i][j] = 12i+4j+k */
  double want[24];
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++) want[k * 6 + i * 3 + j] = 12 * i + 4 * j + k;
  expect(mg_flatten(p, 0, 2), MG_FLOAT64, 1, SHAPE(24), want, 0);
  expect(mg_flatten(p, 1, 2), MG_FLOAT64, 2, SHAPE(4, 6), want, 0);
  mg_release(p);
  mg_tensor before = *t;
  assert_null(mg_flatten(t, 2, 1));
  error_has("flatten");
  assert_null(mg_flatten(t, 0, 3));
  error_has("flatten");
  same_header(&before, t);
  mg_release(t);
  mg_tensor *s = mg_scalar(MG_FLOAT32, 2);
  expect(mg_flatten(s, 0, 0), MG_FLOAT32, 1, SHAPE(1), VALS(2), 0);
  mg_release(s);
}

static void test_is_contiguous(void **state) {
  mg_tensor *t = mg_zeros(MG_FLOAT32, 3, SHAPE(2, 3, 4));
  assert_true(mg_is_contiguous(t));
  mg_tensor *v = mg_transpose(t, 1, 2);
  assert_false(mg_is_contiguous(v));
  mg_release(v);
  v = mg_narrow(t, 2, 0, 2); /* columns */
  assert_false(mg_is_contiguous(v));
  mg_release(v);
  v = mg_narrow(t, 0, 1, 1); /* leading rows */
  assert_true(mg_is_contiguous(v));
  mg_release(v);
  v = mg_select(t, 2, 1);
  assert_false(mg_is_contiguous(v));
  mg_release(v);
  v = mg_select(t, 0, 1);
  assert_true(mg_is_contiguous(v));
  mg_release(v);
  v = mg_unsqueeze(t, 0);
  assert_true(mg_is_contiguous(v));
  mg_release(v);
  mg_release(t);
  t = mg_zeros(MG_FLOAT32, 2, SHAPE(1, 4));
  v = mg_expand(t, 2, SHAPE(3, 4));
  assert_false(mg_is_contiguous(v));
  mg_release(v);
  v = mg_transpose(t, 0, 1); /* {4,1}: only a size-1 dim moved */
  assert_true(mg_is_contiguous(v));
  mg_release(v);
  mg_release(t);
  t = mg_scalar(MG_BOOL, 1);
  assert_true(mg_is_contiguous(t));
  mg_release(t);
}

static void test_contiguous(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  mg_tensor *c = mg_contiguous(t);
  assert_ptr_equal(c, t);
  assert_int_equal(t->refcount, 2);
  mg_release(c);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  c = mg_contiguous(tt);
  assert_ptr_not_equal(c, tt);
  assert_true(mg_is_contiguous(c));
  assert_false(mg_same_storage(c, t));
  expect(c, MG_FLOAT32, 2, SHAPE(3, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  mg_release(tt);
  mg_release(t);
}

/* ---- copies ---------------------------------------------------------------------------- */

static void test_copy_broadcast(void **state) {
  mg_tensor *dst = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 3));
  mg_tensor *row = make(MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3));
  assert_int_equal(mg_copy_(dst, row), 0);
  check(dst, MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 2, 3, 1, 2, 3), 0);
  mg_tensor *col = make(MG_FLOAT64, 2, SHAPE(2, 1), VALS(-1, -2));
  assert_int_equal(mg_copy_(dst, col), 0);
  check(dst, MG_FLOAT32, 2, SHAPE(2, 3), VALS(-1, -1, -1, -2, -2, -2), 0);
  mg_tensor *s = mg_scalar(MG_INT64, 9);
  assert_int_equal(mg_copy_(dst, s), 0);
  check(dst, MG_FLOAT32, 2, SHAPE(2, 3), VALS(9, 9, 9, 9, 9, 9), 0);
  /* into a transposed destination */
  mg_tensor *dt = mg_transpose(dst, 0, 1); /* {3,2} */
  mg_tensor *src = make(MG_FLOAT32, 2, SHAPE(3, 2), VALS(0, 1, 2, 3, 4, 5));
  assert_int_equal(mg_copy_(dt, src), 0);
  check(dst, MG_FLOAT32, 2, SHAPE(2, 3), VALS(0, 2, 4, 1, 3, 5), 0);
  mg_release(src);

  /* errors leave dst unchanged */
  mg_tensor *bad = make(MG_FLOAT32, 1, SHAPE(4), VALS(1, 1, 1, 1));
  assert_int_equal(mg_copy_(dst, bad), -1);
  error_has("copy_");
  error_has("{2,3}");
  error_has("{4}");
  mg_tensor *bigger = mg_zeros(MG_FLOAT32, 3, SHAPE(2, 2, 3));
  assert_int_equal(mg_copy_(dst, bigger), -1);
  error_has("copy_");
  assert_int_equal(mg_copy_(row, dst), -1); /* {2,3} does not fit into {3} */
  error_has("copy_");
  check(row, MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3), 0);
  check(dst, MG_FLOAT32, 2, SHAPE(2, 3), VALS(0, 2, 4, 1, 3, 5), 0);
  mg_tensor *ex = mg_expand(row, 2, SHAPE(2, 3));
  assert_int_equal(mg_copy_(ex, dst), -1);
  error_has("copy_");
  error_has("expand");
  check(row, MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3), 0);
  mg_release(ex), mg_release(bigger), mg_release(bad), mg_release(dt);
  mg_release(s), mg_release(col), mg_release(row), mg_release(dst);
}

static void test_copy_float_to_int64(void **state) {
  mg_tensor *f = make(MG_FLOAT64, 1, SHAPE(10),
                      VALS(2.7, -2.7, 0.5, -0.5, 1e30, -1e30, NAN, INFINITY, -INFINITY,
                           9007199254740993.0));
  const int64_t want[10] = {2, -2, 0, 0, INT64_MAX, INT64_MIN, 0, INT64_MAX, INT64_MIN,
                            9007199254740992}; /* 2^53 + 1 is not a double: it reads 2^53 */
  for (int src = MG_FLOAT32; src <= MG_FLOAT64; src++) {
    mg_tensor *s = mg_to(f, (mg_dtype)src);
    mg_tensor *i = mg_zeros(MG_INT64, 1, SHAPE(10));
    assert_int_equal(mg_copy_(i, s), 0);
    for (int k = 0; k < 9; k++)
      if (iat(i, k) != want[k])
        fail_msg("%s -> int64, element %d: got %lld, expected %lld", mg_dtype_name((mg_dtype)src),
                 k, (long long)iat(i, k), (long long)want[k]);
    mg_tensor *j = mg_to(s, MG_INT64);
    for (int k = 0; k < 9; k++) assert_true(iat(j, k) == want[k]);
    if (src == MG_FLOAT64) assert_true(iat(j, 9) == want[9]);
    mg_release(j), mg_release(i), mg_release(s);
  }
  /* float32 2^63 is exactly INT64_MAX + 1: saturates */
  mg_tensor *p = mg_full(MG_FLOAT32, 1, SHAPE(1), 9223372036854775808.0);
  mg_tensor *q = mg_to(p, MG_INT64);
  assert_true(iat(q, 0) == INT64_MAX);
  mg_release(q), mg_release(p), mg_release(f);
}

static void test_copy_to_bool_and_back(void **state) {
  mg_tensor *f = make(MG_FLOAT32, 1, SHAPE(6), VALS(0, -0.0, 0.1, NAN, -3, INFINITY));
  expect(mg_to(f, MG_BOOL), MG_BOOL, 1, SHAPE(6), VALS(0, 0, 1, 1, 1, 1), 0);
  mg_tensor *i = mg_empty(MG_INT64, 1, SHAPE(4));
  int64_t *ip = mg_data(i);
  ip[0] = 0, ip[1] = 5, ip[2] = -1, ip[3] = INT64_MIN;
  expect(mg_to(i, MG_BOOL), MG_BOOL, 1, SHAPE(4), VALS(0, 1, 1, 1), 0);
  mg_tensor *b = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  expect(mg_to(b, MG_FLOAT32), MG_FLOAT32, 1, SHAPE(3), VALS(1, 0, 1), 0);
  expect(mg_to(b, MG_FLOAT64), MG_FLOAT64, 1, SHAPE(3), VALS(1, 0, 1), 0);
  expect(mg_to(b, MG_INT64), MG_INT64, 1, SHAPE(3), VALS(1, 0, 1), 0);
  /* bool -> bool through copy_ with broadcasting */
  mg_tensor *d = mg_zeros(MG_BOOL, 2, SHAPE(2, 3));
  assert_int_equal(mg_copy_(d, b), 0);
  check(d, MG_BOOL, 2, SHAPE(2, 3), VALS(1, 0, 1, 1, 0, 1), 0);
  /* int64 -> float64 exact where representable; float64 -> float32 rounds */
  ip[0] = 4503599627370497; /* 2^52 + 1 */
  mg_tensor *g = mg_to(i, MG_FLOAT64);
  assert_true(at(g, 0) == 4503599627370497.0);
  mg_release(g);
  mg_tensor *h = mg_full(MG_FLOAT64, 1, SHAPE(1), 0.1);
  g = mg_to(h, MG_FLOAT32);
  assert_true(at(g, 0) == (double)0.1f);
  mg_release(g), mg_release(h);
  mg_release(d), mg_release(b), mg_release(i), mg_release(f);
}

static void test_copy_overlapping(void **state) {
  mg_tensor *a = make(MG_FLOAT32, 1, SHAPE(6), VALS(0, 1, 2, 3, 4, 5));
  mg_tensor *dst = mg_narrow(a, 0, 1, 4), *src = mg_narrow(a, 0, 0, 4);
  assert_int_equal(mg_copy_(dst, src), 0);
  check(a, MG_FLOAT32, 1, SHAPE(6), VALS(0, 0, 1, 2, 3, 5), 0);
  assert_int_equal(mg_copy_(src, dst), 0);
  check(a, MG_FLOAT32, 1, SHAPE(6), VALS(0, 1, 2, 3, 3, 5), 0);
  mg_release(dst), mg_release(src), mg_release(a);
  /* a square matrix copied onto its own transpose */
  mg_tensor *m = make(MG_INT64, 2, SHAPE(2, 2), VALS(1, 2, 3, 4));
  mg_tensor *mt = mg_transpose(m, 0, 1);
  assert_int_equal(mg_copy_(m, mt), 0);
  check(m, MG_INT64, 2, SHAPE(2, 2), VALS(1, 3, 2, 4), 0);
  assert_int_equal(mg_copy_(m, m), 0);
  check(m, MG_INT64, 2, SHAPE(2, 2), VALS(1, 3, 2, 4), 0);
  mg_release(mt), mg_release(m);
}

static void test_fill(void **state) {
  mg_tensor *t = mg_zeros(MG_FLOAT64, 2, SHAPE(3, 3));
  mg_tensor *col = mg_narrow(t, 1, 1, 1);
  assert_int_equal(mg_fill_(col, 2.5), 0);
  check(t, MG_FLOAT64, 2, SHAPE(3, 3), VALS(0, 2.5, 0, 0, 2.5, 0, 0, 2.5, 0), 0);
  mg_release(col);
  assert_int_equal(mg_fill_(t, NAN), 0);
  check(t, MG_FLOAT64, 2, SHAPE(3, 3), VALS(NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN), 0);
  mg_release(t);
  t = mg_zeros(MG_INT64, 1, SHAPE(3));
  assert_int_equal(mg_fill_(t, -3.9), 0);
  check(t, MG_INT64, 1, SHAPE(3), VALS(-3, -3, -3), 0);
  mg_release(t);
  t = mg_zeros(MG_BOOL, 1, SHAPE(2));
  assert_int_equal(mg_fill_(t, 0.5), 0);
  check(t, MG_BOOL, 1, SHAPE(2), VALS(1, 1), 0);
  mg_tensor *e = mg_expand(t, 2, SHAPE(3, 2));
  assert_int_equal(mg_fill_(e, 0), -1);
  error_has("fill_");
  check(t, MG_BOOL, 1, SHAPE(2), VALS(1, 1), 0);
  mg_release(e), mg_release(t);
  t = mg_scalar(MG_FLOAT32, 1);
  assert_int_equal(mg_fill_(t, 4), 0);
  expect(t, MG_FLOAT32, 0, NULL, VALS(4), 0);
  t = mg_zeros(MG_FLOAT32, 1, SHAPE(0));
  assert_int_equal(mg_fill_(t, 4), 0);
  mg_release(t);
}

static void test_clone(void **state) {
  mg_tensor *t = m23(MG_INT64);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  mg_tensor *c = mg_clone(tt);
  assert_false(mg_same_storage(c, t));
  assert_true(mg_is_contiguous(c));
  assert_int_equal(c->refcount, 1);
  check(c, MG_INT64, 2, SHAPE(3, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  assert_int_equal(mg_fill_(c, 1), 0);
  check(t, MG_INT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5), 0); /* original untouched */
  mg_release(c), mg_release(tt);
  c = mg_clone(t);
  assert_false(mg_same_storage(c, t));
  expect(c, MG_INT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  mg_release(t);
  t = mg_scalar(MG_BOOL, 1);
  expect(mg_clone(t), MG_BOOL, 0, NULL, VALS(1), 0);
  mg_release(t);
  t = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 5));
  expect(mg_clone(t), MG_FLOAT32, 2, SHAPE(0, 5), NULL, 0);
  mg_release(t);
  mg_tensor *s = make(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *e = mg_expand(s, 2, SHAPE(2, 2));
  c = mg_clone(e); /* cloning an expanded tensor materialises it */
  check(c, MG_FLOAT32, 2, SHAPE(2, 2), VALS(1, 2, 1, 2), 0);
  assert_int_equal(mg_fill_(c, 0), 0);
  mg_release(c), mg_release(e), mg_release(s);
}

static void test_to(void **state) {
  mg_tensor *t = m23(MG_FLOAT32);
  mg_tensor *same = mg_to(t, MG_FLOAT32);
  assert_ptr_equal(same, t);
  assert_int_equal(t->refcount, 2);
  mg_release(same);
  mg_tensor *tt = mg_transpose(t, 0, 1);
  expect(mg_to(tt, MG_FLOAT64), MG_FLOAT64, 2, SHAPE(3, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  expect(mg_to(tt, MG_INT64), MG_INT64, 2, SHAPE(3, 2), VALS(0, 3, 1, 4, 2, 5), 0);
  expect(mg_to(tt, MG_BOOL), MG_BOOL, 2, SHAPE(3, 2), VALS(0, 1, 1, 1, 1, 1), 0);
  mg_release(tt), mg_release(t);
}

/* ---- cat and stack --------------------------------------------------------------------- */

static void test_cat(void **state) {
  mg_tensor *a = m23(MG_FLOAT32);
  mg_tensor *b = make(MG_FLOAT32, 2, SHAPE(1, 3), VALS(6, 7, 8));
  expect(mg_cat(2, (mg_tensor *[]){a, b}, 0), MG_FLOAT32, 2, SHAPE(3, 3),
         VALS(0, 1, 2, 3, 4, 5, 6, 7, 8), 0);
  expect(mg_cat(3, (mg_tensor *[]){b, a, b}, 0), MG_FLOAT32, 2, SHAPE(4, 3),
         VALS(6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8), 0);
  mg_tensor *c = make(MG_FLOAT32, 2, SHAPE(2, 1), VALS(-1, -2));
  expect(mg_cat(2, (mg_tensor *[]){c, a}, 1), MG_FLOAT32, 2, SHAPE(2, 4),
         VALS(-1, 0, 1, 2, -2, 3, 4, 5), 0);
  /* non-contiguous pieces */
  mg_tensor *at_ = mg_transpose(a, 0, 1); /* {3,2} */
  mg_tensor *ct = mg_transpose(c, 0, 1);  /* {1,2} */
  expect(mg_cat(2, (mg_tensor *[]){at_, ct}, 0), MG_FLOAT32, 2, SHAPE(4, 2),
         VALS(0, 3, 1, 4, 2, 5, -1, -2), 0);
  /* zero-size pieces */
  mg_tensor *z0 = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 3)), *z1 = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 0));
  expect(mg_cat(3, (mg_tensor *[]){z0, a, z0}, 0), MG_FLOAT32, 2, SHAPE(2, 3),
         VALS(0, 1, 2, 3, 4, 5), 0);
  expect(mg_cat(2, (mg_tensor *[]){z1, a}, 1), MG_FLOAT32, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  expect(mg_cat(2, (mg_tensor *[]){z0, z0}, 0), MG_FLOAT32, 2, SHAPE(0, 3), NULL, 0);
  expect(mg_cat(1, (mg_tensor *[]){b}, 1), MG_FLOAT32, 2, SHAPE(1, 3), VALS(6, 7, 8), 0);
  /* errors */
  assert_null(mg_cat(2, (mg_tensor *[]){a, c}, 0));
  error_has("cat");
  error_has("{2,3}");
  error_has("{2,1}");
  assert_null(mg_cat(2, (mg_tensor *[]){a, z1}, 0));
  error_has("cat");
  mg_tensor *v = mg_zeros(MG_FLOAT32, 1, SHAPE(3));
  assert_null(mg_cat(2, (mg_tensor *[]){a, v}, 0));
  error_has("cat");
  mg_tensor *d = mg_zeros(MG_FLOAT64, 2, SHAPE(1, 3));
  assert_null(mg_cat(2, (mg_tensor *[]){a, d}, 0));
  error_has("cat");
  assert_null(mg_cat(0, (mg_tensor *[]){a}, 0));
  error_has("cat");
  assert_null(mg_cat(2, (mg_tensor *[]){a, b}, 2));
  error_has("cat");
  check(a, MG_FLOAT32, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5), 0);
  assert_int_equal(a->refcount, 1); /* views hold the storage, not the tensor */
  mg_release(d), mg_release(v), mg_release(z0), mg_release(z1), mg_release(at_), mg_release(ct);
  mg_release(c), mg_release(b), mg_release(a);
}

static void test_stack(void **state) {
  mg_tensor *a = make(MG_INT64, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *b = make(MG_INT64, 1, SHAPE(3), VALS(4, 5, 6));
  expect(mg_stack(2, (mg_tensor *[]){a, b}, 0), MG_INT64, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6), 0);
  expect(mg_stack(2, (mg_tensor *[]){a, b}, 1), MG_INT64, 2, SHAPE(3, 2), VALS(1, 4, 2, 5, 3, 6), 0);
  expect(mg_stack(1, (mg_tensor *[]){a}, 0), MG_INT64, 2, SHAPE(1, 3), VALS(1, 2, 3), 0);
  mg_tensor *s = mg_scalar(MG_INT64, 9);
  expect(mg_stack(3, (mg_tensor *[]){s, s, s}, 0), MG_INT64, 1, SHAPE(3), VALS(9, 9, 9), 0);
  mg_tensor *z = mg_zeros(MG_INT64, 1, SHAPE(0));
  expect(mg_stack(2, (mg_tensor *[]){z, z}, 0), MG_INT64, 2, SHAPE(2, 0), NULL, 0);
  expect(mg_stack(2, (mg_tensor *[]){z, z}, 1), MG_INT64, 2, SHAPE(0, 2), NULL, 0);
  mg_tensor *c = make(MG_INT64, 1, SHAPE(2), VALS(7, 8));
  assert_null(mg_stack(2, (mg_tensor *[]){a, c}, 0));
  error_has("stack");
  error_has("{3}");
  error_has("{2}");
  assert_null(mg_stack(2, (mg_tensor *[]){a, b}, 2));
  error_has("stack");
  mg_tensor *f = mg_zeros(MG_FLOAT32, 1, SHAPE(3));
  assert_null(mg_stack(2, (mg_tensor *[]){a, f}, 0));
  error_has("stack");
  mg_release(f), mg_release(c), mg_release(z), mg_release(s), mg_release(b), mg_release(a);
}

/* ---- type promotion --------------------------------------------------------------------- */

static void test_result_type(void **state) {
  mg_tensor *t[MG_NUM_DTYPES];
  for (int d = 0; d < MG_NUM_DTYPES; d++) t[d] = mg_zeros((mg_dtype)d, 1, SHAPE(2));
  /* tensor with tensor: bool < int64 < float32 < float64, symmetric */
  static const mg_dtype table[MG_NUM_DTYPES][MG_NUM_DTYPES] = {
      [MG_FLOAT32] = {MG_FLOAT32, MG_FLOAT64, MG_FLOAT32, MG_FLOAT32},
      [MG_FLOAT64] = {MG_FLOAT64, MG_FLOAT64, MG_FLOAT64, MG_FLOAT64},
      [MG_INT64] = {MG_FLOAT32, MG_FLOAT64, MG_INT64, MG_INT64},
      [MG_BOOL] = {MG_FLOAT32, MG_FLOAT64, MG_INT64, MG_BOOL},
  };
  for (int i = 0; i < MG_NUM_DTYPES; i++)
    for (int j = 0; j < MG_NUM_DTYPES; j++)
      if (mg_result_type(t[i], t[j]) != table[i][j])
        fail_msg("result_type(%s, %s): got %s, expected %s", mg_dtype_name((mg_dtype)i),
                 mg_dtype_name((mg_dtype)j), mg_dtype_name(mg_result_type(t[i], t[j])),
                 mg_dtype_name(table[i][j]));
  /* wrapped numbers count by category only */
  mg_tensor *wf = mg_wrapped_number(2.5, false), *wi = mg_wrapped_number(2, true);
  assert_int_equal(mg_result_type(t[MG_FLOAT32], wf), MG_FLOAT32);
  assert_int_equal(mg_result_type(wf, t[MG_FLOAT32]), MG_FLOAT32);
  assert_int_equal(mg_result_type(t[MG_FLOAT64], wf), MG_FLOAT64);
  assert_int_equal(mg_result_type(t[MG_INT64], wf), MG_FLOAT32);
  assert_int_equal(mg_result_type(wf, t[MG_INT64]), MG_FLOAT32);
  assert_int_equal(mg_result_type(t[MG_BOOL], wf), MG_FLOAT32);
  assert_int_equal(mg_result_type(t[MG_INT64], wi), MG_INT64);
  assert_int_equal(mg_result_type(t[MG_FLOAT32], wi), MG_FLOAT32);
  assert_int_equal(mg_result_type(wi, t[MG_FLOAT64]), MG_FLOAT64);
  assert_int_equal(mg_result_type(t[MG_BOOL], wi), MG_INT64);
  assert_int_equal(mg_result_type(wi, wf), MG_FLOAT64); /* two numbers: as tensors */
  assert_int_equal(mg_result_type(wi, wi), MG_INT64);
  /* 0-d tensors (PyTorch's rule, checked there with torch.result_type): they change a
   * dimensioned tensor's dtype only when of a higher category, and then bring their own. */
  mg_tensor *z64 = mg_scalar(MG_FLOAT64, 1), *zi = mg_scalar(MG_INT64, 1);
  assert_int_equal(mg_result_type(t[MG_FLOAT32], z64), MG_FLOAT32);
  assert_int_equal(mg_result_type(z64, t[MG_FLOAT32]), MG_FLOAT32);
  assert_int_equal(mg_result_type(t[MG_INT64], z64), MG_FLOAT64);
  assert_int_equal(mg_result_type(t[MG_BOOL], zi), MG_INT64);
  assert_int_equal(mg_result_type(zi, z64), MG_FLOAT64);
  assert_int_equal(mg_result_type(z64, wf), MG_FLOAT64);
  mg_release(z64), mg_release(zi);
  mg_release(wf), mg_release(wi);
  for (int d = 0; d < MG_NUM_DTYPES; d++) mg_release(t[d]);
}

/* ---- randomness ------------------------------------------------------------------------ */

static void test_manual_seed(void **state) {
  const int64_t *n = SHAPE(64);
  mg_manual_seed(42);
  mg_tensor *a = mg_rand(MG_FLOAT32, 1, n), *an = mg_randn(MG_FLOAT64, 1, n);
  mg_tensor *ai = mg_randint(-5, 5, MG_INT64, 1, n);
  uint64_t au = mg_random_u64();
  mg_manual_seed(42);
  mg_tensor *b = mg_rand(MG_FLOAT32, 1, n), *bn = mg_randn(MG_FLOAT64, 1, n);
  mg_tensor *bi = mg_randint(-5, 5, MG_INT64, 1, n);
  uint64_t bu = mg_random_u64();
  assert_memory_equal(mg_data(a), mg_data(b), 64 * sizeof(float));
  assert_memory_equal(mg_data(an), mg_data(bn), 64 * sizeof(double));
  assert_memory_equal(mg_data(ai), mg_data(bi), 64 * sizeof(int64_t));
  assert_true(au == bu);
  mg_manual_seed(43);
  mg_tensor *c = mg_rand(MG_FLOAT32, 1, n);
  int same = 0;
  for (int i = 0; i < 64; i++) same += at(a, i) == at(c, i);
  assert_true(same < 8);
  /* consecutive draws differ */
  int same_ab = 0;
  mg_tensor *d = mg_rand(MG_FLOAT32, 1, n);
  for (int i = 0; i < 64; i++) same_ab += at(c, i) == at(d, i);
  assert_true(same_ab < 8);
  mg_release(d), mg_release(c), mg_release(a), mg_release(b), mg_release(an), mg_release(bn);
  mg_release(ai), mg_release(bi);
}

static void test_rand_range(void **state) {
  mg_manual_seed(7);
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_tensor *t = mg_rand((mg_dtype)dt, 2, SHAPE(100, 100));
    assert_non_null(t);
    assert_int_equal(t->dtype, dt);
    double lo = 1, hi = 0, sum = 0;
    for (int64_t i = 0; i < 10000; i++) {
      double v = at(t, i);
      if (!(v >= 0 && v < 1)) fail_msg("rand value %.17g outside [0, 1)", v);
      lo = v < lo ? v : lo, hi = v > hi ? v : hi, sum += v;
    }
    /* 10000 uniforms: the extremes lie within 0.01 of the ends, the mean within 0.02 */
    assert_true(lo < 0.01 && hi > 0.99);
    assert_true(fabs(sum / 10000 - 0.5) < 0.02);
    mg_release(t);
  }
  mg_tensor *n = mg_randn(MG_FLOAT32, 1, SHAPE(10000));
  double sum = 0, sq = 0;
  for (int64_t i = 0; i < 10000; i++) sum += at(n, i), sq += at(n, i) * at(n, i);
  assert_true(fabs(sum / 10000) < 0.05);
  assert_true(fabs(sq / 10000 - 1) < 0.06);
  mg_release(n);
  assert_null(mg_rand(MG_INT64, 1, SHAPE(3)));
  error_has("rand");
  assert_null(mg_randn(MG_BOOL, 1, SHAPE(3)));
  error_has("randn");
  expect(mg_rand(MG_FLOAT32, 1, SHAPE(0)), MG_FLOAT32, 1, SHAPE(0), NULL, 0);
}

static void test_randint(void **state) {
  mg_manual_seed(1);
  mg_tensor *t = mg_randint(-2, 2, MG_INT64, 1, SHAPE(5000));
  assert_non_null(t);
  assert_int_equal(t->dtype, MG_INT64);
  int count[5] = {0};
  for (int64_t i = 0; i < 5000; i++) {
    int64_t v = iat(t, i);
    if (v < -2 || v > 2) fail_msg("randint(-2, 2) gave %lld", (long long)v);
    count[v + 2]++;
  }
  for (int k = 0; k < 5; k++) /* both ends included, each value about 1000 times */
    if (count[k] < 800 || count[k] > 1200) fail_msg("value %d drawn %d times in 5000", k - 2, count[k]);
  mg_release(t);
  expect(mg_randint(5, 5, MG_INT64, 1, SHAPE(3)), MG_INT64, 1, SHAPE(3), VALS(5, 5, 5), 0);
  t = mg_randint(0, 3, MG_FLOAT32, 1, SHAPE(200));
  assert_int_equal(t->dtype, MG_FLOAT32);
  for (int64_t i = 0; i < 200; i++) {
    double v = at(t, i);
    assert_true(v == 0 || v == 1 || v == 2 || v == 3);
  }
  mg_release(t);
  /* the whole int64 range: no overflow */
  t = mg_randint(INT64_MIN, INT64_MAX, MG_INT64, 1, SHAPE(64));
  assert_non_null(t);
  int negative = 0;
  for (int64_t i = 0; i < 64; i++) negative += iat(t, i) < 0;
  assert_true(negative > 8 && negative < 56);
  mg_release(t);
  assert_null(mg_randint(3, 2, MG_INT64, 1, SHAPE(4)));
  error_has("randint");
  error_has("3");
  error_has("2");
}

/* ---- memory counters --------------------------------------------------------------------- */

static void test_memory_stats(void **state) {
  int64_t live0, cached0, live1, cached1, live2;
  uint64_t total0 = mg_bytes_allocated_total();
  mg_memory_stats(&live0, &cached0);
  mg_tensor *t = mg_empty(MG_FLOAT64, 1, SHAPE(100000)); /* 800 000 bytes */
  uint64_t total1 = mg_bytes_allocated_total();
  mg_memory_stats(&live1, &cached1);
  assert_true(total1 >= total0 + 800000);
  assert_true(live1 >= live0 + 800000);
  mg_tensor *v = mg_view(t, 2, SHAPE(1000, 100)); /* views allocate no storage */
  assert_true(mg_bytes_allocated_total() == total1);
  mg_release(v);
  mg_release(t);
  mg_memory_stats(&live2, NULL);
  assert_true(live2 == live0);
  mg_memory_stats(NULL, NULL); /* allowed */
  /* reusing a cached buffer still counts as allocation */
  t = mg_empty(MG_FLOAT64, 1, SHAPE(100000));
  assert_true(mg_bytes_allocated_total() >= total1 + 800000);
  mg_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dtypes),
      cmocka_unit_test(test_load_store),
      cmocka_unit_test(test_empty_shapes),
      cmocka_unit_test(test_zeros_full_scalar),
      cmocka_unit_test(test_arange),
      cmocka_unit_test(test_linspace),
      cmocka_unit_test(test_linspace_one_step),
      cmocka_unit_test(test_eye),
      cmocka_unit_test(test_creation_errors),
      cmocka_unit_test(test_constructor_errors_name_the_function),
      cmocka_unit_test(test_refcount_views_keep_storage),
      cmocka_unit_test(test_view),
      cmocka_unit_test(test_view_of_contiguous_with_moved_size1_dim),
      cmocka_unit_test(test_reshape),
      cmocka_unit_test(test_transpose),
      cmocka_unit_test(test_permute),
      cmocka_unit_test(test_narrow),
      cmocka_unit_test(test_select),
      cmocka_unit_test(test_squeeze_unsqueeze),
      cmocka_unit_test(test_expand),
      cmocka_unit_test(test_flatten),
      cmocka_unit_test(test_is_contiguous),
      cmocka_unit_test(test_contiguous),
      cmocka_unit_test(test_copy_broadcast),
      cmocka_unit_test(test_copy_float_to_int64),
      cmocka_unit_test(test_copy_to_bool_and_back),
      cmocka_unit_test(test_copy_overlapping),
      cmocka_unit_test(test_fill),
      cmocka_unit_test(test_clone),
      cmocka_unit_test(test_to),
      cmocka_unit_test(test_cat),
      cmocka_unit_test(test_stack),
      cmocka_unit_test(test_result_type),
      cmocka_unit_test(test_manual_seed),
      cmocka_unit_test(test_rand_range),
      cmocka_unit_test(test_randint),
      cmocka_unit_test(test_memory_stats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
