/* Indexing: index_select, gather, scatter_add, index_add_, masked_fill and one_hot
 * (0-based int64 indices). Every call checks all of its indices before it writes anything, so a failed
 * call leaves its arguments unchanged. Messages print indices and dims 1-based, as users
 * see them. */
#include <string.h>

#include "internal.h"

/* A stack header over t's memory with another shape and strides (borrows t's storage). */
static mg_tensor header(const mg_tensor *t, int ndim, const int64_t *size,
                        const int64_t *stride) {
  mg_tensor h = *t;
  h.ndim = ndim;
  memcpy(h.size, size, sizeof(int64_t) * (size_t)ndim);
  memcpy(h.stride, stride, sizeof(int64_t) * (size_t)ndim);
  return h;
}

/* As mg_foreach, but in the calling thread and in row-major order: scatter's writes may
 * collide, and the range check reports the first bad index. */
static void serial_foreach(int nops, const mg_tensor *const *ops, int ndim,
                           const int64_t *size, mg_run_kernel kernel, const void *ctx) {
  int64_t idx[MG_MAX_DIMS] = {0}, bs[MG_MAX_OPERANDS];
  for (int d = 0; d < ndim; d++)
    if (size[d] == 0) return;
  int last = ndim - 1;
  for (int k = 0; k < nops; k++)
    bs[k] = ndim ? ops[k]->stride[last] * (int64_t)mg_dtype_size(ops[k]->dtype) : 0;
  for (;;) {
    char *ptr[MG_MAX_OPERANDS];
    for (int k = 0; k < nops; k++) {
      ptr[k] = mg_data(ops[k]);
      for (int d = 0; d < last; d++)
        ptr[k] += idx[d] * ops[k]->stride[d] * (int64_t)mg_dtype_size(ops[k]->dtype);
    }
    kernel(ptr, bs, ndim ? size[last] : 1, ctx);
    int d = last - 1;
    while (d >= 0 && ++idx[d] == size[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/* ---- checking indices ----------------------------------------------------------------- */

/* An index as users see it in messages: 1-based. */
static long long one_based(int64_t i) { return i < INT64_MAX ? (long long)i + 1 : (long long)i; }

typedef struct {
  int64_t limit, max, first_bad;
  bool bad;
} scan;

static void scan_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  scan *r = (scan *)arg; /* run by serial_foreach, in this thread only */
  for (int64_t i = 0; i < n; i++) {
    int64_t v = *(const int64_t *)(p[0] + i * s[0]);
    if (v > r->max) r->max = v;
    if (!r->bad && (v < 0 || v >= r->limit)) r->bad = true, r->first_bad = v;
  }
}

static int check_int64(const char *what, const mg_tensor *index) {
  if (index->dtype != MG_INT64)
    return mg_fail("%s: expected an int64 index tensor, got %s", what,
                   mg_dtype_name(index->dtype));
  return 0;
}

static scan scan_index(const mg_tensor *index, int64_t limit) {
  scan r = {.limit = limit, .max = -1};
  serial_foreach(1, &index, index->ndim, index->size, scan_kernel, &r);
  return r;
}

/* index is int64 and every entry lies in [0, t->size[dim]). */
static int check_index(const char *what, const mg_tensor *index, const mg_tensor *t, int dim) {
  if (check_int64(what, index)) return -1;
  scan r = scan_index(index, t->size[dim]);
  if (r.bad)
    return mg_fail("%s: index %lld is out of range for dimension %d of size %lld", what,
                   one_based(r.first_bad), dim + 1, (long long)t->size[dim]);
  return 0;
}

/* index has t's ndim and is no larger than t in any dim but skip (-1: none). */
static int check_fits(const char *what, const mg_tensor *index, const char *name,
                      const mg_tensor *t, int skip) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (index->ndim != t->ndim)
    return mg_fail("%s: expected an index with as many dimensions as %s (%d), got %d", what,
                   name, t->ndim, index->ndim);
  for (int d = 0; d < t->ndim; d++)
    if (d != skip && index->size[d] > t->size[d])
      return mg_fail("%s: index of shape %s is larger than %s of shape %s in dimension %d",
                     what, mg_shape_str(index->ndim, index->size, b1), name,
                     mg_shape_str(t->ndim, t->size, b2), d + 1);
  return 0;
}

/* ---- index_select and gather: out[c] = t[c with c[dim] = index at c] -------------------- */

typedef struct {
  int64_t bytes, dim_stride; /* bytes copied per position; t's stride along dim, in bytes */
} take_ctx;

#define TAKE_LOOP(nbytes)                                                                  \
  for (int64_t i = 0; i < n; i++) {                                                        \
    int64_t k = *(const int64_t *)(p[2] + i * s[2]);                                       \
    memcpy(p[0] + i * s[0], p[1] + i * s[1] + k * c->dim_stride, nbytes);                  \
  }

static void take_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  const take_ctx *c = arg;
  switch (c->bytes) {
  case 1: TAKE_LOOP(1) break;
  case 4: TAKE_LOOP(4) break;
  case 8: TAKE_LOOP(8) break;
  default: TAKE_LOOP((size_t)c->bytes) break;
  }
}

/* A new tensor of shape size (t->ndim dims) taken from t along dim; istride gives, per dim,
 * the step through index (in elements) that goes with a step through the output. Trailing
 * dims that t holds as one contiguous block, and that the index does not vary over, are
 * copied as rows with one memcpy each (index_select along dim 0 of a contiguous tensor). */
static mg_tensor *take(const mg_tensor *t, int dim, const mg_tensor *index,
                       const int64_t *size, const int64_t *istride) {
  mg_tensor *out = mg_empty(t->dtype, t->ndim, size);
  if (!out || mg_numel(out) == 0) return out;
  int k = t->ndim;
  int64_t block = 1;
  while (k - 1 > dim && size[k - 1] == t->size[k - 1] &&
         (size[k - 1] == 1 || (istride[k - 1] == 0 && t->stride[k - 1] == block)))
    block *= size[--k];
  int64_t tstride[MG_MAX_DIMS];
  memcpy(tstride, t->stride, sizeof tstride);
  tstride[dim] = 0;
  mg_tensor o = header(out, k, size, out->stride), src = header(t, k, size, tstride),
            idx = header(index, k, size, istride);
  int64_t es = (int64_t)mg_dtype_size(t->dtype);
  take_ctx c = {block * es, t->stride[dim] * es};
  const mg_tensor *ops[3] = {&o, &src, &idx};
  mg_foreach(3, ops, k, size, take_kernel, &c);
  return out;
}

/* Records the op that made out from n inputs (passing a failure on), saving an index or a
 * mask for its rule, with dim. */
static mg_tensor *record(mg_tensor *out, int n, const mg_tensor *const *inputs, const char *name,
                         mg_backward_fn backward, const mg_tensor *keep, int dim) {
  mg_node *node;
  if (!out || mg_record(out, name, backward, n, inputs, &node) || (node && mg_save(node, keep, out)))
    return NULL;
  if (node) node->ctx.dim = dim;
  return out;
}

static int scatter_run(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src);

/* The gradient of a take: zeros of the input's shape with grad added where each element
 * came from (index, of grad's shape), so that repeated indices accumulate. */
static int add_back(mg_node *node, const mg_tensor *grad, const mg_tensor *index, mg_tensor **gi) {
  const mg_edge *in = &node->inputs[0];
  gi[0] = mg_zeros(grad->dtype, in->ndim, in->size);
  return gi[0] ? scatter_run(gi[0], node->ctx.dim, index, grad) : -1;
}

mg_tensor *mg_nonzero(const mg_tensor *t) {
  mg_tensor *flags = mg_copy_as("nonzero", t, MG_BOOL);
  if (!flags) return NULL;
  const uint8_t *v = mg_data(flags);
  int64_t n = mg_numel(flags), count = 0;
  for (int64_t k = 0; k < n; k++) count += v[k] != 0;
  mg_tensor *out = mg_allocate("nonzero", MG_INT64, 2, (int64_t[]){count, t->ndim});
  int64_t *p = out ? mg_data(out) : NULL, at[MG_MAX_DIMS] = {0};
  for (int64_t k = 0; p && k < n; k++) { /* at: the index of element k, row-major */
    if (v[k]) {
      memcpy(p, at, (size_t)t->ndim * sizeof *at);
      p += t->ndim;
    }
    for (int d = t->ndim - 1; d >= 0 && ++at[d] == t->size[d]; d--) at[d] = 0;
  }
  mg_release(flags);
  return out;
}

/* saved[0] the 1-D (or 0-d) index, repeated over grad's other dims. */
static int index_select_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_tensor *index = node->saved[0];
  int64_t istride[MG_MAX_DIMS] = {0};
  istride[node->ctx.dim] = index->ndim ? index->stride[0] : 0;
  mg_tensor spread = header(index, grad->ndim, grad->size, istride);
  return add_back(node, grad, &spread, gi);
}

