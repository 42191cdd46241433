/* The optimizers' fused kernels (core/optim.c). First steps are checked against their closed
 * forms (Adam's first step is p - lr * g / (|g| + eps), whatever the betas); two-step runs
 * against values recorded from PyTorch 1.13 (torch.optim.<Name> on the same tensors and
 * gradients). Then the checks: bad options and tensors fail with a message and change
 * nothing. */
#include "helpers.h"

#define P0 VALS(1, 2, 3)
#define G1 VALS(1, -2, 0.5)
#define G2 VALS(0.1, 0.5, -0.25)

static mg_tensor *vec(mg_dtype dt, const double *v) { return make(dt, 1, SHAPE(3), v); }
static mg_tensor *zeros3(mg_dtype dt) { return mg_zeros(dt, 1, SHAPE(3)); }

static double sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

static void test_sgd_momentum_by_hand(void **state) {
  mg_tensor *p = vec(MG_FLOAT32, P0), *g = vec(MG_FLOAT32, G1), *buf = zeros3(MG_FLOAT32);
  mg_sgd_options o = {.lr = 0.1, .momentum = 0.9};
  /* first step: buf = g (no dampening), p -= lr * buf */
  assert_int_equal(mg_sgd_step(p, g, buf, true, &o), 0);
  check(buf, MG_FLOAT32, 1, SHAPE(3), G1, 0);
  check(p, MG_FLOAT32, 1, SHAPE(3), VALS(0.9, 2.2, 2.95), 1e-7);
  /* second: buf = 0.9 buf + g = 1.9 g */
  assert_int_equal(mg_sgd_step(p, g, buf, false, &o), 0);
  check(buf, MG_FLOAT32, 1, SHAPE(3), VALS(1.9, -3.8, 0.95), 1e-7);
  check(p, MG_FLOAT32, 1, SHAPE(3), VALS(0.71, 2.58, 2.855), 1e-7);
  /* without momentum the buffer is not needed (and not touched) */
  mg_sgd_options plain = {.lr = 0.5};
  assert_int_equal(mg_sgd_step(p, g, NULL, false, &plain), 0);
  check(p, MG_FLOAT32, 1, SHAPE(3), VALS(0.21, 3.58, 2.605), 1e-7);
  mg_release(p), mg_release(g), mg_release(buf);
}

static void test_sgd_variants(void **state) {
  /* nesterov with weight decay, first step: d = g + wd p; buf = d; p -= lr (d + m buf) */
  mg_tensor *p = vec(MG_FLOAT64, P0), *g = vec(MG_FLOAT64, G1), *buf = zeros3(MG_FLOAT64);
  mg_sgd_options o = {.lr = 0.1, .momentum = 0.5, .weight_decay = 0.1, .nesterov = true};
  assert_int_equal(mg_sgd_step(p, g, buf, true, &o), 0);
  double e[3];
  for (int i = 0; i < 3; i++) {
    double d = G1[i] + 0.1 * P0[i];
    e[i] = P0[i] - 0.1 * (d + 0.5 * d);
  }
  check(p, MG_FLOAT64, 1, SHAPE(3), e, 1e-15);
  mg_release(p), mg_release(buf);
  /* dampening and weight decay over two steps, recorded from torch.optim.SGD(lr=0.1,
   * momentum=0.5, dampening=0.25, weight_decay=0.5) */
  p = vec(MG_FLOAT64, P0), buf = zeros3(MG_FLOAT64);
  mg_tensor *g2 = vec(MG_FLOAT64, G2);
  mg_sgd_options d = {.lr = 0.1, .momentum = 0.5, .dampening = 0.25, .weight_decay = 0.5};
  assert_int_equal(mg_sgd_step(p, g, buf, true, &d), 0);
  assert_int_equal(mg_sgd_step(p, g2, buf, false, &d), 0);
  check(p, MG_FLOAT64, 1, SHAPE(3), VALS(0.735625, 2.03375, 2.61375), 1e-14);
  check(buf, MG_FLOAT64, 1, SHAPE(3), VALS(1.14375, 0.6625, 1.8625), 1e-14);
  mg_release(p), mg_release(g), mg_release(g2), mg_release(buf);
}

