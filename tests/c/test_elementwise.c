/* Elementwise ops: every binary and unary op on each dtype it applies to, broadcasting,
 * type promotion, strided operands, the _out forms, errors, large tensors (the thread
 * pool), clamp and where. Expected values are worked out by hand, or recorded from NumPy
 * 1.24 (float64) where a comment says so. */
#include "helpers.h"

#define F32_TOL 2e-6
#define F64_TOL 1e-14

/* An int64 tensor from exact values (beyond 2^53 a double cannot carry them). */
static mg_tensor *make_i64(int ndim, const int64_t *size, const int64_t *v) {
  mg_tensor *t = mg_empty(MG_INT64, ndim, size);
  assert_non_null(t);
  memcpy(mg_data(t), v, sizeof(int64_t) * (size_t)mg_numel(t));
  return t;
}

/* Checks an int64 tensor's values exactly, then releases it. */
static void expect_i64(mg_tensor *t, int64_t n, const int64_t *v) {
  assert_non_null(t);
  assert_int_equal(t->dtype, MG_INT64);
  assert_int_equal(mg_numel(t), n);
  for (int64_t i = 0; i < n; i++)
    if (iat(t, i) != v[i])
      fail_msg("element %lld: got %lld, expected %lld", (long long)i, (long long)iat(t, i),
               (long long)v[i]);
  mg_release(t);
}

/* ---- binary ops on each dtype ------------------------------------------------------------ */

static void test_binary_float(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    double tol = d == MG_FLOAT32 ? F32_TOL : F64_TOL;
    mg_tensor *a = make(d, 1, SHAPE(4), VALS(1.5, -2, 3, 0.25));
    mg_tensor *b = make(d, 1, SHAPE(4), VALS(0.5, 4, -3, 0.25));
    const int64_t *s = SHAPE(4);
    expect(mg_binary(MG_ADD, a, b), d, 1, s, VALS(2, 2, 0, 0.5), tol);
    expect(mg_binary(MG_SUB, a, b), d, 1, s, VALS(1, -6, 6, 0), tol);
    expect(mg_binary(MG_MUL, a, b), d, 1, s, VALS(0.75, -8, -9, 0.0625), tol);
    expect(mg_binary(MG_DIV, a, b), d, 1, s, VALS(3, -0.5, -1, 1), tol);
    /* Python: 1.5 ** 0.5, 3.0 ** -3, 0.25 ** 0.25 */
    expect(mg_binary(MG_POW, a, b), d, 1, s,
           VALS(1.224744871391589, 16, 0.037037037037037035, 0.7071067811865476), tol);
    expect(mg_binary(MG_MAXIMUM, a, b), d, 1, s, VALS(1.5, 4, 3, 0.25), tol);
    expect(mg_binary(MG_MINIMUM, a, b), d, 1, s, VALS(0.5, -2, -3, 0.25), tol);
    expect(mg_binary(MG_EQ, a, b), MG_BOOL, 1, s, VALS(0, 0, 0, 1), 0);
    expect(mg_binary(MG_NE, a, b), MG_BOOL, 1, s, VALS(1, 1, 1, 0), 0);
    expect(mg_binary(MG_LT, a, b), MG_BOOL, 1, s, VALS(0, 1, 0, 0), 0);
    expect(mg_binary(MG_LE, a, b), MG_BOOL, 1, s, VALS(0, 1, 0, 1), 0);
    expect(mg_binary(MG_GT, a, b), MG_BOOL, 1, s, VALS(1, 0, 1, 0), 0);
    expect(mg_binary(MG_GE, a, b), MG_BOOL, 1, s, VALS(1, 0, 1, 1), 0);
    mg_release(a), mg_release(b);
    /* IEEE specials */
    a = make(d, 1, SHAPE(4), VALS(1, -1, 0, NAN));
    b = make(d, 1, SHAPE(4), VALS(0, 0, 0, NAN));
    expect(mg_binary(MG_DIV, a, b), d, 1, s, VALS(INFINITY, -INFINITY, NAN, NAN), 0);
    expect(mg_binary(MG_EQ, a, b), MG_BOOL, 1, s, VALS(0, 0, 1, 0), 0);
    expect(mg_binary(MG_NE, a, b), MG_BOOL, 1, s, VALS(1, 1, 0, 1), 0);
    expect(mg_binary(MG_LE, a, b), MG_BOOL, 1, s, VALS(0, 1, 1, 0), 0);
    expect(mg_binary(MG_GE, a, b), MG_BOOL, 1, s, VALS(1, 0, 1, 0), 0);
    mg_release(a), mg_release(b);
  }
}

static void test_binary_int64(void **state) {
  mg_tensor *a = make(MG_INT64, 1, SHAPE(5), VALS(7, -7, 3, 0, 5));
  mg_tensor *b = make(MG_INT64, 1, SHAPE(5), VALS(2, 2, -3, 4, 5));
  const int64_t *s = SHAPE(5);
  expect(mg_binary(MG_ADD, a, b), MG_INT64, 1, s, VALS(9, -5, 0, 4, 10), 0);
  expect(mg_binary(MG_SUB, a, b), MG_INT64, 1, s, VALS(5, -9, 6, -4, 0), 0);
  expect(mg_binary(MG_MUL, a, b), MG_INT64, 1, s, VALS(14, -14, -9, 0, 25), 0);
  /* true division: integers divide in float32 */
  expect(mg_binary(MG_DIV, a, b), MG_FLOAT32, 1, s, VALS(3.5, -3.5, -1, 0, 1), 0);
  expect(mg_binary(MG_POW, a, b), MG_INT64, 1, s, VALS(49, 49, 0, 0, 3125), 0);
  expect(mg_binary(MG_MAXIMUM, a, b), MG_INT64, 1, s, VALS(7, 2, 3, 4, 5), 0);
  expect(mg_binary(MG_MINIMUM, a, b), MG_INT64, 1, s, VALS(2, -7, -3, 0, 5), 0);
  expect(mg_binary(MG_EQ, a, b), MG_BOOL, 1, s, VALS(0, 0, 0, 0, 1), 0);
  expect(mg_binary(MG_NE, a, b), MG_BOOL, 1, s, VALS(1, 1, 1, 1, 0), 0);
  expect(mg_binary(MG_LT, a, b), MG_BOOL, 1, s, VALS(0, 1, 0, 1, 0), 0);
  expect(mg_binary(MG_LE, a, b), MG_BOOL, 1, s, VALS(0, 1, 0, 1, 1), 0);
  expect(mg_binary(MG_GT, a, b), MG_BOOL, 1, s, VALS(1, 0, 1, 0, 0), 0);
  expect(mg_binary(MG_GE, a, b), MG_BOOL, 1, s, VALS(1, 0, 1, 0, 1), 0);
  mg_release(a), mg_release(b);
  /* integer sums stay exact past 2^53 (they must not go through double) */
  a = make_i64(1, SHAPE(1), (const int64_t[]){9007199254740992});
  b = make_i64(1, SHAPE(1), (const int64_t[]){1});
  expect_i64(mg_binary(MG_ADD, a, b), 1, (const int64_t[]){9007199254740993});
  expect(mg_binary(MG_EQ, a, a), MG_BOOL, 1, SHAPE(1), VALS(1), 0);
  mg_release(a), mg_release(b);
  /* integer division by zero gives IEEE results */
  a = make(MG_INT64, 1, SHAPE(3), VALS(1, -1, 0));
  b = mg_zeros(MG_INT64, 1, SHAPE(3));
  expect(mg_binary(MG_DIV, a, b), MG_FLOAT32, 1, SHAPE(3), VALS(INFINITY, -INFINITY, NAN), 0);
  mg_release(a), mg_release(b);
}

