/* Optimizers: one fused pass per step over a parameter, its gradient and its state tensors.
 *
 * Each update follows PyTorch 1.13's single-tensor ("for-loop") implementation in
 * torch/optim/<name>.py, element by element, so where PyTorch runs five tensor ops over the
 * parameter we read and write each element once. The arithmetic of each optimizer is
 * written once, over arrays of doubles (x[0] the parameter, x[1] the gradient, x[2..] the
 * state); float64 tensors are updated where they lie, float32 ones through small blocks
 * converted to double and back. Every argument is checked before anything is written, so
 * a failure leaves the parameter and its state as they were. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- the shared sweep: checks, float32 blocks, threads ------------------------------- */

enum { PARAM, GRAD, STATE0, MAX_ARRAYS = STATE0 + 3 };

/* Updates n elements: x[PARAM], x[GRAD] (read only) and the state x[STATE0 + k] (NULL
 * when the options use none). ctx holds the optimizer's options and coefficients. */
typedef void (*update_fn)(const void *ctx, int64_t n, double *const *x);

typedef struct {
  mg_dtype dtype;
  char *array[MAX_ARRAYS]; /* element 0 of each, NULL when unused */
  update_fn update;
  const void *ctx;
} sweep;

#define BLOCK 256 /* float32 elements converted at a time: 256 doubles per array on the stack */

static void sweep_range(void *arg, int64_t begin, int64_t end) {
  const sweep *s = arg;
  double *x[MAX_ARRAYS];
  if (s->dtype == MG_FLOAT64) {
    for (int a = 0; a < MAX_ARRAYS; a++) x[a] = s->array[a] ? (double *)s->array[a] + begin : NULL;
    s->update(s->ctx, end - begin, x);
    return;
  }
  double tmp[MAX_ARRAYS][BLOCK];
  for (int64_t at = begin; at < end; at += BLOCK) {
    int64_t n = end - at < BLOCK ? end - at : BLOCK;
    for (int a = 0; a < MAX_ARRAYS; a++) {
      x[a] = s->array[a] ? tmp[a] : NULL;
      if (!x[a]) continue;
      const float *f = (const float *)s->array[a] + at;
      for (int64_t i = 0; i < n; i++) tmp[a][i] = f[i];
    }
    s->update(s->ctx, n, x);
    for (int a = 0; a < MAX_ARRAYS; a++) {
      if (!x[a] || a == GRAD) continue;
      float *f = (float *)s->array[a] + at;
      for (int64_t i = 0; i < n; i++) f[i] = (float)tmp[a][i];
    }
  }
}

/* "float32 of shape {2,3}" for messages; buf holds MG_SHAPE_STR bytes. */
static const char *describe(const mg_tensor *t, char *buf) {
  char shape[MG_SHAPE_STR];
  snprintf(buf, MG_SHAPE_STR, "%s of shape %s", mg_dtype_name(t->dtype),
           mg_shape_str(t->ndim, t->size, shape));
  return buf;
}

static bool same_shape(const mg_tensor *a, const mg_tensor *b) {
  return a->dtype == b->dtype && a->ndim == b->ndim &&
         memcmp(a->size, b->size, sizeof(int64_t) * (size_t)a->ndim) == 0;
}

/* Checks the parameter, its gradient and the state tensors the options use (used[k]; an
 * unused one is ignored), then updates them all in one pass and counts the writes in their
 * versions. names[k] names state k in messages. */