mg_tensor *mg_index_select(const mg_tensor *t, int dim, const mg_tensor *index) {
  char buf[MG_SHAPE_STR];
  if (mg_check_dim("index_select", dim, t->ndim) || check_int64("index_select", index))
    return NULL;
  if (index->ndim > 1)
    return mg_fail_null("index_select: expected a 1-D index tensor, got shape %s",
                        mg_shape_str(index->ndim, index->size, buf));
  if (check_index("index_select", index, t, dim)) return NULL;
  int64_t size[MG_MAX_DIMS], istride[MG_MAX_DIMS] = {0};
  memcpy(size, t->size, sizeof size);
  size[dim] = mg_numel(index);
  istride[dim] = index->ndim ? index->stride[0] : 0;
  return record(take(t, dim, index, size, istride), 1, &t, "index_select",
                index_select_backward, index, dim);
}

/* saved[0] the index, of grad's shape. */
static int gather_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  return add_back(node, grad, node->saved[0], gi);
}

mg_tensor *mg_gather(const mg_tensor *t, int dim, const mg_tensor *index) {
  if (mg_check_dim("gather", dim, t->ndim) || check_int64("gather", index) ||
      check_fits("gather", index, "the tensor", t, dim) || check_index("gather", index, t, dim))
    return NULL;
  return record(take(t, dim, index, index->size, index->stride), 1, &t, "gather",
                gather_backward, index, dim);
}

