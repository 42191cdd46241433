/* softmax and log_softmax along one dim, forward and backward.
 *
 * Each output element depends on a whole "row": the elements along dim for one position
 * of the other dims. One kernel walks the rows (on several threads when there are many
 * elements), with three passes along each: the max, the sum of exp(x - max) (in double),
 * then the write. Subtracting the max keeps exp from overflowing for logits like 1000.
 * The backward rules run the same walk over the output y and the gradient g:
 *   softmax:      dx = y * (g - sum(g * y))
 *   log_softmax:  dx = g - exp(y) * sum(g) */
#include <math.h>

#include "internal.h"

enum { SOFTMAX, LOG_SOFTMAX, SOFTMAX_BACKWARD, LOG_SOFTMAX_BACKWARD };

#define GRAIN 2048 /* elements worth a thread (each costs an exp) */

/* One row of n elements: x at stride xs (the input, or y going backward), g at gs (going
 * backward), the result o at os; T is the dtype. */
#define ROW_KERNEL(name, T, EXP)                                                           \
  static void name(int kind, const void *xp, int64_t xs, const void *gp, int64_t gs,       \
                   void *op, int64_t os, int64_t n) {                                      \
    const T *x = xp, *g = gp;                                                              \
    T *o = op, max = -INFINITY;                                                            \
    double sum = 0;                                                                        \
    switch (kind) {                                                                        \
    case SOFTMAX:                                                                          \
      for (int64_t i = 0; i < n; i++) max = x[i * xs] > max ? x[i * xs] : max;             \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T e = EXP(x[i * xs] - max);                                                        \
        o[i * os] = e, sum += e;                                                           \
      }                                                                                    \
      sum = 1 / sum;                                                                       \
      for (int64_t i = 0; i < n; i++) o[i * os] = (T)(o[i * os] * sum);                    \
      break;                                                                               \
    case LOG_SOFTMAX:                                                                      \
      for (int64_t i = 0; i < n; i++) max = x[i * xs] > max ? x[i * xs] : max;             \
      for (int64_t i = 0; i < n; i++) sum += EXP(x[i * xs] - max);                         \
      sum = log(sum);                                                                      \
      for (int64_t i = 0; i < n; i++) o[i * os] = (T)((x[i * xs] - max) - sum);            \
      break;                                                                               \
    case SOFTMAX_BACKWARD:                                                                 \
      for (int64_t i = 0; i < n; i++) sum += (double)g[i * gs] * x[i * xs];                \
      for (int64_t i = 0; i < n; i++) o[i * os] = (T)(x[i * xs] * (g[i * gs] - sum));      \
      break;                                                                               \
    default:                                                                               \
      for (int64_t i = 0; i < n; i++) sum += g[i * gs];                                    \
      for (int64_t i = 0; i < n; i++) o[i * os] = (T)(g[i * gs] - EXP(x[i * xs]) * sum);   \
    }                                                                                      \
  }
ROW_KERNEL(row_f32, float, expf)
ROW_KERNEL(row_f64, double, exp)

typedef struct {
  int kind, dim;
  const mg_tensor *x, *g; /* g: NULL going forward */
  mg_tensor *out;
} job;

/* Address of row r's first element in t (NULL for no t): r counts the positions of the
 * dims other than dim in row-major order. */
static char *row_at(const mg_tensor *t, int dim, int64_t r) {
  if (!t) return NULL;
  int64_t off = 0;
  for (int d = t->ndim - 1; d >= 0; d--)
    if (d != dim) off += r % t->size[d] * t->stride[d], r /= t->size[d];
  return (char *)mg_data(t) + off * (int64_t)mg_dtype_size(t->dtype);
}

static void rows(void *arg, int64_t b, int64_t e) {
  const job *j = arg;
  int dim = j->dim;
  bool one = j->x->ndim == 0; /* a 0-d tensor is one row of one element */
  int64_t n = one ? 1 : j->x->size[dim], xs = one ? 0 : j->x->stride[dim];
  int64_t gs = j->g && !one ? j->g->stride[dim] : 0, os = one ? 0 : j->out->stride[dim];
  void (*row)(int, const void *, int64_t, const void *, int64_t, void *, int64_t, int64_t) =
      j->x->dtype == MG_FLOAT32 ? row_f32 : row_f64;
  for (int64_t r = b; r < e; r++)
    row(j->kind, row_at(j->x, dim, r), xs, row_at(j->g, dim, r), gs, row_at(j->out, dim, r), os, n);
}

/* A new tensor of x's shape and dtype (float) computed row by row along dim. */
static mg_tensor *run(int kind, const mg_tensor *x, const mg_tensor *g, int dim) {
  mg_tensor *out = mg_empty(x->dtype, x->ndim, x->size);
  if (!out) return NULL;
  job j = {kind, dim, x, g, out};
  int64_t numel = mg_numel(x), n = x->ndim ? x->size[dim] : 1;
  if (numel > 0) mg_parallel_for(numel / n, 1 + GRAIN / n, rows, &j);
  return out;
}

/* Both rules read the output y (saved[0]) and the gradient, in y's dtype. */
static int backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_tensor *y = node->saved[0];
  mg_tensor *g = mg_to((mg_tensor *)grad, y->dtype);
  gi[0] = g ? run(node->ctx.op, y, g, node->ctx.dim) : NULL;
  mg_release(g);
  return gi[0] ? 0 : -1;
}

static mg_tensor *softmax(const char *what, int kind, const mg_tensor *t, int dim) {
  bool scalar = t->ndim == 0 && dim == 0;
  if (!scalar && mg_check_dim(what, dim, t->ndim)) return NULL;
  if (t->dtype != MG_FLOAT32 && t->dtype != MG_FLOAT64) { /* integers as float32 */
    mg_tensor *f = mg_copy_as(what, t, MG_FLOAT32);
    mg_tensor *out = f ? run(kind, f, NULL, dim) : NULL;
    mg_release(f);
    return out;
  }
  mg_node *node;
  mg_tensor *out = run(kind, t, NULL, dim);
  if (!out || mg_record(out, what, backward, 1, &t, &node) || (node && mg_save(node, out, out)))
    return NULL;
  if (node) node->ctx.op = kind + SOFTMAX_BACKWARD, node->ctx.dim = dim;
  return out;
}

mg_tensor *mg_softmax(const mg_tensor *t, int dim) {
  return softmax("softmax", SOFTMAX, t, dim);
}

mg_tensor *mg_log_softmax(const mg_tensor *t, int dim) {
  return softmax("log_softmax", LOG_SOFTMAX, t, dim);
}