static int run_step(const char *what, mg_tensor *param, const mg_tensor *grad, int nstates,
                    mg_tensor *const *states, const char *const *names, const bool *used,
                    update_fn update, const void *ctx) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (!param || !grad) return mg_fail("%s: expected a parameter and its gradient, got NULL", what);
  if (param->dtype != MG_FLOAT32 && param->dtype != MG_FLOAT64)
    return mg_fail("%s: expected a float32 or float64 parameter, got %s", what,
                   mg_dtype_name(param->dtype));
  if (!mg_is_contiguous(param)) return mg_fail("%s: the parameter must be contiguous", what);
  if (mg_check_writable(what, param)) return -1;
  if (!same_shape(grad, param))
    return mg_fail("%s: expected a gradient of the parameter's dtype and shape (%s), got %s",
                   what, describe(param, b1), describe(grad, b2));
  for (int k = 0; k < nstates; k++) {
    const mg_tensor *s = states[k];
    if (!used[k]) continue;
    if (!s) return mg_fail("%s: the options need the state tensor %s, got NULL", what, names[k]);
    if (!same_shape(s, param))
      return mg_fail("%s: expected %s of the parameter's dtype and shape (%s), got %s", what,
                     names[k], describe(param, b1), describe(s, b2));
    if (!mg_is_contiguous(s)) return mg_fail("%s: %s must be contiguous", what, names[k]);
    if (mg_same_storage(s, param))
      return mg_fail("%s: %s shares memory with the parameter", what, names[k]);
    for (int j = 0; j < k; j++)
      if (used[j] && mg_same_storage(s, states[j]))
        return mg_fail("%s: %s shares memory with %s", what, names[k], names[j]);
  }
  /* The gradient is only read, but it must be contiguous and not overlap what is written. */
  bool copy = !mg_is_contiguous(grad) || mg_same_storage(grad, param);
  for (int k = 0; k < nstates; k++) copy = copy || (used[k] && mg_same_storage(grad, states[k]));
  mg_tensor *gtmp = copy ? mg_copy_as(what, grad, grad->dtype) : NULL;
  if (copy && !gtmp) return -1;
  const mg_tensor *g = gtmp ? gtmp : grad;

  sweep s = {.dtype = param->dtype, .update = update, .ctx = ctx};
  s.array[PARAM] = mg_data(param);
  s.array[GRAD] = mg_data(g);
  for (int k = 0; k < nstates; k++) s.array[STATE0 + k] = used[k] ? mg_data(states[k]) : NULL;
  mg_parallel_for(mg_numel(param), MG_PARALLEL_GRAIN / (int64_t)mg_dtype_size(param->dtype),
                  sweep_range, &s);

  param->storage->version++;
  for (int k = 0; k < nstates; k++)
    if (used[k]) states[k]->storage->version++;
  mg_release(gtmp);
  return 0;
}

/* A hyper-parameter in [lo, hi] (open at hi when hi_open); NaN always fails. */
static int check_range(const char *what, const char *name, double v, double lo, double hi,
                       bool hi_open) {
  bool ok = v >= lo && (hi_open ? v < hi : v <= hi);
  if (ok) return 0;
  if (hi == INFINITY) return mg_fail("%s: %s must be >= %g, got %g", what, name, lo, v);
  return mg_fail("%s: %s must be in [%g, %g%s, got %g", what, name, lo, hi, hi_open ? ")" : "]", v);
}

static int check_nonneg(const char *what, const char *name, double v) {
  return check_range(what, name, v, 0, INFINITY, false);
}

static int check_step(const char *what, int64_t step) {
  if (step >= 1) return 0;
  return mg_fail("%s: step must be >= 1 (the number of this step), got %lld", what, (long long)step);
}

/* ---- SGD ----------------------------------------------------------------------------- */

typedef struct {
  mg_sgd_options o;
  bool first;
} sgd_ctx;