/* ---- scatter_add: t[c with c[dim] = index at c] += src[c] for c in index's shape --------- */

typedef struct {
  mg_dtype dtype;
  int64_t dim_stride; /* bytes */
} scatter_ctx;

#define SCATTER_LOOP(T, sum)                                                               \
  for (int64_t i = 0; i < n; i++) {                                                        \
    int64_t k = *(const int64_t *)(p[2] + i * s[2]);                                       \
    T *d = (T *)(p[0] + i * s[0] + k * c->dim_stride);                                     \
    T x = *(const T *)(p[1] + i * s[1]);                                                   \
    *d = sum;                                                                              \
  }

static void scatter_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  const scatter_ctx *c = arg;
  switch (c->dtype) {
  case MG_FLOAT32: SCATTER_LOOP(float, *d + x) break;
  case MG_FLOAT64: SCATTER_LOOP(double, *d + x) break;
  case MG_INT64: SCATTER_LOOP(int64_t, (int64_t)((uint64_t)*d + (uint64_t)x)) break;
  default: SCATTER_LOOP(bool, *d || x) break;
  }
}

static int scatter_check(const char *what, const mg_tensor *t, int dim, const mg_tensor *index,
                         const mg_tensor *src) {
  if (mg_check_dim(what, dim, t->ndim) || check_int64(what, index)) return -1;
  if (src->dtype != t->dtype)
    return mg_fail("%s: expected src of the tensor's dtype %s, got %s", what,
                   mg_dtype_name(t->dtype), mg_dtype_name(src->dtype));
  if (check_fits(what, index, "the tensor", t, dim) || check_fits(what, index, "src", src, -1))
    return -1;
  return check_index(what, index, t, dim);
}

/* Adds serially: two positions of index may name the same element of t. */
static int scatter_run(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src) {
  mg_tensor *ci = NULL, *cs = NULL; /* copies of arguments that share t's memory */
  if (index->storage == t->storage &&
      !(index = ci = mg_copy_as("scatter_add", index, index->dtype)))
    return -1;
  if (src->storage == t->storage && !(src = cs = mg_copy_as("scatter_add", src, src->dtype))) {
    mg_release(ci);
    return -1;
  }
  int64_t tstride[MG_MAX_DIMS];
  memcpy(tstride, t->stride, sizeof tstride);
  tstride[dim] = 0;
  mg_tensor dst = header(t, t->ndim, index->size, tstride),
            s = header(src, src->ndim, index->size, src->stride);
  const mg_tensor *ops[3] = {&dst, &s, index};
  scatter_ctx c = {t->dtype, t->stride[dim] * (int64_t)mg_dtype_size(t->dtype)};
  serial_foreach(3, ops, index->ndim, index->size, scatter_kernel, &c);
  mg_release(ci);
  mg_release(cs);
  return 0;
}

