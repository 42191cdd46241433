/* Elementwise ops with NumPy broadcasting and PyTorch's type promotion. Each op is one
 * expression; the macros below turn it into a kernel per computing dtype that runs over
 * one strided run, with a contiguous fast path the compiler vectorises. */
#include <math.h>
#include <string.h>
#include <tgmath.h>

#include "internal.h"

/* ---- kernels ------------------------------------------------------------------------ */

/* out[i] = expr(x = a[i], y = b[i]); T is the computing type, R the result type. */
#define BINARY_KERNEL(name, T, R, expr)                                                    \
  static void name(char **p, const int64_t *s, int64_t n, const void *ctx) {               \
    (void)ctx;                                                                            \
    R *o = (R *)p[0];                                                                      \
    const T *a = (const T *)p[1], *b = (const T *)p[2];                                    \
    if (s[0] == sizeof(R) && s[1] == sizeof(T) && s[2] == sizeof(T)) {                     \
      for (int64_t i = 0; i < n; i++) { T x = a[i], y = b[i]; o[i] = (expr); }             \
    } else if (s[0] == sizeof(R) && s[1] == sizeof(T) && s[2] == 0) {                      \
      T y = *b;                                                                            \
      for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (expr); }                       \
    } else if (s[0] == sizeof(R) && s[1] == 0 && s[2] == sizeof(T)) {                      \
      T x = *a;                                                                            \
      for (int64_t i = 0; i < n; i++) { T y = b[i]; o[i] = (expr); }                       \
    } else {                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T x = *(const T *)(p[1] + i * s[1]), y = *(const T *)(p[2] + i * s[2]);            \
        *(R *)(p[0] + i * s[0]) = (expr);                                                  \
      }                                                                                    \
    }                                                                                      \
  }

/* Bounds for clamp, in both forms: integers clamp to whole numbers within [lo, hi]. */
typedef struct {
  double lo, hi;
  int64_t ilo, ihi;
} clamp_bounds;

/* out[i] = expr(x = a[i]); c is the kernel's context (clamp's bounds). */
#define UNARY_KERNEL(name, T, R, expr)                                                     \
  static void name(char **p, const int64_t *s, int64_t n, const void *ctx) {               \
    const clamp_bounds *c = ctx;                                                           \
    (void)c;                                                                               \
    R *o = (R *)p[0];                                                                      \
    const T *a = (const T *)p[1];                                                          \
    if (s[0] == sizeof(R) && s[1] == sizeof(T)) {                                          \
      for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (expr); }                       \
    } else {                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T x = *(const T *)(p[1] + i * s[1]);                                               \
        *(R *)(p[0] + i * s[0]) = (expr);                                                  \
      }                                                                                    \
    }                                                                                      \
  }

/* Signed overflow is undefined in C; integer tensors wrap around as in PyTorch. */
#define WRAP(op, x, y) ((int64_t)((uint64_t)(x) op (uint64_t)(y)))

static int64_t ipow(int64_t base, int64_t e) {
  if (e < 0) return base == 1 ? 1 : base == -1 ? (e % 2 ? -1 : 1) : 0;
  uint64_t r = 1, b = (uint64_t)base;
  for (; e; e >>= 1, b *= b)
    if (e & 1) r *= b;
  return (int64_t)r;
}

