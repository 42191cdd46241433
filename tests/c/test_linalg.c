/* Matrix products: matmul's rank cases and batch broadcasting, strided and transposed
 * operands (BLAS layouts and the copy path), each dtype, the mm/bmm/mv/dot/outer/addmm
 * wrappers, empty and k = 0 products, and errors. Expected values are worked out by hand
 * or recorded from NumPy 1.24 where a comment says so. */
#include "helpers.h"

/* A contiguous tensor with element i (row-major) = start + i. */
static mg_tensor *seq(mg_dtype dt, int ndim, const int64_t *size, double start) {
  mg_tensor *t = mg_empty(dt, ndim, size);
  assert_non_null(t);
  char *p = mg_data(t);
  for (int64_t i = 0; i < mg_numel(t); i++) mg_store(dt, p + i * (int64_t)mg_dtype_size(dt), start + (double)i);
  return t;
}

static double tol_of(mg_dtype dt) { return dt == MG_FLOAT32 ? 1e-6 : dt == MG_FLOAT64 ? 1e-14 : 0; }

#define AB VALS(58, 64, 139, 154) /* {{1,2,3},{4,5,6}} @ {{7,8},{9,10},{11,12}} */

/* ---- matmul's rank cases ------------------------------------------------------------------- */

static void test_matmul_2d(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    mg_tensor *a = seq(d, 2, SHAPE(2, 3), 1), *b = seq(d, 2, SHAPE(3, 2), 7);
    mg_tensor *r = mg_matmul(a, b);
    assert_non_null(r);
    assert_true(mg_is_contiguous(r));
    expect(r, d, 2, SHAPE(2, 2), AB, tol_of(d));
    expect(mg_matmul(b, a), d, 2, SHAPE(3, 3), /* {{39,54,69},{49,68,87},{59,82,105}} */
           VALS(39, 54, 69, 49, 68, 87, 59, 82, 105), tol_of(d));
    mg_tensor *col = seq(d, 2, SHAPE(3, 1), 1), *row = seq(d, 2, SHAPE(1, 3), 1);
    expect(mg_matmul(row, col), d, 2, SHAPE(1, 1), VALS(14), tol_of(d));
    expect(mg_matmul(col, row), d, 2, SHAPE(3, 3), VALS(1, 2, 3, 2, 4, 6, 3, 6, 9), tol_of(d));
    mg_release(row), mg_release(col), mg_release(a), mg_release(b);
  }
}

static void test_matmul_1d(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = tol_of(d);
    mg_tensor *u = seq(d, 1, SHAPE(3), 1), *w = seq(d, 1, SHAPE(3), 4);
    expect(mg_matmul(u, w), d, 0, NULL, VALS(32), tol); /* 1*4 + 2*5 + 3*6 */
    mg_tensor *m = seq(d, 2, SHAPE(2, 3), 1);
    mg_tensor *v2 = make(d, 1, SHAPE(2), VALS(1, 2));
    expect(mg_matmul(v2, m), d, 1, SHAPE(3), VALS(9, 12, 15), tol);
    mg_tensor *v3 = make(d, 1, SHAPE(3), VALS(1, 0, -1));
    expect(mg_matmul(m, v3), d, 1, SHAPE(2), VALS(-2, -2), tol);
    /* NumPy: a3 = arange(1, 13).reshape(2, 2, 3) */
    mg_tensor *a3 = seq(d, 3, SHAPE(2, 2, 3), 1);
    mg_tensor *ones = make(d, 1, SHAPE(3), VALS(1, 1, 1));
    expect(mg_matmul(a3, ones), d, 2, SHAPE(2, 2), VALS(6, 15, 24, 33), tol);
    mg_tensor *pm = make(d, 1, SHAPE(2), VALS(1, -1));
    expect(mg_matmul(pm, a3), d, 2, SHAPE(2, 3), VALS(-3, -3, -3, -3, -3, -3), tol);
    /* NumPy: [1, 0, -1] @ arange(1, 13).reshape(2, 3, 2) */
    mg_tensor *b3 = seq(d, 3, SHAPE(2, 3, 2), 1);
    expect(mg_matmul(v3, b3), d, 2, SHAPE(2, 2), VALS(-4, -4, -4, -4), tol);
    mg_release(b3), mg_release(pm), mg_release(ones), mg_release(a3), mg_release(v3);
    mg_release(v2), mg_release(m), mg_release(u), mg_release(w);
  }
}