static void test_adam_first_step_closed_form(void **state) {
  mg_tensor *p = vec(MG_FLOAT64, P0), *g = vec(MG_FLOAT64, G1);
  mg_tensor *m = zeros3(MG_FLOAT64), *v = zeros3(MG_FLOAT64);
  mg_adam_options o = {.lr = 0.01, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-8};
  assert_int_equal(mg_adam_step(p, g, m, v, NULL, 1, &o), 0);
  double e[3], em[3], ev[3];
  for (int i = 0; i < 3; i++) {
    e[i] = P0[i] - 0.01 * G1[i] / (fabs(G1[i]) + 1e-8);
    em[i] = 0.2 * G1[i], ev[i] = 0.05 * G1[i] * G1[i];
  }
  check(p, MG_FLOAT64, 1, SHAPE(3), e, 1e-14);
  check(m, MG_FLOAT64, 1, SHAPE(3), em, 1e-15);
  check(v, MG_FLOAT64, 1, SHAPE(3), ev, 1e-15);
  mg_release(p), mg_release(m), mg_release(v);
  /* AdamW first decays the parameter: p (1 - lr wd) - lr sign(g) with eps = 0 */
  p = vec(MG_FLOAT64, P0), m = zeros3(MG_FLOAT64), v = zeros3(MG_FLOAT64);
  mg_adam_options w = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .weight_decay = 0.5};
  assert_int_equal(mg_adamw_step(p, g, m, v, NULL, 1, &w), 0);
  for (int i = 0; i < 3; i++) e[i] = P0[i] * (1 - 0.05) - 0.1 * sign(G1[i]);
  check(p, MG_FLOAT64, 1, SHAPE(3), e, 1e-14);
  mg_release(p), mg_release(g), mg_release(m), mg_release(v);
}

static void test_adam_recorded(void **state) {
  /* torch.optim.Adam(lr=0.1, amsgrad=True, weight_decay=0.5), float32, two steps */
  mg_tensor *p = vec(MG_FLOAT32, P0), *g1 = vec(MG_FLOAT32, G1), *g2 = vec(MG_FLOAT32, G2);
  mg_tensor *m = zeros3(MG_FLOAT32), *v = zeros3(MG_FLOAT32), *vmax = zeros3(MG_FLOAT32);
  mg_adam_options o = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                       .weight_decay = 0.5, .amsgrad = true};
  assert_int_equal(mg_adam_step(p, g1, m, v, vmax, 1, &o), 0);
  assert_int_equal(mg_adam_step(p, g2, m, v, vmax, 2, &o), 0);
  check(p, MG_FLOAT32, 1, SHAPE(3), VALS(0.8114649653434753, 2.0737738609313965, 2.804251194000244), 1e-6);
  check(m, MG_FLOAT32, 1, SHAPE(3), VALS(0.1900000125169754, 0.0650000050663948, 0.30000001192092896), 1e-6);
  check(vmax, MG_FLOAT32, 1, SHAPE(3),
        VALS(0.002550249919295311, 0.003401499940082431, 0.0054360004141926765), 1e-6);
  mg_release(p), mg_release(m), mg_release(v), mg_release(vmax);
  /* torch.optim.AdamW(lr=0.1, betas=(0.5, 0.75)), float64 */
  p = vec(MG_FLOAT64, P0), m = zeros3(MG_FLOAT64), v = zeros3(MG_FLOAT64);
  mg_tensor *d1 = vec(MG_FLOAT64, G1), *d2 = vec(MG_FLOAT64, G2);
  mg_adam_options w = {.lr = 0.1, .beta1 = 0.5, .beta2 = 0.75, .eps = 1e-8, .weight_decay = 1e-2};
  assert_int_equal(mg_adamw_step(p, d1, m, v, NULL, 1, &w), 0);
  assert_int_equal(mg_adamw_step(p, d2, m, v, NULL, 2, &w), 0);
  check(p, MG_FLOAT64, 1, SHAPE(3), VALS(0.8374033040533643, 2.120361978844524, 2.894103001998), 1e-14);
  check(v, MG_FLOAT64, 1, SHAPE(3), VALS(0.19, 0.8125, 0.0625), 1e-14);
  mg_release(p), mg_release(m), mg_release(v), mg_release(g1), mg_release(g2), mg_release(d1),
      mg_release(d2);
}