static void test_binary_bool_and_logical(void **state) {
  mg_tensor *a = make(MG_BOOL, 1, SHAPE(4), VALS(1, 1, 0, 0));
  mg_tensor *b = make(MG_BOOL, 1, SHAPE(4), VALS(1, 0, 1, 0));
  const int64_t *s = SHAPE(4);
  expect(mg_binary(MG_LOGICAL_AND, a, b), MG_BOOL, 1, s, VALS(1, 0, 0, 0), 0);
  expect(mg_binary(MG_LOGICAL_OR, a, b), MG_BOOL, 1, s, VALS(1, 1, 1, 0), 0);
  expect(mg_binary(MG_EQ, a, b), MG_BOOL, 1, s, VALS(1, 0, 0, 1), 0);
  expect(mg_binary(MG_GT, a, b), MG_BOOL, 1, s, VALS(0, 1, 0, 0), 0);
  /* bool with int64 promotes to int64 */
  mg_tensor *i = make(MG_INT64, 1, SHAPE(4), VALS(5, 5, -5, 0));
  expect(mg_binary(MG_ADD, a, i), MG_INT64, 1, s, VALS(6, 6, -5, 0), 0);
  expect(mg_binary(MG_MUL, i, a), MG_INT64, 1, s, VALS(5, 5, 0, 0), 0);
  /* logical ops take any dtype as truth values (NaN is true) and give bool */
  mg_tensor *f = make(MG_FLOAT32, 1, s, VALS(0, 2.5, -1, 0));
  mg_tensor *g = make(MG_FLOAT64, 1, s, VALS(3, 0, NAN, 0));
  expect(mg_binary(MG_LOGICAL_AND, f, g), MG_BOOL, 1, s, VALS(0, 0, 1, 0), 0);
  expect(mg_binary(MG_LOGICAL_OR, f, g), MG_BOOL, 1, s, VALS(1, 1, 1, 0), 0);
  expect(mg_binary(MG_LOGICAL_AND, i, a), MG_BOOL, 1, s, VALS(1, 1, 0, 0), 0);
  mg_release(g), mg_release(f), mg_release(i), mg_release(a), mg_release(b);
}

static void test_binary_promotion(void **state) {
  mg_tensor *i = make(MG_INT64, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *f = make(MG_FLOAT32, 1, SHAPE(3), VALS(0.5, 0.5, 0.5));
  mg_tensor *d = make(MG_FLOAT64, 1, SHAPE(3), VALS(0.25, 0.25, 0.25));
  expect(mg_binary(MG_ADD, i, f), MG_FLOAT32, 1, SHAPE(3), VALS(1.5, 2.5, 3.5), 0);
  expect(mg_binary(MG_ADD, f, d), MG_FLOAT64, 1, SHAPE(3), VALS(0.75, 0.75, 0.75), 0);
  expect(mg_binary(MG_SUB, i, d), MG_FLOAT64, 1, SHAPE(3), VALS(0.75, 1.75, 2.75), 0);
  expect(mg_binary(MG_LT, i, f), MG_BOOL, 1, SHAPE(3), VALS(0, 0, 0), 0);
  /* wrapped numbers: category only */
  mg_tensor *w25 = mg_wrapped_number(2.5, false), *w2 = mg_wrapped_number(2, true);
  expect(mg_binary(MG_MUL, i, w25), MG_FLOAT32, 1, SHAPE(3), VALS(2.5, 5, 7.5), 0);
  expect(mg_binary(MG_MUL, w25, i), MG_FLOAT32, 1, SHAPE(3), VALS(2.5, 5, 7.5), 0);
  expect(mg_binary(MG_ADD, i, w2), MG_INT64, 1, SHAPE(3), VALS(3, 4, 5), 0);
  expect(mg_binary(MG_POW, i, w2), MG_INT64, 1, SHAPE(3), VALS(1, 4, 9), 0);
  expect(mg_binary(MG_MUL, f, w2), MG_FLOAT32, 1, SHAPE(3), VALS(1, 1, 1), 0);
  expect(mg_binary(MG_SUB, f, w25), MG_FLOAT32, 1, SHAPE(3), VALS(-2, -2, -2), 0);
  expect(mg_binary(MG_DIV, d, w2), MG_FLOAT64, 1, SHAPE(3), VALS(0.125, 0.125, 0.125), 0);
  expect(mg_binary(MG_LT, i, w25), MG_BOOL, 1, SHAPE(3), VALS(1, 1, 0), 0);
  mg_tensor *w05 = mg_wrapped_number(0.5, false);
  expect(mg_binary(MG_POW, i, w05), MG_FLOAT32, 1, SHAPE(3),
         VALS(1, 1.4142135623730951, 1.7320508075688772), F32_TOL);
  mg_release(w05), mg_release(w25), mg_release(w2), mg_release(d), mg_release(f), mg_release(i);
}

static void test_pow_int_negative_exponent(void **state) {
  /* As PyTorch: 1 ** -n = 1, (-1) ** -n = +-1, any other base ** -n = 0 (truncated) */
  mg_tensor *a = make(MG_INT64, 1, SHAPE(7), VALS(2, 1, -1, -1, 3, -2, 10));
  mg_tensor *b = make(MG_INT64, 1, SHAPE(7), VALS(-1, -5, -3, -2, -2, 3, 0));
  expect(mg_binary(MG_POW, a, b), MG_INT64, 1, SHAPE(7), VALS(0, 1, -1, 1, 0, -8, 1), 0);
  mg_release(a), mg_release(b);
}

static void test_maximum_minimum_nan(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_tensor *a = make((mg_dtype)dt, 1, SHAPE(5), VALS(1, NAN, 3, NAN, -INFINITY));
    mg_tensor *b = make((mg_dtype)dt, 1, SHAPE(5), VALS(NAN, 2, 1, NAN, 0));
    expect(mg_binary(MG_MAXIMUM, a, b), (mg_dtype)dt, 1, SHAPE(5), VALS(NAN, NAN, 3, NAN, 0), 0);
    expect(mg_binary(MG_MINIMUM, a, b), (mg_dtype)dt, 1, SHAPE(5), VALS(NAN, NAN, 1, NAN, -INFINITY), 0);
    expect(mg_binary(MG_MAXIMUM, b, a), (mg_dtype)dt, 1, SHAPE(5), VALS(NAN, NAN, 3, NAN, 0), 0);
    expect(mg_binary(MG_MINIMUM, b, a), (mg_dtype)dt, 1, SHAPE(5), VALS(NAN, NAN, 1, NAN, -INFINITY), 0);
    /* a NaN scalar spreads over the whole tensor */
    mg_tensor *n = mg_scalar((mg_dtype)dt, NAN);
    expect(mg_binary(MG_MAXIMUM, a, n), (mg_dtype)dt, 1, SHAPE(5), VALS(NAN, NAN, NAN, NAN, NAN), 0);
    mg_release(n), mg_release(a), mg_release(b);
  }
}