static void test_matmul_batched(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = tol_of(d);
    mg_tensor *a = seq(d, 2, SHAPE(2, 3), 1), *b = seq(d, 2, SHAPE(3, 2), 7);
    mg_tensor *a3 = seq(d, 3, SHAPE(2, 2, 3), 1), *b3 = seq(d, 3, SHAPE(2, 3, 2), 1);
    /* NumPy: a3 @ B, A @ b3, a3 @ b3 */
    expect(mg_matmul(a3, b), d, 3, SHAPE(2, 2, 2), VALS(58, 64, 139, 154, 220, 244, 301, 334), tol);
    expect(mg_matmul(a, b3), d, 3, SHAPE(2, 2, 2), VALS(22, 28, 49, 64, 58, 64, 139, 154), tol);
    expect(mg_matmul(a3, b3), d, 3, SHAPE(2, 2, 2), VALS(22, 28, 49, 64, 220, 244, 301, 334), tol);
    expect(mg_bmm(a3, b3), d, 3, SHAPE(2, 2, 2), VALS(22, 28, 49, 64, 220, 244, 301, 334), tol);
    /* NumPy: arange(1, 13).reshape(2,1,2,3) @ (arange(18).reshape(3,3,2) - 9): batch dims
     * {2,1} and {3} broadcast to {2,3} */
    mg_tensor *a4 = seq(d, 4, SHAPE(2, 1, 2, 3), 1), *bb = seq(d, 3, SHAPE(3, 3, 2), -9);
    expect(mg_matmul(a4, bb), d, 4, SHAPE(2, 3, 2, 2),
           VALS(-38, -32, -101, -86, -2, 4, -11, 4, 34, 40, 79, 94, -164, -140, -227, -194, -20,
                4, -29, 4, 124, 148, 169, 202),
           tol);
    /* an expanded batch operand (batch stride 0); NumPy: A @ (arange(24).reshape(4,3,2) - 5) */
    mg_tensor *ax = mg_expand(a, 3, SHAPE(4, 2, 3));
    mg_tensor *b4 = seq(d, 3, SHAPE(4, 3, 2), -5);
    const double *want = VALS(-14, -8, -41, -26, 22, 28, 49, 64, 58, 64, 139, 154, 94, 100, 229, 244);
    expect(mg_matmul(ax, b4), d, 3, SHAPE(4, 2, 2), want, tol);
    expect(mg_bmm(ax, b4), d, 3, SHAPE(4, 2, 2), want, tol);
    mg_release(b4), mg_release(ax), mg_release(a4), mg_release(bb);
    mg_release(a3), mg_release(b3), mg_release(a), mg_release(b);
  }
}

/* ---- strided operands ----------------------------------------------------------------------- */

