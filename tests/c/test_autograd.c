/* The autograd engine from C: recording, backward through elementwise ops with broadcasting,
 * accumulation, retain_graph, version counters and the errors. Expected gradients are
 * worked out by hand (d(xw + x)/dx = w + 1, ...) or in closed form (tanh' = 1 - tanh^2). */
#include "helpers.h"

static mg_tensor *leaf(mg_dtype dt, int ndim, const int64_t *size, const double *v) {
  mg_tensor *t = make(dt, ndim, size, v);
  assert_int_equal(mg_set_requires_grad(t, true), 0);
  return t;
}

static mg_tensor *ones_like(const mg_tensor *t) { return mg_ones(t->dtype, t->ndim, t->size); }

static void backward_ones(mg_tensor *y, bool retain) {
  mg_tensor *g = ones_like(y);
  if (mg_backward(y, g, retain)) fail_msg("backward: %s", mg_last_error());
  mg_release(g);
}

static void test_chain_rule(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3));
  mg_tensor *w = leaf(MG_FLOAT32, 1, SHAPE(3), VALS(4, 5, 6));
  mg_tensor *xw = mg_binary(MG_MUL, x, w), *y = mg_binary(MG_ADD, xw, x);
  assert_true(y->requires_grad);
  assert_string_equal(mg_grad_fn_name(y), "add");
  assert_null(mg_grad_fn_name(x));
  backward_ones(y, false);
  check(mg_grad(x), MG_FLOAT32, 1, SHAPE(3), VALS(5, 6, 7), 0);
  check(mg_grad(w), MG_FLOAT32, 1, SHAPE(3), VALS(1, 2, 3), 0);
  mg_release(y), mg_release(xw), mg_release(x), mg_release(w);
}

static void test_broadcast_gradient_is_summed(void **state) {
  mg_tensor *x = leaf(MG_FLOAT64, 2, SHAPE(2, 3), VALS(1, 2, 3, 4, 5, 6));
  mg_tensor *b = leaf(MG_FLOAT64, 1, SHAPE(3), VALS(10, 20, 30));
  mg_tensor *c = leaf(MG_FLOAT64, 2, SHAPE(2, 1), VALS(-1, 1));
  mg_tensor *xc = mg_binary(MG_ADD, x, c), *y = mg_binary(MG_MUL, xc, b); /* (x + c) * b */
  mg_release(xc); /* the graph keeps what it needs */
  backward_ones(y, false);
  check(mg_grad(b), MG_FLOAT64, 1, SHAPE(3), VALS(5, 7, 9), 0); /* column sums of x + c */
  check(mg_grad(c), MG_FLOAT64, 2, SHAPE(2, 1), VALS(60, 60), 0);
  check(mg_grad(x), MG_FLOAT64, 2, SHAPE(2, 3), VALS(10, 20, 30, 10, 20, 30), 0);
  mg_release(y), mg_release(x), mg_release(b), mg_release(c);
}

static void test_closed_forms(void **state) {
  mg_tensor *x = leaf(MG_FLOAT64, 1, SHAPE(3), VALS(-0.5, 0.25, 2));
  const struct { mg_unary_op op; double d[3]; } cases[] = {
      {MG_TANH, {1 - pow(tanh(-0.5), 2), 1 - pow(tanh(0.25), 2), 1 - pow(tanh(2), 2)}},
      {MG_EXP, {exp(-0.5), exp(0.25), exp(2)}},
      {MG_SIN, {cos(-0.5), cos(0.25), cos(2)}},
      {MG_RELU, {0, 1, 1}},
      {MG_ABS, {-1, 1, 1}},
      {MG_ERF, {2 / sqrt(M_PI) * exp(-0.25), 2 / sqrt(M_PI) * exp(-0.0625), 2 / sqrt(M_PI) * exp(-4)}},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    mg_tensor *y = mg_unary(cases[k].op, x);
    backward_ones(y, false);
    check(mg_grad(x), MG_FLOAT64, 1, SHAPE(3), cases[k].d, 1e-12);
    mg_set_grad(x, NULL);
    mg_release(y);
  }
  double s = 1 / (1 + exp(-2.0));
  mg_tensor *sig = mg_unary(MG_SIGMOID, x), *two = mg_scalar(MG_FLOAT64, 2);
  backward_ones(sig, false);
  assert_true(fabs(at(mg_grad(x), 2) - s * (1 - s)) < 1e-12);
  mg_set_grad(x, NULL);
  mg_tensor *p = mg_binary(MG_POW, x, two); /* d x^2 = 2x */
  backward_ones(p, false);
  check(mg_grad(x), MG_FLOAT64, 1, SHAPE(3), VALS(-1, 0.5, 4), 1e-12);
  mg_release(p), mg_release(sig), mg_release(two), mg_release(x);
}