static void test_int64_overflow_wraps(void **state) {
  mg_tensor *a = make_i64(1, SHAPE(3), (const int64_t[]){INT64_MAX, INT64_MIN, INT64_MAX});
  mg_tensor *b = make_i64(1, SHAPE(3), (const int64_t[]){1, 1, 2});
  expect_i64(mg_binary(MG_ADD, a, b), 3, (const int64_t[]){INT64_MIN, INT64_MIN + 1, INT64_MIN + 1});
  expect_i64(mg_binary(MG_SUB, a, b), 3, (const int64_t[]){INT64_MAX - 1, INT64_MAX, INT64_MAX - 2});
  expect_i64(mg_binary(MG_MUL, a, b), 3, (const int64_t[]){INT64_MAX, INT64_MIN, -2});
  mg_tensor *one = mg_wrapped_number(1, true);
  expect_i64(mg_binary(MG_ADD, a, one), 3, (const int64_t[]){INT64_MIN, INT64_MIN + 1, INT64_MIN});
  mg_release(one);
  /* NumPy: np.int64(3) ** 40 wraps to -6289078614652622815 */
  mg_tensor *x = make_i64(1, SHAPE(1), (const int64_t[]){3});
  mg_tensor *e = make_i64(1, SHAPE(1), (const int64_t[]){40});
  expect_i64(mg_binary(MG_POW, x, e), 1, (const int64_t[]){-6289078614652622815});
  mg_release(x), mg_release(e), mg_release(a), mg_release(b);
}

/* ---- unary ops ----------------------------------------------------------------------------- */

static void test_unary_float(void **state) {
  /* NumPy float64 on x = [-2.5, -0.5, 0, 0.5, 1.5, 2.5, 3.7] (round: half to even) */
  static const struct {
    mg_unary_op op;
    double v[7];
  } cases[] = {
      {MG_NEG, {2.5, 0.5, 0, -0.5, -1.5, -2.5, -3.7}},
      {MG_ABS, {2.5, 0.5, 0.0, 0.5, 1.5, 2.5, 3.7}},
      {MG_SIGN, {-1, -1, 0, 1, 1, 1, 1}},
      {MG_RELU, {0, 0, 0, 0.5, 1.5, 2.5, 3.7}},
      {MG_FLOOR, {-3, -1, 0, 0, 1, 2, 3}},
      {MG_CEIL, {-2, -0.0, 0, 1, 2, 3, 4}},
      {MG_ROUND, {-2, -0.0, 0, 0, 2, 2, 4}},
      {MG_EXP, {0.0820849986238988, 0.6065306597126334, 1.0, 1.6487212707001282,
                4.481689070338065, 12.182493960703473, 40.4473043600674}},
      {MG_SIN, {-0.5984721441039564, -0.47942553860420295, 0.0, 0.47942553860420295,
                0.9974949866040544, 0.5984721441039564, -0.5298361409084933}},
      {MG_COS, {-0.8011436155469338, 0.8775825618903725, 1.0, 0.8775825618903725,
                0.0707372016677029, -0.8011436155469338, -0.848100031710408}},
      {MG_TANH, {-0.9866142981514303, -0.46211715726000974, 0.0, 0.46211715726000974,
                 0.9051482536448665, 0.9866142981514303, 0.9987782412811311}},
      {MG_SIGMOID, {0.07585818002124355, 0.3775406687981454, 0.5, 0.6224593312018546,
                    0.8175744761936437, 0.9241418199787566, 0.9758729785823308}},
  };
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    mg_tensor *x = make(d, 1, SHAPE(7), VALS(-2.5, -0.5, 0, 0.5, 1.5, 2.5, 3.7));
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
      mg_tensor *r = mg_unary(cases[c].op, x);
      if (!r) fail_msg("%s(%s) failed: %s", mg_unary_op_name(cases[c].op), mg_dtype_name(d), mg_last_error());
      expect(r, d, 1, SHAPE(7), cases[c].v, d == MG_FLOAT32 ? F32_TOL : F64_TOL);
    }
    mg_release(x);
    /* NumPy float64 on y = [0.25, 1, 2, 10] */
    mg_tensor *y = make(d, 1, SHAPE(4), VALS(0.25, 1, 2, 10));
    double tol = d == MG_FLOAT32 ? F32_TOL : F64_TOL;
    expect(mg_unary(MG_LOG, y), d, 1, SHAPE(4),
           VALS(-1.3862943611198906, 0.0, 0.6931471805599453, 2.3025850929940455), tol);
    expect(mg_unary(MG_LOG1P, y), d, 1, SHAPE(4),
           VALS(0.22314355131420974, 0.6931471805599453, 1.0986122886681096, 2.3978952727983707), tol);
    expect(mg_unary(MG_SQRT, y), d, 1, SHAPE(4), VALS(0.5, 1.0, 1.4142135623730951, 3.1622776601683795), tol);
    expect(mg_unary(MG_RSQRT, y), d, 1, SHAPE(4), VALS(2.0, 1.0, 0.7071067811865475, 0.31622776601683794), tol);
    mg_release(y);
    /* IEEE specials */
    mg_tensor *z = make(d, 1, SHAPE(4), VALS(0, -1, INFINITY, NAN));
    expect(mg_unary(MG_LOG, z), d, 1, SHAPE(4), VALS(-INFINITY, NAN, INFINITY, NAN), 0);
    expect(mg_unary(MG_SQRT, z), d, 1, SHAPE(4), VALS(0, NAN, INFINITY, NAN), 0);
    expect(mg_unary(MG_RSQRT, z), d, 1, SHAPE(4), VALS(INFINITY, NAN, 0, NAN), 0);
    expect(mg_unary(MG_LOG1P, z), d, 1, SHAPE(4), VALS(0, -INFINITY, INFINITY, NAN), 0);
    expect(mg_unary(MG_TANH, z), d, 1, SHAPE(4), VALS(0, -0.7615941559557649, 1, NAN), tol);
    expect(mg_unary(MG_EXP, z), d, 1, SHAPE(4), VALS(1, 0.36787944117144233, INFINITY, NAN), tol);
    expect(mg_unary(MG_RELU, z), d, 1, SHAPE(4), VALS(0, 0, INFINITY, NAN), 0);
    mg_release(z);
    mg_tensor *big = make(d, 1, SHAPE(2), VALS(-1000, 1000));
    expect(mg_unary(MG_SIGMOID, big), d, 1, SHAPE(2), VALS(0, 1), 0);
    expect(mg_unary(MG_EXP, big), d, 1, SHAPE(2), VALS(0, INFINITY), 0);
    mg_release(big);
  }
}