static void test_matmul_transposed(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    /* stored transposed: BLAS reads them with its transpose flags */
    mg_tensor *as = make(d, 2, SHAPE(3, 2), VALS(1, 4, 2, 5, 3, 6));
    mg_tensor *bs = make(d, 2, SHAPE(2, 3), VALS(7, 9, 11, 8, 10, 12));
    mg_tensor *a = mg_transpose(as, 0, 1), *b = mg_transpose(bs, 0, 1);
    mg_tensor *ac = seq(d, 2, SHAPE(2, 3), 1), *bc = seq(d, 2, SHAPE(3, 2), 7);
    expect(mg_matmul(a, b), d, 2, SHAPE(2, 2), AB, tol_of(d));
    expect(mg_matmul(a, bc), d, 2, SHAPE(2, 2), AB, tol_of(d));
    expect(mg_matmul(ac, b), d, 2, SHAPE(2, 2), AB, tol_of(d));
    expect(mg_mm(a, b), d, 2, SHAPE(2, 2), AB, tol_of(d));
    /* batched, transposed in the last two dims */
    mg_tensor *a3s = seq(d, 3, SHAPE(2, 3, 2), 1); /* a3s[i] transposed: {{1,3,5},{2,4,6}}, ... */
    mg_tensor *a3 = mg_transpose(a3s, 1, 2);
    mg_tensor *ones = make(d, 2, SHAPE(3, 1), VALS(1, 1, 1));
    expect(mg_matmul(a3, ones), d, 3, SHAPE(2, 2, 1), VALS(9, 12, 27, 30), tol_of(d));
    /* a transposed batch dim: batches not adjacent in memory */
    mg_tensor *p = seq(d, 3, SHAPE(2, 2, 3), 1); /* read as {2(row),2(batch),3} */
    mg_tensor *pb = mg_transpose(p, 0, 1);      /* batch i, row r = p[r][i] */
    mg_tensor *v = make(d, 1, SHAPE(3), VALS(1, 0, 0));
    expect(mg_matmul(pb, v), d, 2, SHAPE(2, 2), VALS(1, 7, 4, 10), tol_of(d));
    mg_release(v), mg_release(pb), mg_release(p), mg_release(ones), mg_release(a3), mg_release(a3s);
    mg_release(ac), mg_release(bc), mg_release(a), mg_release(b), mg_release(as), mg_release(bs);
  }
}

static void test_matmul_noncontiguous(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = tol_of(d);
    mg_tensor *bc = seq(d, 2, SHAPE(3, 2), 7);
    /* narrowed columns: a row stride larger than the row */
    mg_tensor *wide = make(d, 2, SHAPE(2, 5), VALS(0, 1, 2, 3, -9, 0, 4, 5, 6, -9));
    mg_tensor *a = mg_narrow(wide, 1, 1, 3);
    expect(mg_matmul(a, bc), d, 2, SHAPE(2, 2), AB, tol);
    mg_tensor *bw = make(d, 2, SHAPE(3, 4), VALS(-1, 7, 8, -1, -1, 9, 10, -1, -1, 11, 12, -1));
    mg_tensor *b = mg_narrow(bw, 1, 1, 2);
    expect(mg_matmul(a, b), d, 2, SHAPE(2, 2), AB, tol);
    /* neither stride is 1 (every other element): the copy path */
    mg_tensor *inter = make(d, 3, SHAPE(2, 3, 2), VALS(-9, 1, -9, 2, -9, 3, -9, 4, -9, 5, -9, 6));
    mg_tensor *sel = mg_select(inter, 2, 1); /* {{1,2,3},{4,5,6}} with strides {6,2} */
    expect(mg_matmul(sel, bc), d, 2, SHAPE(2, 2), AB, tol);
    mg_tensor *selt = mg_transpose(sel, 0, 1); /* {3,2}: {{1,4},{2,5},{3,6}} */
    expect(mg_matmul(selt, sel), d, 2, SHAPE(3, 3), VALS(17, 22, 27, 22, 29, 36, 27, 36, 45), tol);
    /* an expanded matrix (row stride 0) */
    mg_tensor *r = make(d, 2, SHAPE(1, 3), VALS(1, 2, 3));
    mg_tensor *rx = mg_expand(r, 2, SHAPE(2, 3));
    expect(mg_matmul(rx, bc), d, 2, SHAPE(2, 2), VALS(58, 64, 58, 64), tol);
    mg_tensor *c = make(d, 2, SHAPE(3, 1), VALS(1, 2, 3));
    mg_tensor *cx = mg_expand(c, 2, SHAPE(3, 2)); /* {{1,1},{2,2},{3,3}} */
    mg_tensor *ac = seq(d, 2, SHAPE(2, 3), 1);
    expect(mg_matmul(ac, cx), d, 2, SHAPE(2, 2), VALS(14, 14, 32, 32), tol);
    /* a 1-D operand with a stride */
    mg_tensor *vs = mg_select(inter, 2, 1);
    mg_tensor *row1 = mg_select(vs, 0, 1); /* {4,5,6} with stride 2 */
    expect(mg_matmul(row1, bc), d, 1, SHAPE(2), VALS(139, 154), tol);
    expect(mg_dot(row1, row1), d, 0, NULL, VALS(77), tol);
    mg_release(row1), mg_release(vs), mg_release(ac), mg_release(cx), mg_release(c);
    mg_release(rx), mg_release(r), mg_release(selt), mg_release(sel), mg_release(inter);
    mg_release(b), mg_release(bw), mg_release(a), mg_release(wide), mg_release(bc);
  }
}