static void test_rmsprop(void **state) {
  /* plain, first step: sq = (1 - alpha) g^2, p -= lr g / (sqrt(sq) + eps) */
  mg_tensor *p = vec(MG_FLOAT64, P0), *g1 = vec(MG_FLOAT64, G1), *g2 = vec(MG_FLOAT64, G2);
  mg_tensor *sq = zeros3(MG_FLOAT64), *gavg = zeros3(MG_FLOAT64), *buf = zeros3(MG_FLOAT64);
  mg_rmsprop_options o = {.lr = 0.01, .alpha = 0.99, .eps = 1e-8};
  assert_int_equal(mg_rmsprop_step(p, g1, sq, NULL, NULL, &o), 0);
  double e[3];
  for (int i = 0; i < 3; i++) e[i] = P0[i] - 0.01 * G1[i] / (sqrt(0.01) * fabs(G1[i]) + 1e-8);
  check(p, MG_FLOAT64, 1, SHAPE(3), e, 1e-14);
  mg_release(p), mg_release(sq);
  /* torch.optim.RMSprop(lr=0.1, alpha=0.8, centered=True, momentum=0.5, weight_decay=0.5) */
  p = vec(MG_FLOAT64, P0), sq = zeros3(MG_FLOAT64);
  mg_rmsprop_options c = {.lr = 0.1, .alpha = 0.8, .eps = 1e-8, .weight_decay = 0.5,
                          .momentum = 0.5, .centered = true};
  assert_int_equal(mg_rmsprop_step(p, g1, sq, gavg, buf, &c), 0);
  assert_int_equal(mg_rmsprop_step(p, g2, sq, gavg, buf, &c), 0);
  check(p, MG_FLOAT64, 1, SHAPE(3), VALS(0.5372324679252239, 2.1751125608066992, 2.4792887974562703), 1e-12);
  check(gavg, MG_FLOAT64, 1, SHAPE(3), VALS(0.3350000004166666, 0.16499999937499998, 0.5450000003124998), 1e-12);
  check(buf, MG_FLOAT64, 1, SHAPE(3), VALS(2.1276753624144256, 0.7488743294330122, 2.7071120566872944), 1e-12);
  mg_release(p), mg_release(sq), mg_release(gavg), mg_release(buf), mg_release(g1), mg_release(g2);
}

static void test_adagrad(void **state) {
  /* torch.optim.Adagrad(lr=0.1, lr_decay=0.5, initial_accumulator_value=1), float32 */
  mg_tensor *p = vec(MG_FLOAT32, P0), *g1 = vec(MG_FLOAT32, G1), *g2 = vec(MG_FLOAT32, G2);
  mg_tensor *sum = mg_full(MG_FLOAT32, 1, SHAPE(3), 1.0);
  mg_adagrad_options o = {.lr = 0.1, .lr_decay = 0.5, .eps = 1e-10};
  assert_int_equal(mg_adagrad_step(p, g1, sum, 1, &o), 0);
  double e[3]; /* first step: lr undecayed */
  for (int i = 0; i < 3; i++) e[i] = P0[i] - 0.1 * G1[i] / (sqrt(1 + G1[i] * G1[i]) + 1e-10);
  check(p, MG_FLOAT32, 1, SHAPE(3), e, 1e-7);
  assert_int_equal(mg_adagrad_step(p, g2, sum, 2, &o), 0);
  check(p, MG_FLOAT32, 1, SHAPE(3), VALS(0.9245870113372803, 2.074894905090332, 2.9698264598846436), 1e-6);
  check(sum, MG_FLOAT32, 1, SHAPE(3), VALS(2.01, 5.25, 1.3125), 1e-7);
  mg_release(p), mg_release(g1), mg_release(g2), mg_release(sum);
}