static void test_unary_int_and_bool(void **state) {
  mg_tensor *x = make(MG_INT64, 1, SHAPE(5), VALS(-3, -1, 0, 2, 5));
  const int64_t *s = SHAPE(5);
  expect(mg_unary(MG_NEG, x), MG_INT64, 1, s, VALS(3, 1, 0, -2, -5), 0);
  expect(mg_unary(MG_ABS, x), MG_INT64, 1, s, VALS(3, 1, 0, 2, 5), 0);
  expect(mg_unary(MG_SIGN, x), MG_INT64, 1, s, VALS(-1, -1, 0, 1, 1), 0);
  expect(mg_unary(MG_RELU, x), MG_INT64, 1, s, VALS(0, 0, 0, 2, 5), 0);
  expect(mg_unary(MG_FLOOR, x), MG_INT64, 1, s, VALS(-3, -1, 0, 2, 5), 0);
  expect(mg_unary(MG_CEIL, x), MG_INT64, 1, s, VALS(-3, -1, 0, 2, 5), 0);
  expect(mg_unary(MG_ROUND, x), MG_INT64, 1, s, VALS(-3, -1, 0, 2, 5), 0);
  expect(mg_unary(MG_LOGICAL_NOT, x), MG_BOOL, 1, s, VALS(0, 0, 1, 0, 0), 0);
  /* floating ops on integers compute in float32 (values: NumPy float64) */
  expect(mg_unary(MG_EXP, x), MG_FLOAT32, 1, s,
         VALS(0.049787068367863944, 0.36787944117144233, 1, 7.38905609893065, 148.4131591025766), F32_TOL);
  expect(mg_unary(MG_SIN, x), MG_FLOAT32, 1, s,
         VALS(-0.1411200080598672, -0.8414709848078965, 0, 0.9092974268256817, -0.9589242746631385), F32_TOL);
  mg_release(x);
  x = make(MG_INT64, 1, SHAPE(4), VALS(0, 1, 4, 9));
  expect(mg_unary(MG_SQRT, x), MG_FLOAT32, 1, SHAPE(4), VALS(0, 1, 2, 3), 0);
  expect(mg_unary(MG_LOG1P, x), MG_FLOAT32, 1, SHAPE(4),
         VALS(0, 0.6931471805599453, 1.6094379124341003, 2.302585092994046), F32_TOL);
  mg_release(x);
  mg_tensor *b = make(MG_BOOL, 1, SHAPE(2), VALS(1, 0));
  expect(mg_unary(MG_LOGICAL_NOT, b), MG_BOOL, 1, SHAPE(2), VALS(0, 1), 0);
  expect(mg_unary(MG_SIGMOID, b), MG_FLOAT32, 1, SHAPE(2), VALS(0.7310585786300049, 0.5), F32_TOL);
  mg_release(b);
  mg_tensor *f = make(MG_FLOAT64, 1, SHAPE(4), VALS(0, -0.0, 2.5, NAN));
  expect(mg_unary(MG_LOGICAL_NOT, f), MG_BOOL, 1, SHAPE(4), VALS(1, 1, 0, 0), 0);
  mg_release(f);
  /* 0-d and empty */
  mg_tensor *s0 = mg_scalar(MG_FLOAT32, 4);
  expect(mg_unary(MG_SQRT, s0), MG_FLOAT32, 0, NULL, VALS(2), 0);
  mg_release(s0);
  mg_tensor *e = mg_zeros(MG_FLOAT64, 2, SHAPE(0, 3));
  expect(mg_unary(MG_EXP, e), MG_FLOAT64, 2, SHAPE(0, 3), NULL, 0);
  mg_release(e);
}

/* IEEE fabs: |-0.0| is +0.0 (NumPy's np.abs(-0.0) is 0.0, PyTorch's too). */
static void test_abs_of_negative_zero(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_tensor *x = make((mg_dtype)dt, 1, SHAPE(1), VALS(-0.0));
    mg_tensor *r = mg_unary(MG_ABS, x);
    assert_non_null(r);
    double v = at(r, 0);
    mg_release(r), mg_release(x);
    if (signbit(v)) fail_msg("abs(-0.0) in %s gave -0.0", mg_dtype_name((mg_dtype)dt));
  }
}

static void test_op_names(void **state) {
  static const char *const binary[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                       "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
                                       "logical_or"};
  static const char *const unary[] = {"neg", "abs", "exp", "log", "log1p", "sqrt", "rsqrt",
                                      "sin", "cos", "tanh", "sigmoid", "relu", "erf", "sign", "floor",
                                      "ceil", "round", "logical_not"};
  for (int op = 0; op < MG_NUM_BINARY_OPS; op++)
    assert_string_equal(mg_binary_op_name((mg_binary_op)op), binary[op]);
  for (int op = 0; op < MG_NUM_UNARY_OPS; op++)
    assert_string_equal(mg_unary_op_name((mg_unary_op)op), unary[op]);
}

/* ---- broadcasting and strided operands ---------------------------------------------------- */

