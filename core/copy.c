/* Copies between tensors: casts, copy_, fill_, contiguous, clone, to, cat and stack. */
#include <string.h>

#include "internal.h"

#define CAST_RUN(D, S, convert)                                                            \
  for (int64_t i = 0; i < n; i++) {                                                         \
    S x = *(const S *)(s + i * ss);                                                         \
    *(D *)(d + i * ds) = convert;                                                           \
  }

/* Float to int64: saturating, as mg_store does (a bare cast is undefined out of range). */
#define F_TO_I64(x)                                                                         \
  ((x) != (x) ? 0 : (x) >= 9223372036854775807.0 ? INT64_MAX                                \
                  : (x) <= -9223372036854775808.0 ? INT64_MIN : (int64_t)(x))

#define CAST_FROM(S)                                                                        \
  switch (dst) {                                                                            \
  case MG_FLOAT32: CAST_RUN(float, S, (float)x) break;                                      \
  case MG_FLOAT64: CAST_RUN(double, S, (double)x) break;                                    \
  case MG_INT64: CAST_RUN(int64_t, S, src == MG_INT64 || src == MG_BOOL ? (int64_t)x : F_TO_I64((double)x)) break; \
  default: CAST_RUN(bool, S, x != 0) break;                                                 \
  }

void mg_cast_run(mg_dtype dst, char *d, int64_t ds, mg_dtype src, const char *s, int64_t ss,
                 int64_t n) {
  if (dst == src && ds == ss && ds == (int64_t)mg_dtype_size(dst)) {
    memcpy(d, s, (size_t)(n * ds));
    return;
  }
  switch (src) {
  case MG_FLOAT32: CAST_FROM(float) break;
  case MG_FLOAT64: CAST_FROM(double) break;
  case MG_INT64: CAST_FROM(int64_t) break;
  default: CAST_FROM(bool) break;
  }
}

typedef struct {
  mg_dtype dst, src;
} cast_ctx;

static void cast_kernel(char **p, const int64_t *s, int64_t n, const void *arg) {
  const cast_ctx *c = arg;
  mg_cast_run(c->dst, p[0], s[0], c->src, p[1], s[1], n);
}

int mg_check_writable(const char *what, const mg_tensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1)
      return mg_fail("%s: cannot write into an expanded tensor (several elements share one "
                     "memory location); clone it first",
                     what);
  return 0;
}

int mg_copy_raw(const char *what, mg_tensor *dst, const mg_tensor *src) {
  int nd;
  int64_t shape[MG_MAX_DIMS];
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (mg_broadcast_shapes(what, dst->ndim, dst->size, src->ndim, src->size, &nd, shape))
    return -1;
  if (nd != dst->ndim || memcmp(shape, dst->size, sizeof(int64_t) * (size_t)nd) != 0)
    return mg_fail("%s: cannot copy a tensor of shape %s into one of shape %s", what,
                   mg_shape_str(src->ndim, src->size, b1), mg_shape_str(dst->ndim, dst->size, b2));
  if (mg_check_writable(what, dst)) return -1;
  mg_tensor *tmp = NULL;
  if (src->storage == dst->storage && src != dst) {
    tmp = mg_copy_as(what, src, src->dtype);
    if (!tmp) return -1;
    src = tmp;
  }
  mg_tensor view;
  mg_broadcast_header(src, dst->ndim, dst->size, &view);
  const mg_tensor *ops[2] = {dst, &view};
  cast_ctx c = {dst->dtype, src->dtype};
  mg_foreach(2, ops, dst->ndim, dst->size, cast_kernel, &c);
  mg_release(tmp);
  return 0;
}

int mg_copy_(mg_tensor *dst, const mg_tensor *src) {
  if (mg_prepare_write("copy_", dst, 1, &src)) return -1;
  return mg_copy_raw("copy_", dst, src);
}

int mg_fill_(mg_tensor *t, double value) {
  if (mg_prepare_write("fill_", t, 0, NULL)) return -1;
  mg_tensor v = {.dtype = MG_FLOAT64, .storage = &(mg_storage){.data = &value, .refcount = 1}};
  return mg_copy_raw("fill_", t, &v);
}

mg_tensor *mg_copy_as(const char *what, const mg_tensor *t, mg_dtype dtype) {
  mg_tensor *c = mg_empty(dtype, t->ndim, t->size);
  if (c && mg_copy_raw(what, c, t)) {
    mg_release(c);
    return NULL;
  }
  return c;
}

/* Records the copy out of t (passing a failure on): clone, contiguous and to pass the
 * gradient as it is (the engine converts its dtype). An integer or bool copy is not
 * differentiable and records nothing. */
static mg_tensor *record_copy(mg_tensor *out, const mg_tensor *t, const char *name) {
  mg_node *node;
  if (!out || !mg_dtype_is_float(out->dtype)) return out;
  return mg_record(out, name, mg_pass_backward, 1, &t, &node) ? NULL : out;
}

mg_tensor *mg_clone(const mg_tensor *t) {
  return record_copy(mg_copy_as("clone", t, t->dtype), t, "clone");
}