/* A strided gradient, or one sharing memory with what is written, reads as its values. */
static void test_strided_and_aliased_gradient(void **state) {
  mg_tensor *p = make(MG_FLOAT64, 2, SHAPE(2, 2), VALS(1, 2, 3, 4));
  mg_tensor *gt = make(MG_FLOAT64, 2, SHAPE(2, 2), VALS(1, 3, 2, 4));
  mg_tensor *g = mg_transpose(gt, 0, 1); /* {{1,2},{3,4}}, not contiguous */
  mg_sgd_options o = {.lr = 0.5};
  assert_int_equal(mg_sgd_step(p, g, NULL, false, &o), 0);
  check(p, MG_FLOAT64, 2, SHAPE(2, 2), VALS(0.5, 1, 1.5, 2), 0);
  mg_release(p), mg_release(g), mg_release(gt);
  /* the gradient is the momentum buffer itself: buf = 0.9 buf + g with g the old buf */
  p = vec(MG_FLOAT64, P0);
  mg_tensor *buf = vec(MG_FLOAT64, VALS(1, 1, 1));
  mg_sgd_options m = {.lr = 1, .momentum = 0.9};
  assert_int_equal(mg_sgd_step(p, buf, buf, false, &m), 0);
  check(buf, MG_FLOAT64, 1, SHAPE(3), VALS(1.9, 1.9, 1.9), 1e-15);
  check(p, MG_FLOAT64, 1, SHAPE(3), VALS(-0.9, 0.1, 1.1), 1e-15);
  mg_release(p), mg_release(buf);
}

/* The update ignores grad mode, as PyTorch's step() under no_grad, and counts as a change. */
static void test_requires_grad_and_versions(void **state) {
  mg_tensor *p = vec(MG_FLOAT32, P0), *g = vec(MG_FLOAT32, G1), *buf = zeros3(MG_FLOAT32);
  assert_int_equal(mg_set_requires_grad(p, true), 0);
  assert_true(mg_is_grad_enabled());
  uint64_t vp = mg_tensor_version(p), vb = mg_tensor_version(buf), vg = mg_tensor_version(g);
  mg_sgd_options o = {.lr = 0.1, .momentum = 0.9};
  assert_int_equal(mg_sgd_step(p, g, buf, true, &o), 0);
  assert_true(mg_tensor_version(p) > vp);
  assert_true(mg_tensor_version(buf) > vb);
  assert_true(mg_tensor_version(g) == vg);
  assert_true(p->requires_grad);
  mg_release(p), mg_release(g), mg_release(buf);
}

/* Past the threshold the sweep splits over threads, and float32 goes through blocks: every
 * element must get the closed form, including the ragged last block. */
static void test_large_parameter(void **state) {
  const int64_t n = 300007;
  mg_dtype dts[2] = {MG_FLOAT32, MG_FLOAT64};
  int threads = mg_get_num_threads();
  mg_set_num_threads(2);
  for (int k = 0; k < 2; k++) {
    mg_tensor *p = mg_empty(dts[k], 1, &n), *g = mg_empty(dts[k], 1, &n);
    mg_tensor *m = mg_zeros(dts[k], 1, &n), *v = mg_zeros(dts[k], 1, &n);
    for (int64_t i = 0; i < n; i++) {
      mg_store(dts[k], (char *)mg_data(p) + i * (int64_t)mg_dtype_size(dts[k]), (double)(i % 7));
      mg_store(dts[k], (char *)mg_data(g) + i * (int64_t)mg_dtype_size(dts[k]), (double)(i % 5) - 2);
    }
    mg_adam_options o = {.lr = 0.25, .beta1 = 0.9, .beta2 = 0.999};
    assert_int_equal(mg_adam_step(p, g, m, v, NULL, 1, &o), 0);
    for (int64_t i = 0; i < n; i++) {
      double want = (double)(i % 7) - 0.25 * sign((double)(i % 5) - 2);
      if (fabs(at(p, i) - want) > 1e-6) fail_msg("element %lld: got %g, expected %g", (long long)i, at(p, i), want);
    }
    mg_release(p), mg_release(g), mg_release(m), mg_release(v);
  }
  mg_set_num_threads(threads);
}

