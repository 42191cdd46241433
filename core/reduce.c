/* Reductions (sum, mean, prod, max, min, argmax, argmin, var, std, norm, logsumexp),
 * cumsum, sort and topk.
 *
 * A reduction walks "rows": the elements along the reduced dim for one output element.
 * Each row is read a block at a time into doubles and summarised into a `part` (a sum, a
 * best value and its index, a mean and squared deviations, ...); parts merge in order, so
 * a long row can be cut into chunks reduced on several threads and combined
 * deterministically. Sums, products and comparisons of int64/bool stay exact in int64;
 * everything else is double. The backward rules follow their forward functions below:
 * composed of public ops, except cumsum's, which runs the cumsum kernel from the end. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BLOCK 256               /* elements loaded at a time */
#define CHUNK 65536             /* least elements per chunk of a long row split over threads */
#define MAX_CHUNKS 256
#define GRAIN (MG_PARALLEL_GRAIN / 4) /* elements worth a thread */

static const char *const names[MG_NUM_REDUCE_OPS] = {
    "sum", "mean", "prod", "max", "min", "argmax", "argmin", "var", "std", "norm", "logsumexp"};

enum { K_SUM, K_PROD, K_MAX, K_MIN, K_VAR, K_LSE };          /* how parts combine */
enum { P_NONE, P_ABS, P_SQUARE, P_POW, P_NONZERO };           /* applied on load (norm) */

typedef struct {
  double v, m;    /* sum / product / best value / squared deviations; mean (var), max (lse) */
  int64_t n, idx; /* elements seen; index of the best value */
  uint64_t iv;    /* exact: int64 sum or product (wrapping, as PyTorch), or best value */
} part;

typedef struct {
  mg_reduce_op op;
  int kind, pre;
  bool exact; /* integer input to sum, prod, max, min, argmax, argmin: int64 arithmetic */
  double param;
  const mg_tensor *src; /* reduced along dim */
  int dim;
  int64_t n, stride;    /* length and stride (elements) of the reduced dim */
  mg_tensor *out, *idx; /* contiguous results; either may be NULL */
  int inner;            /* column sums: a kept dim of stride 1 */
  int64_t ostride[MG_MAX_DIMS]; /* column sums: the output's strides, in src's dims */
} plan;

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Offset (elements, under strides st) of the r-th element, in row-major order, over the
 * dims of t that are not in the bit mask skip. */
static int64_t offset_of(const mg_tensor *t, const int64_t *st, unsigned skip, int64_t r) {
  int64_t off = 0;
  for (int d = t->ndim - 1; d >= 0; d--)
    if (!(skip >> d & 1)) off += (r % t->size[d]) * st[d], r /= t->size[d];
  return off;
}

static int64_t rows_of(const mg_tensor *t, unsigned skip) {
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++)
    if (!(skip >> d & 1)) n *= t->size[d];
  return n;
}

static char *at(const mg_tensor *t, int64_t off) {
  return (char *)mg_data(t) + off * (int64_t)mg_dtype_size(t->dtype);
}

/* A 1-D header over a contiguous tensor's elements (borrows its storage). */
static mg_tensor flat_header(const mg_tensor *t) {
  mg_tensor f = *t;
  f.ndim = 1, f.size[0] = mg_numel(t), f.stride[0] = 1;
  return f;
}

/* ---- loading and summing -------------------------------------------------------------- */

static void load(mg_dtype dt, const char *p, int64_t s, int64_t m, double *x) {
  switch (dt) {
  case MG_FLOAT32: for (int64_t i = 0; i < m; i++) x[i] = ((const float *)p)[i * s]; break;
  case MG_FLOAT64: for (int64_t i = 0; i < m; i++) x[i] = ((const double *)p)[i * s]; break;
  case MG_INT64: for (int64_t i = 0; i < m; i++) x[i] = (double)((const int64_t *)p)[i * s]; break;
  default: for (int64_t i = 0; i < m; i++) x[i] = ((const bool *)p)[i * s]; break;
  }
}

static void load_int(mg_dtype dt, const char *p, int64_t s, int64_t m, uint64_t *x) {
  if (dt == MG_INT64) for (int64_t i = 0; i < m; i++) x[i] = (uint64_t)((const int64_t *)p)[i * s];
  else for (int64_t i = 0; i < m; i++) x[i] = ((const bool *)p)[i * s];
}

/* Eight independent accumulators (in registers): a loop the compiler can vectorise without
 * reassociating. */
#define DEFINE_SUM(name, T)                                                                 \
  static double name(const T *x, int64_t n) {                                               \
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;                  \
    int64_t i = 0;                                                                          \
    for (; i + 8 <= n; i += 8) {                                                            \
      a0 += x[i], a1 += x[i + 1], a2 += x[i + 2], a3 += x[i + 3];                           \
      a4 += x[i + 4], a5 += x[i + 5], a6 += x[i + 6], a7 += x[i + 7];                       \
    }                                                                                       \
    for (; i < n; i++) a0 += x[i];                                                          \
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));                               \
  }
DEFINE_SUM(sum_f32, float)
DEFINE_SUM(sum_f64, double)

/* ---- parts: summarise a block, merge two in order, turn one into the result ----------- */

static bool better(int kind, double x, double best) { /* NaN beats everything, first wins */
  return (kind == K_MAX ? x > best : x < best) || (x != x && best == best);
}