static void test_broadcasting(void **state) {
  mg_tensor *col = make(MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3));
  mg_tensor *row = make(MG_FLOAT32, 2, SHAPE(1, 4), VALS(10, 20, 30, 40));
  expect(mg_binary(MG_ADD, col, row), MG_FLOAT32, 2, SHAPE(3, 4),
         VALS(11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43), 0);
  expect(mg_binary(MG_SUB, row, col), MG_FLOAT32, 2, SHAPE(3, 4),
         VALS(9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37), 0);
  expect(mg_binary(MG_LT, col, row), MG_BOOL, 2, SHAPE(3, 4), VALS(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 0);
  mg_tensor *m = make(MG_INT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5));
  mg_tensor *v = make(MG_INT64, 1, SHAPE(3), VALS(1, 10, 100));
  expect(mg_binary(MG_MUL, m, v), MG_INT64, 2, SHAPE(2, 3), VALS(0, 10, 200, 3, 40, 500), 0);
  expect(mg_binary(MG_MUL, v, m), MG_INT64, 2, SHAPE(2, 3), VALS(0, 10, 200, 3, 40, 500), 0);
  mg_tensor *s = mg_scalar(MG_INT64, 1);
  expect(mg_binary(MG_SUB, s, m), MG_INT64, 2, SHAPE(2, 3), VALS(1, 0, -1, -2, -3, -4), 0);
  expect(mg_binary(MG_SUB, s, s), MG_INT64, 0, NULL, VALS(0), 0);
  /* {2,1,3} with {4,1}: {2,4,3} */
  mg_tensor *c4 = make(MG_INT64, 2, SHAPE(4, 1), VALS(0, 1, 2, 3));
  mg_tensor *m3 = mg_view(m, 3, SHAPE(2, 1, 3));
  double want[24];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 4; j++)
      for (int k = 0; k < 3; k++) want[i * 12 + j * 3 + k] = (i * 3 + k) + 10 * j;
  mg_tensor *ten = mg_wrapped_number(10, true);
  mg_tensor *c40 = mg_binary(MG_MUL, c4, ten);
  expect(mg_binary(MG_ADD, m3, c40), MG_INT64, 3, SHAPE(2, 4, 3), want, 0);
  /* zero-size broadcasts to zero-size */
  mg_tensor *z = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 1));
  expect(mg_binary(MG_ADD, z, row), MG_FLOAT32, 2, SHAPE(0, 4), NULL, 0);
  mg_release(z), mg_release(c40), mg_release(ten), mg_release(m3), mg_release(c4);
  mg_release(s), mg_release(v), mg_release(m), mg_release(row), mg_release(col);
}

static void test_noncontiguous_operands(void **state) {
  mg_tensor *m = make(MG_FLOAT64, 2, SHAPE(2, 3), VALS(0, 1, 2, 3, 4, 5));
  mg_tensor *mt = mg_transpose(m, 0, 1); /* {{0,3},{1,4},{2,5}} */
  mg_tensor *c = make(MG_FLOAT64, 2, SHAPE(3, 2), VALS(10, 11, 12, 13, 14, 15));
  expect(mg_binary(MG_ADD, mt, c), MG_FLOAT64, 2, SHAPE(3, 2), VALS(10, 14, 13, 17, 16, 20), 0);
  expect(mg_binary(MG_SUB, c, mt), MG_FLOAT64, 2, SHAPE(3, 2), VALS(10, 8, 11, 9, 12, 10), 0);
  expect(mg_binary(MG_MUL, mt, mt), MG_FLOAT64, 2, SHAPE(3, 2), VALS(0, 9, 1, 16, 4, 25), 0);
  expect(mg_unary(MG_NEG, mt), MG_FLOAT64, 2, SHAPE(3, 2), VALS(0, -3, -1, -4, -2, -5), 0);
  /* narrowed columns of a {3,4} */
  mg_tensor *g = make(MG_FLOAT32, 2, SHAPE(3, 4), VALS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
  mg_tensor *n = mg_narrow(g, 1, 1, 2); /* {{1,2},{5,6},{9,10}} */
  expect(mg_binary(MG_MUL, n, c), MG_FLOAT64, 2, SHAPE(3, 2), VALS(10, 22, 60, 78, 126, 150), 0);
  expect(mg_binary(MG_GT, n, mt), MG_BOOL, 2, SHAPE(3, 2), VALS(1, 0, 1, 1, 1, 1), 0);
  expect(mg_unary(MG_SQRT, n), MG_FLOAT32, 2, SHAPE(3, 2),
         VALS(1, 1.4142135623730951, 2.23606797749979, 2.449489742783178, 3, 3.1622776601683795), F32_TOL);
  /* an expanded operand (stride 0) */
  mg_tensor *r = make(MG_FLOAT32, 1, SHAPE(2), VALS(100, 200));
  mg_tensor *e = mg_expand(r, 2, SHAPE(3, 2));
  expect(mg_binary(MG_ADD, e, n), MG_FLOAT32, 2, SHAPE(3, 2), VALS(101, 202, 105, 206, 109, 210), 0);
  expect(mg_binary(MG_SUB, n, e), MG_FLOAT32, 2, SHAPE(3, 2), VALS(-99, -198, -95, -194, -91, -190), 0);
  expect(mg_unary(MG_NEG, e), MG_FLOAT32, 2, SHAPE(3, 2), VALS(-100, -200, -100, -200, -100, -200), 0);
  /* a selected column (stride 4) with int64 */
  mg_tensor *gi = mg_to(g, MG_INT64);
  mg_tensor *colsel = mg_select(gi, 1, 3); /* {3,7,11} */
  mg_tensor *rowsel = mg_select(gi, 0, 2); /* {8,9,10,11} -> first 3 */
  mg_tensor *r3 = mg_narrow(rowsel, 0, 0, 3);
  expect(mg_binary(MG_SUB, colsel, r3), MG_INT64, 1, SHAPE(3), VALS(-5, -2, 1), 0);
  mg_release(r3), mg_release(rowsel), mg_release(colsel), mg_release(gi);
  mg_release(e), mg_release(r), mg_release(n), mg_release(g), mg_release(c), mg_release(mt), mg_release(m);
}

/* ---- _out forms ------------------------------------------------------------------------------ */

static void test_out_in_place(void **state) {
  mg_tensor *a = make(MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *b = make(MG_FLOAT32, 1, SHAPE(3), VALS(10, 20, 30));
  mg_storage *st = a->storage;
  assert_int_equal(mg_binary_out(MG_ADD, a, b, a), 0);
  assert_ptr_equal(a->storage, st);
  check(a, MG_FLOAT32, 1, SHAPE(3), VALS(11, 22, 33), 0);
  mg_tensor *two = mg_wrapped_number(2, true);
  assert_int_equal(mg_binary_out(MG_MUL, a, two, a), 0);
  check(a, MG_FLOAT32, 1, SHAPE(3), VALS(22, 44, 66), 0);
  assert_int_equal(mg_binary_out(MG_SUB, b, a, a), 0); /* out is the second operand */
  check(a, MG_FLOAT32, 1, SHAPE(3), VALS(-12, -24, -36), 0);
  assert_int_equal(mg_unary_out(MG_NEG, a, a), 0);
  check(a, MG_FLOAT32, 1, SHAPE(3), VALS(12, 24, 36), 0);
  assert_int_equal(mg_clamp_out(a, 15, 30, a), 0);
  check(a, MG_FLOAT32, 1, SHAPE(3), VALS(15, 24, 30), 0);
  /* int64 in place with int64 and bool operands */
  mg_tensor *i = make(MG_INT64, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *bo = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  assert_int_equal(mg_binary_out(MG_ADD, i, bo, i), 0);
  check(i, MG_INT64, 1, SHAPE(3), VALS(2, 2, 4), 0);
  assert_int_equal(mg_binary_out(MG_POW, i, two, i), 0);
  check(i, MG_INT64, 1, SHAPE(3), VALS(4, 4, 16), 0);
  /* results cast into a wider or float out: float32 result into float64; bool into int64 */
  mg_tensor *d = mg_zeros(MG_FLOAT64, 1, SHAPE(3));
  assert_int_equal(mg_binary_out(MG_DIV, b, a, d), 0);
  check(d, MG_FLOAT64, 1, SHAPE(3), VALS(10.0 / 15, 20.0 / 24, 1), 1e-7);
  assert_int_equal(mg_binary_out(MG_GT, a, b, i), 0); /* {15,24,30} > {10,20,30} */
  check(i, MG_INT64, 1, SHAPE(3), VALS(1, 1, 0), 0);
  assert_int_equal(mg_binary_out(MG_EQ, a, a, d), 0);
  check(d, MG_FLOAT64, 1, SHAPE(3), VALS(1, 1, 1), 0);
  assert_int_equal(mg_unary_out(MG_SQRT, b, d), 0);
  check(d, MG_FLOAT64, 1, SHAPE(3), VALS(3.1622776601683795, 4.47213595499958, 5.477225575051661), F32_TOL);
  /* a non-contiguous out */
  mg_tensor *base = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 3));
  mg_tensor *out = mg_transpose(base, 0, 1); /* {3,2} */
  mg_tensor *x = make(MG_FLOAT32, 2, SHAPE(3, 2), VALS(1, 2, 3, 4, 5, 6));
  mg_tensor *y = make(MG_FLOAT32, 1, SHAPE(2), VALS(10, 100));
  assert_int_equal(mg_binary_out(MG_MUL, x, y, out), 0);
  check(base, MG_FLOAT32, 2, SHAPE(2, 3), VALS(10, 30, 50, 200, 400, 600), 0);
  assert_int_equal(mg_unary_out(MG_NEG, x, out), 0);
  check(base, MG_FLOAT32, 2, SHAPE(2, 3), VALS(-1, -3, -5, -2, -4, -6), 0);
  mg_release(y), mg_release(x), mg_release(out), mg_release(base), mg_release(d);
  mg_release(bo), mg_release(i), mg_release(two), mg_release(b), mg_release(a);
}

/* out == a while b is a differently-strided view of a (a += a^T): the result must be the
 * one computed from the old values, or the call must refuse. */
static void test_out_aliasing_transposed_view(void **state) {
  mg_tensor *a = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(1, 2, 3, 4));
  mg_tensor *at_ = mg_transpose(a, 0, 1);
  int rc = mg_binary_out(MG_ADD, a, at_, a);
  double got[4];
  for (int k = 0; k < 4; k++) got[k] = at(a, k);
  mg_release(at_), mg_release(a);
  if (rc == 0) {
    const double want[4] = {2, 5, 5, 8};
    for (int k = 0; k < 4; k++)
      if (got[k] != want[k])
        fail_msg("a += a^T with a = {{1,2},{3,4}}: got {{%g,%g},{%g,%g}}, expected {{2,5},{5,8}}",
                 got[0], got[1], got[2], got[3]);
  } else {
    for (int k = 0; k < 4; k++) assert_true(got[k] == k + 1); /* refused: unchanged */
  }
}