/* Every failure names the kernel and leaves every tensor as it was. */
static void test_errors_change_nothing(void **state) {
  mg_tensor *p = vec(MG_FLOAT32, P0), *g = vec(MG_FLOAT32, G1), *buf = zeros3(MG_FLOAT32);
  mg_tensor *m = zeros3(MG_FLOAT32), *v = zeros3(MG_FLOAT32), *sum = zeros3(MG_FLOAT32);
  mg_sgd_options sgd = {.lr = 0.1, .momentum = 0.9};
  mg_adam_options adam = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
  mg_rmsprop_options rms = {.lr = 0.1, .alpha = 0.99, .eps = 1e-8};
  mg_adagrad_options ada = {.lr = 0.1, .eps = 1e-10};

  assert_int_equal(mg_sgd_step(p, g, NULL, true, &sgd), -1);
  error_has("sgd_step: the options need the state tensor momentum_buffer");
  mg_sgd_options neg = {.lr = -1};
  assert_int_equal(mg_sgd_step(p, g, NULL, false, &neg), -1);
  expect_error("sgd_step: lr must be >= 0, got -1");
  mg_sgd_options nan_lr = {.lr = NAN};
  assert_int_equal(mg_sgd_step(p, g, NULL, false, &nan_lr), -1);
  error_has("sgd_step: lr must be >= 0");
  mg_sgd_options nest = {.lr = 0.1, .nesterov = true};
  assert_int_equal(mg_sgd_step(p, g, NULL, false, &nest), -1);
  error_has("sgd_step: nesterov momentum needs momentum > 0 and dampening 0");

  mg_adam_options bad_beta = adam;
  bad_beta.beta2 = 1;
  assert_int_equal(mg_adam_step(p, g, m, v, NULL, 1, &bad_beta), -1);
  expect_error("adam_step: beta2 must be in [0, 1), got 1");
  assert_int_equal(mg_adamw_step(p, g, m, v, NULL, 0, &adam), -1);
  expect_error("adamw_step: step must be >= 1 (the number of this step), got 0");
  mg_adam_options ams = adam;
  ams.amsgrad = true;
  assert_int_equal(mg_adam_step(p, g, m, v, NULL, 1, &ams), -1);
  error_has("adam_step: the options need the state tensor max_exp_avg_sq");
  assert_int_equal(mg_adam_step(p, g, m, m, NULL, 1, &adam), -1);
  expect_error("adam_step: exp_avg_sq shares memory with exp_avg");
  assert_int_equal(mg_adam_step(p, g, p, v, NULL, 1, &adam), -1);
  expect_error("adam_step: exp_avg shares memory with the parameter");

  mg_rmsprop_options centered = rms;
  centered.centered = true;
  assert_int_equal(mg_rmsprop_step(p, g, m, NULL, NULL, &centered), -1);
  error_has("rmsprop_step: the options need the state tensor grad_avg");
  mg_rmsprop_options bad_alpha = rms;
  bad_alpha.alpha = -0.5;
  assert_int_equal(mg_rmsprop_step(p, g, m, NULL, NULL, &bad_alpha), -1);
  expect_error("rmsprop_step: alpha must be >= 0, got -0.5");

  mg_adagrad_options bad_decay = ada;
  bad_decay.lr_decay = -1;
  assert_int_equal(mg_adagrad_step(p, g, sum, 1, &bad_decay), -1);
  expect_error("adagrad_step: lr_decay must be >= 0, got -1");

  /* tensors: dtypes, shapes, contiguity */
  mg_tensor *g64 = vec(MG_FLOAT64, G1), *g2 = make(MG_FLOAT32, 1, SHAPE(2), VALS(1, 2));
  assert_int_equal(mg_adagrad_step(p, g64, sum, 1, &ada), -1);
  expect_error("adagrad_step: expected a gradient of the parameter's dtype and shape (float32 of "
               "shape {3}), got float64 of shape {3}");
  assert_int_equal(mg_adagrad_step(p, g2, sum, 1, &ada), -1);
  error_has("got float32 of shape {2}");
  mg_tensor *s64 = zeros3(MG_FLOAT64);
  assert_int_equal(mg_rmsprop_step(p, g, s64, NULL, NULL, &rms), -1);
  expect_error("rmsprop_step: expected square_avg of the parameter's dtype and shape (float32 of "
               "shape {3}), got float64 of shape {3}");
  mg_tensor *i64 = mg_zeros(MG_INT64, 1, SHAPE(3));
  assert_int_equal(mg_adagrad_step(i64, i64, i64, 1, &ada), -1);
  expect_error("adagrad_step: expected a float32 or float64 parameter, got int64");
  mg_tensor *q = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(1, 2, 3, 4));
  mg_tensor *qt = mg_transpose(q, 0, 1), *qg = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 2));
  mg_tensor *qs = mg_zeros(MG_FLOAT32, 2, SHAPE(2, 2));
  assert_int_equal(mg_adagrad_step(qt, qg, qs, 1, &ada), -1);
  expect_error("adagrad_step: the parameter must be contiguous");
  assert_int_equal(mg_adagrad_step(q, qg, qt, 1, &ada), -1);
  expect_error("adagrad_step: sum must be contiguous");
  assert_int_equal(mg_sgd_step(p, NULL, buf, true, &sgd), -1);
  error_has("sgd_step: expected a parameter and its gradient");

  check(p, MG_FLOAT32, 1, SHAPE(3), P0, 0);
  check(q, MG_FLOAT32, 2, SHAPE(2, 2), VALS(1, 2, 3, 4), 0);
  double z[3] = {0, 0, 0};
  check(buf, MG_FLOAT32, 1, SHAPE(3), z, 0);
  check(m, MG_FLOAT32, 1, SHAPE(3), z, 0);
  check(v, MG_FLOAT32, 1, SHAPE(3), z, 0);
  check(sum, MG_FLOAT32, 1, SHAPE(3), z, 0);
  mg_release(p), mg_release(g), mg_release(buf), mg_release(m), mg_release(v), mg_release(sum);
  mg_release(g64), mg_release(g2), mg_release(s64), mg_release(i64), mg_release(q), mg_release(qt);
  mg_release(qg), mg_release(qs);
}

/* An empty parameter is a step that changes nothing. */
static void test_empty(void **state) {
  mg_tensor *p = mg_zeros(MG_FLOAT64, 1, SHAPE(0)), *g = mg_zeros(MG_FLOAT64, 1, SHAPE(0));
  mg_tensor *s = mg_zeros(MG_FLOAT64, 1, SHAPE(0));
  mg_adagrad_options o = {.lr = 0.1, .eps = 1e-10};
  assert_int_equal(mg_adagrad_step(p, g, s, 1, &o), 0);
  mg_release(p), mg_release(g), mg_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sgd_momentum_by_hand), cmocka_unit_test(test_sgd_variants),
      cmocka_unit_test(test_adam_first_step_closed_form), cmocka_unit_test(test_adam_recorded),
      cmocka_unit_test(test_rmsprop),              cmocka_unit_test(test_adagrad),
      cmocka_unit_test(test_strided_and_aliased_gradient),
      cmocka_unit_test(test_requires_grad_and_versions),
      cmocka_unit_test(test_large_parameter),      cmocka_unit_test(test_errors_change_nothing),
      cmocka_unit_test(test_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