/* NumPy (float64): a[i][j] = sin(70 i + j) (50 x 70), b[i][j] = cos(30 i + j) (70 x 30) */
static void test_matmul_large(void **state) {
  static const struct {
    int i, j;
    double v;
  } want[] = {{0, 0, -2.021614422280152},  {0, 29, 1.8124020117368782},
              {17, 5, -1.3327959660716273}, {49, 0, -1.3680305631190972},
              {49, 29, 2.1540100382412066}, {23, 17, -2.010106363054909}};
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = d == MG_FLOAT32 ? 1e-5 : 1e-12;
    mg_tensor *a = mg_empty(d, 2, SHAPE(50, 70)), *b = mg_empty(d, 2, SHAPE(70, 30));
    mg_tensor *bt_store = mg_empty(d, 2, SHAPE(30, 70)); /* b stored transposed */
    mg_tensor *aw = mg_zeros(d, 2, SHAPE(50, 90));     /* a inside wider rows */
    for (int i = 0; i < 50; i++)
      for (int j = 0; j < 70; j++) {
        mg_store(d, mg_element(a, (const int64_t[]){i, j}), sin(70.0 * i + j));
        mg_store(d, mg_element(aw, (const int64_t[]){i, j + 11}), sin(70.0 * i + j));
      }
    for (int i = 0; i < 70; i++)
      for (int j = 0; j < 30; j++) {
        mg_store(d, mg_element(b, (const int64_t[]){i, j}), cos(30.0 * i + j));
        mg_store(d, mg_element(bt_store, (const int64_t[]){j, i}), cos(30.0 * i + j));
      }
    mg_tensor *bt = mg_transpose(bt_store, 0, 1), *an = mg_narrow(aw, 1, 11, 70);
    mg_tensor *results[3] = {mg_matmul(a, b), mg_matmul(a, bt), mg_matmul(an, bt)};
    for (int r = 0; r < 3; r++) {
      mg_tensor *c = results[r];
      assert_non_null(c);
      assert_int_equal(c->dtype, d);
      assert_int_equal(c->size[0], 50);
      assert_int_equal(c->size[1], 30);
      for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        double got = at(c, want[k].i * 30 + want[k].j);
        if (fabs(got - want[k].v) > tol * (1 + fabs(want[k].v)))
          fail_msg("%s case %d, [%d][%d]: got %.17g, expected %.17g", mg_dtype_name(d), r,
                   want[k].i, want[k].j, got, want[k].v);
      }
      mg_release(c);
    }
    mg_release(an), mg_release(bt), mg_release(aw), mg_release(bt_store), mg_release(b), mg_release(a);
  }
}

/* ---- empty products ---------------------------------------------------------------------------- */