static void test_out_errors_leave_out_unchanged(void **state) {
  mg_tensor *a = make(MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6));
  mg_tensor *b4 = make(MG_FLOAT32, 1, SHAPE(4), VALS(1, 1, 1, 1));
  /* non-broadcastable shapes: the message names the op and both shapes */
  assert_null(mg_binary(MG_ADD, a, b4));
  error_has("add");
  error_has("{2,3}");
  error_has("{4}");
  assert_null(mg_binary(MG_MAXIMUM, b4, a));
  error_has("maximum");
  error_has("{4}");
  error_has("{2,3}");
  assert_int_equal(mg_binary_out(MG_MUL, a, b4, a), -1);
  error_has("mul");
  check(a, MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6), 0);

  /* the broadcast result does not fit out */
  mg_tensor *col = make(MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3));
  mg_tensor *row = make(MG_FLOAT32, 2, SHAPE(1, 4), VALS(1, 2, 3, 4));
  assert_int_equal(mg_binary_out(MG_ADD, col, row, col), -1);
  error_has("add");
  check(col, MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3), 0);
  mg_tensor *small = mg_zeros(MG_FLOAT32, 1, SHAPE(3));
  assert_int_equal(mg_unary_out(MG_EXP, a, small), -1);
  error_has("exp");
  check(small, MG_FLOAT32, 1, SHAPE(3), VALS(0, 0, 0), 0);

  /* a float result cannot go into an int64 tensor, nor int64 into bool */
  mg_tensor *i = make(MG_INT64, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *f = make(MG_FLOAT32, 1, SHAPE(3), VALS(0.5, 0.5, 0.5));
  assert_int_equal(mg_binary_out(MG_ADD, i, f, i), -1);
  error_has("add");
  error_has("float32");
  error_has("int64");
  assert_int_equal(mg_binary_out(MG_DIV, i, i, i), -1);
  error_has("div");
  mg_tensor *half = mg_wrapped_number(0.5, false);
  assert_int_equal(mg_binary_out(MG_MUL, i, half, i), -1);
  error_has("mul");
  assert_int_equal(mg_unary_out(MG_EXP, i, i), -1);
  error_has("exp");
  assert_int_equal(mg_clamp_out(f, 0, 1, i), -1);
  error_has("clamp");
  check(i, MG_INT64, 1, SHAPE(3), VALS(1, 2, 3), 0);
  mg_tensor *bo = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  assert_int_equal(mg_binary_out(MG_ADD, i, i, bo), -1);
  error_has("add");
  assert_int_equal(mg_unary_out(MG_NEG, i, bo), -1);
  check(bo, MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1), 0);

  /* writing into an expanded tensor */
  mg_tensor *r = make(MG_FLOAT32, 2, SHAPE(1, 3), VALS(7, 8, 9));
  mg_tensor *e = mg_expand(r, 2, SHAPE(2, 3));
  assert_int_equal(mg_binary_out(MG_ADD, e, a, e), -1);
  error_has("add");
  error_has("expand");
  assert_int_equal(mg_unary_out(MG_NEG, a, e), -1);
  error_has("expand");
  assert_int_equal(mg_clamp_out(a, 0, 1, e), -1);
  error_has("expand");
  check(r, MG_FLOAT32, 2, SHAPE(1, 3), VALS(7, 8, 9), 0);
  check(a, MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6), 0);
  mg_release(e), mg_release(r), mg_release(bo), mg_release(half), mg_release(f), mg_release(i);
  mg_release(small), mg_release(row), mg_release(col), mg_release(b4), mg_release(a);
}