static bool better_int(int kind, uint64_t x, uint64_t best) {
  return kind == K_MAX ? (int64_t)x > (int64_t)best : (int64_t)x < (int64_t)best;
}

static double nanmax(double a, double b) { return a != a || a > b ? a : b; }

static part identity(const plan *pl) {
  part r = {0};
  if (pl->kind == K_PROD) r.v = 1, r.iv = 1;
  if (pl->kind == K_LSE) r.m = -INFINITY;
  return r;
}

static part block_part(const plan *pl, double *x, int64_t m, int64_t first) {
  part r = {.n = m, .idx = first};
  switch (pl->pre) {
  case P_ABS: for (int64_t i = 0; i < m; i++) x[i] = fabs(x[i]); break;
  case P_SQUARE: for (int64_t i = 0; i < m; i++) x[i] *= x[i]; break;
  case P_POW: for (int64_t i = 0; i < m; i++) x[i] = pow(fabs(x[i]), pl->param); break;
  case P_NONZERO: for (int64_t i = 0; i < m; i++) x[i] = x[i] != 0; break;
  }
  switch (pl->kind) {
  case K_SUM: r.v = sum_f64(x, m); break;
  case K_PROD:
    r.v = 1;
    for (int64_t i = 0; i < m; i++) r.v *= x[i];
    break;
  case K_MAX: case K_MIN:
    r.v = x[0];
    for (int64_t i = 1; i < m; i++)
      if (better(pl->kind, x[i], r.v)) r.v = x[i], r.idx = first + i;
    break;
  case K_VAR:
    r.m = sum_f64(x, m) / (double)m;
    for (int64_t i = 0; i < m; i++) r.v += (x[i] - r.m) * (x[i] - r.m);
    break;
  case K_LSE:
    r.m = x[0];
    for (int64_t i = 1; i < m; i++) r.m = nanmax(r.m, x[i]);
    if (isfinite(r.m))
      for (int64_t i = 0; i < m; i++) r.v += exp(x[i] - r.m);
    break;
  }
  return r;
}

static part int_block(const plan *pl, const uint64_t *x, int64_t m, int64_t first) {
  part r = {.n = m, .idx = first, .iv = pl->kind == K_SUM ? 0 : pl->kind == K_PROD ? 1 : x[0]};
  if (pl->kind == K_SUM) for (int64_t i = 0; i < m; i++) r.iv += x[i];
  else if (pl->kind == K_PROD) for (int64_t i = 0; i < m; i++) r.iv *= x[i];
  else for (int64_t i = 1; i < m; i++)
    if (better_int(pl->kind, x[i], r.iv)) r.iv = x[i], r.idx = first + i;
  return r;
}

static part merge(const plan *pl, part a, part b) { /* a holds the earlier elements */
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  double n = (double)(a.n + b.n), d = b.m - a.m, mx;
  switch (pl->kind) {
  case K_SUM: a.v += b.v, a.iv += b.iv; break;
  case K_PROD: a.v *= b.v, a.iv *= b.iv; break;
  case K_MAX: case K_MIN:
    if (pl->exact ? better_int(pl->kind, b.iv, a.iv) : better(pl->kind, b.v, a.v))
      a.v = b.v, a.iv = b.iv, a.idx = b.idx;
    break;
  case K_VAR: /* Chan et al.'s pairwise update */
    a.v += b.v + d * d * (double)a.n * (double)b.n / n;
    a.m += d * (double)b.n / n;
    break;
  case K_LSE:
    mx = nanmax(a.m, b.m);
    a.v = isfinite(mx) ? a.v * exp(a.m - mx) + b.v * exp(b.m - mx) : 0;
    a.m = mx;
    break;
  }
  a.n += b.n;
  return a;
}

static double finalize(const plan *pl, part r) {
  double p = pl->param;
  switch (pl->op) {
  case MG_MEAN: return r.v / (double)pl->n;
  case MG_VAR: return r.v / fmax(0, (double)r.n - p);
  case MG_STD: return sqrt(r.v / fmax(0, (double)r.n - p));
  case MG_NORM: return p == 2 ? sqrt(r.v) : (p == 0 || p == 1 || isinf(p)) ? r.v : pow(r.v, 1 / p);
  case MG_LOGSUMEXP: return isfinite(r.m) ? r.m + log(r.v) : r.m;
  default: return r.v;
  }
}

/* ---- rows ------------------------------------------------------------------------------ */

/* Reduces n elements from p (stride from the plan); first is the index of p in its row. */
static part run_part(const plan *pl, const char *p, int64_t n, int64_t first) {
  part acc = identity(pl);
  mg_dtype dt = pl->src->dtype;
  int64_t s = pl->stride, step = s * (int64_t)mg_dtype_size(dt);
  if (pl->kind == K_SUM && pl->pre == P_NONE && s == 1 && mg_dtype_is_float(dt)) {
    acc.v = dt == MG_FLOAT32 ? sum_f32((const float *)p, n) : sum_f64((const double *)p, n);
    acc.n = n;
    return acc;
  }
  for (int64_t i = 0; i < n; i += BLOCK) {
    int64_t m = min64(BLOCK, n - i);
    part b;
    if (pl->exact) {
      uint64_t x[BLOCK];
      load_int(dt, p + i * step, s, m, x);
      b = int_block(pl, x, m, first + i);
    } else {
      double x[BLOCK];
      load(dt, p + i * step, s, m, x);
      b = block_part(pl, x, m, first + i);
    }
    acc = merge(pl, acc, b);
  }
  return acc;
}