static void test_k_zero_and_empty(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    mg_tensor *a = mg_empty(d, 2, SHAPE(2, 0)), *b = mg_empty(d, 2, SHAPE(0, 3));
    expect(mg_matmul(a, b), d, 2, SHAPE(2, 3), VALS(0, 0, 0, 0, 0, 0), 0);
    expect(mg_mm(a, b), d, 2, SHAPE(2, 3), VALS(0, 0, 0, 0, 0, 0), 0);
    mg_tensor *u = mg_empty(d, 1, SHAPE(0));
    expect(mg_matmul(u, u), d, 0, NULL, VALS(0), 0);
    expect(mg_dot(u, u), d, 0, NULL, VALS(0), 0);
    expect(mg_matmul(a, u), d, 1, SHAPE(2), VALS(0, 0), 0);
    mg_tensor *a3 = mg_empty(d, 3, SHAPE(2, 2, 0)), *b3 = mg_empty(d, 3, SHAPE(2, 0, 1));
    expect(mg_bmm(a3, b3), d, 3, SHAPE(2, 2, 1), VALS(0, 0, 0, 0), 0);
    /* k = 0 in addmm: beta * c only; beta = 0 ignores even a NaN c */
    mg_tensor *c = seq(d, 2, SHAPE(2, 3), 1);
    expect(mg_addmm(c, a, b, 2, 5), d, 2, SHAPE(2, 3), VALS(2, 4, 6, 8, 10, 12), 0);
    if (d != MG_INT64) {
      mg_tensor *nan = mg_full(d, 2, SHAPE(2, 3), NAN);
      expect(mg_addmm(nan, a, b, 0, 1), d, 2, SHAPE(2, 3), VALS(0, 0, 0, 0, 0, 0), 0);
      /* a freed NaN buffer of the result's size is likely reused for the result: k = 0 must
       * still write zeros, not 0 * NaN */
      mg_release(nan);
      expect(mg_matmul(a, b), d, 2, SHAPE(2, 3), VALS(0, 0, 0, 0, 0, 0), 0);
    }
    /* zero-size results */
    mg_tensor *e1 = mg_empty(d, 2, SHAPE(0, 3)), *m34 = mg_empty(d, 2, SHAPE(3, 4));
    expect(mg_matmul(e1, m34), d, 2, SHAPE(0, 4), NULL, 0);
    mg_tensor *m23 = mg_zeros(d, 2, SHAPE(2, 3)), *e2 = mg_empty(d, 2, SHAPE(3, 0));
    expect(mg_matmul(m23, e2), d, 2, SHAPE(2, 0), NULL, 0);
    mg_tensor *e3 = mg_empty(d, 3, SHAPE(0, 2, 3));
    expect(mg_matmul(e3, m34), d, 3, SHAPE(0, 2, 4), NULL, 0);
    mg_tensor *e34 = mg_empty(d, 3, SHAPE(0, 3, 4));
    expect(mg_bmm(e3, e34), d, 3, SHAPE(0, 2, 4), NULL, 0);
    mg_release(e34), mg_release(e3), mg_release(e2), mg_release(m23), mg_release(m34), mg_release(e1);
    mg_release(c), mg_release(a3), mg_release(b3), mg_release(u), mg_release(a), mg_release(b);
  }
}

/* ---- the wrappers ------------------------------------------------------------------------------- */

