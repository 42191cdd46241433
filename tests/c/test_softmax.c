/* softmax and log_softmax from C: the forward kernel on values worked out by hand
 * (softmax of {0, ln 2, ln 3} is {1/6, 2/6, 3/6}), along either dim, through strides, in
 * float32, float64 and from int64, for logits that would overflow exp, on tensors big enough
 * to be split over threads, and their gradients in closed form. */
#include "helpers.h"

static const double LN2 = 0.69314718055994531, LN3 = 1.0986122886681098;

static void test_values_by_hand(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 2, SHAPE(2, 3), VALS(0, LN2, LN3, 5, 5, 5));
  expect(mg_softmax(t, 1), MG_FLOAT64, 2, SHAPE(2, 3),
         VALS(1. / 6, 2. / 6, 3. / 6, 1. / 3, 1. / 3, 1. / 3), 1e-15);
  expect(mg_log_softmax(t, 1), MG_FLOAT64, 2, SHAPE(2, 3),
         VALS(-log(6), log(2. / 6), log(3. / 6), -LN3, -LN3, -LN3), 1e-15);
  /* along dim 0: pairs {0, 5}, {ln 2, 5}, {ln 3, 5} */
  double s0 = 1 / (1 + exp(5)), s1 = 2 / (2 + exp(5)), s2 = 3 / (3 + exp(5));
  expect(mg_softmax(t, 0), MG_FLOAT64, 2, SHAPE(2, 3), VALS(s0, s1, s2, 1 - s0, 1 - s1, 1 - s2), 1e-14);
  mg_release(t);
}

static void test_strided_and_float32(void **state) {
  mg_tensor *t = make(MG_FLOAT32, 2, SHAPE(3, 2), VALS(0, 7, LN2, 7, LN3, 7));
  mg_tensor *tt = mg_transpose(t, 0, 1); /* rows {0, ln2, ln3} and {7, 7, 7}, strided */
  expect(mg_softmax(tt, 1), MG_FLOAT32, 2, SHAPE(2, 3),
         VALS(1. / 6, 2. / 6, 3. / 6, 1. / 3, 1. / 3, 1. / 3), 1e-6);
  expect(mg_softmax(t, 0), MG_FLOAT32, 2, SHAPE(3, 2),
         VALS(1. / 6, 1. / 3, 2. / 6, 1. / 3, 3. / 6, 1. / 3), 1e-6);
  mg_release(tt), mg_release(t);
  mg_tensor *i = make(MG_INT64, 1, SHAPE(2), VALS(3, 3));
  expect(mg_log_softmax(i, 0), MG_FLOAT32, 1, SHAPE(2), VALS(-LN2, -LN2), 1e-6);
  mg_release(i);
}

static void test_large_logits(void **state) {
  mg_tensor *t = make(MG_FLOAT64, 1, SHAPE(3), VALS(1000, 1000 + LN3, -1000));
  expect(mg_softmax(t, 0), MG_FLOAT64, 1, SHAPE(3), VALS(0.25, 0.75, 0), 1e-13);
  expect(mg_log_softmax(t, 0), MG_FLOAT64, 1, SHAPE(3), VALS(-log(4), log(0.75), -2000 - log(4)), 1e-13);
  mg_release(t);
  t = make(MG_FLOAT32, 1, SHAPE(3), VALS(1000, 1000, -1000));
  expect(mg_softmax(t, 0), MG_FLOAT32, 1, SHAPE(3), VALS(0.5, 0.5, 0), 1e-7);
  expect(mg_log_softmax(t, 0), MG_FLOAT32, 1, SHAPE(3), VALS(-LN2, -LN2, -2000 - LN2), 1e-7);
  mg_release(t);
}

static void test_scalar_and_empty(void **state) {
  mg_tensor *s = mg_scalar(MG_FLOAT64, -3);
  expect(mg_softmax(s, 0), MG_FLOAT64, 0, SHAPE(0), VALS(1), 0);
  expect(mg_log_softmax(s, 0), MG_FLOAT64, 0, SHAPE(0), VALS(0), 0);
  mg_release(s);
  mg_tensor *e = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 4));
  expect(mg_softmax(e, 1), MG_FLOAT32, 2, SHAPE(0, 4), VALS(0), 0);
  mg_release(e);
}

/* Every row of a softmax sums to 1, also when rows are split over threads. */
static void test_many_rows(void **state) {
  mg_set_num_threads(2);
  mg_tensor *t = mg_randn(MG_FLOAT32, 2, SHAPE(400, 300));
  for (int dim = 0; dim < 2; dim++) {
    mg_tensor *s = mg_softmax(t, dim), *sum = mg_reduce(MG_SUM, s, dim, false, 0);
    for (int64_t i = 0; i < mg_numel(sum); i++) assert_true(fabs(at(sum, i) - 1) < 1e-5);
    mg_release(s), mg_release(sum);
  }
  mg_release(t);
}

static void test_errors(void **state) {
  mg_tensor *t = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 3));
  assert_null(mg_softmax(t, 2));
  expect_error("softmax: dimension 3 out of range (tensor has 2 dimensions)");
  assert_null(mg_log_softmax(t, -1));
  error_has("log_softmax: dimension");
  mg_release(t);
}

/* softmax' with seed e_k: y_i (delta_ik - y_k); log_softmax' with seed g: g - y sum(g). */
static void test_gradients(void **state) {
  mg_tensor *x = make(MG_FLOAT64, 1, SHAPE(3), VALS(0, LN2, LN3));
  assert_int_equal(mg_set_requires_grad(x, true), 0);
  mg_tensor *y = mg_softmax(x, 0), *seed = make(MG_FLOAT64, 1, SHAPE(3), VALS(0, 0, 1));
  assert_string_equal(mg_grad_fn_name(y), "softmax");
  assert_int_equal(mg_backward(y, seed, false), 0);
  check(mg_grad(x), MG_FLOAT64, 1, SHAPE(3), VALS(-3. / 36, -6. / 36, 0.5 * 0.5), 1e-15);
  mg_release(y), mg_release(seed);
  mg_set_grad(x, NULL);
  y = mg_log_softmax(x, 0), seed = make(MG_FLOAT64, 1, SHAPE(3), VALS(1, 2, 3));
  assert_int_equal(mg_backward(y, seed, false), 0);
  check(mg_grad(x), MG_FLOAT64, 1, SHAPE(3), VALS(1 - 1, 2 - 2, 3 - 3), 1e-15);
  mg_release(y), mg_release(seed), mg_release(x);
}

/* max over a dim through mg_reduce (not reduce_with_index) shares ties as PyTorch's amax. */
static void test_amax_along_dim_shares_ties(void **state) {
  mg_tensor *x = make(MG_FLOAT64, 2, SHAPE(2, 3), VALS(3, 1, 3, 0, 3, -2));
  assert_int_equal(mg_set_requires_grad(x, true), 0);
  mg_tensor *y = mg_reduce(MG_MAX, x, 1, false, 0), *seed = make(MG_FLOAT64, 1, SHAPE(2), VALS(1, 4));
  assert_int_equal(mg_backward(y, seed, false), 0);
  check(mg_grad(x), MG_FLOAT64, 2, SHAPE(2, 3), VALS(0.5, 0, 0.5, 0, 4, 0), 0);
  mg_release(y), mg_release(seed), mg_release(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_by_hand), cmocka_unit_test(test_strided_and_float32),
      cmocka_unit_test(test_large_logits),   cmocka_unit_test(test_scalar_and_empty),
      cmocka_unit_test(test_many_rows),      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_gradients),      cmocka_unit_test(test_amax_along_dim_shares_ties),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