static void emit(const plan *pl, int64_t r, const char *row, part pt) {
  if (pl->idx) ((int64_t *)mg_data(pl->idx))[r] = pt.idx;
  if (!pl->out) return;
  size_t es = mg_dtype_size(pl->out->dtype);
  char *o = at(pl->out, r);
  if (pl->op == MG_MAX || pl->op == MG_MIN) /* the element itself: exact for int64 */
    memcpy(o, row + pt.idx * pl->stride * (int64_t)es, es);
  else if (pl->exact) *(int64_t *)o = (int64_t)pt.iv;
  else mg_store(pl->out->dtype, o, finalize(pl, pt));
}

static void rows_range(void *arg, int64_t b, int64_t e) {
  const plan *pl = arg;
  for (int64_t r = b; r < e; r++) {
    const char *row = at(pl->src, offset_of(pl->src, pl->src->stride, 1u << pl->dim, r));
    emit(pl, r, row, run_part(pl, row, pl->n, 0));
  }
}

/* One long row: fixed chunks (so the result does not depend on the thread count), reduced
 * in parallel, merged in order. */
typedef struct {
  const plan *pl;
  const char *row;
  int64_t chunk;
  part *parts;
} chunk_job;

static void chunks_range(void *arg, int64_t b, int64_t e) {
  const chunk_job *c = arg;
  int64_t step = c->pl->stride * (int64_t)mg_dtype_size(c->pl->src->dtype);
  for (int64_t i = b; i < e; i++) {
    int64_t first = i * c->chunk;
    c->parts[i] = run_part(c->pl, c->row + first * step, min64(c->chunk, c->pl->n - first), first);
  }
}

static void reduce_one_row(const plan *pl) {
  const char *row = at(pl->src, 0);
  int64_t n = pl->n, chunk = n / MAX_CHUNKS + 1 > CHUNK ? n / MAX_CHUNKS + 1 : CHUNK;
  int64_t nchunks = (n + chunk - 1) / chunk;
  part parts[MAX_CHUNKS], acc = identity(pl);
  chunk_job c = {pl, row, chunk, parts};
  mg_parallel_for(nchunks, 1, chunks_range, &c);
  for (int64_t i = 0; i < nchunks; i++) acc = merge(pl, acc, parts[i]);
  emit(pl, 0, row, acc);
}

/* Sum or mean over a dim when another one (inner) is contiguous: carry BLOCK output sums
 * along inner and add whole stretches of rows to them, reading memory in order. */
static void add_rows(const plan *pl, const char *p, int64_t m, double *acc) {
  int64_t n = pl->n, step = pl->stride * (int64_t)mg_dtype_size(pl->src->dtype), i = 0;
  if (pl->src->dtype == MG_FLOAT32 && m == BLOCK) /* fixed counts: vectorised */
    for (; i + 4 <= n; i += 4) {
      const float *r0 = (const float *)(p + i * step), *r1 = (const float *)(p + (i + 1) * step),
                  *r2 = (const float *)(p + (i + 2) * step), *r3 = (const float *)(p + (i + 3) * step);
      for (int64_t j = 0; j < BLOCK; j++)
        acc[j] += ((double)r0[j] + (double)r1[j]) + ((double)r2[j] + (double)r3[j]);
    }
  for (double x[BLOCK]; i < n; i++) {
    load(pl->src->dtype, p + i * step, 1, m, x);
    for (int64_t j = 0; j < m; j++) acc[j] += x[j];
  }
}

/* One step of best_rows in float32, as selects the compiler vectorises: sign 1 for max, -1
 * for min (comparing sign * x); NaN wins over numbers, and the first of equals stays. */
static inline void best_step_f32(const float *restrict x, int64_t m, int32_t i, float *restrict best,
                                 int32_t *restrict at_step, float sign) {
  for (int64_t j = 0; j < m; j++) {
    int take = (sign * x[j] > sign * best[j]) | ((x[j] != x[j]) & (best[j] == best[j]));
    best[j] = take ? x[j] : best[j];
    at_step[j] = take ? i : at_step[j];
  }
}

/* Max or min over a dim (and the step where each was, the first of equals; NaN wins) when
 * another one is contiguous, as add_rows does for sums. */
static void best_rows(const plan *pl, const char *p, int64_t m, int64_t *where) {
  int64_t step = pl->stride * (int64_t)mg_dtype_size(pl->src->dtype);
  if (pl->src->dtype == MG_FLOAT32 && pl->n <= INT32_MAX) {
    float best[BLOCK];
    int32_t at_step[BLOCK] = {0};
    memcpy(best, p, (size_t)m * sizeof *best);
    for (int32_t i = 1; i < (int32_t)pl->n; i++) {
      const float *x = (const float *)(p + i * step);
      if (pl->kind == K_MAX) best_step_f32(x, m, i, best, at_step, 1.0f);
      else best_step_f32(x, m, i, best, at_step, -1.0f);
    }
    for (int64_t j = 0; j < m; j++) where[j] = at_step[j];
    return;
  }
  double best[BLOCK], x[BLOCK];
  load(pl->src->dtype, p, 1, m, best);
  for (int64_t j = 0; j < m; j++) where[j] = 0;
  for (int64_t i = 1; i < pl->n; i++) {
    load(pl->src->dtype, p + i * step, 1, m, x);
    for (int64_t j = 0; j < m; j++)
      if (better(pl->kind, x[j], best[j])) best[j] = x[j], where[j] = i;
  }
}