/* ---- large tensors: split over the thread pool ----------------------------------------------- */

#define BIG 300000

static void test_big_contiguous(void **state) {
  mg_tensor *a = mg_arange(0, BIG, 1, MG_FLOAT32);
  mg_tensor *b = mg_arange(0, 3 * BIG, 3, MG_FLOAT32);
  const int64_t pos[] = {0, 1, 32767, 32768, 65536, 149999, 150000, 150001, 262143, BIG - 1};
  mg_tensor *s = mg_binary(MG_ADD, a, b);
  assert_int_equal(mg_numel(s), BIG);
  for (size_t k = 0; k < sizeof pos / sizeof *pos; k++) assert_true(at(s, pos[k]) == 4.0 * pos[k]);
  mg_release(s);
  mg_tensor *half = mg_wrapped_number(150000, true);
  mg_tensor *g = mg_binary(MG_GE, a, half);
  assert_int_equal(g->dtype, MG_BOOL);
  for (size_t k = 0; k < sizeof pos / sizeof *pos; k++) assert_true(at(g, pos[k]) == (pos[k] >= 150000));
  int64_t count = 0;
  for (int64_t k = 0; k < BIG; k++) count += at(g, k) != 0;
  assert_int_equal(count, BIG - 150000);
  mg_release(g);
  mg_tensor *n = mg_unary(MG_NEG, a);
  for (size_t k = 0; k < sizeof pos / sizeof *pos; k++) assert_true(at(n, pos[k]) == -(double)pos[k]);
  mg_release(n);
  /* in place over the whole tensor */
  mg_tensor *one = mg_wrapped_number(1, true);
  assert_int_equal(mg_binary_out(MG_ADD, a, one, a), 0);
  for (size_t k = 0; k < sizeof pos / sizeof *pos; k++) assert_true(at(a, pos[k]) == pos[k] + 1.0);
  /* int64, every element */
  mg_tensor *ai = mg_arange(0, BIG, 1, MG_INT64);
  mg_tensor *sq = mg_binary(MG_MUL, ai, ai);
  for (int64_t k = 0; k < BIG; k++)
    if (iat(sq, k) != k * k) fail_msg("element %lld: got %lld", (long long)k, (long long)iat(sq, k));
  mg_release(sq), mg_release(ai), mg_release(one), mg_release(half), mg_release(b), mg_release(a);
}

static void test_big_strided(void **state) {
  /* {600,1} + {1,500}: out[i][j] = i + 1000 j */
  mg_tensor *ci = mg_arange(0, 600, 1, MG_FLOAT64), *rj = mg_arange(0, 500000, 1000, MG_FLOAT64);
  mg_tensor *col = mg_view(ci, 2, SHAPE(600, 1)), *row = mg_view(rj, 2, SHAPE(1, 500));
  mg_tensor *s = mg_binary(MG_ADD, col, row);
  assert_int_equal(s->size[0], 600);
  assert_int_equal(s->size[1], 500);
  for (int64_t k = 0; k < BIG; k++) {
    double want = (double)(k / 500) + 1000.0 * (double)(k % 500);
    if (at(s, k) != want) fail_msg("element %lld: got %.17g, expected %.17g", (long long)k, at(s, k), want);
  }
  /* transposed {500,600} view of it, times a contiguous {500,600}: t[j][i] = s[i][j] */
  mg_tensor *t = mg_transpose(s, 0, 1);
  mg_tensor *two = mg_full(MG_FLOAT64, 2, SHAPE(500, 600), 2);
  mg_tensor *p = mg_binary(MG_MUL, t, two);
  assert_true(mg_is_contiguous(p));
  for (int64_t k = 0; k < BIG; k++) {
    int64_t j = k / 600, i = k % 600;
    if (at(p, k) != 2.0 * ((double)i + 1000.0 * (double)j))
      fail_msg("element %lld: got %.17g", (long long)k, at(p, k));
  }
  mg_release(p);
  /* unary on the transposed view, into a transposed out */
  mg_tensor *dst = mg_zeros(MG_FLOAT64, 2, SHAPE(600, 500));
  mg_tensor *dt = mg_transpose(dst, 0, 1);
  assert_int_equal(mg_unary_out(MG_NEG, t, dt), 0);
  for (int64_t k = 0; k < BIG; k += 997) assert_true(at(dst, k) == -at(s, k));
  assert_true(at(dst, BIG - 1) == -at(s, BIG - 1));
  mg_release(dt), mg_release(dst), mg_release(two), mg_release(t), mg_release(s);
  mg_release(row), mg_release(col), mg_release(rj), mg_release(ci);
}

/* ---- clamp and where --------------------------------------------------------------------------- */

static void test_clamp(void **state) {
  for (int dt = MG_FLOAT32; dt <= MG_FLOAT64; dt++) {
    mg_dtype d = (mg_dtype)dt;
    mg_tensor *x = make(d, 1, SHAPE(5), VALS(-2, -0.5, 0.5, 2, NAN));
    expect(mg_clamp(x, -1, 1), d, 1, SHAPE(5), VALS(-1, -0.5, 0.5, 1, NAN), 0);
    expect(mg_clamp(x, -INFINITY, 0), d, 1, SHAPE(5), VALS(-2, -0.5, 0, 0, NAN), 0);
    expect(mg_clamp(x, 0, INFINITY), d, 1, SHAPE(5), VALS(0, 0, 0.5, 2, NAN), 0);
    expect(mg_clamp(x, 0.25, 0.25), d, 1, SHAPE(5), VALS(0.25, 0.25, 0.25, 0.25, NAN), 0);
    mg_tensor *xt = mg_expand(x, 2, SHAPE(2, 5));
    expect(mg_clamp(xt, -1, 1), d, 2, SHAPE(2, 5), VALS(-1, -0.5, 0.5, 1, NAN, -1, -0.5, 0.5, 1, NAN), 0);
    mg_release(xt);
    assert_null(mg_clamp(x, 1, -1));
    error_has("clamp");
    assert_null(mg_clamp(x, NAN, 1));
    error_has("clamp");
    assert_int_equal(mg_clamp_out(x, 2, 1, x), -1);
    check(x, d, 1, SHAPE(5), VALS(-2, -0.5, 0.5, 2, NAN), 0);
    mg_release(x);
  }
  mg_tensor *i = make(MG_INT64, 1, SHAPE(4), VALS(-5, 0, 2, 5));
  expect(mg_clamp(i, -1, 3), MG_INT64, 1, SHAPE(4), VALS(-1, 0, 2, 3), 0);
  expect(mg_clamp(i, -INFINITY, 1), MG_INT64, 1, SHAPE(4), VALS(-5, 0, 1, 1), 0);
  expect(mg_clamp(i, 0, INFINITY), MG_INT64, 1, SHAPE(4), VALS(0, 0, 2, 5), 0);
  mg_release(i);
}