#define FLOAT_BINARY(op, expr)                                                             \
  BINARY_KERNEL(op##_f32, float, float, expr) BINARY_KERNEL(op##_f64, double, double, expr)
#define COMPARE(op, expr)                                                                  \
  BINARY_KERNEL(op##_f32, float, bool, expr) BINARY_KERNEL(op##_f64, double, bool, expr)  \
  BINARY_KERNEL(op##_i64, int64_t, bool, expr)

FLOAT_BINARY(add, x + y)
FLOAT_BINARY(sub, x - y)
FLOAT_BINARY(mul, x * y)
FLOAT_BINARY(div, x / y)
FLOAT_BINARY(pow, pow(x, y))
FLOAT_BINARY(maximum, x != x || x > y ? x : y)
FLOAT_BINARY(minimum, x != x || x < y ? x : y)
BINARY_KERNEL(add_i64, int64_t, int64_t, WRAP(+, x, y))
BINARY_KERNEL(sub_i64, int64_t, int64_t, WRAP(-, x, y))
BINARY_KERNEL(mul_i64, int64_t, int64_t, WRAP(*, x, y))
BINARY_KERNEL(pow_i64, int64_t, int64_t, ipow(x, y))
BINARY_KERNEL(maximum_i64, int64_t, int64_t, x > y ? x : y)
BINARY_KERNEL(minimum_i64, int64_t, int64_t, x < y ? x : y)
COMPARE(eq, x == y)
COMPARE(ne, x != y)
COMPARE(lt, x < y)
COMPARE(le, x <= y)
COMPARE(gt, x > y)
COMPARE(ge, x >= y)
BINARY_KERNEL(logical_and_b, bool, bool, x && y)
BINARY_KERNEL(logical_or_b, bool, bool, x || y)

/* How an op picks the dtype it computes in and the dtype it returns. */
typedef enum {
  ARITHMETIC, /* promoted dtype; two bools compute in int64 */
  TRUE_DIVIDE, /* promoted, but integers compute in float32 */
  COMPARISON,  /* promoted, result bool */
  LOGICAL      /* bool in, bool out */
} op_kind;

/* kernels indexed by computing dtype: float32, float64, int64, bool */
static const struct {
  const char *name;
  op_kind kind;
  mg_run_kernel kernel[MG_NUM_DTYPES];
} binary_ops[MG_NUM_BINARY_OPS] = {
    [MG_ADD] = {"add", ARITHMETIC, {add_f32, add_f64, add_i64}},
    [MG_SUB] = {"sub", ARITHMETIC, {sub_f32, sub_f64, sub_i64}},
    [MG_MUL] = {"mul", ARITHMETIC, {mul_f32, mul_f64, mul_i64}},
    [MG_DIV] = {"div", TRUE_DIVIDE, {div_f32, div_f64}},
    [MG_POW] = {"pow", ARITHMETIC, {pow_f32, pow_f64, pow_i64}},
    [MG_MAXIMUM] = {"maximum", ARITHMETIC, {maximum_f32, maximum_f64, maximum_i64}},
    [MG_MINIMUM] = {"minimum", ARITHMETIC, {minimum_f32, minimum_f64, minimum_i64}},
    [MG_EQ] = {"eq", COMPARISON, {eq_f32, eq_f64, eq_i64}},
    [MG_NE] = {"ne", COMPARISON, {ne_f32, ne_f64, ne_i64}},
    [MG_LT] = {"lt", COMPARISON, {lt_f32, lt_f64, lt_i64}},
    [MG_LE] = {"le", COMPARISON, {le_f32, le_f64, le_i64}},
    [MG_GT] = {"gt", COMPARISON, {gt_f32, gt_f64, gt_i64}},
    [MG_GE] = {"ge", COMPARISON, {ge_f32, ge_f64, ge_i64}},
    [MG_LOGICAL_AND] = {"logical_and", LOGICAL, {[MG_BOOL] = logical_and_b}},
    [MG_LOGICAL_OR] = {"logical_or", LOGICAL, {[MG_BOOL] = logical_or_b}},
};

#define FLOAT_UNARY(op, expr)                                                              \
  UNARY_KERNEL(op##_f32, float, float, expr) UNARY_KERNEL(op##_f64, double, double, expr)
#define ANY_UNARY(op, expr) FLOAT_UNARY(op, expr) UNARY_KERNEL(op##_i64, int64_t, int64_t, expr)

FLOAT_UNARY(neg, -x)
FLOAT_UNARY(abs, fabs(x))
UNARY_KERNEL(neg_i64, int64_t, int64_t, WRAP(-, 0, x))
UNARY_KERNEL(abs_i64, int64_t, int64_t, x < 0 ? WRAP(-, 0, x) : x)
ANY_UNARY(sign, (x > 0) - (x < 0))
ANY_UNARY(relu, x < 0 ? 0 : x)
FLOAT_UNARY(exp, exp(x))
FLOAT_UNARY(log, log(x))
FLOAT_UNARY(log1p, log1p(x))
FLOAT_UNARY(sqrt, sqrt(x))
FLOAT_UNARY(rsqrt, 1 / sqrt(x))
FLOAT_UNARY(sin, sin(x))
FLOAT_UNARY(cos, cos(x))
FLOAT_UNARY(tanh, tanh(x))
FLOAT_UNARY(sigmoid, 1 / (1 + exp(-x)))
FLOAT_UNARY(erf, erf(x))
FLOAT_UNARY(floor, floor(x))
FLOAT_UNARY(ceil, ceil(x))
FLOAT_UNARY(round, rint(x)) /* half to even, as PyTorch */
UNARY_KERNEL(logical_not_b, bool, bool, !x)
FLOAT_UNARY(clamp, x < c->lo ? (__typeof__(x))c->lo : x > c->hi ? (__typeof__(x))c->hi : x)
UNARY_KERNEL(clamp_i64, int64_t, int64_t, x < c->ilo ? c->ilo : x > c->ihi ? c->ihi : x)
UNARY_KERNEL(copy_i64, int64_t, int64_t, x)

typedef enum {
  KEEPS_DTYPE,  /* integers stay integers (bool computes in int64) */
  FLOATING,     /* integers compute in float32 */
  ROUNDING,     /* floats round; integers are already whole */
  LOGICAL_NOT
} unary_kind;

static const struct {
  const char *name;
  unary_kind kind;
  mg_run_kernel kernel[MG_NUM_DTYPES];
} unary_ops[MG_NUM_UNARY_OPS] = {
    [MG_NEG] = {"neg", KEEPS_DTYPE, {neg_f32, neg_f64, neg_i64}},
    [MG_ABS] = {"abs", KEEPS_DTYPE, {abs_f32, abs_f64, abs_i64}},
    [MG_SIGN] = {"sign", KEEPS_DTYPE, {sign_f32, sign_f64, sign_i64}},
    [MG_RELU] = {"relu", KEEPS_DTYPE, {relu_f32, relu_f64, relu_i64}},
    [MG_EXP] = {"exp", FLOATING, {exp_f32, exp_f64}},
    [MG_LOG] = {"log", FLOATING, {log_f32, log_f64}},
    [MG_LOG1P] = {"log1p", FLOATING, {log1p_f32, log1p_f64}},
    [MG_SQRT] = {"sqrt", FLOATING, {sqrt_f32, sqrt_f64}},
    [MG_RSQRT] = {"rsqrt", FLOATING, {rsqrt_f32, rsqrt_f64}},
    [MG_SIN] = {"sin", FLOATING, {sin_f32, sin_f64}},
    [MG_COS] = {"cos", FLOATING, {cos_f32, cos_f64}},
    [MG_TANH] = {"tanh", FLOATING, {tanh_f32, tanh_f64}},
    [MG_SIGMOID] = {"sigmoid", FLOATING, {sigmoid_f32, sigmoid_f64}},
    [MG_ERF] = {"erf", FLOATING, {erf_f32, erf_f64}},
    [MG_FLOOR] = {"floor", ROUNDING, {floor_f32, floor_f64, copy_i64}},
    [MG_CEIL] = {"ceil", ROUNDING, {ceil_f32, ceil_f64, copy_i64}},
    [MG_ROUND] = {"round", ROUNDING, {round_f32, round_f64, copy_i64}},
    [MG_LOGICAL_NOT] = {"logical_not", LOGICAL_NOT, {[MG_BOOL] = logical_not_b}},
};

const char *mg_binary_op_name(mg_binary_op op) { return binary_ops[op].name; }
const char *mg_unary_op_name(mg_unary_op op) { return unary_ops[op].name; }

/* ---- the driver ----------------------------------------------------------------------- */

/* An operand in the computing dtype: t itself, a 0-d value converted into a stack header,
 * or a converted copy that *owned keeps. */
typedef struct {
  mg_tensor header;
  mg_storage storage;
  union {
    float f;
    double d;
    int64_t i;
    bool b;
  } value;
  mg_tensor *owned;
} operand;

/* An operand that overlaps out in another layout (a += a:t()) is copied first, so that no
 * element is read after it was written. */
static bool overlaps_differently(const mg_tensor *t, const mg_tensor *out) {
  if (!out || t->storage != out->storage) return false;
  if (t->offset != out->offset || t->ndim != out->ndim) return true;
  for (int d = 0; d < t->ndim; d++)
    if (t->size[d] != out->size[d] || (t->size[d] > 1 && t->stride[d] != out->stride[d]))
      return true;
  return false;
}

static const mg_tensor *convert(const mg_tensor *t, mg_dtype dtype, const mg_tensor *out,
                                operand *o) {
  o->owned = NULL;
  if (t->dtype == dtype && overlaps_differently(t, out)) return o->owned = mg_copy_as("copy", t, dtype);
  if (t->dtype == dtype) return t;
  if (t->ndim == 0) {
    mg_cast_run(dtype, (char *)&o->value, 0, t->dtype, mg_data(t), 0, 1);
    o->storage = (mg_storage){.data = &o->value, .nbytes = sizeof o->value, .refcount = 1};
    o->header = (mg_tensor){.dtype = dtype, .storage = &o->storage, .refcount = 1};
    return &o->header;
  }
  o->owned = mg_copy_as("copy", t, dtype);
  return o->owned;
}

/* Checks that out has the op's shape and can hold its result dtype (no float into an
 * integer tensor, nothing but bool into bool), as PyTorch's in-place rules. */
static int check_out(const char *what, mg_tensor *out, mg_dtype result, int ndim,
                     const int64_t *size, int nsources, const mg_tensor *const *sources) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (out->ndim != ndim || memcmp(out->size, size, sizeof(int64_t) * (size_t)ndim) != 0)
    return mg_fail("%s: the result has shape %s but the output tensor has shape %s", what,
                   mg_shape_str(ndim, size, b1), mg_shape_str(out->ndim, out->size, b2));
  bool ok = out->dtype == result || mg_dtype_is_float(out->dtype) ||
            (out->dtype == MG_INT64 && result == MG_BOOL);
  if (!ok)
    return mg_fail("%s: a %s result cannot be written into a %s tensor", what,
                   mg_dtype_name(result), mg_dtype_name(out->dtype));
  return mg_prepare_write(what, out, nsources, sources);
}

/* Runs kernel over (out, ops...) where ops are already in the computing dtype; writes
 * straight into out when it has the result dtype, else through a temporary. */
static int run(const char *what, mg_run_kernel kernel, const void *ctx, int nops,
               const mg_tensor *const *ops, mg_dtype result, int ndim, const int64_t *size,
               mg_tensor *out) {
  mg_tensor *target = out && out->dtype == result ? out : mg_empty(result, ndim, size);
  if (!target) return -1;
  mg_tensor headers[MG_MAX_OPERANDS];
  const mg_tensor *args[MG_MAX_OPERANDS] = {target};
  for (int k = 0; k < nops; k++) {
    mg_broadcast_header(ops[k], ndim, size, &headers[k]);
    args[k + 1] = &headers[k];
  }
  mg_foreach(nops + 1, args, ndim, size, kernel, ctx);
  if (target != out) {
    int rc = mg_copy_raw(what, out, target);
    mg_release(target);
    return rc;
  }
  return 0;
}

static mg_dtype binary_compute_dtype(mg_binary_op op, mg_dtype promoted) {
  switch (binary_ops[op].kind) {
  case LOGICAL: return MG_BOOL;
  case TRUE_DIVIDE: return mg_dtype_is_float(promoted) ? promoted : MG_FLOAT32;
  default: return promoted == MG_BOOL ? MG_INT64 : promoted;
  }
}

/* Shared by mg_binary and mg_binary_out; *made receives a new result when out is NULL. */
static int binary(mg_binary_op op, const mg_tensor *a, const mg_tensor *b, mg_tensor *out,
                  mg_tensor **made) {
  const char *what = binary_ops[op].name;
  int ndim;
  int64_t size[MG_MAX_DIMS];
  if (mg_broadcast_shapes(what, a->ndim, a->size, b->ndim, b->size, &ndim, size)) return -1;
  mg_dtype compute = binary_compute_dtype(op, mg_result_type(a, b));
  mg_dtype result = binary_ops[op].kind >= COMPARISON ? MG_BOOL : compute;
  if (out && check_out(what, out, result, ndim, size, 2, (const mg_tensor *[]){a, b}))
    return -1;
  operand oa, ob;
  const mg_tensor *ops[2] = {convert(a, compute, out, &oa), convert(b, compute, out, &ob)};
  int rc = -1;
  if (ops[0] && ops[1]) {
    if (!out) out = *made = mg_empty(result, ndim, size);
    if (out) rc = run(what, binary_ops[op].kernel[compute], NULL, 2, ops, result, ndim, size, out);
  }
  mg_release(oa.owned);
  mg_release(ob.owned);
  return rc;
}

/* d(a op b): saved a, b. maximum/minimum split the gradient evenly on ties (PyTorch). */
static int binary_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *a = node->saved[0], *b = node->saved[1], *g = (mg_tensor *)grad;
  bool need_a = mg_needs_grad(node, 0), need_b = mg_needs_grad(node, 1);
  switch ((mg_binary_op)node->ctx.op) {
  case MG_ADD:
    if (need_a) gi[0] = mg_retain(g);
    if (need_b) gi[1] = mg_retain(g);
    break;
  case MG_SUB:
    if (need_a) gi[0] = mg_retain(g);
    if (need_b) gi[1] = mg_op1(MG_NEG, g, 0);
    break;
  case MG_MUL:
    if (need_a) gi[0] = mg_op2(MG_MUL, g, b, 0);
    if (need_b) gi[1] = mg_op2(MG_MUL, g, a, 0);
    break;
  case MG_DIV: /* d/da = 1/b, d/db = -a/b^2 */
    gi[0] = mg_op2(MG_DIV, g, b, 0);
    gi[1] = mg_op1(MG_NEG, mg_op2(MG_DIV, mg_op2(MG_MUL, gi[0], a, 0), b, MG_OWN_A), MG_OWN_A);
    break;
  case MG_POW: { /* d/da = b a^(b-1), d/db = a^b log a (taken as 0 where a = 0) */
    gi[0] = mg_op2(MG_MUL, mg_op2(MG_MUL, g, b, 0),
                   mg_op2(MG_POW, a, mg_op_number(MG_SUB, b, 1, 0), MG_OWN_B), MG_OWN_A | MG_OWN_B);
    if (!need_b) break;
    mg_tensor *zero = mg_op_number(MG_EQ, a, 0, 0);
    mg_tensor *log_a = mg_op1(MG_LOG, a, 0), *safe = NULL;
    if (zero && log_a) safe = mg_masked_fill(log_a, zero, 0);
    mg_release(zero), mg_release(log_a);
    gi[1] = mg_op2(MG_MUL, mg_op2(MG_MUL, g, mg_op2(MG_POW, a, b, 0), MG_OWN_B), safe,
                   MG_OWN_A | MG_OWN_B);
    break;
  }
  case MG_MAXIMUM:
  case MG_MINIMUM: { /* share of a: 1 where a wins, 1/2 on ties */
    mg_binary_op wins = node->ctx.op == MG_MAXIMUM ? MG_GT : MG_LT;
    mg_tensor *share = mg_op2(MG_ADD, mg_op2(wins, a, b, 0),
                              mg_op_number(MG_MUL, mg_op2(MG_EQ, a, b, 0), 0.5, MG_OWN_A),
                              MG_OWN_A | MG_OWN_B);
    gi[0] = mg_op2(MG_MUL, g, share, 0);
    gi[1] = mg_op2(MG_SUB, g, gi[0], 0);
    mg_release(share);
    break;
  }
  default: return mg_fail("backward: %s is not differentiable", node->name);
  }
  return (need_a && !gi[0]) || (need_b && !gi[1]) ? -1 : 0;
}

mg_tensor *mg_binary(mg_binary_op op, const mg_tensor *a, const mg_tensor *b) {
  mg_tensor *made = NULL;
  if (binary(op, a, b, NULL, &made)) {
    mg_release(made);
    return NULL;
  }
  if (binary_ops[op].kind >= COMPARISON) return made; /* bool results: not differentiable */
  mg_node *node;
  if (mg_record(made, binary_ops[op].name, binary_backward, 2, (const mg_tensor *[]){a, b}, &node))
    return NULL;
  if (node && (mg_save(node, a, made) || mg_save(node, b, made))) return NULL;
  if (node) node->ctx.op = op;
  return made;
}

int mg_binary_out(mg_binary_op op, const mg_tensor *a, const mg_tensor *b, mg_tensor *out) {
  return binary(op, a, b, out, NULL);
}

static mg_dtype unary_compute_dtype(unary_kind kind, mg_dtype in) {
  switch (kind) {
  case LOGICAL_NOT: return MG_BOOL;
  case FLOATING: return mg_dtype_is_float(in) ? in : MG_FLOAT32;
  default: return in == MG_BOOL ? MG_INT64 : in;
  }
}

static int unary(const char *what, unary_kind kind, const mg_run_kernel *kernels,
                 const clamp_bounds *ctx, const mg_tensor *a, mg_tensor *out, mg_tensor **made) {
  mg_dtype compute = unary_compute_dtype(kind, a->dtype);
  if (out && check_out(what, out, compute, a->ndim, a->size, 1, &a)) return -1;
  operand oa;
  const mg_tensor *ops[1] = {convert(a, compute, out, &oa)};
  int rc = -1;
  if (ops[0]) {
    if (!out) out = *made = mg_empty(compute, a->ndim, a->size);
    if (out) rc = run(what, kernels[compute], ctx, 1, ops, compute, a->ndim, a->size, out);
  }
  mg_release(oa.owned);
  return rc;
}

/* d op(x) from x (saved[0]) or y = op(x) (saved[0] for the ops marked SAVES_OUTPUT). */
static bool saves_output(mg_unary_op op) {
  return op == MG_EXP || op == MG_SQRT || op == MG_RSQRT || op == MG_TANH || op == MG_SIGMOID;
}

static int unary_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *x = node->saved[0], *y = node->saved[0], *g = (mg_tensor *)grad, *d;
  switch ((mg_unary_op)node->ctx.op) {
  case MG_NEG: d = mg_op1(MG_NEG, g, 0); break;
  case MG_ABS: d = mg_op2(MG_MUL, g, mg_op1(MG_SIGN, x, 0), MG_OWN_B); break;
  case MG_EXP: d = mg_op2(MG_MUL, g, y, 0); break;
  case MG_LOG: d = mg_op2(MG_DIV, g, x, 0); break;
  case MG_LOG1P: d = mg_op2(MG_DIV, g, mg_op_number(MG_ADD, x, 1, 0), MG_OWN_B); break;
  case MG_SQRT: d = mg_op2(MG_DIV, mg_op_number(MG_MUL, g, 0.5, 0), y, MG_OWN_A); break;
  case MG_RSQRT: /* -y^3 / 2 */
    d = mg_op2(MG_MUL, g, mg_op_number(MG_MUL, mg_op_number(MG_POW, y, 3, 0), -0.5, MG_OWN_A),
               MG_OWN_B);
    break;
  case MG_SIN: d = mg_op2(MG_MUL, g, mg_op1(MG_COS, x, 0), MG_OWN_B); break;
  case MG_COS: d = mg_op2(MG_MUL, g, mg_op1(MG_NEG, mg_op1(MG_SIN, x, 0), MG_OWN_A), MG_OWN_B); break;
  case MG_TANH: /* 1 - y^2 */
    d = mg_op2(MG_MUL, g, mg_op_number(MG_SUB, mg_op2(MG_MUL, y, y, 0), 1, MG_OWN_A), MG_OWN_B);
    d = mg_op1(MG_NEG, d, MG_OWN_A);
    break;
  case MG_SIGMOID: /* y (1 - y) */
    d = mg_op2(MG_MUL, mg_op2(MG_MUL, g, y, 0), mg_op_number(MG_SUB, y, 1, 0), MG_OWN_A | MG_OWN_B);
    d = mg_op1(MG_NEG, d, MG_OWN_A);
    break;
  case MG_RELU: d = mg_op2(MG_MUL, g, mg_op_number(MG_GT, x, 0, 0), MG_OWN_B); break;
  case MG_ERF: /* 2/sqrt(pi) exp(-x^2) */
    d = mg_op1(MG_EXP, mg_op1(MG_NEG, mg_op2(MG_MUL, x, x, 0), MG_OWN_A), MG_OWN_A);
    d = mg_op2(MG_MUL, g, mg_op_number(MG_MUL, d, 1.1283791670955126, MG_OWN_A), MG_OWN_B);
    break;
  default: /* sign, floor, ceil, round: flat almost everywhere */
    d = mg_zeros(g->dtype, g->ndim, g->size);
  }
  gi[0] = d;
  return d ? 0 : -1;
}

static mg_tensor *record_unary(mg_unary_op op, const mg_tensor *a, mg_tensor *out) {
  mg_node *node;
  if (op == MG_LOGICAL_NOT) return out;
  if (mg_record(out, unary_ops[op].name, unary_backward, 1, &a, &node) ||
      (node && mg_save(node, saves_output(op) ? out : a, out)))
    return NULL;
  if (node) node->ctx.op = op;
  return out;
}

mg_tensor *mg_unary(mg_unary_op op, const mg_tensor *a) {
  mg_tensor *made = NULL;
  if (unary(unary_ops[op].name, unary_ops[op].kind, unary_ops[op].kernel, NULL, a, NULL, &made)) {
    mg_release(made);
    return NULL;
  }
  return record_unary(op, a, made);
}

int mg_unary_out(mg_unary_op op, const mg_tensor *a, mg_tensor *out) {
  return unary(unary_ops[op].name, unary_ops[op].kind, unary_ops[op].kernel, NULL, a, out, NULL);
}

static const mg_run_kernel clamp_kernels[MG_NUM_DTYPES] = {clamp_f32, clamp_f64, clamp_i64};

static int clamp_checked(const mg_tensor *a, double min, double max, mg_tensor *out,
                         mg_tensor **made) {
  if (min != min || max != max || min > max)
    return mg_fail("clamp: expected min <= max, got %g and %g", min, max);
  clamp_bounds bounds = {min, max, INT64_MIN, INT64_MAX};
  if (min > -0x1p63) bounds.ilo = (int64_t)ceil(min);
  if (max < 0x1p63) bounds.ihi = (int64_t)floor(max);
  return unary("clamp", KEEPS_DTYPE, clamp_kernels, &bounds, a, out, made);
}

/* The gradient passes where min <= x <= max (saved x). */
static int clamp_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *x = node->saved[0];
  mg_tensor *inside = mg_op2(MG_LOGICAL_AND, mg_op_number(MG_GE, x, node->ctx.number[0], 0),
                             mg_op_number(MG_LE, x, node->ctx.number[1], 0), MG_OWN_A | MG_OWN_B);
  gi[0] = mg_op2(MG_MUL, (mg_tensor *)grad, inside, MG_OWN_B);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_clamp(const mg_tensor *a, double min, double max) {
  mg_tensor *made = NULL;
  mg_node *node;
  if (clamp_checked(a, min, max, NULL, &made)) {
    mg_release(made);
    return NULL;
  }
  if (mg_record(made, "clamp", clamp_backward, 1, &a, &node) || (node && mg_save(node, a, made)))
    return NULL;
  if (node) node->ctx.number[0] = min, node->ctx.number[1] = max;
  return made;
}

int mg_clamp_out(const mg_tensor *a, double min, double max, mg_tensor *out) {
  return clamp_checked(a, min, max, out, NULL);
}

/* where copies bits, so one kernel per element size serves every dtype. */
#define WHERE_KERNEL(name, T)                                                              \
  static void name(char **p, const int64_t *s, int64_t n, const void *ctx) {               \
    (void)ctx;                                                                            \
    for (int64_t i = 0; i < n; i++)                                                        \
      *(T *)(p[0] + i * s[0]) = *(const bool *)(p[1] + i * s[1])                           \
                                    ? *(const T *)(p[2] + i * s[2])                        \
                                    : *(const T *)(p[3] + i * s[3]);                       \
  }
WHERE_KERNEL(where_1, uint8_t)
WHERE_KERNEL(where_4, uint32_t)
WHERE_KERNEL(where_8, uint64_t)

/* The gradient goes to a where cond holds, to b elsewhere (saved cond). */
static int where_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *cond = node->saved[0];
  for (int i = 1; i <= 2; i++) {
    if (!mg_needs_grad(node, i)) continue;
    mg_tensor *skip = i == 1 ? mg_op1(MG_LOGICAL_NOT, cond, 0) : mg_retain(cond);
    gi[i] = skip ? mg_masked_fill(grad, skip, 0) : NULL;
    mg_release(skip);
    if (!gi[i]) return -1;
  }
  return 0;
}

