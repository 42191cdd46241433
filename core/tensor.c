/* Tensor objects: dtypes, reference counting, creation and views that share storage. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
  const char *name;
  size_t size;
} dtypes[MG_NUM_DTYPES] = {
    [MG_FLOAT32] = {"float32", sizeof(float)},
    [MG_FLOAT64] = {"float64", sizeof(double)},
    [MG_INT64] = {"int64", sizeof(int64_t)},
    [MG_BOOL] = {"bool", sizeof(bool)},
};

size_t mg_dtype_size(mg_dtype dtype) { return dtypes[dtype].size; }
const char *mg_dtype_name(mg_dtype dtype) { return dtypes[dtype].name; }
bool mg_dtype_is_float(mg_dtype dtype) { return dtype == MG_FLOAT32 || dtype == MG_FLOAT64; }

int mg_dtype_from_name(const char *name, mg_dtype *out) {
  for (int d = 0; d < MG_NUM_DTYPES; d++)
    if (strcmp(name, dtypes[d].name) == 0) {
      *out = (mg_dtype)d;
      return 0;
    }
  return mg_fail("unknown dtype '%s' (expected float32, float64, int64 or bool)", name);
}

/* Promotion order: bool < int64 < float32 < float64; the category merges the floats. */
static int rank(mg_dtype d) {
  return d == MG_BOOL ? 0 : d == MG_INT64 ? 1 : d == MG_FLOAT32 ? 2 : 3;
}
static int category(mg_dtype d) { return rank(d) < 2 ? rank(d) : 2; }

/* PyTorch's rule: operands rank as dimensioned tensors > 0-d tensors > wrapped numbers; a
 * lower-ranked operand changes the dtype only when its category is higher, and then a
 * wrapped number brings the default dtype of its category (float32, int64). */
static int priority(const mg_tensor *t) { return t->wrapped_number ? 0 : t->ndim == 0 ? 1 : 2; }

mg_dtype mg_result_type(const mg_tensor *a, const mg_tensor *b) {
  if (priority(a) == priority(b)) return rank(a->dtype) >= rank(b->dtype) ? a->dtype : b->dtype;
  const mg_tensor *hi = priority(a) > priority(b) ? a : b, *lo = hi == a ? b : a;
  if (category(lo->dtype) <= category(hi->dtype)) return hi->dtype;
  if (lo->wrapped_number) return category(lo->dtype) == 2 ? MG_FLOAT32 : MG_INT64;
  return lo->dtype;
}

double mg_load(mg_dtype dtype, const void *p) {
  switch (dtype) {
  case MG_FLOAT32: return *(const float *)p;
  case MG_FLOAT64: return *(const double *)p;
  case MG_INT64: return (double)*(const int64_t *)p;
  default: return *(const bool *)p;
  }
}

/* Float to int64 saturates (C leaves out-of-range conversions undefined); NaN gives 0. */
static int64_t to_int64(double v) {
  if (v != v) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)v;
}

void mg_store(mg_dtype dtype, void *p, double v) {
  switch (dtype) {
  case MG_FLOAT32: *(float *)p = (float)v; break;
  case MG_FLOAT64: *(double *)p = v; break;
  case MG_INT64: *(int64_t *)p = to_int64(v); break;
  default: *(bool *)p = v != 0; break;
  }
}

mg_tensor *mg_retain(mg_tensor *t) {
  t->refcount++;
  return t;
}

void mg_release(mg_tensor *t) {
  if (!t || --t->refcount > 0) return;
  mg_release(t->grad);
  mg_node_release(t->grad_fn);
  mg_storage_release(t->storage);
  free(t);
}

int64_t mg_numel(const mg_tensor *t) {
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->size[d];
  return n;
}

bool mg_is_contiguous(const mg_tensor *t) {
  int64_t expected = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->size[d] != 1 && t->stride[d] != expected) return false;
    expected *= t->size[d];
  }
  return true;
}