mg_tensor *mg_contiguous(mg_tensor *t) {
  if (mg_is_contiguous(t)) return mg_retain(t);
  return record_copy(mg_copy_as("contiguous", t, t->dtype), t, "contiguous");
}

mg_tensor *mg_to(mg_tensor *t, mg_dtype dtype) {
  if (t->dtype == dtype) return mg_retain(t);
  return record_copy(mg_copy_as("to", t, dtype), t, "to");
}

static int check_list(const char *what, int n, mg_tensor *const *ts) {
  if (n < 1) return mg_fail("%s: expected a non-empty list of tensors", what);
  for (int i = 1; i < n; i++)
    if (ts[i]->dtype != ts[0]->dtype)
      return mg_fail("%s: expected tensors of one dtype, got %s (tensor 1) and %s (tensor %d)",
                     what, mg_dtype_name(ts[0]->dtype), mg_dtype_name(ts[i]->dtype), i + 1);
  return 0;
}

/* cat and stack along ctx.dim: each input's gradient is its part of grad, a narrow (cat)
 * or a select (stack: grad has one dim more than the inputs). */
static int join_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *g = (mg_tensor *)grad;
  int dim = node->ctx.dim;
  bool stack = grad->ndim > node->inputs[0].ndim;
  int64_t at = 0;
  for (int i = 0; i < node->num_inputs; i++) {
    int64_t length = stack ? 1 : node->inputs[i].size[dim];
    if (mg_needs_grad(node, i) &&
        !(gi[i] = stack ? mg_select(g, dim, i) : mg_narrow(g, dim, at, length)))
      return -1;
    at += length;
  }
  return 0;
}

static mg_tensor *record_join(mg_tensor *out, int n, mg_tensor *const *ts, const char *name,
                              int dim) {
  mg_node *node;
  if (mg_record(out, name, join_backward, n, (const mg_tensor *const *)ts, &node)) return NULL;
  if (node) node->ctx.dim = dim;
  return out;
}

mg_tensor *mg_cat(int n, mg_tensor *const *ts, int dim) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (check_list("cat", n, ts) || mg_check_dim("cat", dim, ts[0]->ndim)) return NULL;
  int64_t size[MG_MAX_DIMS];
  memcpy(size, ts[0]->size, sizeof size);
  size[dim] = 0;
  for (int i = 0; i < n; i++) {
    bool same = ts[i]->ndim == ts[0]->ndim;
    for (int d = 0; same && d < ts[0]->ndim; d++) same = d == dim || ts[i]->size[d] == size[d];
    if (!same)
      return mg_fail_null("cat: shapes %s (tensor 1) and %s (tensor %d) differ outside "
                          "dimension %d",
                          mg_shape_str(ts[0]->ndim, ts[0]->size, b1),
                          mg_shape_str(ts[i]->ndim, ts[i]->size, b2), i + 1, dim + 1);
    size[dim] += ts[i]->size[dim];
  }
  mg_tensor *out = mg_empty(ts[0]->dtype, ts[0]->ndim, size);
  if (!out) return NULL;
  int64_t at = 0;
  for (int i = 0; i < n; i++) {
    mg_tensor *part = mg_narrow(out, dim, at, ts[i]->size[dim]);
    int rc = part ? mg_copy_raw("cat", part, ts[i]) : -1;
    mg_release(part);
    if (rc) {
      mg_release(out);
      return NULL;
    }
    at += ts[i]->size[dim];
  }
  return record_join(out, n, ts, "cat", dim);
}

mg_tensor *mg_stack(int n, mg_tensor *const *ts, int dim) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (check_list("stack", n, ts) || mg_check_dim("stack", dim, ts[0]->ndim + 1)) return NULL;
  if (ts[0]->ndim >= MG_MAX_DIMS)
    return mg_fail_null("stack: a tensor has at most %d dimensions", MG_MAX_DIMS);
  for (int i = 1; i < n; i++)
    if (ts[i]->ndim != ts[0]->ndim ||
        memcmp(ts[i]->size, ts[0]->size, sizeof(int64_t) * (size_t)ts[0]->ndim) != 0)
      return mg_fail_null("stack: expected tensors of one shape, got %s (tensor 1) and %s "
                          "(tensor %d)",
                          mg_shape_str(ts[0]->ndim, ts[0]->size, b1),
                          mg_shape_str(ts[i]->ndim, ts[i]->size, b2), i + 1);
  int64_t size[MG_MAX_DIMS];
  for (int d = 0, s = 0; d <= ts[0]->ndim; d++) size[d] = d == dim ? n : ts[0]->size[s++];
  mg_tensor *out = mg_empty(ts[0]->dtype, ts[0]->ndim + 1, size);
  if (!out) return NULL;
  for (int i = 0; i < n; i++) {
    mg_tensor *part = mg_select(out, dim, i);
    int rc = part ? mg_copy_raw("stack", part, ts[i]) : -1;
    mg_release(part);
    if (rc) {
      mg_release(out);
      return NULL;
    }
  }
  return record_join(out, n, ts, "stack", dim);
}