static void columns_range(void *arg, int64_t b, int64_t e) {
  const plan *pl = arg;
  const mg_tensor *t = pl->src;
  unsigned skip = 1u << pl->dim | 1u << pl->inner;
  int64_t cols = t->size[pl->inner], nb = (cols + BLOCK - 1) / BLOCK, os = pl->ostride[pl->inner];
  size_t es = mg_dtype_size(t->dtype);
  for (int64_t w = b; w < e; w++) {
    int64_t q = w / nb, j0 = w % nb * BLOCK, m = min64(BLOCK, cols - j0);
    const char *p = at(t, offset_of(t, t->stride, skip, q) + j0);
    int64_t o = offset_of(t, pl->ostride, skip, q) + j0 * os;
    if (pl->kind == K_SUM) {
      double acc[BLOCK] = {0};
      add_rows(pl, p, m, acc);
      for (int64_t j = 0; j < m; j++)
        mg_store(pl->out->dtype, at(pl->out, o + j * os),
                 pl->op == MG_MEAN ? acc[j] / (double)pl->n : acc[j]);
      continue;
    }
    int64_t where[BLOCK];
    best_rows(pl, p, m, where);
    for (int64_t j = 0; j < m; j++) {
      if (pl->idx) ((int64_t *)mg_data(pl->idx))[o + j * os] = where[j];
      if (pl->out) /* the element itself, as emit copies it */
        memcpy(at(pl->out, o + j * os), p + (where[j] * pl->stride + j) * (int64_t)es, es);
    }
  }
}

/* The kept dim of stride 1 that column sums (or maxima, minima) run along, or -1. */
static int column_dim(plan *pl) {
  const mg_tensor *s = pl->src;
  bool extreme = (pl->kind == K_MAX || pl->kind == K_MIN) && pl->op != MG_NORM;
  if ((pl->kind != K_SUM && !extreme) || pl->pre != P_NONE || pl->exact || pl->stride == 1) return -1;
  for (int d = s->ndim - 1, o = 1; d >= 0; d--) {
    pl->ostride[d] = o;
    if (d != pl->dim) o *= s->size[d];
  }
  for (int d = s->ndim - 1; d >= 0; d--)
    if (d != pl->dim && s->stride[d] == 1 && s->size[d] >= 8) return d;
  return -1;
}

/* ---- entry points ---------------------------------------------------------------------- */

static mg_dtype result_dtype(mg_reduce_op op, mg_dtype dt) {
  bool f = mg_dtype_is_float(dt);
  switch (op) {
  case MG_SUM: case MG_PROD: return f ? dt : MG_INT64;
  case MG_MAX: case MG_MIN: return dt;
  case MG_ARGMAX: case MG_ARGMIN: return MG_INT64;
  default: return f ? dt : MG_FLOAT32;
  }
}

static void set_kind(plan *pl) {
  static const int kinds[MG_NUM_REDUCE_OPS] = {K_SUM, K_SUM, K_PROD, K_MAX, K_MIN, K_MAX,
                                               K_MIN, K_VAR, K_VAR, K_SUM, K_LSE};
  double p = pl->param;
  pl->kind = kinds[pl->op];
  pl->exact = !mg_dtype_is_float(pl->src->dtype) &&
              (pl->op == MG_SUM || pl->op == MG_PROD || pl->kind == K_MAX || pl->kind == K_MIN);
  if (pl->op != MG_NORM) return;
  pl->exact = false;
  pl->kind = isinf(p) ? (p > 0 ? K_MAX : K_MIN) : K_SUM;
  pl->pre = isinf(p) || p == 1 ? P_ABS : p == 2 ? P_SQUARE : p == 0 ? P_NONZERO : P_POW;
}

/* The result's shape: t's without the reduced dims, or with them as 1. Returns ndim. */
static int result_shape(const mg_tensor *t, int dim, bool all, bool keepdim, int64_t *size) {
  int ndim = 0;
  for (int d = 0; d < t->ndim; d++)
    if (!all && d != dim) size[ndim++] = t->size[d];
    else if (keepdim) size[ndim++] = 1;
  return ndim;
}