void *mg_data(const mg_tensor *t) {
  return (char *)t->storage->data + t->offset * (int64_t)mg_dtype_size(t->dtype);
}

void *mg_element(const mg_tensor *t, const int64_t *index) {
  int64_t off = t->offset;
  for (int d = 0; d < t->ndim; d++) off += index[d] * t->stride[d];
  return (char *)t->storage->data + off * (int64_t)mg_dtype_size(t->dtype);
}

size_t mg_storage_nbytes(const mg_tensor *t) { return t->storage->nbytes; }

bool mg_same_storage(const mg_tensor *a, const mg_tensor *b) {
  return a->storage == b->storage;
}

static void contiguous_strides(int ndim, const int64_t *size, int64_t *stride) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    stride[d] = s;
    s *= size[d] > 0 ? size[d] : 1;
  }
}

mg_tensor *mg_make_view(const mg_tensor *base, int ndim, const int64_t *size,
                        const int64_t *stride, int64_t offset) {
  mg_tensor *t = malloc(sizeof *t);
  if (!t) return mg_fail_null("out of memory");
  *t = (mg_tensor){.dtype = base->dtype, .ndim = ndim, .offset = offset,
                   .storage = base->storage, .refcount = 1};
  if (ndim > 0) {
    memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
    memcpy(t->stride, stride, sizeof(int64_t) * (size_t)ndim);
  }
  base->storage->refcount++;
  return t;
}

#define MAX_BYTES ((int64_t)1 << 46) /* 64 TiB: beyond any machine, and far from overflow */

mg_tensor *mg_allocate(const char *what, mg_dtype dtype, int ndim, const int64_t *size) {
  char buf[MG_SHAPE_STR];
  if (ndim < 0 || ndim > MG_MAX_DIMS)
    return mg_fail_null("%s: expected at most %d dimensions, got %d", what, MG_MAX_DIMS, ndim);
  int64_t bytes = (int64_t)mg_dtype_size(dtype);
  for (int d = 0; d < ndim; d++) {
    if (size[d] < 0)
      return mg_fail_null("%s: sizes must be non-negative, got %s", what,
                          mg_shape_str(ndim, size, buf));
    if (size[d] > 0 && bytes > MAX_BYTES / size[d])
      return mg_fail_null("%s: shape %s is too large to allocate", what,
                          mg_shape_str(ndim, size, buf));
    bytes *= size[d];
  }
  mg_tensor *t = malloc(sizeof *t);
  if (!t) return mg_fail_null("out of memory");
  *t = (mg_tensor){.dtype = dtype, .ndim = ndim, .refcount = 1};
  t->storage = mg_storage_new((size_t)bytes);
  if (!t->storage) {
    free(t);
    return NULL;
  }
  if (ndim > 0) memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
  contiguous_strides(ndim, size, t->stride);
  return t;
}

mg_tensor *mg_empty(mg_dtype dtype, int ndim, const int64_t *size) {
  return mg_allocate("empty", dtype, ndim, size);
}

mg_tensor *mg_full(mg_dtype dtype, int ndim, const int64_t *size, double value) {
  mg_tensor *t = mg_allocate("full", dtype, ndim, size);
  if (t) mg_fill_(t, value);
  return t;
}

mg_tensor *mg_ones(mg_dtype dtype, int ndim, const int64_t *size) {
  mg_tensor *t = mg_allocate("ones", dtype, ndim, size);
  if (t) mg_fill_(t, 1);
  return t;
}

mg_tensor *mg_zeros(mg_dtype dtype, int ndim, const int64_t *size) {
  mg_tensor *t = mg_allocate("zeros", dtype, ndim, size);
  if (t) memset(mg_data(t), 0, (size_t)mg_numel(t) * mg_dtype_size(dtype));
  return t;
}

mg_tensor *mg_scalar(mg_dtype dtype, double value) {
  mg_tensor *t = mg_empty(dtype, 0, NULL);
  if (t) mg_store(dtype, mg_data(t), value);
  return t;
}