mg_tensor *mg_where(const mg_tensor *cond, const mg_tensor *a, const mg_tensor *b) {
  int n1, ndim;
  int64_t s1[MG_MAX_DIMS], size[MG_MAX_DIMS];
  if (cond->dtype != MG_BOOL)
    return mg_fail_null("where: expected a bool condition, got %s", mg_dtype_name(cond->dtype));
  if (mg_broadcast_shapes("where", a->ndim, a->size, b->ndim, b->size, &n1, s1) ||
      mg_broadcast_shapes("where", cond->ndim, cond->size, n1, s1, &ndim, size))
    return NULL;
  mg_dtype dtype = mg_result_type(a, b);
  size_t es = mg_dtype_size(dtype);
  mg_run_kernel kernel = es == 1 ? where_1 : es == 4 ? where_4 : where_8;
  operand oa, ob;
  const mg_tensor *ops[3] = {cond, convert(a, dtype, NULL, &oa), convert(b, dtype, NULL, &ob)};
  mg_tensor *out = ops[1] && ops[2] ? mg_empty(dtype, ndim, size) : NULL;
  if (out && run("where", kernel, NULL, 3, ops, dtype, ndim, size, out)) {
    mg_release(out);
    out = NULL;
  }
  mg_release(oa.owned);
  mg_release(ob.owned);
  mg_node *node;
  if (out && (mg_record(out, "where", where_backward, 3, (const mg_tensor *[]){cond, a, b}, &node) ||
              (node && mg_save(node, cond, out))))
    return NULL;
  return out;
}