/* values/indices: where to put the results (NULL: not wanted). */
static int reduce(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim, double param,
                  mg_tensor **values, mg_tensor **indices) {
  const char *name = names[op];
  bool all = dim == MG_ALL_DIMS || (t->ndim == 0 && dim == 0);
  if (!all && mg_check_dim(name, dim, t->ndim)) return -1;
  mg_tensor *tmp = NULL, flat;
  plan pl = {.op = op, .param = param, .src = t, .dim = all ? 0 : dim};
  int64_t size[MG_MAX_DIMS];
  int ndim = result_shape(t, dim, all, keepdim, size);
  if (all) {
    if (!mg_is_contiguous(t) && !(tmp = mg_copy_as(names[op], t, t->dtype))) return -1;
    flat = flat_header(tmp ? tmp : t);
    pl.src = &flat;
  }
  set_kind(&pl);
  pl.n = pl.src->size[pl.dim], pl.stride = pl.src->stride[pl.dim];
  if (pl.n == 0 && (pl.kind == K_MAX || pl.kind == K_MIN)) {
    mg_release(tmp);
    return mg_fail("%s: cannot reduce over a zero-size dimension", name);
  }
  if (values) pl.out = mg_empty(result_dtype(op, t->dtype), ndim, size);
  if (indices) pl.idx = mg_empty(MG_INT64, ndim, size);
  if ((values && !pl.out) || (indices && !pl.idx)) {
    mg_release(pl.out), mg_release(pl.idx), mg_release(tmp);
    return -1;
  }
  int64_t rows = rows_of(pl.src, 1u << pl.dim), n = pl.n > 0 ? pl.n : 1;
  if (rows == 1) {
    reduce_one_row(&pl);
  } else if ((pl.inner = column_dim(&pl)) >= 0) {
    int64_t cols = pl.src->size[pl.inner];
    mg_parallel_for(rows / cols * ((cols + BLOCK - 1) / BLOCK), 1 + GRAIN / (n * BLOCK),
                    columns_range, &pl);
  } else {
    mg_parallel_for(rows, 1 + GRAIN / n, rows_range, &pl);
  }
  mg_release(tmp);
  if (values) *values = pl.out;
  if (indices) *indices = pl.idx;
  return 0;
}

/* ---- gradients -------------------------------------------------------------------------
 * A rule sees the gradient g of the result; with the reduced dim put back as size 1 (kept)
 * it broadcasts against the input x (saved[0]) and the result y (saved[1], kept too). The
 * node's ctx holds dim (MG_ALL_DIMS for every element), keepdim (flag) and param. */

/* t of the result's shape with the reduced dim back as size 1 (a new reference). */
static mg_tensor *kept(const mg_node *node, const mg_tensor *t) {
  if (!t) return NULL;
  if (node->ctx.flag || node->ctx.dim == MG_ALL_DIMS) return mg_retain((mg_tensor *)t);
  return mg_unsqueeze((mg_tensor *)t, node->ctx.dim);
}

/* op over the node's dim, keeping it; chainable (NULL in, NULL out; t released if own). */
static mg_tensor *kept_reduce(const mg_node *node, mg_reduce_op op, mg_tensor *t, bool own) {
  mg_tensor *r = t ? mg_reduce(op, t, node->ctx.dim, true, 0) : NULL;
  if (own) mg_release(t);
  return r;
}

/* t with 0 where mask holds; chainable, releasing both. */
static mg_tensor *zero_where(mg_tensor *t, mg_tensor *mask) {
  mg_tensor *r = t && mask ? mg_masked_fill(t, mask, 0) : NULL;
  mg_release(t), mg_release(mask);
  return r;
}

static double reduced_count(const mg_node *node) {
  const mg_edge *in = &node->inputs[0];
  if (node->ctx.dim != MG_ALL_DIMS) return (double)in->size[node->ctx.dim];
  double n = 1;
  for (int d = 0; d < in->ndim; d++) n *= (double)in->size[d];
  return n;
}

/* g shared evenly among the elements where mask holds (ties of max and min, as amax);
 * releases mask. */
static mg_tensor *spread(const mg_node *node, mg_tensor *mask, mg_tensor *g) {
  return mg_op2(MG_MUL, mask, mg_op2(MG_DIV, g, kept_reduce(node, MG_SUM, mask, false), MG_OWN_B),
                MG_OWN_A | MG_OWN_B);
}

/* d prod / dx: the product of the others, without dividing by zero (PyTorch's idea). With
 * x1 = x where x != 0 and 1 where x == 0, it is prod(x1) / x1 where no other element of
 * the row is zero, and 0 where another one is. */
static mg_tensor *prod_grad(const mg_node *node, mg_tensor *x) {
  mg_tensor *zero = mg_op_number(MG_EQ, x, 0, 0);
  mg_tensor *x1 = zero ? mg_masked_fill(x, zero, 1) : NULL;
  mg_tensor *others =
      mg_op2(MG_DIV, kept_reduce(node, MG_PROD, x1, false), x1, MG_OWN_A | MG_OWN_B);
  mg_tensor *other_zeros = mg_op2(MG_SUB, kept_reduce(node, MG_SUM, zero, false), zero, MG_OWN_A);
  mg_release(zero);
  return zero_where(others, mg_op_number(MG_NE, other_zeros, 0, MG_OWN_A));
}

/* d ||x||_p / dx = sign(x) |x|^(p-1) / y^(p-1), 0 where x or y is 0 (PyTorch's masks);
 * p = 0 is flat and p = ±inf shares among the elements of largest (smallest) |x|. */