mg_tensor *mg_wrapped_number(double value, bool integral) {
  mg_tensor *t = mg_scalar(integral ? MG_INT64 : MG_FLOAT64, value);
  if (t) t->wrapped_number = true;
  return t;
}

mg_tensor *mg_arange(double start, double end, double step, mg_dtype dtype) {
  if (step == 0 || !isfinite(start) || !isfinite(end) || !isfinite(step))
    return mg_fail_null("arange: expected finite start, end and a non-zero step, got %g, %g, %g",
                        start, end, step);
  if ((end - start) / step < 0)
    return mg_fail_null("arange: step %g does not lead from %g towards %g", step, start, end);
  double count = ceil((end - start) / step);
  if (count > 1e15) return mg_fail_null("arange: %g elements is too many", count);
  int64_t n = (int64_t)count;
  mg_tensor *t = mg_allocate("arange", dtype, 1, &n);
  if (!t) return NULL;
  char *p = mg_data(t);
  for (int64_t i = 0; i < n; i++) mg_store(dtype, p + i * (int64_t)mg_dtype_size(dtype), start + (double)i * step);
  return t;
}

mg_tensor *mg_linspace(double start, double end, int64_t steps, mg_dtype dtype) {
  if (steps < 0) return mg_fail_null("linspace: expected steps >= 0, got %lld", (long long)steps);
  mg_tensor *t = mg_allocate("linspace", dtype, 1, &steps);
  if (!t) return NULL;
  char *p = mg_data(t);
  double step = steps > 1 ? (end - start) / (double)(steps - 1) : 0;
  /* Fill from both ends so that the last value is exactly end, as NumPy does. */
  for (int64_t i = 0; i < steps; i++) {
    double v = i < (steps + 1) / 2 ? start + step * (double)i : end - step * (double)(steps - 1 - i);
    mg_store(dtype, p + i * (int64_t)mg_dtype_size(dtype), v);
  }
  return t;
}

mg_tensor *mg_eye(int64_t n, int64_t m, mg_dtype dtype) {
  if (n < 0 || m < 0)
    return mg_fail_null("eye: sizes must be non-negative, got %lld x %lld", (long long)n, (long long)m);
  int64_t size[2] = {n, m};
  mg_tensor *t = mg_allocate("eye", dtype, 2, size);
  if (!t) return NULL;
  memset(mg_data(t), 0, (size_t)(n * m) * mg_dtype_size(dtype));
  char *p = mg_data(t);
  for (int64_t i = 0; i < n && i < m; i++)
    mg_store(dtype, p + (i * m + i) * (int64_t)mg_dtype_size(dtype), 1);
  return t;
}

/* ---- views -------------------------------------------------------------------------- */

/* Resolves a requested shape with at most one -1 against numel; writes it into out. */
static int infer_shape(const char *what, const mg_tensor *t, int ndim, const int64_t *size,
                       int64_t *out) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (ndim < 0 || ndim > MG_MAX_DIMS)
    return mg_fail("%s: expected at most %d dimensions, got %d", what, MG_MAX_DIMS, ndim);
  int infer = -1;
  int64_t known = 1;
  for (int d = 0; d < ndim; d++) {
    out[d] = size[d];
    if (size[d] == -1) {
      if (infer >= 0) return mg_fail("%s: only one dimension can be -1", what);
      infer = d;
    } else if (size[d] < 0) {
      return mg_fail("%s: invalid shape %s", what, mg_shape_str(ndim, size, b1));
    } else {
      known *= size[d];
    }
  }
  int64_t numel = mg_numel(t);
  if (infer >= 0 && known != 0 && numel % known == 0) out[infer] = numel / known;
  int64_t total = 1;
  for (int d = 0; d < ndim; d++) total *= out[d];
  if (total != numel || (infer >= 0 && known == 0))
    return mg_fail("%s: shape %s is invalid for a tensor of shape %s (%lld elements)", what,
                   mg_shape_str(ndim, size, b1), mg_shape_str(t->ndim, t->size, b2),
                   (long long)numel);
  return 0;
}