/* clamp without bounds is the identity, also at the ends of the int64 range. */
static void test_clamp_int64_full_range(void **state) {
  mg_tensor *i = make_i64(1, SHAPE(3), (const int64_t[]){INT64_MIN, 0, INT64_MAX});
  mg_tensor *r = mg_clamp(i, -INFINITY, INFINITY);
  mg_release(i);
  assert_non_null(r);
  int64_t got[3] = {iat(r, 0), iat(r, 1), iat(r, 2)};
  mg_release(r);
  if (got[0] != INT64_MIN || got[1] != 0 || got[2] != INT64_MAX)
    fail_msg("clamp(-inf, inf) of {INT64_MIN, 0, INT64_MAX} gave {%lld, %lld, %lld}",
             (long long)got[0], (long long)got[1], (long long)got[2]);
}

static void test_where(void **state) {
  mg_tensor *cond = make(MG_BOOL, 2, SHAPE(2, 3), VALS(1, 0, 1, 0, 1, 0));
  mg_tensor *a = make(MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *half = mg_wrapped_number(0.5, false);
  expect(mg_where(cond, a, half), MG_FLOAT32, 2, SHAPE(2, 3), VALS(1, 0.5, 3, 0.5, 2, 0.5), 0);
  expect(mg_where(cond, half, a), MG_FLOAT32, 2, SHAPE(2, 3), VALS(0.5, 2, 0.5, 1, 0.5, 3), 0);
  /* mixed dtypes promote; a broadcast condition */
  mg_tensor *c31 = make(MG_BOOL, 2, SHAPE(3, 1), VALS(1, 0, 1));
  mg_tensor *i = make(MG_INT64, 2, SHAPE(1, 2), VALS(7, 8));
  mg_tensor *d = make(MG_FLOAT64, 2, SHAPE(3, 2), VALS(-1, -2, -3, -4, -5, -6));
  expect(mg_where(c31, i, d), MG_FLOAT64, 2, SHAPE(3, 2), VALS(7, 8, -3, -4, 7, 8), 0);
  expect(mg_where(c31, i, i), MG_INT64, 2, SHAPE(3, 2), VALS(7, 8, 7, 8, 7, 8), 0);
  mg_tensor *bt = make(MG_BOOL, 1, SHAPE(2), VALS(1, 1)), *bf = make(MG_BOOL, 1, SHAPE(2), VALS(0, 0));
  expect(mg_where(c31, bt, bf), MG_BOOL, 2, SHAPE(3, 2), VALS(1, 1, 0, 0, 1, 1), 0);
  /* a transposed condition and operand */
  mg_tensor *ct = mg_transpose(cond, 0, 1); /* {{1,0},{0,1},{1,0}} */
  mg_tensor *dt = mg_transpose(d, 0, 1);     /* {2,3}: {{-1,-3,-5},{-2,-4,-6}} */
  mg_tensor *dtt = mg_transpose(dt, 0, 1);   /* back to {3,2} through two views */
  expect(mg_where(ct, dtt, half), MG_FLOAT64, 2, SHAPE(3, 2), VALS(-1, 0.5, 0.5, -4, -5, 0.5), 0);
  /* NaN passes through untouched */
  mg_tensor *n = make(MG_FLOAT64, 1, SHAPE(2), VALS(NAN, 1));
  mg_tensor *c2 = make(MG_BOOL, 1, SHAPE(2), VALS(1, 0));
  expect(mg_where(c2, n, n), MG_FLOAT64, 1, SHAPE(2), VALS(NAN, 1), 0);
  /* errors */
  assert_null(mg_where(a, a, a));
  error_has("where");
  error_has("float32");
  mg_tensor *c4 = make(MG_BOOL, 1, SHAPE(4), VALS(1, 0, 1, 0));
  assert_null(mg_where(c4, a, a));
  error_has("where");
  assert_null(mg_where(cond, a, c4));
  error_has("where");
  mg_release(c4), mg_release(c2), mg_release(n), mg_release(dtt), mg_release(dt), mg_release(ct);
  mg_release(bf), mg_release(bt), mg_release(d), mg_release(i), mg_release(c31), mg_release(half);
  mg_release(a), mg_release(cond);
}

/* Last: PyTorch's neg/abs of INT64_MIN wrap to INT64_MIN; C's -x there is undefined, which
 * the sanitizer build reports (and a non-recovering one aborts on). */
static void test_int64_min_neg_abs(void **state) {
  mg_tensor *x = make_i64(1, SHAPE(2), (const int64_t[]){INT64_MIN, -5});
  expect_i64(mg_unary(MG_NEG, x), 2, (const int64_t[]){INT64_MIN, 5});
  expect_i64(mg_unary(MG_ABS, x), 2, (const int64_t[]){INT64_MIN, 5});
  mg_release(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_binary_float),
      cmocka_unit_test(test_binary_int64),
      cmocka_unit_test(test_binary_bool_and_logical),
      cmocka_unit_test(test_binary_promotion),
      cmocka_unit_test(test_pow_int_negative_exponent),
      cmocka_unit_test(test_maximum_minimum_nan),
      cmocka_unit_test(test_int64_overflow_wraps),
      cmocka_unit_test(test_unary_float),
      cmocka_unit_test(test_unary_int_and_bool),
      cmocka_unit_test(test_abs_of_negative_zero),
      cmocka_unit_test(test_op_names),
      cmocka_unit_test(test_broadcasting),
      cmocka_unit_test(test_noncontiguous_operands),
      cmocka_unit_test(test_out_in_place),
      cmocka_unit_test(test_out_aliasing_transposed_view),
      cmocka_unit_test(test_out_errors_leave_out_unchanged),
      cmocka_unit_test(test_big_contiguous),
      cmocka_unit_test(test_big_strided),
      cmocka_unit_test(test_clamp),
      cmocka_unit_test(test_clamp_int64_full_range),
      cmocka_unit_test(test_where),
      cmocka_unit_test(test_int64_min_neg_abs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