static mg_tensor *norm_grad(const mg_node *node, mg_tensor *x, mg_tensor *y, mg_tensor *g) {
  double p = node->ctx.number[0];
  if (p == 0) return mg_op_number(MG_MUL, g, 0, 0);
  mg_tensor *sign = mg_op1(MG_SIGN, x, 0), *abs = mg_op1(MG_ABS, x, 0), *d;
  if (isinf(p)) {
    d = spread(node, mg_op2(MG_EQ, abs, y, 0), g);
  } else {
    d = mg_op_number(MG_POW, mg_op2(MG_DIV, abs, y, 0), p - 1, MG_OWN_A);
    d = zero_where(mg_op2(MG_MUL, d, g, MG_OWN_A),
                   mg_op2(MG_LOGICAL_OR, mg_op_number(MG_EQ, x, 0, 0), mg_op_number(MG_EQ, y, 0, 0),
                          MG_OWN_A | MG_OWN_B));
  }
  mg_release(abs);
  return mg_op2(MG_MUL, sign, d, MG_OWN_A | MG_OWN_B);
}

static int reduce_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_edge *in = &node->inputs[0];
  mg_tensor *x = node->saved[0], *g = kept(node, grad), *y = kept(node, node->saved[1]), *d;
  double n = reduced_count(node), c = node->ctx.number[0];
  switch ((mg_reduce_op)node->ctx.op) {
  case MG_SUM: d = mg_retain(g); break;
  case MG_MEAN: d = mg_op_number(MG_DIV, g, n, 0); break;
  case MG_PROD: d = mg_op2(MG_MUL, g, prod_grad(node, x), MG_OWN_B); break;
  case MG_MAX: case MG_MIN: d = spread(node, mg_op2(MG_EQ, x, y, 0), g); break;
  case MG_VAR: /* 2 (x - mean) / (n - correction) */
  case MG_STD: /* (x - mean) / ((n - correction) y), 0 where y = 0 */
    d = mg_op2(MG_SUB, x, kept_reduce(node, MG_MEAN, x, false), MG_OWN_B);
    d = mg_op2(MG_MUL, d, node->ctx.op == MG_VAR ? mg_op_number(MG_MUL, g, 2 / (n - c), 0)
                   : zero_where(mg_op_number(MG_DIV, mg_op2(MG_DIV, g, y, 0), n - c, MG_OWN_A),
                                mg_op_number(MG_EQ, y, 0, 0)),
               MG_OWN_A | MG_OWN_B);
    break;
  case MG_NORM: d = norm_grad(node, x, y, g); break;
  case MG_LOGSUMEXP: /* exp(x - y) */
    d = mg_op2(MG_MUL, g, mg_op1(MG_EXP, mg_op2(MG_SUB, x, y, 0), MG_OWN_A), MG_OWN_B);
    break;
  default: d = mg_fail_null("backward: %s is not differentiable", node->name);
  }
  gi[0] = d ? mg_expand(d, in->ndim, in->size) : NULL; /* sum and mean: g broadcast */
  mg_release(d), mg_release(g), mg_release(y);
  return gi[0] ? 0 : -1;
}

/* Records out = op(t): the rules read x (all but sum and mean) and y (max, min, std, norm,
 * logsumexp). */
static mg_tensor *record_reduce(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim,
                                double param, mg_tensor *out) {
  mg_node *node;
  if (mg_record(out, names[op], reduce_backward, 1, &t, &node)) return NULL;
  if (!node) return out;
  bool save_x = op != MG_SUM && op != MG_MEAN, save_y = save_x && op != MG_PROD && op != MG_VAR;
  if ((save_x && mg_save(node, t, out)) || (save_y && mg_save(node, out, out))) return NULL;
  node->ctx.op = op, node->ctx.flag = keepdim, node->ctx.number[0] = param;
  node->ctx.dim = t->ndim == 0 ? MG_ALL_DIMS : dim;
  return out;
}

mg_tensor *mg_reduce(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim, double param) {
  if ((int)op < 0 || op >= MG_NUM_REDUCE_OPS)
    return mg_fail_null("reduce: unknown reduction %d", (int)op);
  mg_tensor *out = NULL;
  bool arg = op == MG_ARGMAX || op == MG_ARGMIN;
  if (reduce(op, t, dim, keepdim, param, arg ? NULL : &out, arg ? &out : NULL)) return NULL;
  return arg ? out : record_reduce(op, t, dim, keepdim, param, out);
}

/* Values picked at indices (max/min along a dim, sort, topk): grad goes back to each index,
 * zero elsewhere (saved[0] the 0-based indices; MG_ALL_DIMS for a 0-d input). */
static int index_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_edge *in = &node->inputs[0];
  if (node->ctx.dim == MG_ALL_DIMS) return (gi[0] = mg_retain((mg_tensor *)grad)) ? 0 : -1;
  mg_tensor *g = kept(node, grad), *index = kept(node, node->saved[0]);
  gi[0] = g && index ? mg_zeros(grad->dtype, in->ndim, in->size) : NULL;
  int rc = gi[0] ? mg_scatter_add_(gi[0], node->ctx.dim, index, g) : -1;
  mg_release(g), mg_release(index);
  return rc;
}

/* Records *values picked from t at *indices along dim (keepdim: indices have t's ndim);
 * on failure releases both and sets them NULL. */
static int record_picked(const char *name, const mg_tensor *t, int dim, bool keepdim,
                         mg_tensor **values, mg_tensor **indices) {
  mg_node *node;
  if (mg_record(*values, name, index_backward, 1, &t, &node) ||
      (node && mg_save(node, *indices, *values))) {
    mg_release(*indices);
    *values = *indices = NULL;
    return -1;
  }
  if (node) node->ctx.dim = t->ndim == 0 ? MG_ALL_DIMS : dim, node->ctx.flag = keepdim;
  return 0;
}