static void test_pow_at_zero_and_maximum_ties(void **state) {
  mg_tensor *a = leaf(MG_FLOAT64, 1, SHAPE(2), VALS(0, 2));
  mg_tensor *b = leaf(MG_FLOAT64, 1, SHAPE(2), VALS(3, 2));
  mg_tensor *p = mg_binary(MG_POW, a, b); /* d/db a^b = a^b log a: 0 at a = 0, not NaN */
  backward_ones(p, false);
  check(mg_grad(b), MG_FLOAT64, 1, SHAPE(2), VALS(0, 4 * log(2.0)), 1e-12);
  check(mg_grad(a), MG_FLOAT64, 1, SHAPE(2), VALS(0, 4), 1e-12);
  mg_set_grad(a, NULL), mg_set_grad(b, NULL);
  mg_tensor *m = mg_binary(MG_MAXIMUM, a, b); /* a < b, then a tie: split evenly */
  backward_ones(m, false);
  check(mg_grad(a), MG_FLOAT64, 1, SHAPE(2), VALS(0, 0.5), 0);
  check(mg_grad(b), MG_FLOAT64, 1, SHAPE(2), VALS(1, 0.5), 0);
  mg_release(m), mg_release(p), mg_release(a), mg_release(b);
}

static void test_accumulation_and_retain_graph(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *y = mg_binary(MG_MUL, x, x); /* dy/dx = 2x */
  backward_ones(y, true);
  backward_ones(y, false);
  check(mg_grad(x), MG_FLOAT32, 1, SHAPE(2), VALS(4, 8), 0);
  mg_tensor *g = ones_like(y);
  assert_int_equal(mg_backward(y, g, false), -1);
  error_has("freed by an earlier backward");
  check(mg_grad(x), MG_FLOAT32, 1, SHAPE(2), VALS(4, 8), 0); /* unchanged */
  mg_release(g), mg_release(y), mg_release(x);
}

static void test_inplace_change_of_a_saved_tensor(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *w = make(MG_FLOAT32, 1, SHAPE(2), VALS(3, 4));
  mg_tensor *y = mg_binary(MG_MUL, x, w);
  mg_tensor *view = mg_narrow(w, 0, 1, 1); /* a view shares the version counter */
  assert_int_equal(mg_fill_(view, 7), 0);
  assert_int_equal(mg_tensor_version(w), 1);
  mg_tensor *g = ones_like(y);
  assert_int_equal(mg_backward(y, g, false), -1);
  error_has("mul saved for its gradient was changed in place");
  assert_null(mg_grad(x));
  mg_release(g), mg_release(view), mg_release(y), mg_release(w), mg_release(x);
}