int mg_scatter_add_(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src) {
  if (scatter_check("scatter_add_", t, dim, index, src) ||
      mg_prepare_write("scatter_add_", t, 1, &src))
    return -1;
  return scatter_run(t, dim, index, src);
}

/* t's gradient is grad; src's is grad gathered at index, zero where src reaches beyond
 * index (saved[0] the index). */
static int scatter_add_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_tensor *index = node->saved[0];
  const mg_edge *src = &node->inputs[1];
  if (mg_needs_grad(node, 0)) gi[0] = mg_retain((mg_tensor *)grad);
  if (!mg_needs_grad(node, 1)) return 0;
  mg_tensor *taken = mg_gather(grad, node->ctx.dim, index);
  if (!taken || !(gi[1] = mg_zeros(grad->dtype, src->ndim, src->size))) {
    mg_release(taken);
    return -1;
  }
  mg_tensor corner = header(gi[1], src->ndim, index->size, gi[1]->stride);
  int rc = mg_copy_raw("scatter_add", &corner, taken);
  mg_release(taken);
  return rc;
}

mg_tensor *mg_scatter_add(const mg_tensor *t, int dim, const mg_tensor *index,
                          const mg_tensor *src) {
  if (scatter_check("scatter_add", t, dim, index, src)) return NULL;
  mg_tensor *out = mg_empty(t->dtype, t->ndim, t->size);
  if (out && (mg_copy_raw("scatter_add", out, t) || scatter_run(out, dim, index, src))) {
    mg_release(out);
    return NULL;
  }
  return record(out, 2, (const mg_tensor *[]){t, src}, "scatter_add", scatter_add_backward,
                index, dim);
}

/* ---- index_add_: t.select(dim, index[i]) += src.select(dim, i) -------------------------- */

typedef struct {
  char *dst;
  const char *src;
  const int64_t *index;
  mg_dtype dtype;
  /* t is {outer, dst_len, inner} and src {outer, count, inner} */
  int64_t outer, count, inner, dst_len;
} rows_ctx;

#define ROWS_LOOP(T, sum)                                                                  \
  for (int64_t o = 0; o < c->outer; o++)                                                   \
    for (int64_t i = first; i < last; i++) {                                               \
      T *d = (T *)dst + (o * c->dst_len + c->index[i]) * c->inner;                         \
      const T *x = (const T *)c->src + (o * c->count + i) * c->inner;                      \
      for (int64_t j = 0; j < c->inner; j++) d[j] = sum;                                   \
    }

/* Adds the blocks of index positions [first, last) into dst, laid out as t. */
static void add_rows(const rows_ctx *c, void *dst, int64_t first, int64_t last) {
  switch (c->dtype) {
  case MG_FLOAT32: ROWS_LOOP(float, d[j] + x[j]) break;
  case MG_FLOAT64: ROWS_LOOP(double, d[j] + x[j]) break;
  case MG_INT64: ROWS_LOOP(int64_t, (int64_t)((uint64_t)d[j] + (uint64_t)x[j])) break;
  default: ROWS_LOOP(bool, d[j] || x[j]) break;
  }
}

/* A fixed number of chunks, so that the order of the sums, and so their rounding, does not
 * depend on the number of threads. */
#define ADD_CHUNKS 8

typedef struct {
  const rows_ctx *rows;
  char *partials; /* ADD_CHUNKS zeroed copies of t's shape */
  int64_t partial_bytes;
} chunks_ctx;

static void add_chunks(void *arg, int64_t begin, int64_t end) {
  const chunks_ctx *c = arg;
  int64_t count = c->rows->count;
  for (int64_t k = begin; k < end; k++)
    add_rows(c->rows, c->partials + k * c->partial_bytes, k * count / ADD_CHUNKS,
             (k + 1) * count / ADD_CHUNKS);
}

#define MERGE_LOOP(T, sum)                                                                 \
  for (int k = 0; k < ADD_CHUNKS; k++) {                                                   \
    const T *x = (const T *)partials + k * numel;                                          \
    for (int64_t j = 0; j < numel; j++) d[j] = sum;                                        \
  }