static void test_mm_bmm_mv_dot_outer(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_INT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = tol_of(d);
    mg_tensor *a = seq(d, 2, SHAPE(2, 3), 1), *b = seq(d, 2, SHAPE(3, 2), 7);
    mg_tensor *u = seq(d, 1, SHAPE(3), 1), *w = seq(d, 1, SHAPE(3), 4);
    mg_tensor *a3 = seq(d, 3, SHAPE(2, 2, 3), 1), *b3 = seq(d, 3, SHAPE(2, 3, 2), 1);
    expect(mg_mm(a, b), d, 2, SHAPE(2, 2), AB, tol);
    expect(mg_mv(a, w), d, 1, SHAPE(2), VALS(32, 77), tol);
    expect(mg_dot(u, w), d, 0, NULL, VALS(32), tol);
    expect(mg_outer(u, w), d, 2, SHAPE(3, 3), VALS(4, 5, 6, 8, 10, 12, 12, 15, 18), tol);
    mg_tensor *v2 = make(d, 1, SHAPE(2), VALS(-1, 2));
    expect(mg_outer(v2, u), d, 2, SHAPE(2, 3), VALS(-1, -2, -3, 2, 4, 6), tol);
    expect(mg_bmm(a3, b3), d, 3, SHAPE(2, 2, 2), VALS(22, 28, 49, 64, 220, 244, 301, 334), tol);
    /* wrong ranks */
    assert_null(mg_mm(u, b));
    error_has("mm");
    assert_null(mg_mm(a3, b));
    error_has("mm");
    assert_null(mg_bmm(a, b));
    error_has("bmm");
    assert_null(mg_mv(a, a));
    error_has("mv");
    assert_null(mg_mv(u, u));
    error_has("mv");
    assert_null(mg_dot(a, u));
    error_has("dot");
    assert_null(mg_outer(a, u));
    error_has("outer");
    mg_tensor *b33 = seq(d, 3, SHAPE(3, 3, 2), 1);
    assert_null(mg_bmm(a3, b33)); /* batch sizes 2 and 3 */
    error_has("bmm");
    error_has("{2,2,3}");
    error_has("{3,3,2}");
    mg_release(b33), mg_release(v2), mg_release(a3), mg_release(b3);
    mg_release(u), mg_release(w), mg_release(a), mg_release(b);
  }
}

static void test_addmm(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = tol_of(d);
    mg_tensor *a = seq(d, 2, SHAPE(2, 3), 1), *b = seq(d, 2, SHAPE(3, 2), 7);
    mg_tensor *ones = mg_full(d, 2, SHAPE(2, 2), 1);
    /* NumPy: 2 * ones + 0.5 * (A @ B) */
    expect(mg_addmm(ones, a, b, 2, 0.5), d, 2, SHAPE(2, 2), VALS(31, 34, 71.5, 79), tol);
    mg_tensor *row = make(d, 1, SHAPE(2), VALS(1, 2));
    expect(mg_addmm(row, a, b, 1, 1), d, 2, SHAPE(2, 2), VALS(59, 66, 140, 156), tol);
    mg_tensor *col = make(d, 2, SHAPE(2, 1), VALS(100, 200));
    expect(mg_addmm(col, a, b, -1, 1), d, 2, SHAPE(2, 2), VALS(-42, -36, -61, -46), tol);
    mg_tensor *ten = mg_scalar(d, 10);
    expect(mg_addmm(ten, a, b, 1, -1), d, 2, SHAPE(2, 2), VALS(-48, -54, -129, -144), tol);
    expect(mg_addmm(ones, a, b, 1, 0), d, 2, SHAPE(2, 2), VALS(1, 1, 1, 1), tol);
    /* beta = 0 ignores c entirely, NaN and inf included */
    mg_tensor *nan = mg_full(d, 2, SHAPE(2, 2), NAN), *inf = mg_full(d, 1, SHAPE(2), INFINITY);
    expect(mg_addmm(nan, a, b, 0, 1), d, 2, SHAPE(2, 2), AB, tol);
    expect(mg_addmm(inf, a, b, 0, 2), d, 2, SHAPE(2, 2), VALS(116, 128, 278, 308), tol);
    /* transposed operands */
    mg_tensor *at_ = mg_transpose(b, 0, 1), *bt = mg_transpose(a, 0, 1); /* {2,3}, {3,2} */
    /* B^T @ A^T = (A @ B)^T */
    expect(mg_addmm(ones, at_, bt, 1, 1), d, 2, SHAPE(2, 2), VALS(59, 140, 65, 155), tol);
    /* c itself is left alone */
    expect(mg_clone(ones), d, 2, SHAPE(2, 2), VALS(1, 1, 1, 1), 0);
    for (int k = 0; k < 4; k++) assert_true(isnan(at(nan, k)));
    /* errors */
    mg_tensor *bad = mg_zeros(d, 1, SHAPE(3));
    assert_null(mg_addmm(bad, a, b, 1, 1));
    error_has("addmm");
    error_has("{3}");
    mg_tensor *big = mg_zeros(d, 3, SHAPE(2, 2, 2));
    assert_null(mg_addmm(big, a, b, 1, 1));
    error_has("addmm");
    mg_tensor *other = mg_zeros(d == MG_FLOAT32 ? MG_FLOAT64 : MG_FLOAT32, 2, SHAPE(2, 2));
    assert_null(mg_addmm(other, a, b, 1, 1));
    error_has("addmm");
    assert_null(mg_addmm(ones, a, a, 1, 1));
    assert_string_equal(mg_last_error(), "addmm: shapes {2,3} and {2,3} do not align (3 ~= 2)");
    mg_release(other), mg_release(big), mg_release(bad), mg_release(at_), mg_release(bt);
    mg_release(nan), mg_release(inf), mg_release(ten), mg_release(col), mg_release(row);
    mg_release(ones), mg_release(a), mg_release(b);
  }
  /* int64 */
  mg_tensor *a = seq(MG_INT64, 2, SHAPE(2, 3), 1), *b = seq(MG_INT64, 2, SHAPE(3, 2), 7);
  mg_tensor *ones = mg_full(MG_INT64, 2, SHAPE(2, 2), 1);
  expect(mg_addmm(ones, a, b, 2, 3), MG_INT64, 2, SHAPE(2, 2), VALS(176, 194, 419, 464), 0);
  expect(mg_addmm(ones, a, b, 0, 1), MG_INT64, 2, SHAPE(2, 2), AB, 0);
  mg_release(ones), mg_release(a), mg_release(b);
}