/* Strides for viewing t with a new shape without copying, as PyTorch's computeStride:
 * each run of merged old dims must be contiguous among themselves. Returns false if none. */
static bool view_strides(const mg_tensor *t, int ndim, const int64_t *size, int64_t *stride) {
  if (mg_numel(t) == 0 || t->ndim == 0) {
    contiguous_strides(ndim, size, stride);
    return true;
  }
  int view_d = ndim - 1;
  int64_t chunk = 1, base_stride = t->stride[t->ndim - 1];
  for (int d = t->ndim - 1; d >= 0; d--) {
    chunk *= t->size[d];
    if (d == 0 || (t->size[d - 1] != 1 && t->stride[d - 1] != chunk * base_stride)) {
      int64_t acc = 1;
      while (view_d >= 0 && (acc < chunk || size[view_d] == 1)) {
        stride[view_d] = acc * base_stride;
        acc *= size[view_d];
        view_d--;
      }
      if (acc != chunk) return false;
      if (d > 0) {
        chunk = 1;
        base_stride = t->stride[d - 1];
      }
    }
  }
  return view_d == -1;
}

/* ---- recording views ----------------------------------------------------------------
 * A view's result is a new header that records its own node: the backward rule maps the
 * gradient of the view back to the shape of the tensor viewed. */

/* Records the view op name that made out from t, keeping dim and k for the rule; a failure
 * (out NULL) passes on. */
static mg_tensor *record_view(mg_tensor *out, mg_tensor *t, const char *name,
                              mg_backward_fn backward, int dim, int64_t k) {
  mg_node *node;
  if (!out || mg_record(out, name, backward, 1, (const mg_tensor *[]){t}, &node)) return NULL;
  if (node) node->ctx.dim = dim, node->ctx.ints[0] = k;
  return out;
}