/* dst += each partial in turn. */
static void merge_chunks(mg_dtype dtype, void *dst, const void *partials, int64_t numel) {
  switch (dtype) {
  case MG_FLOAT32: { float *d = dst; MERGE_LOOP(float, d[j] + x[j]) } break;
  case MG_FLOAT64: { double *d = dst; MERGE_LOOP(double, d[j] + x[j]) } break;
  case MG_INT64: {
    int64_t *d = dst;
    MERGE_LOOP(int64_t, (int64_t)((uint64_t)d[j] + (uint64_t)x[j]))
  } break;
  default: { bool *d = dst; MERGE_LOOP(bool, d[j] || x[j]) } break;
  }
}

/* Both contiguous: each index adds a block of inner contiguous elements, as many times as
 * there are positions before dim (kmeans adds n rows of d features into k sums). Reading
 * src bounds it, so a large src into a small t is split into chunks of index positions
 * that threads add into zeroed copies of t, added to t at the end. */
static int add_blocks(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src) {
  rows_ctx c = {mg_data(t), mg_data(src), mg_data(index), t->dtype, 1, mg_numel(index), 1,
                t->size[dim]};
  for (int d = 0; d < dim; d++) c.outer *= t->size[d];
  for (int d = dim + 1; d < t->ndim; d++) c.inner *= t->size[d];
  int64_t numel = mg_numel(t), es = (int64_t)mg_dtype_size(t->dtype);
  if (mg_numel(src) * es < 4 * MG_PARALLEL_GRAIN || numel * ADD_CHUNKS * 4 > mg_numel(src)) {
    add_rows(&c, c.dst, 0, c.count);
    return 0;
  }
  int64_t size = numel * ADD_CHUNKS;
  mg_tensor *partials = mg_zeros(t->dtype, 1, &size);
  if (!partials) return -1;
  chunks_ctx cc = {&c, mg_data(partials), numel * es};
  mg_parallel_for(ADD_CHUNKS, 1, add_chunks, &cc);
  merge_chunks(t->dtype, c.dst, cc.partials, numel);
  mg_release(partials);
  return 0;
}

static int index_add_check(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src) {
  const char *what = "index_add_";
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (mg_check_dim(what, dim, t->ndim) || check_int64(what, index)) return -1;
  if (index->ndim > 1)
    return mg_fail("%s: expected a 1-D index tensor, got shape %s", what,
                   mg_shape_str(index->ndim, index->size, b1));
  if (src->dtype != t->dtype)
    return mg_fail("%s: expected source of the tensor's dtype %s, got %s", what,
                   mg_dtype_name(t->dtype), mg_dtype_name(src->dtype));
  /* source is t's shape with index's length along dim */
  bool fits = src->ndim == t->ndim;
  for (int d = 0; fits && d < t->ndim; d++)
    fits = src->size[d] == (d == dim ? mg_numel(index) : t->size[d]);
  if (!fits)
    return mg_fail("%s: expected source of the tensor's shape %s with %lld along dimension "
                   "%d (the index's length), got shape %s",
                   what, mg_shape_str(t->ndim, t->size, b1), (long long)mg_numel(index),
                   dim + 1, mg_shape_str(src->ndim, src->size, b2));
  return check_index(what, index, t, dim);
}

int mg_index_add_(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src) {
  if (index_add_check(t, dim, index, src) || mg_prepare_write("index_add_", t, 1, &src))
    return -1;
  if (mg_is_contiguous(t) && mg_is_contiguous(src) && src->storage != t->storage &&
      index->storage != t->storage && (index->ndim == 0 || index->stride[0] == 1))
    return add_blocks(t, dim, index, src);
  /* otherwise a scatter_add with the index repeated over source's other dims */
  int64_t istride[MG_MAX_DIMS] = {0};
  istride[dim] = index->ndim ? index->stride[0] : 0;
  mg_tensor spread = header(index, src->ndim, src->size, istride);
  return scatter_run(t, dim, &spread, src);
}

/* ---- masked_fill: t[mask] = value, mask broadcast -------------------------------------- */

typedef struct {
  size_t bytes;
  char value[8]; /* value stored in t's dtype */
} fill_ctx;

#define FILL_LOOP(nbytes)                                                                  \
  for (int64_t i = 0; i < n; i++)                                                          \
    if (*(const bool *)(p[1] + i * s[1])) memcpy(p[0] + i * s[0], c->value, nbytes);

static void fill_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  const fill_ctx *c = arg;
  switch (c->bytes) {
  case 1: FILL_LOOP(1) break;
  case 4: FILL_LOOP(4) break;
  default: FILL_LOOP(8) break;
  }
}