/* ---- errors ------------------------------------------------------------------------------------- */

static void test_matmul_errors(void **state) {
  mg_tensor *a = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 3)), *b = mg_zeros(MG_FLOAT32, 2, SHAPE(4, 5));
  assert_null(mg_matmul(a, b));
  assert_string_equal(mg_last_error(), "matmul: shapes {2,3} and {4,5} do not align (3 ~= 4)");
  mg_tensor *u3 = mg_zeros(MG_FLOAT32, 1, SHAPE(3)), *u4 = mg_zeros(MG_FLOAT32, 1, SHAPE(4));
  assert_null(mg_matmul(u3, u4));
  assert_string_equal(mg_last_error(), "matmul: shapes {3} and {4} do not align (3 ~= 4)");
  assert_null(mg_matmul(a, u4));
  assert_string_equal(mg_last_error(), "matmul: shapes {2,3} and {4} do not align (3 ~= 4)");
  assert_null(mg_matmul(u4, a));
  assert_string_equal(mg_last_error(), "matmul: shapes {4} and {2,3} do not align (4 ~= 2)");
  mg_tensor *a3 = mg_zeros(MG_FLOAT32, 3, SHAPE(2, 2, 3)), *b3 = mg_zeros(MG_FLOAT32, 3, SHAPE(3, 3, 2));
  assert_null(mg_matmul(a3, b3)); /* batch dims 2 and 3 do not broadcast */
  error_has("matmul");
  mg_tensor *d = mg_zeros(MG_FLOAT64, 2, SHAPE(3, 2)), *i = mg_zeros(MG_INT64, 2, SHAPE(3, 2));
  assert_null(mg_matmul(a, d));
  error_has("matmul");
  error_has("float32");
  error_has("float64");
  assert_null(mg_matmul(i, a));
  error_has("matmul");
  error_has("int64");
  error_has("float32");
  mg_tensor *bo = mg_zeros(MG_BOOL, 2, SHAPE(3, 2)), *bo2 = mg_zeros(MG_BOOL, 2, SHAPE(2, 3));
  assert_null(mg_matmul(bo2, bo));
  error_has("matmul");
  error_has("bool");
  mg_tensor *s = mg_scalar(MG_FLOAT32, 2);
  assert_null(mg_matmul(s, a));
  error_has("matmul");
  assert_null(mg_matmul(a, s));
  error_has("matmul");
  /* failures leave the operands as they were */
  assert_int_equal(a->refcount, 1);
  assert_int_equal(a->ndim, 2);
  assert_int_equal(a->size[1], 3);
  mg_release(s), mg_release(bo), mg_release(bo2), mg_release(d), mg_release(i);
  mg_release(a3), mg_release(b3), mg_release(u3), mg_release(u4), mg_release(a), mg_release(b);
}