static void sgd_update(const void *arg, int64_t n, double *const *x) {
  const sgd_ctx *c = arg;
  const double lr = c->o.lr, momentum = c->o.momentum, dampening = c->o.dampening,
               wd = c->o.weight_decay;
  double *restrict p = x[PARAM], *restrict buf = x[STATE0];
  const double *restrict g = x[GRAD];
  const bool first = c->first, nesterov = c->o.nesterov;
  for (int64_t i = 0; i < n; i++) {
    double d = g[i];
    if (wd != 0) d += wd * p[i];
    if (momentum != 0) {
      buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

int mg_sgd_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *momentum_buffer, bool first,
                const mg_sgd_options *o) {
  const char *what = "sgd_step";
  if (check_nonneg(what, "lr", o->lr) || check_nonneg(what, "momentum", o->momentum) ||
      check_nonneg(what, "weight_decay", o->weight_decay))
    return -1;
  if (!isfinite(o->dampening)) return mg_fail("%s: dampening must be finite, got %g", what, o->dampening);
  if (o->nesterov && (o->momentum <= 0 || o->dampening != 0))
    return mg_fail("%s: nesterov momentum needs momentum > 0 and dampening 0 (got momentum %g, "
                   "dampening %g)", what, o->momentum, o->dampening);
  sgd_ctx c = {*o, first};
  bool used[1] = {o->momentum != 0};
  static const char *const names[1] = {"momentum_buffer"};
  return run_step(what, param, grad, 1, &momentum_buffer, names, used, sgd_update, &c);
}

/* ---- Adam and AdamW ------------------------------------------------------------------ */

typedef struct {
  mg_adam_options o;
  bool decoupled;   /* AdamW */
  double step_size; /* lr / (1 - beta1^step) */
  double bc2_sqrt;  /* sqrt(1 - beta2^step) */
} adam_ctx;

/* max as torch.maximum: NaN wins. */
static inline double nan_max(double a, double b) { return a != a || a >= b ? a : b; }

static void adam_update(const void *arg, int64_t n, double *const *x) {
  const adam_ctx *c = arg;
  const double beta1 = c->o.beta1, beta2 = c->o.beta2, eps = c->o.eps, wd = c->o.weight_decay,
               decay = 1 - c->o.lr * wd, step_size = c->step_size, bc2_sqrt = c->bc2_sqrt;
  const bool decoupled = c->decoupled, amsgrad = c->o.amsgrad;
  double *restrict p = x[PARAM], *restrict m = x[STATE0], *restrict v = x[STATE0 + 1],
         *restrict vmax = x[STATE0 + 2];
  const double *restrict g = x[GRAD];
  if (!decoupled && wd == 0 && !amsgrad) { /* plain Adam: a loop without branches vectorises */
    for (int64_t i = 0; i < n; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= step_size * m[i] / (sqrt(v[i]) / bc2_sqrt + eps);
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    double gi = g[i];
    if (decoupled) p[i] *= decay;              /* AdamW */
    else if (wd != 0) gi += wd * p[i];         /* Adam */
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    double second = v[i];
    if (amsgrad) second = vmax[i] = nan_max(vmax[i], v[i]);
    p[i] -= step_size * m[i] / (sqrt(second) / bc2_sqrt + eps);
  }
}

static int adam_step(const char *what, bool decoupled, mg_tensor *param, const mg_tensor *grad,
                     mg_tensor *exp_avg, mg_tensor *exp_avg_sq, mg_tensor *max_exp_avg_sq,
                     int64_t step, const mg_adam_options *o) {
  if (check_nonneg(what, "lr", o->lr) || check_nonneg(what, "eps", o->eps) ||
      check_range(what, "beta1", o->beta1, 0, 1, true) ||
      check_range(what, "beta2", o->beta2, 0, 1, true) ||
      check_nonneg(what, "weight_decay", o->weight_decay) || check_step(what, step))
    return -1;
  adam_ctx c = {.o = *o, .decoupled = decoupled,
                .step_size = o->lr / (1 - pow(o->beta1, (double)step)),
                .bc2_sqrt = sqrt(1 - pow(o->beta2, (double)step))};
  mg_tensor *states[3] = {exp_avg, exp_avg_sq, max_exp_avg_sq};
  bool used[3] = {true, true, o->amsgrad};
  static const char *const names[3] = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return run_step(what, param, grad, 3, states, names, used, adam_update, &c);
}

int mg_adam_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *exp_avg,
                 mg_tensor *exp_avg_sq, mg_tensor *max_exp_avg_sq, int64_t step,
                 const mg_adam_options *o) {
  return adam_step("adam_step", false, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, o);
}

int mg_adamw_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *exp_avg,
                  mg_tensor *exp_avg_sq, mg_tensor *max_exp_avg_sq, int64_t step,
                  const mg_adam_options *o) {
  return adam_step("adamw_step", true, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, o);
}

/* ---- RMSprop ------------------------------------------------------------------------- */

static void rmsprop_update(const void *arg, int64_t n, double *const *x) {
  const mg_rmsprop_options *o = arg;
  const double lr = o->lr, alpha = o->alpha, eps = o->eps, wd = o->weight_decay,
               momentum = o->momentum;
  const bool centered = o->centered;
  double *restrict p = x[PARAM], *restrict sq = x[STATE0], *restrict gavg = x[STATE0 + 1],
         *restrict buf = x[STATE0 + 2];
  const double *restrict g = x[GRAD];
  for (int64_t i = 0; i < n; i++) {
    double gi = g[i];
    if (wd != 0) gi += wd * p[i];
    sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
    double avg;
    if (centered) {
      gavg[i] = alpha * gavg[i] + (1 - alpha) * gi;
      avg = sqrt(sq[i] - gavg[i] * gavg[i]) + eps;
    } else {
      avg = sqrt(sq[i]) + eps;
    }
    if (momentum > 0) {
      buf[i] = momentum * buf[i] + gi / avg;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= lr * gi / avg;
    }
  }
}

int mg_rmsprop_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *square_avg,
                    mg_tensor *grad_avg, mg_tensor *momentum_buffer, const mg_rmsprop_options *o) {
  const char *what = "rmsprop_step";
  if (check_nonneg(what, "lr", o->lr) || check_nonneg(what, "alpha", o->alpha) ||
      check_nonneg(what, "eps", o->eps) || check_nonneg(what, "weight_decay", o->weight_decay) ||
      check_nonneg(what, "momentum", o->momentum))
    return -1;
  mg_tensor *states[3] = {square_avg, grad_avg, momentum_buffer};
  bool used[3] = {true, o->centered, o->momentum > 0};
  static const char *const names[3] = {"square_avg", "grad_avg", "momentum_buffer"};
  return run_step(what, param, grad, 3, states, names, used, rmsprop_update, o);
}