int mg_reduce_with_index(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim,
                         mg_tensor **values, mg_tensor **indices) {
  if (op != MG_MAX && op != MG_MIN)
    return mg_fail("reduce_with_index: expected max or min, got %s",
                   (int)op >= 0 && op < MG_NUM_REDUCE_OPS ? names[op] : "an unknown reduction");
  if (reduce(op, t, dim, keepdim, 0, values, indices)) return -1;
  return record_picked(names[op], t, dim, keepdim, values, indices);
}

/* ---- cumsum ------------------------------------------------------------------------------
 * Over a contiguous copy seen as {outer, n, inner}: BLOCK columns (or, when inner == 1, one
 * row a BLOCK at a time) carry running sums in double, or in int64 for integer input. The
 * reverse form (sums from the end: cumsum's gradient) walks every row backwards. */
typedef struct {
  const mg_tensor *src;
  mg_tensor *out;
  int64_t outer, n, inner;
  bool reverse;
} cum_job;

/* The q-th of count steps, in the job's direction. */
static int64_t step_of(const cum_job *c, int64_t q, int64_t count) {
  return c->reverse ? count - 1 - q : q;
}

/* Loads m contiguous elements at from, adds them into the running sums (one per column, or
 * a single one carried along a row) and stores the sums. */
static void cum_block(const cum_job *c, int64_t from, int64_t m, bool row, double *acc,
                      uint64_t *iacc) {
  mg_dtype dt = c->src->dtype;
  char *o = at(c->out, from);
  if (dt == MG_INT64 || dt == MG_BOOL) {
    uint64_t x[BLOCK];
    load_int(dt, at(c->src, from), 1, m, x);
    for (int64_t q = 0; q < m; q++) {
      int64_t j = step_of(c, q, m);
      x[j] = iacc[row ? 0 : j] += x[j];
    }
    memcpy(o, x, (size_t)m * sizeof *x);
  } else {
    double x[BLOCK];
    load(dt, at(c->src, from), 1, m, x);
    for (int64_t q = 0; q < m; q++) {
      int64_t j = step_of(c, q, m);
      x[j] = acc[row ? 0 : j] += x[j];
    }
    if (dt == MG_FLOAT32) for (int64_t j = 0; j < m; j++) ((float *)o)[j] = (float)x[j];
    else memcpy(o, x, (size_t)m * sizeof *x);
  }
}

static void cum_range(void *arg, int64_t b, int64_t e) {
  const cum_job *c = arg;
  int64_t nb = (c->inner + BLOCK - 1) / BLOCK;
  for (int64_t w = b; w < e; w++) {
    double acc[BLOCK] = {0};
    uint64_t iacc[BLOCK] = {0};
    if (c->inner == 1) { /* work item w is row w */
      for (int64_t q = 0, blocks = (c->n + BLOCK - 1) / BLOCK; q < blocks; q++) {
        int64_t i = step_of(c, q, blocks) * BLOCK;
        cum_block(c, w * c->n + i, min64(BLOCK, c->n - i), true, acc, iacc);
      }
    } else { /* work item w is BLOCK columns of one outer index */
      int64_t o = w / nb, j0 = w % nb * BLOCK, m = min64(BLOCK, c->inner - j0);
      for (int64_t q = 0; q < c->n; q++)
        cum_block(c, (o * c->n + step_of(c, q, c->n)) * c->inner + j0, m, false, acc, iacc);
    }
  }
}

static mg_tensor *cumsum(const mg_tensor *t, int dim, bool reverse) {
  bool scalar = t->ndim == 0 && dim == 0;
  if (!scalar && mg_check_dim("cumsum", dim, t->ndim)) return NULL;
  mg_tensor *tmp = NULL, *out = NULL;
  if (!mg_is_contiguous(t) && !(tmp = mg_copy_as("cumsum", t, t->dtype))) return NULL;
  out = mg_empty(mg_dtype_is_float(t->dtype) ? t->dtype : MG_INT64, t->ndim, t->size);
  if (!out) {
    mg_release(tmp);
    return NULL;
  }
  cum_job c = {tmp ? tmp : t, out, 1, scalar ? 1 : t->size[dim], 1, reverse};
  for (int d = 0; d < t->ndim; d++)
    if (d < dim) c.outer *= t->size[d];
    else if (d > dim) c.inner *= t->size[d];
  int64_t items = c.outer * (c.inner == 1 ? 1 : (c.inner + BLOCK - 1) / BLOCK);
  if (c.n > 0) mg_parallel_for(items, 1 + GRAIN / (c.n * min64(c.inner, BLOCK)), cum_range, &c);
  mg_release(tmp);
  return out;
}

/* The gradient of a running sum is the running sum of grad from the end. */
static int cumsum_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  gi[0] = cumsum(grad, node->ctx.dim, true);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_cumsum(const mg_tensor *t, int dim) {
  mg_node *node;
  mg_tensor *out = cumsum(t, dim, false);
  if (!out || mg_record(out, "cumsum", cumsum_backward, 1, &t, &node)) return NULL;
  if (node) node->ctx.dim = dim;
  return out;
}