/* The message shows the operands' shapes as the caller passed them, as the inner-dim one
 * does, not only their batch parts. */
static void test_matmul_batch_error_shows_operand_shapes(void **state) {
  mg_tensor *a3 = mg_zeros(MG_FLOAT32, 3, SHAPE(2, 2, 3)), *b3 = mg_zeros(MG_FLOAT32, 3, SHAPE(3, 3, 2));
  mg_tensor *r = mg_matmul(a3, b3);
  mg_release(a3), mg_release(b3);
  assert_null(r);
  error_has("matmul");
  error_has("{2,2,3}");
  error_has("{3,3,2}");
}

/* DESIGN: errors name the function the caller called. */
static void test_wrapper_errors_name_the_function(void **state) {
  mg_tensor *a = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 3)), *b = mg_zeros(MG_FLOAT32, 2, SHAPE(4, 5));
  mg_tensor *u4 = mg_zeros(MG_FLOAT32, 1, SHAPE(4)), *u3 = mg_zeros(MG_FLOAT32, 1, SHAPE(3));
  char msg[4][512];
  mg_tensor *r[4] = {mg_mm(a, b), NULL, NULL, NULL};
  strcpy(msg[0], mg_last_error());
  r[1] = mg_mv(a, u4);
  strcpy(msg[1], mg_last_error());
  r[2] = mg_dot(u3, u4);
  strcpy(msg[2], mg_last_error());
  mg_tensor *d = mg_zeros(MG_FLOAT64, 2, SHAPE(3, 5));
  r[3] = mg_mm(a, d);
  strcpy(msg[3], mg_last_error());
  mg_release(d), mg_release(u3), mg_release(u4), mg_release(a), mg_release(b);
  for (int k = 0; k < 4; k++) assert_null(r[k]);
  static const char *const names[4] = {"mm: ", "mv: ", "dot: ", "mm: "};
  for (int k = 0; k < 4; k++)
    if (strncmp(msg[k], names[k], strlen(names[k])) != 0)
      fail_msg("error \"%s\" does not start with \"%s\"", msg[k], names[k]);
}

static void test_blas(void **state) {
  const char *core = mg_blas_corename();
  if (!core) fail_msg("mg_blas_corename: %s", mg_last_error());
  assert_true(strlen(core) > 0);
  const char *config = mg_blas_config();
  assert_non_null(config);
  assert_true(strlen(config) > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_matmul_2d),
      cmocka_unit_test(test_matmul_1d),
      cmocka_unit_test(test_matmul_batched),
      cmocka_unit_test(test_matmul_transposed),
      cmocka_unit_test(test_matmul_noncontiguous),
      cmocka_unit_test(test_matmul_large),
      cmocka_unit_test(test_k_zero_and_empty),
      cmocka_unit_test(test_mm_bmm_mv_dot_outer),
      cmocka_unit_test(test_addmm),
      cmocka_unit_test(test_matmul_errors),
      cmocka_unit_test(test_matmul_batch_error_shows_operand_shapes),
      cmocka_unit_test(test_wrapper_errors_name_the_function),
      cmocka_unit_test(test_blas),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