/* Fills t where mask (already checked to broadcast to t) holds. */
static int fill_where(mg_tensor *t, const mg_tensor *mask, double value) {
  mg_tensor *copy = NULL; /* a mask sharing t's memory would see the writes */
  if (mask->storage == t->storage && mask != t &&
      !(mask = copy = mg_copy_as("masked_fill", mask, mask->dtype)))
    return -1;
  mg_tensor m;
  mg_broadcast_header(mask, t->ndim, t->size, &m);
  fill_ctx c = {.bytes = mg_dtype_size(t->dtype)};
  mg_store(t->dtype, c.value, value);
  const mg_tensor *ops[2] = {t, &m};
  mg_foreach(2, ops, t->ndim, t->size, fill_kernel, &c);
  mg_release(copy);
  return 0;
}

static int check_mask(const char *what, const mg_tensor *t, const mg_tensor *mask, int *ndim,
                      int64_t *size) {
  if (mask->dtype != MG_BOOL)
    return mg_fail("%s: expected a bool mask, got %s", what, mg_dtype_name(mask->dtype));
  return mg_broadcast_shapes(what, t->ndim, t->size, mask->ndim, mask->size, ndim, size);
}

int mg_masked_fill_(mg_tensor *t, const mg_tensor *mask, double value) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  int nd;
  int64_t size[MG_MAX_DIMS];
  if (check_mask("masked_fill_", t, mask, &nd, size)) return -1;
  if (nd != t->ndim || memcmp(size, t->size, sizeof(int64_t) * (size_t)nd) != 0)
    return mg_fail("masked_fill_: a mask of shape %s cannot be broadcast to the tensor's "
                   "shape %s",
                   mg_shape_str(mask->ndim, mask->size, b1), mg_shape_str(t->ndim, t->size, b2));
  if (mg_prepare_write("masked_fill_", t, 0, NULL)) return -1;
  return fill_where(t, mask, value);
}

/* The gradient passes where the mask does not hold (saved[0] the mask). */
static int masked_fill_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  gi[0] = mg_masked_fill(grad, node->saved[0], 0);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_masked_fill(const mg_tensor *t, const mg_tensor *mask, double value) {
  int nd;
  int64_t size[MG_MAX_DIMS];
  if (check_mask("masked_fill", t, mask, &nd, size)) return NULL;
  mg_tensor *out = mg_empty(t->dtype, nd, size);
  if (out && (mg_copy_raw("masked_fill", out, t) || fill_where(out, mask, value))) {
    mg_release(out);
    return NULL;
  }
  return record(out, 1, &t, "masked_fill", masked_fill_backward, mask, 0);
}

/* ---- one_hot: int64 out[..., index] = 1 ------------------------------------------------ */

static void one_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  for (int64_t i = 0; i < n; i++)
    *(int64_t *)(p[0] + i * s[0] + *(const int64_t *)(p[1] + i * s[1]) * 8) = 1;
}

mg_tensor *mg_one_hot(const mg_tensor *index, int64_t num_classes) {
  if (check_int64("one_hot", index)) return NULL;
  if (index->ndim >= MG_MAX_DIMS)
    return mg_fail_null("one_hot: expected an index with at most %d dimensions, got %d",
                        MG_MAX_DIMS - 1, index->ndim);
  scan r = scan_index(index, num_classes < 0 ? INT64_MAX : num_classes);
  if (r.bad && num_classes < 0)
    return mg_fail_null("one_hot: class %lld is out of range (classes start at 1)",
                        one_based(r.first_bad));
  if (r.bad)
    return mg_fail_null("one_hot: class %lld is out of range for %lld classes",
                        one_based(r.first_bad), (long long)num_classes);
  if (num_classes < 0 && mg_numel(index) == 0)
    return mg_fail_null("one_hot: cannot infer the number of classes from an empty tensor");
  int64_t size[MG_MAX_DIMS];
  memcpy(size, index->size, sizeof(int64_t) * (size_t)index->ndim);
  size[index->ndim] = num_classes < 0 ? r.max + 1 : num_classes;
  mg_tensor *out = mg_zeros(MG_INT64, index->ndim + 1, size);
  if (!out) return NULL;
  mg_tensor o = header(out, index->ndim, index->size, out->stride);
  const mg_tensor *ops[2] = {&o, index};
  mg_foreach(2, ops, index->ndim, index->size, one_kernel, NULL);
  return out;
}