/* view, reshape, flatten, squeeze, unsqueeze: the gradient takes the input's shape back. */
static int reshape_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  gi[0] = mg_reshape((mg_tensor *)grad, node->inputs[0].ndim, node->inputs[0].size);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_view(mg_tensor *t, int ndim, const int64_t *size) {
  int64_t shape[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  if (infer_shape("view", t, ndim, size, shape)) return NULL;
  if (!view_strides(t, ndim, shape, stride))
    return mg_fail_null("view: the tensor's strides cannot express this shape without a "
                        "copy (use reshape, or contiguous first)");
  return record_view(mg_make_view(t, ndim, shape, stride, t->offset), t, "view",
                     reshape_backward, 0, 0);
}

/* reshape and flatten (what names the op): a view when the strides allow it, else a copy
 * given the new shape; either way one node. */
static mg_tensor *reshape(const char *what, mg_tensor *t, int ndim, const int64_t *size) {
  int64_t shape[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  if (infer_shape(what, t, ndim, size, shape)) return NULL;
  if (view_strides(t, ndim, shape, stride))
    return record_view(mg_make_view(t, ndim, shape, stride, t->offset), t, what,
                       reshape_backward, 0, 0);
  mg_tensor *out = mg_empty(t->dtype, t->ndim, t->size);
  if (out && mg_copy_raw(what, out, t)) mg_release(out), out = NULL;
  if (out) { /* a fresh contiguous copy: any shape of its size fits it */
    out->ndim = ndim;
    memcpy(out->size, shape, sizeof(int64_t) * (size_t)ndim);
    contiguous_strides(ndim, shape, out->stride);
  }
  return record_view(out, t, what, reshape_backward, 0, 0);
}

mg_tensor *mg_reshape(mg_tensor *t, int ndim, const int64_t *size) {
  return reshape("reshape", t, ndim, size);
}

/* transpose(dim0, dim1) is its own inverse (dim0 in dim, dim1 in ints[0]). */
static int transpose_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  gi[0] = mg_transpose((mg_tensor *)grad, node->ctx.dim, (int)node->ctx.ints[0]);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_transpose(mg_tensor *t, int dim0, int dim1) {
  if (t->ndim == 0 && dim0 == 0 && dim1 == 0)
    return record_view(mg_make_view(t, 0, t->size, t->stride, t->offset), t, "transpose",
                       transpose_backward, 0, 0);
  if (mg_check_dim("transpose", dim0, t->ndim) || mg_check_dim("transpose", dim1, t->ndim))
    return NULL;
  int64_t size[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  memcpy(size, t->size, sizeof size);
  memcpy(stride, t->stride, sizeof stride);
  size[dim0] = t->size[dim1], size[dim1] = t->size[dim0];
  stride[dim0] = t->stride[dim1], stride[dim1] = t->stride[dim0];
  return record_view(mg_make_view(t, t->ndim, size, stride, t->offset), t, "transpose",
                     transpose_backward, dim0, dim1);
}

/* The inverse permutation (in ctx.ints) puts the gradient's dims back. */
static int permute_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  int inverse[MG_MAX_DIMS];
  for (int d = 0; d < grad->ndim; d++) inverse[d] = (int)node->ctx.ints[d];
  gi[0] = mg_permute((mg_tensor *)grad, inverse);
  return gi[0] ? 0 : -1;
}

mg_tensor *mg_permute(mg_tensor *t, const int *dims) {
  int64_t size[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  bool seen[MG_MAX_DIMS] = {false};
  for (int d = 0; d < t->ndim; d++) {
    if (mg_check_dim("permute", dims[d], t->ndim)) return NULL;
    if (seen[dims[d]]) return mg_fail_null("permute: dimension %d repeats", dims[d] + 1);
    seen[dims[d]] = true;
    size[d] = t->size[dims[d]];
    stride[d] = t->stride[dims[d]];
  }
  mg_tensor *out = record_view(mg_make_view(t, t->ndim, size, stride, t->offset), t,
                               "permute", permute_backward, 0, 0);
  for (int d = 0; out && out->grad_fn && d < t->ndim; d++) out->grad_fn->ctx.ints[dims[d]] = d;
  return out;
}

/* narrow(dim, start) and select(dim, index) (dim in dim, start or index in ints[0]): zeros
 * of the input's shape with the gradient written into the part the view showed. A select's
 * gradient has one dim fewer than its input. */
static int slice_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  const mg_edge *in = &node->inputs[0];
  int dim = node->ctx.dim;
  int64_t at = node->ctx.ints[0];
  mg_tensor *z = mg_zeros(grad->dtype, in->ndim, in->size), *part = NULL;
  if (z) part = grad->ndim < in->ndim ? mg_select(z, dim, at) : mg_narrow(z, dim, at, grad->size[dim]);
  if (!part || mg_copy_raw(node->name, part, grad)) {
    mg_release(part), mg_release(z);
    return -1;
  }
  mg_release(part);
  gi[0] = z;
  return 0;
}

mg_tensor *mg_narrow(mg_tensor *t, int dim, int64_t start, int64_t length) {
  if (mg_check_dim("narrow", dim, t->ndim)) return NULL;
  if (start < 0 || length < 0 || start > t->size[dim] || length > t->size[dim] - start)
    return mg_fail_null("narrow: range of %lld elements from index %lld is out of bounds for "
                        "dimension %d of size %lld",
                        (long long)length, (long long)start + 1, dim + 1,
                        (long long)t->size[dim]);
  int64_t size[MG_MAX_DIMS];
  memcpy(size, t->size, sizeof size);
  size[dim] = length;
  return record_view(mg_make_view(t, t->ndim, size, t->stride, t->offset + start * t->stride[dim]),
                     t, "narrow", slice_backward, dim, start);
}

mg_tensor *mg_select(mg_tensor *t, int dim, int64_t index) {
  if (mg_check_dim("select", dim, t->ndim)) return NULL;
  if (index < 0 || index >= t->size[dim])
    return mg_fail_null("select: index %lld is out of range for dimension %d of size %lld",
                        (long long)index + 1, dim + 1, (long long)t->size[dim]);
  int64_t size[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++)
    if (d != dim) size[n] = t->size[d], stride[n++] = t->stride[d];
  return record_view(mg_make_view(t, n, size, stride, t->offset + index * t->stride[dim]), t,
                     "select", slice_backward, dim, index);
}

mg_tensor *mg_squeeze(mg_tensor *t, int dim) {
  if (dim != MG_ALL_DIMS && mg_check_dim("squeeze", dim, t->ndim)) return NULL;
  int64_t size[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++)
    if (t->size[d] != 1 || (dim != MG_ALL_DIMS && d != dim))
      size[n] = t->size[d], stride[n++] = t->stride[d];
  return record_view(mg_make_view(t, n, size, stride, t->offset), t, "squeeze",
                     reshape_backward, 0, 0);
}

mg_tensor *mg_unsqueeze(mg_tensor *t, int dim) {
  if (t->ndim >= MG_MAX_DIMS)
    return mg_fail_null("unsqueeze: a tensor has at most %d dimensions", MG_MAX_DIMS);
  if (mg_check_dim("unsqueeze", dim, t->ndim + 1)) return NULL;
  int64_t size[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  for (int d = 0, s = 0; d <= t->ndim; d++) {
    if (d == dim) {
      size[d] = 1;
      stride[d] = d < t->ndim ? t->stride[d] * t->size[d] : 1;
    } else {
      size[d] = t->size[s], stride[d] = t->stride[s];
      s++;
    }
  }
  return record_view(mg_make_view(t, t->ndim + 1, size, stride, t->offset), t, "unsqueeze",
                     reshape_backward, 0, 0);
}

mg_tensor *mg_expand(mg_tensor *t, int ndim, const int64_t *size) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (ndim < t->ndim || ndim > MG_MAX_DIMS)
    return mg_fail_null("expand: cannot expand shape %s to %s",
                        mg_shape_str(t->ndim, t->size, b1), mg_shape_str(ndim, size, b2));
  int64_t out[MG_MAX_DIMS], stride[MG_MAX_DIMS];
  int lead = ndim - t->ndim;
  for (int d = 0; d < ndim; d++) {
    int64_t have = d >= lead ? t->size[d - lead] : 1;
    out[d] = size[d] == -1 && d >= lead ? have : size[d];
    stride[d] = d >= lead ? t->stride[d - lead] : 0;
    if (out[d] < 0 || (have != out[d] && have != 1))
      return mg_fail_null("expand: cannot expand shape %s to %s (dimension %d: %lld vs %lld)",
                          mg_shape_str(t->ndim, t->size, b1), mg_shape_str(ndim, size, b2),
                          d + 1, (long long)have, (long long)size[d]);
    if (have != out[d]) stride[d] = 0;
  }
  /* the gradient as it is: the engine sums it over the dims expand added or stretched */
  return record_view(mg_make_view(t, ndim, out, stride, t->offset), t, "expand",
                     mg_pass_backward, 0, 0);
}

mg_tensor *mg_flatten(mg_tensor *t, int start_dim, int end_dim) {
  if (t->ndim == 0) return reshape("flatten", t, 1, (int64_t[]){1});
  if (mg_check_dim("flatten", start_dim, t->ndim) || mg_check_dim("flatten", end_dim, t->ndim))
    return NULL;
  if (start_dim > end_dim)
    return mg_fail_null("flatten: start dimension %d comes after end dimension %d",
                        start_dim + 1, end_dim + 1);
  int64_t size[MG_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++) {
    if (d > start_dim && d <= end_dim) size[n - 1] *= t->size[d];
    else size[n++] = t->size[d];
  }
  return reshape("flatten", t, n, size);
}