/* ---- Adagrad ------------------------------------------------------------------------- */

typedef struct {
  mg_adagrad_options o;
  double clr; /* lr / (1 + (step - 1) * lr_decay) */
} adagrad_ctx;

static void adagrad_update(const void *arg, int64_t n, double *const *x) {
  const adagrad_ctx *c = arg;
  const double wd = c->o.weight_decay, eps = c->o.eps, clr = c->clr;
  double *restrict p = x[PARAM], *restrict sum = x[STATE0];
  const double *restrict g = x[GRAD];
  for (int64_t i = 0; i < n; i++) {
    double gi = g[i];
    if (wd != 0) gi += wd * p[i];
    sum[i] += gi * gi;
    p[i] -= clr * gi / (sqrt(sum[i]) + eps);
  }
}

int mg_adagrad_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *sum, int64_t step,
                    const mg_adagrad_options *o) {
  const char *what = "adagrad_step";
  if (check_nonneg(what, "lr", o->lr) || check_nonneg(what, "lr_decay", o->lr_decay) ||
      check_nonneg(what, "weight_decay", o->weight_decay) || check_nonneg(what, "eps", o->eps) ||
      check_step(what, step))
    return -1;
  adagrad_ctx c = {*o, o->lr / (1 + (double)(step - 1) * o->lr_decay)};
  bool used[1] = {true};
  static const char *const names[1] = {"sum"};
  return run_step(what, param, grad, 1, &sum, names, used, adagrad_update, &c);
}