static void test_inplace_rules(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *buf = make(MG_FLOAT32, 1, SHAPE(2), VALS(0, 0));
  assert_int_equal(mg_fill_(x, 3), -1); /* a leaf that requires grad, grad mode on */
  error_has("fill_: in-place change of a tensor that requires grad");
  check(x, MG_FLOAT32, 1, SHAPE(2), VALS(1, 2), 0);
  assert_int_equal(mg_copy_(buf, x), -1); /* the copy would not be tracked */
  error_has("copy_: in-place writes are not recorded");
  bool was = mg_set_grad_enabled(false);
  assert_true(was);
  assert_int_equal(mg_fill_(x, 3), 0); /* an update autograd must not see */
  mg_tensor *y = mg_binary(MG_MUL, x, x);
  assert_false(y->requires_grad);
  assert_null(y->grad_fn);
  mg_set_grad_enabled(true);
  check(x, MG_FLOAT32, 1, SHAPE(2), VALS(3, 3), 0);
  mg_release(y), mg_release(buf), mg_release(x);
}

static void test_errors(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *c = make(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *i = make(MG_INT64, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *y = mg_binary(MG_MUL, x, x);
  assert_int_equal(mg_backward(y, NULL, false), -1);
  expect_error("backward: a gradient can be left out only for a tensor of one element, got "
               "shape {2} (pass one of that shape)");
  mg_tensor *wrong = mg_ones(MG_FLOAT32, 1, SHAPE(3));
  assert_int_equal(mg_backward(y, wrong, false), -1);
  expect_error("backward: expected a gradient of shape {2}, got {3}");
  assert_int_equal(mg_backward(c, NULL, false), -1);
  error_has("does not require grad");
  assert_int_equal(mg_set_requires_grad(i, true), -1);
  expect_error("requires_grad_: only float tensors can require grad, got int64");
  assert_int_equal(mg_set_requires_grad(y, false), -1);
  error_has("grad_fn mul");
  assert_int_equal(mg_set_grad(x, wrong), -1);
  expect_error("grad: expected a float32 tensor of shape {2}, got float32 of shape {3}");
  mg_release(wrong), mg_release(y), mg_release(i), mg_release(c), mg_release(x);
}

static void test_detach_and_dtypes(void **state) {
  mg_tensor *x = leaf(MG_FLOAT64, 1, SHAPE(2), VALS(1, 2));
  mg_tensor *f = make(MG_FLOAT32, 1, SHAPE(2), VALS(3, 4));
  mg_tensor *d = mg_detach(x);
  assert_false(d->requires_grad);
  assert_true(mg_same_storage(d, x));
  mg_tensor *y = mg_binary(MG_MUL, x, f); /* float64 result; the grad of x is float64 */
  backward_ones(y, false);
  check(mg_grad(x), MG_FLOAT64, 1, SHAPE(2), VALS(3, 4), 0);
  mg_release(y), mg_release(d), mg_release(f), mg_release(x);
}

/* Releasing the last tensor of a graph 100 000 ops deep must not recurse on the C stack. */
static void test_deep_graph_release(void **state) {
  mg_tensor *x = leaf(MG_FLOAT32, 1, SHAPE(1), VALS(1));
  mg_tensor *y = mg_retain(x);
  for (int k = 0; k < 100000; k++) {
    mg_tensor *next = mg_unary(MG_NEG, y);
    mg_release(y);
    y = next;
  }
  assert_string_equal(mg_grad_fn_name(y), "neg");
  backward_ones(y, false);
  check(mg_grad(x), MG_FLOAT32, 1, SHAPE(1), VALS(1), 0); /* an even number of negations */
  mg_release(y), mg_release(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chain_rule),          cmocka_unit_test(test_broadcast_gradient_is_summed),
      cmocka_unit_test(test_closed_forms),        cmocka_unit_test(test_pow_at_zero_and_maximum_ties),
      cmocka_unit_test(test_accumulation_and_retain_graph),
      cmocka_unit_test(test_inplace_change_of_a_saved_tensor),
      cmocka_unit_test(test_inplace_rules),       cmocka_unit_test(test_errors),
      cmocka_unit_test(test_detach_and_dtypes),   cmocka_unit_test(test_deep_graph_release),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