/* ---- sort and topk -----------------------------------------------------------------------
 * Each row is a list of (key, position) entries, merge-sorted (stable: ties keep their
 * order); NaN sorts as the largest value. Values are copied from the input by position,
 * so int64 values stay exact. */
typedef struct {
  double f;  /* key of float and bool input */
  int64_t i; /* key of int64 input */
  int64_t pos;
} entry;

typedef struct {
  const mg_tensor *src;
  mg_tensor *values, *indices;
  int dim;
  int64_t k;
  bool descending;
  atomic_bool failed;
} sort_job;

/* True when a must come strictly before b. */
static bool before(const entry *a, const entry *b, bool is_int, bool desc) {
  if (is_int) return desc ? a->i > b->i : a->i < b->i;
  bool an = a->f != a->f, bn = b->f != b->f;
  if (an || bn) return desc ? an && !bn : bn && !an;
  return desc ? a->f > b->f : a->f < b->f;
}

static void merge_sort(entry *a, entry *tmp, int64_t n, bool is_int, bool desc) {
  if (n <= 16) { /* insertion sort */
    for (int64_t i = 1; i < n; i++) {
      entry e = a[i];
      int64_t j = i;
      for (; j > 0 && before(&e, &a[j - 1], is_int, desc); j--) a[j] = a[j - 1];
      a[j] = e;
    }
    return;
  }
  int64_t h = n / 2, i = 0, j = h, k = 0;
  merge_sort(a, tmp, h, is_int, desc);
  merge_sort(a + h, tmp, n - h, is_int, desc);
  memcpy(tmp, a, (size_t)h * sizeof *a);
  while (i < h && j < n) a[k++] = before(&a[j], &tmp[i], is_int, desc) ? a[j++] : tmp[i++];
  while (i < h) a[k++] = tmp[i++];
}

static void sort_range(void *arg, int64_t b, int64_t e) {
  sort_job *c = arg;
  const mg_tensor *t = c->src;
  int64_t n = t->size[c->dim], s = t->stride[c->dim], os = c->values->stride[c->dim];
  size_t es = mg_dtype_size(t->dtype);
  bool is_int = t->dtype == MG_INT64;
  entry *a = malloc((size_t)(n + n / 2 + 1) * sizeof *a);
  if (!a) {
    c->failed = true;
    return;
  }
  for (int64_t r = b; r < e; r++) {
    const char *p = at(t, offset_of(t, t->stride, 1u << c->dim, r));
    int64_t o = offset_of(c->values, c->values->stride, 1u << c->dim, r);
    for (int64_t i = 0; i < n; i++) {
      const char *q = p + i * s * (int64_t)es;
      a[i] = (entry){.f = is_int ? 0 : mg_load(t->dtype, q), .i = is_int ? *(const int64_t *)q : 0,
                     .pos = i};
    }
    merge_sort(a, a + n, n, is_int, c->descending);
    for (int64_t i = 0; i < c->k; i++) {
      memcpy(at(c->values, o + i * os), p + a[i].pos * s * (int64_t)es, es);
      ((int64_t *)mg_data(c->indices))[o + i * os] = a[i].pos;
    }
  }
  free(a);
}

static int sort_k(const char *what, const mg_tensor *t, int dim, int64_t k, bool desc,
                  mg_tensor **values, mg_tensor **indices) {
  bool scalar = t->ndim == 0 && dim == 0; /* a 0-d tensor sorts as one element */
  if (!scalar && mg_check_dim(what, dim, t->ndim)) return -1;
  int64_t n = scalar ? 1 : t->size[dim], size[MG_MAX_DIMS];
  if (k < 0 || k > n)
    return mg_fail("%s: k (%lld) is out of range for dimension %d of size %lld", what,
                   (long long)k, dim + 1, (long long)n);
  int ndim = scalar && k == 0 ? 1 : t->ndim;
  memcpy(size, t->size, sizeof size);
  size[scalar ? 0 : dim] = k;
  mg_tensor *v = mg_empty(t->dtype, ndim, size), *ix = mg_empty(MG_INT64, ndim, size);
  if (!v || !ix) {
    mg_release(v), mg_release(ix);
    return -1;
  }
  mg_tensor src = scalar ? flat_header(t) : *t, vh = scalar ? flat_header(v) : *v,
            ih = scalar ? flat_header(ix) : *ix;
  sort_job c = {&src, &vh, &ih, scalar ? 0 : dim, k, desc, false};
  int64_t rows = rows_of(&src, 1u << c.dim);
  if (k > 0 && rows > 0) mg_parallel_for(rows, 1 + GRAIN / (n * 8), sort_range, &c);
  if (c.failed) {
    mg_release(v), mg_release(ix);
    return mg_fail("%s: out of memory", what);
  }
  *values = v, *indices = ix;
  return record_picked(what, t, dim, true, values, indices);
}

int mg_sort(const mg_tensor *t, int dim, bool descending, mg_tensor **values,
            mg_tensor **indices) {
  int64_t n = t->ndim == 0 || dim < 0 || dim >= t->ndim ? 1 : t->size[dim];
  return sort_k("sort", t, dim, n, descending, values, indices);
}

int mg_topk(const mg_tensor *t, int64_t k, int dim, bool largest, mg_tensor **values,
            mg_tensor **indices) {
  return sort_k("topk", t, dim, k, largest, values, indices);
}
